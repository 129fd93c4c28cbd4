from django.core.management.base import CommandError
from rich.table import Table

from linli.accounts import services
from linli.accounts.models import ApiToken, User
from linli.core.management.base import LinliCommand


def _system_actor() -> User | None:
    return User.objects.filter(is_superuser=True).order_by("pk").first()


class Command(LinliCommand):
    help = "Personal API tokens: create USERNAME [--name N] | list USERNAME | revoke TOKEN_ID"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Make a token; it is printed once")
        create.add_argument("username")
        create.add_argument("--name", default="cli")
        listing = sub.add_parser("list", help="A user's tokens")
        listing.add_argument("username")
        revoke = sub.add_parser("revoke", help="Revoke a token by id")
        revoke.add_argument("token_id", type=int)

    def handle(self, *args, **options):
        console = self.console
        action = options["action"]
        if action == "revoke":
            actor = _system_actor()
            if actor is None:
                raise CommandError("No operator account exists to revoke tokens as.")
            token = services.revoke_token(actor=actor, token_id=options["token_id"])
            console.print(f"revoked {token.prefix}… ({token.name}) of {token.user}")
            return
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"No user named {options['username']!r}.")
        if action == "create":
            _token, text = services.issue_token(actor=user, user=user, name=options["name"])
            console.print(text)
            return
        table = Table("id", "name", "prefix", "created", "last used", "revoked")
        for token in ApiToken.objects.filter(user=user):
            table.add_row(
                str(token.pk),
                token.name,
                token.prefix,
                f"{token.created_at:%Y-%m-%d %H:%M}",
                f"{token.last_used_at:%Y-%m-%d %H:%M}" if token.last_used_at else "",
                f"{token.revoked_at:%Y-%m-%d %H:%M}" if token.revoked_at else "",
            )
        console.print(table)
