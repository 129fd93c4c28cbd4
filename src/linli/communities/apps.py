from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunitiesConfig(AppConfig):
    name = "linli.communities"
    label = "communities"
    verbose_name = _("Communities")

    def ready(self) -> None:
        # How to read the member and leader roles of a user (see ``linli.accounts.roles``).
        # What this app holds about a household, for its copy and its erasure (PIPL).
        from linli.core import personal_data as holders

        from . import (
            personal_data,
            roles,  # noqa: F401
        )

        holders.register(
            "communities",
            export=personal_data.export,
            erase=personal_data.erase,
            covers=personal_data.COVERS,
        )
