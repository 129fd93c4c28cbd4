"""What every ``linli`` command shares: ``--as USERNAME`` names an active user of the settings'
user model (core knows no app), or is refused with the name given."""

import pytest
from django.core.management.base import CommandError

from linli.accounts.models import User
from linli.core.management.base import LinliCommand

from ..factories import UserFactory


def test_the_actor_is_the_active_user_of_that_name(db):
    user = UserFactory(username="wang")
    found = LinliCommand.actor("wang")
    assert type(found) is User and found.pk == user.pk
    assert LinliCommand.actor(None) is None


def test_an_unknown_or_inactive_name_is_refused(db):
    UserFactory(username="left", is_active=False)
    for name in ("left", "nobody"):
        with pytest.raises(CommandError) as refused:
            LinliCommand.actor(name)
        assert str(refused.value) == f"No active user named {name!r}."
