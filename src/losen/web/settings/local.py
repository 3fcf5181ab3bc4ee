"""The embedded default: SQLite under ``var/``, served over plain HTTP on this machine."""

from .base import *  # noqa: F403

DEBUG = False
