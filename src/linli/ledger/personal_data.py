"""What the ledger holds about a household: its accounts (money, points, green energy) and
every posting to them (``linli.core.personal_data``).

Nothing is erased: the ledger is append-only and the accounts must still balance; a household
that leaves keeps its postings under its id, which then names no one (the household row is
anonymised). Memos name group buys, never people.
"""

from linli.core.personal_data import Rows, plain_rows

from .models import Account, Posting

COVERS = ("ledger.account", "ledger.posting", "ledger.entry")


def export(household_id: int) -> dict[str, Rows]:
    accounts = Account.objects.filter(kind=Account.Kind.HOUSEHOLD, owner_id=household_id)
    return {
        "ledger_accounts": plain_rows(accounts.order_by("unit", "pk"), "id", "unit"),
        "ledger_lines": plain_rows(
            Posting.objects.filter(account__in=accounts).order_by("entry__at", "pk"),
            "account_id",
            "account__unit",
            "entry_id",
            "entry__kind",
            "entry__memo",
            "entry__method",
            "entry__reference",
            "entry__group_buy_id",
            "entry__order_id",
            "entry__at",
            "amount",
        ),
    }


def erase(household_id: int) -> None:
    """Nothing to erase: see the module text."""
