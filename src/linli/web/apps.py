from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    name = "linli.web"
    label = "web"
    verbose_name = _("Front door")

    def ready(self) -> None:
        # Every installed app's ``tiles.py`` declares its home-page tiles (see ``registry``).
        autodiscover_modules("tiles")
