"""The forecasts' errors, in both languages."""

from django.utils.translation import gettext_lazy as _

from linli.core.errors import NotFound


class ForecastNotFound(NotFound):
    code = "forecast_not_found"
    template = _("There is no such forecast, or it is not yours to see.")
