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
        # Early access: the group buys (below us) ask whether a household may order before
        # a group buy opens.
        from linli.groupbuys import early_access as groupbuys_early_access

        from .early_access import head_start

        groupbuys_early_access.register("rewards", head_start)
