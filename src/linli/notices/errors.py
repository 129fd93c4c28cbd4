from django.utils.translation import gettext_lazy as _

from linli.core.errors import Invalid, NotFound


class NoticeNotFound(NotFound):
    template = _("This notice does not exist, or is not yours to see.")


class UnknownKind(Invalid):
    code = "unknown_notice_kind"
    template = _("Unknown kind of notice “%(kind)s”. Use one of: %(kinds)s.")


class UnknownChannel(Invalid):
    code = "unknown_notice_channel"
    template = _("Unknown channel “%(channel)s”. Use one of: %(channels)s.")
