"""How big a demo city is: one small set of numbers per ``--size``."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Scale:
    """The parameters of one demo size. Everything else follows from these and the seed."""

    name: str
    communities: int
    buildings: tuple[int, int]  # fewest and most per community
    households: int  # about this many in the whole city
    suppliers: int
    products: int
    days: int  # of group-buy history before today
    surge: tuple[int, int]  # the lockdown-like surge, in days before today: from, to
    member_share: float  # share of households with a signed-up member

    def __post_init__(self) -> None:
        low, high = self.buildings
        if not 1 <= low <= high:
            raise ValueError("buildings must be (fewest, most) with 1 <= fewest <= most")
        start, end = self.surge
        if not self.days >= start > end >= 0:
            raise ValueError("the surge must lie inside the history: days >= from > to >= 0")


SIZES: dict[str, Scale] = {
    "small": Scale(
        name="small",
        communities=4,
        buildings=(2, 5),
        households=320,
        suppliers=10,
        products=60,
        days=56,
        surge=(35, 21),
        member_share=0.4,
    ),
    "default": Scale(
        name="default",
        communities=40,
        buildings=(3, 30),
        households=20_000,
        suppliers=60,
        products=400,
        days=180,
        surge=(120, 90),
        member_share=0.35,
    ),
    "large": Scale(
        name="large",
        communities=400,
        buildings=(3, 30),
        households=200_000,
        suppliers=600,
        products=4_000,
        days=180,
        surge=(120, 90),
        member_share=0.35,
    ),
}
