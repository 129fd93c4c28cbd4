"""What every benchmark needs: a throwaway database, Django set up on it, and the output.

A benchmark runs on the database *server* that ``DATABASE_URL`` names (embedded SQLite when it
is unset), never on that database itself:

- SQLite: a new temporary directory, passed as ``LINLI_VAR`` (to this process and to any
  server it starts), holds a fresh ``linli.sqlite3`` in WAL mode, the secret key and the
  collected static files;
- PostgreSQL: a database ``linli_bench_<name>_<pid>`` is created on that server (through its
  ``postgres`` maintenance database) and dropped at the end.

Both are removed when the benchmark ends, also on Ctrl-C or SIGTERM. Progress goes to stderr;
stdout carries the tables and, as its very last line, one JSON object with the figures.
"""

import contextlib
import json
import math
import os
import shutil
import signal
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parent.parent
LINLI = Path(sys.executable).with_name("linli")

out = Console(file=sys.stdout, width=None if sys.stdout.isatty() else 120, highlight=False)
err = Console(file=sys.stderr, width=None if sys.stderr.isatty() else 120, highlight=False)


# The tables the benchmarks write and read with bare connections, named as the migrations name
# them.
ORDER_TABLE = "groupbuys_order"
LINE_TABLE = "groupbuys_orderline"
ITEM_TABLE = "groupbuys_groupbuyitem"
PO_TABLE = "groupbuys_purchaseorder"
PO_LINE_TABLE = "groupbuys_purchaseorderline"

_STARTED = time.monotonic()


def say(message: str) -> None:
    """A progress line, on stderr, with the time since the benchmark started."""
    err.print(f"[dim]{time.monotonic() - _STARTED:7.1f}s[/dim] {message}")


@dataclass(frozen=True)
class BenchDatabase:
    vendor: str  # "sqlite" or "postgresql"
    name: str  # the SQLite file, or the PostgreSQL database name
    url: str  # DATABASE_URL of the throwaway database
    var_dir: Path  # LINLI_VAR for this process and its servers

    def environment(self) -> dict[str, str]:
        """The environment of a ``linli`` process that must use this database."""
        return {**os.environ, "DATABASE_URL": self.url, "LINLI_VAR": str(self.var_dir)}

    @property
    def label(self) -> str:
        return "SQLite" if self.vendor == "sqlite" else "PostgreSQL"


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def _admin_connection(url: str):
    """Autocommit connection to the server's maintenance database (``postgres``); the
    database in the URL only if there is no ``postgres`` database to connect to."""
    import psycopg

    try:
        return psycopg.connect(_with_database(url, "postgres"), autocommit=True)
    except psycopg.OperationalError:
        return psycopg.connect(url, autocommit=True)


def _drop_postgres(url: str, name: str) -> None:
    from psycopg import sql

    with _admin_connection(url) as admin:
        # FORCE: a server still shutting down may hold connections for a moment.
        admin.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def _raise_keyboard_interrupt(signum, frame):
    raise KeyboardInterrupt(f"signal {signum}")


@contextlib.contextmanager
def throwaway_database(bench: str) -> Iterator[BenchDatabase]:
    """Create the benchmark's own database, point this process at it, remove it at the end."""
    signal.signal(signal.SIGTERM, _raise_keyboard_interrupt)
    given = os.environ.get("DATABASE_URL", "")
    var_dir = Path(tempfile.mkdtemp(prefix=f"linli-bench-{bench}-"))
    created: str | None = None
    try:
        scheme = urlsplit(given).scheme if given else "sqlite"
        if scheme.startswith("sqlite"):
            path = var_dir / "linli.sqlite3"
            db = BenchDatabase("sqlite", str(path), f"sqlite:///{path}", var_dir)
        elif scheme in ("postgres", "postgresql", "pgsql"):
            from psycopg import sql

            name = f"linli_bench_{bench}_{os.getpid()}"
            with _admin_connection(given) as admin:
                admin.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
                )
                admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            created = name
            db = BenchDatabase("postgresql", name, _with_database(given, name), var_dir)
        else:
            raise SystemExit(f"DATABASE_URL: cannot benchmark on {scheme!r}")
        os.environ["DATABASE_URL"] = db.url
        os.environ["LINLI_VAR"] = str(var_dir)
        say(f"throwaway {db.label} database {db.name}")
        yield db
    finally:
        if "django" in sys.modules:
            with contextlib.suppress(Exception):
                from django.db import connections

                connections.close_all()
        if created:
            try:
                _drop_postgres(given, created)
            except Exception as error:  # pragma: no cover - reported, not hidden
                err.print(f"[red]could not drop database {created}: {error}[/red]")
        shutil.rmtree(var_dir, ignore_errors=True)


def setup_django(*, migrate: bool = True) -> None:
    """Set Django up on the throwaway database (call inside :func:`throwaway_database`)."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "linli.settings"
    import django

    django.setup()
    if migrate:
        from django.core.management import call_command

        started = time.perf_counter()
        call_command("migrate", interactive=False, verbosity=0)
        say(f"migrated in {time.perf_counter() - started:.1f} s")


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile of ``values`` (``q`` from 0 to 100); NaN when empty."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def table(title: str, columns: Sequence[str], rows: Sequence[Sequence[object]], **kw) -> Table:
    """A rich table; columns after the first are right-aligned (they hold figures)."""
    result = Table(title=title, title_justify="left", **kw)
    for index, column in enumerate(columns):
        result.add_column(column, justify="left" if index == 0 else "right")
    for row in rows:
        result.add_row(*(str(cell) for cell in row))
    return result


def rounded(value: float, digits: int) -> float | None:
    return None if value is None or math.isnan(value) else round(value, digits)


def emit(figures: dict) -> None:
    """Print the figures as one JSON object, the very last line of stdout."""
    out.file.flush()
    sys.stdout.write(json.dumps(figures, ensure_ascii=False) + "\n")
    sys.stdout.flush()
