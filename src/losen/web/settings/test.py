"""For the test suite: fast hashing, plain static storage, the database from the environment."""

from .base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed; Argon2 tested apart
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "tasks": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "tasks"},
}
# Tasks run where they are enqueued, so a page test sees the import done; the tests of the
# queue itself (tests/apps/jobs) switch to the database and RQ backends and run real workers.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Tests that check the audit anchor file give their own (a shared one would collect every run's).
AUDIT_ANCHOR_FILE = None
