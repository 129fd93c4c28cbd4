from django.db import models
from django.utils.translation import gettext_lazy as _


class DemoCity(models.Model):
    """The demo city in this database: how it was made, and whom to sign in as.

    Written when ``linli demo`` starts and finished when it ends, so that a second run can tell
    a finished demo (print the logins again) from one that stopped part-way, and both from a
    database that holds someone's real data.
    """

    seed = models.BigIntegerField(_("seed"))
    size = models.CharField(_("size"), max_length=10)
    today = models.DateField(_("history ends on"))
    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    logins = models.JSONField(_("logins"), default=dict, blank=True)  # role → username
    figures = models.JSONField(_("figures"), default=dict, blank=True)

    class Meta:
        verbose_name = _("demo city")
        verbose_name_plural = _("demo cities")

    def __str__(self) -> str:
        return f"demo {self.size} seed {self.seed}"
