"""Settings for worker processes started by the tests: Linli's, plus the counting subscriber."""

from linli.settings import *  # noqa: F403
from linli.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "tests.counting"]
