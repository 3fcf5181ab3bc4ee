"""The password refusals are Norwegian: Django's own catalogues lack the minimum-length one."""

from __future__ import annotations

import pytest
from django.contrib.auth.password_validation import (
    get_default_password_validators,
    validate_password,
)
from django.core.exceptions import ValidationError
from django.utils import translation

from losen.apps.accounts.validators import MinimumLengthValidator


def _refusals(password: str, language: str) -> list[str]:
    with translation.override(language):
        with pytest.raises(ValidationError) as refused:
            validate_password(password)
        return [str(message) for message in refused.value.messages]


def test_the_project_validator_is_the_one_in_use():
    assert any(isinstance(v, MinimumLengthValidator) for v in get_default_password_validators())


def test_a_short_password_is_refused_in_bokmal():
    assert "Passordet er for kort. Det må ha minst 12 tegn." in _refusals("kort9x", "nb")


@pytest.mark.parametrize("language", ["nb", "nn"])
def test_no_refusal_is_in_english(language):
    for message in _refusals("12345", language):
        assert "password" not in message.lower(), message


def test_a_long_enough_password_passes_the_length_check():
    MinimumLengthValidator(min_length=12).validate("a" * 12)
    with pytest.raises(ValidationError) as refused:
        MinimumLengthValidator(min_length=12).validate("a" * 11)
    assert refused.value.code == "password_too_short"
