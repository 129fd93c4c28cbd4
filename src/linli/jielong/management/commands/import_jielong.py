import json
import sys
from dataclasses import asdict
from pathlib import Path

from django.core.management import CommandError
from rich.table import Table

from linli.accounts.roles import Roles, roles
from linli.core.management.base import LinliCommand
from linli.groupbuys import selectors as group_buy_selectors
from linli.jielong import selectors, services


class Command(LinliCommand):
    help = (
        "Import a WeChat 接龙 chain into a group buy: --preview shows how each line reads (and "
        "stores nothing); without it the orders are placed, acting as --as USERNAME. "
        '--match "阿芳=3-1201" first remembers whose a nickname is (the nickname book).'
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The chain as text (UTF-8); - reads standard input")
        parser.add_argument("--group-buy", type=int, required=True, metavar="ID")
        parser.add_argument("--preview", action="store_true", help="Show, store nothing")
        parser.add_argument("--json", action="store_true", help="One JSON object per line")
        parser.add_argument(
            "--match",
            action="append",
            default=[],
            metavar="NICKNAME=ROOM",
            help=(
                "Remember whose a nickname of a line without an address is, by the household's "
                'building and room ("阿芳=3-1201"), before reading the chain; repeatable. Needs --as.'
            ),
        )
        self.add_actor_argument(parser, required=False)

    def handle(self, *args, file, group_buy, preview, actor, match, **options):
        as_json = options["json"]
        text = self._read(file)
        user = self.actor(actor)
        if match:
            self._match(user, group_buy, match)
        if preview:
            # At the terminal, without --as, one sees what an operator sees.
            who = roles(user) if user is not None else Roles(user_id=None, operator=True)
            result = selectors.preview_import(who=who, group_buy_id=group_buy, text=text)
            if as_json:
                self._json([_line(line) for line in result.lines])
            else:
                self._table(result.lines)
            return
        if user is None:
            raise CommandError("Importing places orders: say who does it with --as USERNAME.")
        outcome = services.import_chain(actor=user, group_buy_id=group_buy, text=text)
        if as_json:
            self._json(
                [
                    {**_line(o.line), "done": o.done, "order": o.order_id, "error": o.error}
                    for o in outcome.outcomes
                ]
            )
            return
        self._table([o.line for o in outcome.outcomes], [o.error for o in outcome.outcomes])
        self.console.print(
            f"placed {outcome.placed} · changed {outcome.changed} · "
            f"cancelled {outcome.cancelled} · refused {outcome.refused}"
        )

    def _match(self, user, group_buy_id: int, pairs: list[str]) -> None:
        """Remember each NICKNAME=ROOM, acting as the user, in the group buy's community."""
        if user is None:
            raise CommandError(
                "Matching a nickname is a leader's word: say who with --as USERNAME."
            )
        who = roles(user)
        community_id = group_buy_selectors.group_buy_for(who, group_buy_id).community_id
        for pair in pairs:
            nickname, sep, room = pair.rpartition("=")
            if not sep or not room.strip():
                raise CommandError(
                    f'--match takes NICKNAME=ROOM, like "阿芳=3-1201", not {pair!r}.'
                )
            found = selectors.households_for_nickname(
                who=who, community_id=community_id, query=room
            )
            if len(found) != 1:
                raise CommandError(
                    f"{room!r} names {len(found)} households of the community; "
                    "give the building and room, like 3-1201."
                )
            entry = services.remember_nickname(
                actor=user,
                community_id=community_id,
                nickname=nickname,
                household_id=found[0].household_id,
            )
            self.console.print(f"“{entry.nickname}” is {found[0].label} from now on")

    @staticmethod
    def _read(file: str) -> str:
        try:
            data = sys.stdin.buffer.read() if file == "-" else Path(file).read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}.") from error
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise CommandError(f"{file} is not UTF-8 text.") from error

    def _json(self, rows: list[dict]) -> None:
        self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=1))

    def _table(self, lines, errors=None) -> None:
        table = Table("#", "household", "items", "action", "reason")
        for n, line in enumerate(lines):
            reason = (errors[n] if errors and errors[n] else None) or line.reason or ""
            if line.warning and not errors:
                reason = f"{reason} {line.warning}".strip()
            household = line.household or line.address or ""
            if line.needs_owner:
                household = f"? whose is “{line.nickname}”?"
            elif line.found_by == "nickname":
                household = f"{household} (“{line.nickname}”)"
            table.add_row(
                str(line.number or ""),
                household,
                " ".join(f"{i.name}×{i.quantity}" for i in line.items),
                line.action,
                reason,
            )
        self.console.print(table)
        if whose := sorted({line.nickname for line in lines if line.needs_owner}):
            self.console.print(
                f"{len(whose)} nickname(s) without an owner, nothing placed for them: "
                + ", ".join(whose)
                + '. Match each once with --match "NICKNAME=3-1201" --as LEADER.'
            )


def _line(line: selectors.PreviewLine) -> dict:
    """One chain line as the JSON preview shows it."""
    return {
        "index": line.index,
        "number": line.number,
        "text": line.text,
        "household": (
            {"id": line.household_id, "name": line.household} if line.household_id else None
        ),
        "nickname": line.nickname,
        "address": line.address,
        "items": [asdict(item) for item in line.items],
        "remark": line.remark,
        "action": line.action,
        "reason": line.reason,
        "warning": line.warning,
        "found_by": line.found_by,
        "needs_owner": line.needs_owner,
    }
