"""Test settings: the real settings, made fast and deterministic."""

import os

os.environ.setdefault("DEBUG", "true")

from coprod.settings import *  # noqa: F403
from coprod.settings import BASE_DIR, DATABASES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
# The browser tests drive a live server from the test thread with Playwright's sync API.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file database (not :memory:) so threads of the live server share it (TRAPS.md).
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "var" / "test.sqlite3")}
