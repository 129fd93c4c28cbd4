from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RewardsConfig(AppConfig):
    name = "linli.rewards"
    label = "rewards"
    verbose_name = _("Rewards and green energy")

    def ready(self) -> None:
        from linli.core import personal_data

        from . import privacy

        personal_data.register(
            "rewards",
            export=privacy.export,
            erase=privacy.erase,
            covers=privacy.COVERS,
        )
