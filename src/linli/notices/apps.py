from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NoticesConfig(AppConfig):
    name = "linli.notices"
    label = "notices"
    verbose_name = _("Notices")

    def ready(self) -> None:
        # The channels a notice can go out by (the inbox, e-mail; an operator's SMS or WeChat
        # subscription messages later) register themselves when imported.
        # What this app holds about a household, for its copy and its erasure (PIPL).
        from linli.core import personal_data as holders

        from . import (
            channels,  # noqa: F401
            personal_data,
        )

        holders.register(
            "notices",
            export=personal_data.export,
            erase=personal_data.erase,
            covers=personal_data.COVERS,
        )
