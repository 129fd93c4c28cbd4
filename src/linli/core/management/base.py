"""What every ``linli`` command shares: the language of the terminal, one way to report a
user's mistake, ``--as USERNAME`` for commands that act for someone, and times read in
Asia/Shanghai."""

import os
from datetime import datetime
from typing import IO, TYPE_CHECKING, cast

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime
from rich.console import Console

from linli.core.errors import LinliError, render

if TYPE_CHECKING:
    # The user model of the settings (``AUTH_USER_MODEL``), as django-stubs' plugin reads it:
    # core knows no app, so it names the user model only through Django.
    from django.contrib.auth.models import _User


def terminal_language() -> str:
    setting = os.environ.get("LINLI_LANGUAGE") or os.environ.get("LANG", "")
    return "zh-hans" if setting.lower().startswith("zh") else "en"


class LinliCommand(BaseCommand):
    leave_locale_alone = True

    def execute(self, *args, **options):
        with translation.override(terminal_language()):
            try:
                return super().execute(*args, **options)
            except LinliError as error:
                lines = [str(error.message)]
                lines += [
                    f"  - {render(detail).get('message', detail)}" for detail in error.details
                ]
                raise CommandError("\n".join(lines)) from error

    @property
    def console(self) -> Console:
        # The wrapped stream itself: Django's wrapper would add a newline to every write.
        stream = cast(IO[str], self.stdout._out)
        return Console(file=stream, highlight=False, soft_wrap=True)

    @staticmethod
    def add_actor_argument(parser, required: bool = True) -> None:
        parser.add_argument(
            "--as",
            dest="actor",
            required=required,
            metavar="USERNAME",
            help="Who does this (their permissions apply, and the audit trail names them).",
        )

    @staticmethod
    def actor(username: str | None) -> "_User | None":
        """The active user named ``username`` (``--as``), or ``None`` when not given."""
        if username is None:
            return None
        user = get_user_model()._default_manager.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user named {username!r}.")
        return user

    @staticmethod
    def pairs(values: list[str], what: str = "ID=QUANTITY") -> list[tuple[int, int]]:
        """``["12=3", "14=1"]`` → ``[(12, 3), (14, 1)]``."""
        result = []
        for value in values:
            left, sep, right = value.partition("=")
            if not sep or not left.strip().isdigit() or not right.strip().lstrip("-").isdigit():
                raise CommandError(f"{value!r} is not {what}.")
            result.append((int(left), int(right)))
        return result

    @staticmethod
    def moment(value: str) -> datetime:
        """An ISO date-time; without an offset it is read as Asia/Shanghai time."""
        parsed = parse_datetime(value.replace("/", "-"))
        if parsed is None:
            raise CommandError(f"{value!r} is not a date and time like 2026-11-24 20:00.")
        if timezone.is_naive(parsed):
            parsed = timezone.make_aware(parsed)
        return parsed
