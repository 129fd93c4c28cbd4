from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConnectConfig(AppConfig):
    name = "linli.connect"
    label = "connect"
    verbose_name = _("Consumer connect")

    def ready(self) -> None:
        from . import privacy, subscribers, tasks  # noqa: F401  (registers holders, jobs)
