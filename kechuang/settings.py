"""Settings for kechuang, driven by KECHUANG_* environment variables.

Defaults suit a laptop demo (SQLite under var/, debug on). Production sets KECHUANG_DEBUG=0,
KECHUANG_SECRET_KEY and KECHUANG_ALLOWED_HOSTS, and usually KECHUANG_DATABASE_URL=postgres://…
"""

from __future__ import annotations

import datetime
from pathlib import Path

import dj_database_url

from kechuang.env import ConfigError, env_bool, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("KECHUANG_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("KECHUANG_DEBUG", True)

# A key that is only good for development; production must refuse it.
DEV_SECRET_KEY = "kechuang-insecure-development-key-do-not-use-in-production"  # noqa: S105
SECRET_KEY = env_str("KECHUANG_SECRET_KEY") or ""
if not SECRET_KEY:
    if not DEBUG:
        raise ConfigError("KECHUANG_SECRET_KEY must be set when KECHUANG_DEBUG is off")
    SECRET_KEY = DEV_SECRET_KEY
elif not DEBUG and (SECRET_KEY == DEV_SECRET_KEY or len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5):
    raise ConfigError("KECHUANG_SECRET_KEY is the default or too weak: give at least 50 random characters")

ALLOWED_HOSTS = env_list("KECHUANG_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("KECHUANG_CSRF_TRUSTED_ORIGINS", [])


def _database() -> dict:
    url = env_str("KECHUANG_DATABASE_URL") or f"sqlite:///{VAR_DIR / 'kechuang.sqlite3'}"
    try:
        config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    except Exception as exc:  # dj_database_url raises several types for a bad URL
        raise ConfigError(f"KECHUANG_DATABASE_URL={url!r} is not a database URL: {exc}") from exc
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # A fresh clone has no var/ yet (it is not in git); SQLite will not create the folder.
        if config["NAME"] and config["NAME"] != ":memory:":
            Path(config["NAME"]).parent.mkdir(parents=True, exist_ok=True)
        config["CONN_MAX_AGE"] = 0
        # WAL lets readers work while a writer commits; FULL sync survives a power cut.
        config["OPTIONS"] = {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    elif config["ENGINE"] not in ("django.db.backends.postgresql",):
        raise ConfigError(f"KECHUANG_DATABASE_URL: unsupported database engine {config['ENGINE']}")
    config["ATOMIC_REQUESTS"] = True  # a request's change and its audit rows commit together
    config.setdefault("TEST", {})
    return config


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# One Django app per domain (DESIGN.md). Each may provide urls.py, api.py (`router`, `PREFIX`),
# importers.py, demo.py (`build`, `ORDER`) and its own locale/ catalogue.
KECHUANG_DOMAIN_APPS = [
    "org",
    "plan",
    "dispatch",
    "enterprises",
    "projects",
    "transfer",
    "talent",
    "platforms",
    "documents",
    "public",
]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "auditlog",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "kechuang.core",
    *KECHUANG_DOMAIN_APPS,
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "kechuang.core.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "kechuang.core.middleware.ChineseByDefaultMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "kechuang.core.middleware.SessionLifetimeMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "kechuang.core.otp.SecondFactorMiddleware",
    "kechuang.core.passwords.PasswordPolicyMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "kechuang.core.middleware.StaleVersionMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    "axes.middleware.AxesMiddleware",
]

# Login lockout (security.md item 18): 5 failures lock the username+IP pair for 15 minutes; a
# success resets the count. Locking the pair, not the username, stops an outsider locking a
# district officer out.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "kechuang.core.backends.ExpiringModelBackend",
]
AXES_ENABLED = env_bool("KECHUANG_LOGIN_LOCKOUT", True)
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = datetime.timedelta(minutes=15)
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked.html"
AXES_VERBOSE = False

ROOT_URLCONF = "kechuang.urls"
WSGI_APPLICATION = "kechuang.wsgi.application"
AUTH_USER_MODEL = "org.User"
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/accounts/login/"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "kechuang" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "kechuang.core.context.site",
            ]
        },
    }
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # 等保: three character classes and none of the last three (security.md item 19).
    {"NAME": "kechuang.core.passwords.CharClassesValidator", "OPTIONS": {"min_classes": 3}},
    {"NAME": "kechuang.core.passwords.PasswordHistoryValidator", "OPTIONS": {"last": 3}},
]
# Initial passwords (set by someone else) must be changed at first sign-in; off by default with
# debug on, so the demo's accounts work as printed. Any password expires after N days (0 = never).
PASSWORD_CHANGE_INITIAL = env_bool("KECHUANG_PASSWORD_CHANGE_INITIAL", not DEBUG)
PASSWORD_EXPIRY_DAYS = int(env_str("KECHUANG_PASSWORD_EXPIRY_DAYS", "90") or 0)

# Second factor (security.md item 30, 等保 level 3, off by default): with it on, bureau admins and
# staff enrol a TOTP app and give a code after the password (kechuang/core/otp.py).
OTP_REQUIRED = env_bool("KECHUANG_OTP_REQUIRED", False)
OTP_TOTP_ISSUER = "kechuang"
# Accounts (security.md item 27): `kechuang accounts-expire` disables an account after its
# expiry date and, when this is > 0, one not signed in to for this many days (0 = off).
ACCOUNT_INACTIVE_DAYS = int(env_str("KECHUANG_ACCOUNT_INACTIVE_DAYS", "0") or 0)
# Audit events are kept this long at least; 网络安全法 §21 sets the floor at 180 days.
AUDIT_RETENTION_DAYS = int(env_str("KECHUANG_AUDIT_RETENTION_DAYS", "180") or 0)
if AUDIT_RETENTION_DAYS < 180:
    raise ConfigError("KECHUANG_AUDIT_RETENTION_DAYS must be at least 180 (网络安全法 §21)")
# `kechuang check` warns in production when the last restore drill is older than this (item 26).
BACKUP_DRILL_MAX_AGE_DAYS = 35

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]  # native names, never translated
LOCALE_PATHS = [BASE_DIR / "kechuang" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "kechuang" / "static"]
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = True  # serve straight from the app in the demo, no collectstatic step
WHITENOISE_AUTOREFRESH = DEBUG

DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 5000

# Idle timeout: the cookie age counts from the last save, so save on every request
# (security.md item 20); the absolute lifetime is enforced by SessionLifetimeMiddleware.
SESSION_COOKIE_AGE = 30 * 60
# Idle timeout: an active session is saved (its expiry pushed back) once a minute, not on every
# request (kechuang.core.middleware.SessionLifetimeMiddleware).
SESSION_SAVE_EVERY_REQUEST = False
SESSION_TOUCH_SECONDS = 60
SESSION_ABSOLUTE_SECONDS = 12 * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Content-Security-Policy (django-csp 4, security.md item 22): scripts only from our own static
# files (no inline script, no handlers in attributes), nothing may frame a page. Inline style
# attributes are still allowed (several pages set widths inline); the API's Swagger page loads
# its own scripts and is left out. KECHUANG_CSP_REPORT_ONLY=1 reports instead of enforcing.
CONTENT_SECURITY_POLICY = {
    "EXCLUDE_URL_PREFIXES": ["/api/v1/docs"],
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
if env_bool("KECHUANG_CSP_REPORT_ONLY", False):
    CONTENT_SECURITY_POLICY_REPORT_ONLY, CONTENT_SECURITY_POLICY = CONTENT_SECURITY_POLICY, None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

if not DEBUG:
    # Production sits behind a TLS proxy (CONTRACTS.md): trust its X-Forwarded-Proto only.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# django-auditlog: correlation id per request (our X-Request-ID) and the client IP.
AUDITLOG_CID_HEADER = "x-request-id"
AUDITLOG_DISABLE_REMOTE_ADDR = False
AUDITLOG_INCLUDE_ALL_MODELS = False

# Background jobs (kechuang/core/jobs.py, docs/deploy.md): "database" puts them on django-tasks'
# database queue for `kechuang worker` processes (the production default); "thread" runs them in
# the app server (the laptop default, nothing else to start).
KECHUANG_JOBS_BACKEND = env_str("KECHUANG_JOBS_BACKEND") or ("thread" if DEBUG else "database")
if KECHUANG_JOBS_BACKEND not in ("database", "thread"):
    raise ConfigError("KECHUANG_JOBS_BACKEND must be 'database' or 'thread'")
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# security.md item 30, two switches, off by default (kechuang/core/crypto.py). KECHUANG_FIELD_KEY
# (hex, 16 or 32 bytes): ID and phone numbers SM4-encrypted at rest; convert stored rows with
# `kechuang pii-encrypt` (and `--decrypt` before removing the key). KECHUANG_SNAPSHOT_KEY (hex,
# >= 16 bytes): approved document snapshots carry an HMAC-SM3, checked on use and by
# `kechuang snapshots-verify`. Keep both keys out of the database and its backups.
KECHUANG_FIELD_KEY = env_str("KECHUANG_FIELD_KEY") or ""
KECHUANG_SNAPSHOT_KEY = env_str("KECHUANG_SNAPSHOT_KEY") or ""

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "kechuang.core.middleware.RequestIdLogFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["request_id"]}
    },
    "root": {"handlers": ["console"], "level": "WARNING"},
}

# Demo data is only ever created with debug on (CONTRACTS.md: never in production mode).
KECHUANG_DEMO_ALLOWED = DEBUG
