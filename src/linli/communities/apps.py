from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunitiesConfig(AppConfig):
    name = "linli.communities"
    label = "communities"
    verbose_name = _("Communities")

    def ready(self) -> None:
        # How to read the member and leader roles of a user (see ``linli.accounts.roles``).
        from . import roles  # noqa: F401
