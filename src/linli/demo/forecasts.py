"""The demo city's forecasts: one run of every series (so the leader's forecast page, the open
form's range and the supplier's next week have something to show), and the printed member's
household agreeing to suggestions from its orders (so its usual items show on its home page).
"""

from linli.accounts.models import User
from linli.communities.models import Consent, Member
from linli.communities.services import give_consent
from linli.forecasts.services import run_forecasts

from .city import MEMBER


def add(city) -> None:
    member = User.objects.get(pk=city.logins[MEMBER])
    household = Member.objects.filter(user=member).values_list("household_id", flat=True).first()
    if household is not None:
        give_consent(actor=member, household_id=household, purpose=Consent.Purpose.SUGGESTIONS)
    run_forecasts()
