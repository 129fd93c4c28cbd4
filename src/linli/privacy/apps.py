from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "linli.privacy"
    label = "privacy"
    verbose_name = _("Privacy")

    def ready(self) -> None:
        # The audit trail of who looked at or changed a household (core keeps it, knowing no
        # household), and this app's own requests, for the household's copy and erasure.
        from linli.core import personal_data as holders

        from . import personal_data

        holders.register(
            "privacy",
            export=personal_data.export,
            erase=personal_data.erase,
            covers=personal_data.COVERS,
        )
