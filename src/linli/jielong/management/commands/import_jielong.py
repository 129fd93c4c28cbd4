import json
import sys
from dataclasses import asdict
from pathlib import Path

from django.core.management import CommandError
from rich.table import Table

from linli.accounts.roles import Roles, roles
from linli.core.management.base import LinliCommand
from linli.jielong import selectors, services


class Command(LinliCommand):
    help = (
        "Import a WeChat 接龙 chain into a group buy: --preview shows how each line reads (and "
        "stores nothing); without it the orders are placed, acting as --as USERNAME."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The chain as text (UTF-8); - reads standard input")
        parser.add_argument("--group-buy", type=int, required=True, metavar="ID")
        parser.add_argument("--preview", action="store_true", help="Show, store nothing")
        parser.add_argument("--json", action="store_true", help="One JSON object per line")
        self.add_actor_argument(parser, required=False)

    def handle(self, *args, file, group_buy, preview, actor, **options):
        as_json = options["json"]
        text = self._read(file)
        user = self.actor(actor)
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
            table.add_row(
                str(line.number or ""),
                line.household or line.address or "",
                " ".join(f"{i.name}×{i.quantity}" for i in line.items),
                line.action,
                reason,
            )
        self.console.print(table)


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
    }
