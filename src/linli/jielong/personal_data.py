"""What the 接龙 import holds about a household: the chain lines that became its orders (their
text names it: a nickname, a room) and its entries in the nickname book
(``linli.core.personal_data``)."""

from linli.core.personal_data import Rows, plain_rows

from .models import ImportedLine, NicknameBook

# What an erased chain line reads: the line stays (it keeps a re-import from adding the
# order again), its words go.
ERASED_TEXT = "—"

COVERS = ("jielong.importedline", "jielong.nicknamebook")


def export(household_id: int) -> dict[str, Rows]:
    return {
        "chain_lines": plain_rows(
            ImportedLine.objects.filter(household_id=household_id).order_by("pk"),
            "group_buy_id",
            "number",
            "text",
            "order_id",
            "imported_at",
        ),
        "nicknames": plain_rows(
            NicknameBook.objects.filter(household_id=household_id).order_by("pk"),
            "community__name",
            "nickname",
            "matched_at",
        ),
    }


def erase(household_id: int) -> None:
    ImportedLine.objects.filter(household_id=household_id).update(text=ERASED_TEXT)
    NicknameBook.objects.filter(household_id=household_id).delete()
