"""Consumer connect's data about a household (PIPL): the hosts it is, the stays it hosted and
what was written about them. A copy gives the household its own host rows and stays (the
visitors' names are not the household's data and are left out); an erasure takes the
household out of every programme: the host rows, their stays' reports and search entries go
(the meal fees already posted stay on the ledger, as every ledger row does)."""

from linli.core.personal_data import register

from . import search
from .models import Host, Note, Stay


def export(household_id: int) -> dict[str, list[dict]]:
    hosts = [
        dict(row)
        for row in Host.objects.filter(household_id=household_id)
        .order_by("pk")
        .values("id", "programme_id", "label", "profile", "district", "capacity",
                "stays_per_year", "available_weeks", "languages", "step_free", "active")
    ]  # fmt: skip
    stays = [
        {**row, "starts_on": row["starts_on"].isoformat()}
        for row in Stay.objects.filter(host__household_id=household_id)
        .order_by("pk")
        .values("id", "host_id", "starts_on", "days_planned", "days_done", "status")
    ]
    return {"connect_host": hosts, "connect_stay": stays}


def erase(household_id: int) -> None:
    notes = list(
        Note.objects.filter(report__stay__host__household_id=household_id).values_list(
            "pk", flat=True
        )
    )
    search.forget(search.NOTE, notes)
    Host.objects.filter(household_id=household_id).delete()


register("connect", export=export, erase=erase, covers=("connect.host",))
