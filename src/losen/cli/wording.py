"""The translated wording layer for the pure commands, without a database.

``losen rank --explain``, ``losen smaa --explain`` and ``losen criteria swedish`` word the
domain's facts through :mod:`losen.apps.criteria.wording`, the layer the web pages use. It
needs Django's translation machinery but nothing else: when no settings are loaded yet, Django
is configured here with internationalisation only (no database, no installed apps; the
criteria app's catalogue is read through ``LOCALE_PATHS``, so models added to that app later
are never imported by these commands). Inside a configured Django (the test suite, ``losen
manage shell``) the settings in place are used.

Django is imported only when a command asks for sentences, so ``losen rank`` without
``--explain`` starts as fast as before.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from losen.domain.explain import Fact

LANGUAGES = ("nb", "nn", "en")
"""The ``--lang`` choices: bokmål (the default and source language), nynorsk, English."""

_LANGUAGE_NAMES = [("nb", "Norsk bokmål"), ("nn", "Norsk nynorsk"), ("en", "English")]


def _criteria_locale() -> Path:
    import losen.apps.criteria

    return Path(losen.apps.criteria.__file__).resolve().parent / "locale"


def configure() -> None:
    """Make Django's translations usable: minimal settings unless some are loaded already."""
    import django
    from django.apps import apps
    from django.conf import settings

    if not settings.configured:
        settings.configure(
            USE_I18N=True,
            LANGUAGE_CODE="nb",
            LANGUAGES=_LANGUAGE_NAMES,
            INSTALLED_APPS=[],
            LOCALE_PATHS=[str(_criteria_locale())],
        )
        # The app registry must be ready before translations load. With no apps, filling it
        # directly is all django.setup() would do that matters here, and it skips importing
        # the URL machinery (about 0.2 s).
        apps.populate([])
    elif not apps.ready:
        django.setup()


@contextmanager
def language(code: str) -> Iterator[ModuleType]:
    """Activate ``code`` (``nb``, ``nn``, ``en``) and yield the wording module."""
    configure()
    from django.utils import translation

    from losen.apps.criteria import wording

    with translation.override(code):
        yield wording


def explainer(code: str) -> Callable[[Sequence[Fact]], list[str]]:
    """A function wording facts as sentences in ``code`` (for ``rank_report(explain=...)``)."""

    def explain(facts: Sequence[Fact]) -> list[str]:
        with language(code) as wording:
            return wording.sentences(facts)

    return explain
