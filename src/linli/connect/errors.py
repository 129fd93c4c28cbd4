"""What can go wrong in consumer connect, each in the caller's language."""

from django.utils.translation import gettext_lazy as _

from linli.core.errors import Conflict, Forbidden, Invalid, NotFound


class ProgrammeNotFound(NotFound):
    code = "connect_programme_not_found"
    template = _("There is no such consumer-connect programme.")


class NotAllowed(Forbidden):
    code = "connect_not_allowed"
    template = _("Only operators who run consumer-connect programmes may do this.")


class StayNotFound(NotFound):
    code = "connect_stay_not_found"
    template = _("There is no such stay, or it is not yours.")


class ParticipantNotFound(NotFound):
    code = "connect_participant_not_found"
    template = _("There is no such participant in this programme.")


class HostNotFound(NotFound):
    code = "connect_host_not_found"
    template = _("There is no such host in this programme.")


class ReportNotFound(NotFound):
    code = "connect_report_not_found"
    template = _("There is no such report, or it is not yours.")


class InsightNotFound(NotFound):
    code = "connect_insight_not_found"
    template = _("There is no such insight.")


class WrongStep(Conflict):
    code = "connect_wrong_step"
    template = _("A stay that is %(status)s cannot be %(step)s.")


class NoConsent(Conflict):
    code = "connect_no_consent"
    template = _("Household %(household)s has not agreed to host visitors.")


class NoQuoteConsent(Conflict):
    code = "connect_no_quote_consent"
    template = _("The host has not agreed to be quoted: write it in your own words.")


class BadQr(NotFound):
    code = "connect_bad_qr"
    template = _("This QR code is not the one at your host's door.")


class BadInput(Invalid):
    """One or more fields or rows are wrong; ``details`` names each."""


class PhotoNotFound(NotFound):
    code = "connect_photo_not_found"
    template = _("There is no such photo, or it is not yours to see.")
