"""Leaders' customers: a leader exports the contacts of the households in a community they
lead that consented to it (``Consent.Purpose.LEADER_CONTACTS``), as Excel. Every export is
audited: once for the export, and once per household listed, so each household sees it in
the copy of its data."""

import io

from django.db import transaction
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font

from linli.accounts.models import User
from linli.accounts.roles import roles
from linli.communities.looks import record_looks
from linli.communities.models import Community
from linli.core import audit
from linli.core.formatting import LocalTime

from .. import selectors
from ..errors import NotLeader

HEADER = ("楼栋 Building", "房号 Room", "联系人 Name", "电话 Phone", "同意时间 Consented")


def export_contacts(*, actor: User, community_id: int) -> tuple[bytes, str]:
    who = roles(actor)
    with transaction.atomic():
        community = Community.objects.filter(pk=community_id).first()
        if community is None or not who.manages(community_id):
            raise NotLeader()
        households = list(selectors.contacts_of(who, community_id))
        consented = selectors.consent_times([household.pk for household in households])
        book = Workbook()
        sheet = book.active
        sheet.title = "contacts"
        sheet.append(HEADER)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for household in households:
            at = consented.get(household.pk)
            sheet.append(
                [
                    household.building.name,
                    household.room,
                    household.contact_name,
                    household.phone,
                    str(LocalTime(at)) if at else "",
                ]
            )
        audit.record(
            actor=actor,
            action="contacts.exported",
            target=community,
            data={"community": community_id, "count": len(households)},
        )
        record_looks(
            actor=actor,
            who=who,
            household_ids=[household.pk for household in households],
            what="contacts_export",
        )
    out = io.BytesIO()
    book.save(out)
    stamp = timezone.localtime().strftime("%Y%m%d")
    return out.getvalue(), f"contacts-{community_id}-{stamp}.xlsx"
