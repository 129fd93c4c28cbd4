from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JielongConfig(AppConfig):
    name = "linli.jielong"
    label = "jielong"
    verbose_name = _("WeChat chains (接龙)")

    def ready(self) -> None:
        # What this app holds about a household, for its copy and its erasure (PIPL).
        from linli.core import personal_data as holders

        from . import personal_data

        holders.register(
            "jielong",
            export=personal_data.export,
            erase=personal_data.erase,
            covers=personal_data.COVERS,
        )
