from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StorefrontsConfig(AppConfig):
    name = "linli.storefronts"
    label = "storefronts"
    verbose_name = _("Storefronts")

    def ready(self) -> None:
        from linli.core import personal_data

        from . import selectors, services

        personal_data.register(
            "storefronts",
            export=selectors.personal_data,
            erase=services.erase_household,
            covers=("storefronts.follow", "storefronts.rating"),
        )
