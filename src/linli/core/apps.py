from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "linli.core"
    label = "core"
    verbose_name = _("Audit and requests")

    def ready(self) -> None:
        # Each app declares its event subscribers in events.py and its periodic jobs in
        # tasks.py; importing them registers both (linli.core.events, linli.core.clock).
        autodiscover_modules("events", "tasks")
