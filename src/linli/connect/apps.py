from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConnectConfig(AppConfig):
    name = "linli.connect"
    label = "connect"
    verbose_name = _("Consumer connect")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from . import privacy, search, subscribers, tasks  # noqa: F401  (registers holders, jobs)

        post_migrate.connect(search.forget_strays, sender=self)
