"""Django settings for Kyufu, read from the environment.

Every variable is documented in docs/configuration.md; the defaults run the
offline demo (SQLite, LINE sandbox, fake Amazon endpoint) on one machine.
"""

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    return env(name, "1" if default else "0").lower() in {"1", "true", "yes", "on"}


def env_float(name: str, default: float) -> float:
    return float(env(name, str(default)))


DEBUG = env_bool("KYUFU_DEBUG", False)
SECRET_KEY = env("KYUFU_SECRET_KEY", "insecure-demo-key-change-me-in-production")
ALLOWED_HOSTS = [
    h for h in env("KYUFU_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")
]
CSRF_TRUSTED_ORIGINS = [
    o for o in env("KYUFU_CSRF_TRUSTED_ORIGINS", "").split(",") if o
]

# Fernet keys (urlsafe base64, 32 bytes) for secrets at rest; the first key
# encrypts, all keys decrypt, so a new key can be put in front to rotate.
ENCRYPTION_KEYS = [
    k
    for k in env(
        "KYUFU_ENCRYPTION_KEYS", "ZGVtby1rZXktZGVtby1rZXktZGVtby1rZXktZGVtbyE="
    ).split(",")
    if k
]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tasks",
    "django_tasks_db",
    "kyufu.core",
    "kyufu.tenants",
    "kyufu.audit",
    "kyufu.programmes",
    "kyufu.line",
    "kyufu.intake",
    "kyufu.eligibility",
    "kyufu.payouts",
    "kyufu.staff",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "kyufu.urls"
WSGI_APPLICATION = "kyufu.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'kyufu.sqlite3'}"),
        conn_max_age=int(env("KYUFU_DB_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server read while the worker writes; the busy timeout
    # makes concurrent writers wait instead of failing at once.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
    # A file, not memory, so the browser test's live server and worker
    # threads share one test database through their own connections.
    # One file per process, so two test runs on one machine do not collide.
    DATABASES["default"]["TEST"] = {
        "NAME": str(BASE_DIR / "var" / f"test-{os.getpid()}.sqlite3")
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

TASKS = {
    "default": {
        "BACKEND": env("KYUFU_TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "staff:login"
LOGIN_REDIRECT_URL = "staff:dashboard"
LOGOUT_REDIRECT_URL = "staff:login"

LANGUAGE_CODE = "ja"
# Residents and clerks read Japanese whatever their browser asks for; the
# English source strings are for developers.
LANGUAGES = [("ja", _("Japanese"))]
LOCALE_PATHS = [BASE_DIR / "kyufu" / "locale"]
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns without it
# Front-end libraries come from the npm registry (package.json); Django
# serves their dist folders directly, nothing is copied by hand.
NODE_MODULES = BASE_DIR / "node_modules"
STATICFILES_DIRS = [("vendor", NODE_MODULES)] if NODE_MODULES.exists() else []
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

# --- Outside services -----------------------------------------------------
LINE_API_BASE_URL = env("LINE_API_BASE_URL", "https://api.line.me")
LINE_DATA_API_BASE_URL = env("LINE_DATA_API_BASE_URL", "https://api-data.line.me")
LINE_CONNECT_TIMEOUT = env_float("LINE_CONNECT_TIMEOUT", 3.0)
LINE_READ_TIMEOUT = env_float("LINE_READ_TIMEOUT", 10.0)

AGCOD_ENDPOINT = env("AGCOD_ENDPOINT", "https://agcod-v2-fe-gamma.amazon.com")
AGCOD_REGION = env("AGCOD_REGION", "us-west-2")
AGCOD_ACCESS_KEY_ID = env("AGCOD_ACCESS_KEY_ID", "AKIDEXAMPLEKYUFU")
AGCOD_SECRET_ACCESS_KEY = env("AGCOD_SECRET_ACCESS_KEY", "kyufu-demo-secret-key")
AGCOD_PARTNER_ID = env("AGCOD_PARTNER_ID", "Kyufu")
# Amazon recommends a 6 second client timeout (Incentives API FAQ).
AGCOD_TIMEOUT = env_float("AGCOD_TIMEOUT", 6.0)
AGCOD_MAX_ATTEMPTS = int(env("AGCOD_MAX_ATTEMPTS", "3"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "kv": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "kv"}},
    "root": {"handlers": ["console"], "level": env("KYUFU_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
