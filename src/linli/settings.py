"""Django settings for Linli.

Everything a deployment changes comes from the environment:

- ``DATABASE_URL``: ``postgresql://user@host:5432/name``; unset means an embedded SQLite file
  under ``var/`` in WAL mode.
- ``LINLI_SECRET_KEY``: unset means a key generated once and kept in ``var/secret.key``.
- ``LINLI_DEBUG``: ``1`` for Django's debug pages.
- ``LINLI_ALLOWED_HOSTS``: comma-separated host names.
- ``LINLI_VAR``: where the SQLite file, the secret key and collected static files live.
- ``LINLI_SITE_URL``: the scheme and host people reach the site on (``https://linli.example``),
  for addresses written where no request tells it: the QR codes of a printed pickup sheet, the
  links in notices sent by e-mail.
- ``LINLI_EMAIL_HOST`` (and ``LINLI_EMAIL_PORT``, ``LINLI_EMAIL_USER``,
  ``LINLI_EMAIL_PASSWORD``, ``LINLI_EMAIL_TLS=1``, ``LINLI_EMAIL_FROM``): the SMTP server that
  notices are e-mailed through; unset means each e-mail is written to a file in ``var/mail``
  (the demo), and nothing leaves the machine.
"""

import os
import secrets
from pathlib import Path

import dj_database_url

PACKAGE_DIR = Path(__file__).resolve().parent
BASE_DIR = PACKAGE_DIR.parent.parent
VAR_DIR = Path(os.environ.get("LINLI_VAR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    if key := os.environ.get("LINLI_SECRET_KEY"):
        return key
    path = VAR_DIR / "secret.key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = os.environ.get("LINLI_DEBUG") == "1"
ALLOWED_HOSTS = os.environ.get("LINLI_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver").split(
    ","
)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_tasks_db",
    "linli.core",
    "linli.accounts",
    "linli.communities",
    "linli.catalog",
    "linli.groupbuys",
    "linli.aftersales",
    "linli.ledger",
    "linli.jielong",
    "linli.notices",
    "linli.forecasts",
    "linli.relations",
    "linli.privacy",
    "linli.rewards",
    "linli.storefronts",
    "linli.connect",
    "linli.web",
    "linli.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "linli.core.middleware.RequestContextMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "linli.urls"
WSGI_APPLICATION = "linli.wsgi.application"

TEMPLATES = [
    {  # the pages (decision 0016): each app's jinja2/ folder
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "environment": "linli.web.jinja.environment",
            "context_processors": ["linli.web.jinja.page_context"],
        },
    },
    {  # Django's admin
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]


def _database(url: str | None) -> dict:
    if not url:
        url = f"sqlite:///{VAR_DIR / 'linli.sqlite3'}"
    db = dj_database_url.parse(url, conn_max_age=600, conn_health_checks=True)
    if db["ENGINE"] == "django.db.backends.sqlite3":
        db["ENGINE"] = "linli.core.sqlite"
        db["CONN_MAX_AGE"] = 0 if os.environ.get("LINLI_SQLITE_SHORT_CONNECTIONS") else 600
        db["OPTIONS"] = {
            # Writers take the lock when the transaction starts, so a read followed by a
            # write inside one service call can never be overtaken by another writer.
            "transaction_mode": "IMMEDIATE",
            "timeout": 30,
            "init_command": (
                "PRAGMA journal_mode=WAL;"
                "PRAGMA synchronous=NORMAL;"
                "PRAGMA foreign_keys=ON;"
                "PRAGMA cache_size=-65536;"
                "PRAGMA temp_store=MEMORY;"
            ),
        }
        # Tests use a real file, not shared-cache memory: threads then lock the way they do
        # in production (WAL, busy timeout) instead of failing with SQLITE_LOCKED.
        db["TEST"] = {"NAME": str(VAR_DIR / f"test-linli-{os.getpid()}.sqlite3")}
    else:
        # One test database per test run, so that runs side by side never meet.
        db["TEST"] = {"NAME": f"test_linli_{os.getpid()}"}
    return db


DATABASES = {"default": _database(os.environ.get("DATABASE_URL"))}

# One cache for every worker, and for every machine on the same database: the password
# throttle must count attempts wherever they land, which a per-process cache does not. Only
# the throttle uses it, so a table (made by the core app's migrations) is fast enough.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "linli_cache",
    }
}
# Background jobs (django.tasks) in the database: no extra service on SQLite, and every
# worker on PostgreSQL shares one queue. ``linli worker`` runs them (docs/decisions/0018).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
# The session and its user are read with one written-out query each (every page asks).
AUTHENTICATION_BACKENDS = ["linli.accounts.sessions.Backend"]
SESSION_ENGINE = "linli.accounts.sessions"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
# Uploaded files (after-sales photos) through Django's storage API, under var/; never served
# as static files: a view that checks who asks hands each one out (linli.aftersales).
MEDIA_ROOT = Path(os.environ.get("LINLI_MEDIA", VAR_DIR / "media"))
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"

NINJA_PAGINATION_PER_PAGE = 50
# Every list pages with limit 1…200 and offset 0…10⁹, checked (docs/decisions/0027).
NINJA_PAGINATION_CLASS = "linli.core.paging.LinliPagination"

# Notices by e-mail (linli.notices, decision 0026), sent by the worker through Django's
# mailers: an SMTP server when one is named, else one file per e-mail in var/mail.
if os.environ.get("LINLI_EMAIL_HOST"):
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": os.environ["LINLI_EMAIL_HOST"],
                "port": int(os.environ.get("LINLI_EMAIL_PORT", "587")),
                "username": os.environ.get("LINLI_EMAIL_USER", ""),
                "password": os.environ.get("LINLI_EMAIL_PASSWORD", ""),
                "use_tls": os.environ.get("LINLI_EMAIL_TLS") == "1",
                "timeout": 20,
            },
        }
    }
else:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "OPTIONS": {"file_path": str(VAR_DIR / "mail")},
        }
    }
DEFAULT_FROM_EMAIL = os.environ.get("LINLI_EMAIL_FROM", "邻里 Linli <noreply@linli.localhost>")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LINLI_LOG_LEVEL", "WARNING")},
}

# The scheme and host of the site, without a trailing slash; empty: pages and the API take it
# from the request, and printed sheets' QR codes hold the bare pickup code.
LINLI_SITE_URL = os.environ.get("LINLI_SITE_URL", "").strip().rstrip("/")

# After-sales (docs/decisions/0025): a member reports a problem with collected goods within
# REPORT_HOURS of collecting them; the leader decides within DECIDE_HOURS of the report, after
# which the worker's clock hands the report to an operator.
LINLI_AFTER_SALES = {
    "REPORT_HOURS": int(os.environ.get("LINLI_AFTER_SALES_REPORT_HOURS", "24")),
    "DECIDE_HOURS": int(os.environ.get("LINLI_AFTER_SALES_DECIDE_HOURS", "48")),
}

# The relationship book (docs/decisions/0033, 0034): tie strength halves after HALF_LIFE_DAYS
# without contact; a gift or meal with a public official above OFFICIAL_LIMIT_FEN is flagged.
LINLI_RELATIONS = {
    "HALF_LIFE_DAYS": int(os.environ.get("LINLI_RELATIONS_HALF_LIFE_DAYS", "180")),
    "OFFICIAL_LIMIT_FEN": int(os.environ.get("LINLI_RELATIONS_OFFICIAL_LIMIT_FEN", "20000")),
}

# Forecasts (docs/decisions/0031, 0032): the most units the open form ever suggests per item.
LINLI_FORECASTS = {
    "SUGGESTION_CAP": int(os.environ.get("LINLI_SUGGESTION_CAP", "500")),
}

LINLI = {
    "DEMO_PASSWORD": "linli-demo-2026",
}

# Rewards and green energy (docs/decisions/0029, 0030): points expire POINTS_EXPIRE_DAYS after
# they are earned; energy appears the day after a pickup and lapses COLLECT_HOURS later; a
# household earns at most ENERGY_DAY_CAP_G grams a day. The energy model: VAN_DROP_G avoided per
# order collected at the gate, minus its share of the bulk delivery (VEHICLE_G_PER_KM over the
# road distance from depot to gate, ROAD_FACTOR × the straight line; DEFAULT_KM when a site has
# no coordinates).
LINLI_REWARDS = {
    "POINTS_EXPIRE_DAYS": int(os.environ.get("LINLI_POINTS_EXPIRE_DAYS", "365")),
    "COLLECT_HOURS": int(os.environ.get("LINLI_ENERGY_COLLECT_HOURS", "72")),
    "ENERGY_DAY_CAP_G": int(os.environ.get("LINLI_ENERGY_DAY_CAP_G", "2000")),
    "VAN_DROP_G": 181,
    "VEHICLE_G_PER_KM": 270,
    "ROAD_FACTOR": 1.3,
    "DEFAULT_KM": 15,
    # An early-access perk opens the group buys that open within this many days of redeeming.
    "EARLY_ACCESS_DAYS": int(os.environ.get("LINLI_EARLY_ACCESS_DAYS", "30")),
}

# Storefronts, presale and help-sell (linli.storefronts; docs/decisions/0037, 0038): how many
# leaders deep an offer may be passed (the first leader is level 1), and the operator's share
# of a help-sell sale's margin, in parts per million.
LINLI_HELP_SELL = {
    "MAX_DEPTH": int(os.environ.get("LINLI_HELP_SELL_MAX_DEPTH", "2")),
    "OPERATOR_PPM": int(os.environ.get("LINLI_HELP_SELL_OPERATOR_PPM", "100000")),
}
