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
