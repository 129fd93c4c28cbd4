from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JielongConfig(AppConfig):
    name = "linli.jielong"
    label = "jielong"
    verbose_name = _("WeChat chains (接龙)")
