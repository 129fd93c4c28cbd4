from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "linli.catalog"
    label = "catalog"
    verbose_name = _("Catalog")

    def ready(self) -> None:
        # How to read the supplier role of a user (see ``linli.accounts.roles``).
        from . import roles  # noqa: F401
