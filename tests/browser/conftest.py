"""A real browser: Playwright for Python driving Debian's Chromium (``/usr/bin/chromium``,
installed by ``.ci/run``; no browser download), against pytest-django's live server on the
test database (SQLite or PostgreSQL, as the run is).

Screenshots go to a temporary folder, or to ``LINLI_SCREENSHOTS`` (``docs/screenshots`` for
the README) when that is set.
"""

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import segno

# Playwright's sync API runs an event loop in the test's thread; the test still reads and
# writes the database through Django in between, which Django allows only when told.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
PHONE = {"width": 390, "height": 844}
PASSWORD = "pw-for-tests"  # tests/factories.py


def sign_in(browser, base: str, user, locale: str, *, javascript: bool = True):
    """A new phone-sized page of ``browser``, in ``locale``, signed in as ``user``."""
    context = browser.new_context(viewport=PHONE, locale=locale, java_script_enabled=javascript)
    page = context.new_page()
    page.goto(f"{base}/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url(f"{base}/")
    return page


@pytest.fixture(scope="session")
def playwright():
    """One Playwright per run: its sync API runs one per thread."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def chromium(playwright):
    browser = playwright.chromium.launch(
        executable_path=CHROMIUM, args=["--no-sandbox", "--disable-dev-shm-usage"]
    )
    yield browser
    browser.close()


def qr_video(text: str, path: Path, *, width: int = 640, height: int = 480) -> Path:
    """A Y4M video (what Chromium's fake camera plays, in a loop) of ``text`` as a QR code,
    black on white with a quiet zone: a text header, then frames of a Y plane (brightness)
    and U and V planes at a quarter of the size (128: no colour)."""
    matrix = segno.make(text, error="m").matrix
    modules = len(matrix) + 8  # four modules of quiet zone on each side
    side = min(width, height) * 9 // 10 // modules * modules
    assert side // modules >= 6, "modules of fewer than 6 pixels"
    left, top, step = (width - side) // 2, (height - side) // 2, side // modules
    luma = bytearray(b"\xff" * (width * height))
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            if dark:
                for line in range(step):
                    start = (top + (y + 4) * step + line) * width + left + (x + 4) * step
                    luma[start : start + step] = b"\x10" * step
    chroma = b"\x80" * (width // 2 * (height // 2))
    frame = b"FRAME\n" + bytes(luma) + chroma + chroma
    header = f"YUV4MPEG2 W{width} H{height} F10:1 Ip A1:1 C420jpeg\n".encode()
    path.write_bytes(header + frame * 2)
    return path


@pytest.fixture
def camera_chromium(playwright, tmp_path) -> Iterator[Callable]:
    """``camera_chromium(text)``: a Chromium of its own whose camera sees ``text`` as a QR code
    (Chromium's fake camera playing a Y4M file; camera permission granted without asking).
    Closed after the test."""
    browsers = []

    def launch(text: str):
        video = qr_video(text, tmp_path / f"camera-{len(browsers)}.y4m")
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-dev-shm-usage",
                "--use-fake-ui-for-media-stream",
                "--use-fake-device-for-media-stream",
                f"--use-file-for-fake-video-capture={video}",
            ],
        )
        browsers.append(browser)
        return browser

    yield launch
    for browser in browsers:
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
