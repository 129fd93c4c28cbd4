from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from linli.groupbuys import services

from ..groupbuys.presales import presale_world


def run(*args) -> str:
    out = StringIO()
    call_command("storefronts", *args, stdout=out)
    return out.getvalue()


def test_presales_harvest_and_offers_from_the_command_line(db):
    world = presale_world(communities=2, households=2, total=10)
    services.place_order(
        actor=world.members[0][0], group_buy_id=world.group_buys[0].pk, lines={world.items[0].pk: 4}
    )
    listing = run("presales", "--as", world.farmer.username)
    assert "4 / 10" in listing and "第1小区 4" in listing
    with pytest.raises(CommandError, match="still take orders"):
        run("harvest", str(world.presale.pk), "2", "--as", world.farmer.username)
    for leader, group_buy in zip(world.leaders, world.group_buys, strict=True):
        services.close_group_buy(actor=leader, group_buy_id=group_buy.pk, early=True)
    done = run("harvest", str(world.presale.pk), "2", "--as", world.farmer.username)
    assert "ordered 4, gets 2" in done
    offers = run("offers", "--as", world.farmer.username)
    assert "help-sell" in offers
