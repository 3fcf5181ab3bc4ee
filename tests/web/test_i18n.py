"""Every interface string is translatable and every catalogue is complete and up to date."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest
from django.test import Client

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
import messages  # noqa: E402 - tools/ is not a package

CATALOGUES = messages.catalogues()


@pytest.mark.parametrize("locale_dir", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
@pytest.mark.parametrize("language", ["nb", "nn", "en"])
def test_catalogue_has_every_string_translated(locale_dir, language):
    """No empty or fuzzy translation in bokmål, nynorsk or English."""
    entries = messages.read_catalogue(locale_dir / language / "LC_MESSAGES" / "django.po")
    assert entries
    missing = [msgid for msgid, strs in entries.items() if not all(strs)]
    assert missing == []


@pytest.mark.parametrize("locale_dir", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_catalogues_cover_the_same_strings(locale_dir):
    ids = {
        lang: set(messages.read_catalogue(locale_dir / lang / "LC_MESSAGES" / "django.po"))
        for lang in ("nb", "nn", "en")
    }
    assert ids["nb"] == ids["nn"] == ids["en"]


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext is not installed")
def test_catalogues_are_up_to_date_with_the_code(tmp_path):
    """Extracting strings from the code finds nothing a catalogue lacks.

    When this fails, run ``python tools/messages.py`` and translate the new strings.
    """
    assert messages.stale_catalogues(tmp_path) == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "expected"),
    [("nb", "Logg inn i Losen"), ("nn", "Logg inn i Losen"), ("en", "Log in to Losen")],
)
def test_language_switch_changes_the_interface(language, expected):
    """Choosing a language in the footer form shows the pages in that language."""
    client = Client()
    client.post("/i18n/sprak/", {"language": language, "next": "/logg-inn/"})
    page = client.get("/logg-inn/").content.decode()
    assert expected in page
    assert f'<html lang="{language}"' in page
