"""What forecasts hold about a household: nothing stored (forecasts are per community and
product), but the usual items it reads from the household's order history when the household
agreed to suggestions; a copy shows them, as what Linli infers about the household
(``linli.core.personal_data``)."""

from dataclasses import asdict

from linli.accounts.roles import Roles
from linli.core.personal_data import Rows

from .selectors import usual_items

COVERS: tuple[str, ...] = ()


def export(household_id: int) -> dict[str, Rows]:
    # As the household itself reads them (none unless it agreed to suggestions).
    itself = Roles(user_id=None, household_id=household_id)
    return {
        "usual_items": [
            {
                key: value.isoformat() if hasattr(value, "isoformat") else value
                for key, value in asdict(item).items()
            }
            for item in usual_items(itself, household_id)
        ]
    }


def erase(household_id: int) -> None:
    """Nothing stored: see the module text."""
