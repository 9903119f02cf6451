"""Settings for the Django cases of the benchmark: the project's own, plus Django's admin (the
reference the list pages are compared with), debug off so no query log grows in memory."""

from kechuang.settings import *  # noqa: F403

INSTALLED_APPS = [*INSTALLED_APPS, "django.contrib.admin"]  # noqa: F405
ROOT_URLCONF = "bench.urls"
DEBUG = False
KECHUANG_JOBS_SYNC = True
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
AXES_ENABLED = False
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "ERROR"}}
