from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GroupBuysConfig(AppConfig):
    name = "linli.groupbuys"
    label = "groupbuys"
    verbose_name = _("Group buys")
