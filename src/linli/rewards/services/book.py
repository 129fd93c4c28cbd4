"""Points and energy on the ledger: the accounts and the entry kinds rewards posts.

Signs as for money (``linli.ledger.models``): a household's account is negative by what it
holds. Earning N points posts −N to the household and +N to the operator's points account;
spending, expiring and taking back post the other way. Energy the same in ``GREEN_G``: a
collection puts it on the household's account, watering a tree takes it off again.
"""

from linli.ledger.models import Entry, Unit
from linli.ledger.services import Acct, Kind, balance
from linli.ledger.services.posting import lock_account

PTS = Unit.POINTS.value
GREEN = Unit.GREEN.value

# The ledger's entry kinds rewards posts.
EARNED = Entry.Kind.POINTS_EARNED.value
TAKEN_BACK = Entry.Kind.POINTS_BACK.value
SPENT = Entry.Kind.POINTS_SPENT.value
EXPIRED = Entry.Kind.POINTS_EXPIRED.value
COLLECTED = Entry.Kind.ENERGY_IN.value
WATERED = Entry.Kind.ENERGY_TREE.value

POINTS_OPERATOR = Acct(Kind.OPERATOR, 0, unit=PTS)
ENERGY_OPERATOR = Acct(Kind.OPERATOR, 0, unit=GREEN)


def points_account(household_id: int) -> Acct:
    return Acct(Kind.HOUSEHOLD, household_id, unit=PTS)


def energy_account(household_id: int) -> Acct:
    return Acct(Kind.HOUSEHOLD, household_id, unit=GREEN)


def points_of(household_id: int) -> int:
    """The points a household holds, from the ledger."""
    return -balance(points_account(household_id))


def energy_of(household_id: int) -> int:
    """The collected energy a household has not given to a tree yet, from the ledger."""
    return -balance(energy_account(household_id))


def lock_points(household_id: int) -> None:
    """Serialise every change of one household's points (redeem, take back, pay a debt)."""
    lock_account(points_account(household_id))


def lock_energy(household_id: int) -> None:
    lock_account(energy_account(household_id))
