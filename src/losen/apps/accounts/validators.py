"""Validation of Norwegian municipality numbers (kommunenummer), and of passwords.

A municipality number is four digits: the county number (fylkesnummer) followed by a
two-digit serial within the county. Source: SSB's standard for municipality numbering
(KLASS classification 131) and county numbering (KLASS 104), including the county numbers
in use before 2020, in 2020–2023 and from 2024.
"""

from __future__ import annotations

import re

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

# County numbers that have been valid at some time since 1977 (KLASS 104).
COUNTY_NUMBERS = frozenset(
    {
        "01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12", "14", "15",
        "16", "17", "18", "19", "20", "30", "31", "32", "33", "34", "38", "39", "40", "42",
        "46", "50", "54", "55", "56",
    }
)  # fmt: skip

_FOUR_DIGITS = re.compile(r"[0-9]{4}")


def validate_municipality_number(value: str) -> None:
    """Raise ``ValidationError`` unless *value* is a well-formed municipality number."""
    if not isinstance(value, str) or not _FOUR_DIGITS.fullmatch(value):
        raise ValidationError(
            _("Kommunenummeret må ha nøyaktig fire sifre, for eksempel 0301."),
            code="municipality_number_format",
        )
    if value[:2] not in COUNTY_NUMBERS:
        raise ValidationError(
            _("%(county)s er ikke et fylkesnummer; de to første sifrene må være et fylke."),
            code="municipality_number_county",
            params={"county": value[:2]},
        )
    if value[2:] == "00":
        raise ValidationError(
            _("Løpenummeret i fylket (de to siste sifrene) kan ikke være 00."),
            code="municipality_number_serial",
        )


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's minimum-length check with its refusal worded in Losen's own catalogue.

    Django's bokmål and nynorsk catalogues have no translation of the refusal ("This password
    is too short …"), so a form would show it in English among Norwegian text; the help text
    is translated there and is left to Django.
    """

    def get_error_message(self) -> str:
        return ngettext(
            "Passordet er for kort. Det må ha minst %(min_length)d tegn.",
            "Passordet er for kort. Det må ha minst %(min_length)d tegn.",
            self.min_length,
        ) % {"min_length": self.min_length}
