"""A real browser: Playwright for Python driving Debian's Chromium (``/usr/bin/chromium``,
installed by ``.ci/run``; no browser download), against pytest-django's live server on the
test database (SQLite or PostgreSQL, as the run is).

Screenshots go to a temporary folder, or to ``LINLI_SCREENSHOTS`` (``docs/screenshots`` for
the README) when that is set.
"""

import os
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in the test's thread; the test still reads and
# writes the database through Django in between, which Django allows only when told.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="session")
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-dev-shm-usage"]
        )
        yield browser
        browser.close()


@pytest.fixture
def screenshots(tmp_path) -> Path:
    folder = Path(os.environ.get("LINLI_SCREENSHOTS") or tmp_path / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="session", autouse=True)
def _live_server_connections_end(django_db_setup, django_db_blocker):
    """The live server's request threads leave their PostgreSQL sessions open when the run
    ends, and the test database cannot be dropped while they are there (it would be left on
    the server, one per run). End them before the database is dropped."""
    yield
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
