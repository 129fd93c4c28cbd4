from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ForecastsConfig(AppConfig):
    name = "linli.forecasts"
    label = "forecasts"
    verbose_name = _("Forecasts")

    def ready(self) -> None:
        # The open form's suggested stock (the group buys sit below and cannot import us).
        from linli.groupbuys import suggestions

        from .suggestions import suggested_stock

        suggestions.register("forecasts", suggested_stock)
        # What forecasts infer about a household, for its copy (PIPL).
        from linli.core import personal_data as holders

        from . import personal_data

        holders.register(
            "forecasts",
            export=personal_data.export,
            erase=personal_data.erase,
            covers=personal_data.COVERS,
        )
