from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from linli.core.sqlite.flush import register_flush_triggers

from . import triggers


class LedgerConfig(AppConfig):
    name = "linli.ledger"
    label = "ledger"
    verbose_name = _("Ledger")

    def ready(self) -> None:
        # SQLite's flush drops the append-only triggers to empty the ledger, and creates them
        # again after (see ``triggers``).
        register_flush_triggers(
            "ledger",
            tables=triggers.TABLES,
            drop=triggers.sqlite_drop(),
            create=triggers.sqlite_create(),
        )
        # What this app holds about a household, for its copy and its erasure (PIPL).
        from linli.core import personal_data as holders

        from . import personal_data

        holders.register(
            "ledger",
            export=personal_data.export,
            erase=personal_data.erase,
            covers=personal_data.COVERS,
        )
