"""Numbers in forms read as the user's language writes them (losen.apps.common.forms)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django import forms
from django.utils import translation

from losen.apps.common.forms import DecimalNumberField, plain_decimal


class HoursForm(forms.Form):
    hours = DecimalNumberField(max_digits=6, decimal_places=2, required=False, min_value=0)


def _shown(language: str, value) -> str:
    with translation.override(language):
        html = str(HoursForm(initial={"hours": value})["hours"])
    return html.split('value="')[1].split('"')[0]


@pytest.mark.parametrize(
    ("language", "value", "shown"),
    [
        ("nb", Decimal("2.00"), "2"),
        ("nb", Decimal("2.50"), "2,5"),
        ("nn", Decimal("3.25"), "3,25"),
        ("nb", Decimal("100"), "100"),
        ("en", Decimal("2.50"), "2.5"),
        ("en", Decimal("2.00"), "2"),
        ("nb", 1.5, "1,5"),
    ],
)
def test_a_decimal_is_shown_without_trailing_zeros_in_the_language(language, value, shown):
    assert _shown(language, value) == shown


def test_the_input_is_text_with_a_decimal_keypad_not_a_number_input():
    html = str(HoursForm()["hours"])
    assert 'type="text"' in html and 'inputmode="decimal"' in html


@pytest.mark.parametrize(
    ("language", "typed", "value"),
    [
        ("nb", "2,5", Decimal("2.5")),
        ("nb", "2.5", Decimal("2.5")),
        ("nn", " 2,50 ", Decimal("2.5")),
        ("nb", "1 000,5", Decimal("1000.5")),
        ("nb", "1\u00a0000", Decimal("1000")),
        ("nb", "1.000,5", Decimal("1000.5")),
        ("en", "2.5", Decimal("2.5")),
        ("en", "1,000.5", Decimal("1000.5")),
        ("en", "2,5", Decimal("2.5")),
        ("nb", "", None),
    ],
)
def test_a_decimal_comma_or_point_is_read(language, typed, value):
    with translation.override(language):
        form = HoursForm({"hours": typed})
        assert form.is_valid(), form.errors
    assert form.cleaned_data["hours"] == value


@pytest.mark.parametrize("typed", ["to", "2,5,5", "1e400", "NaN", "2,555"])
def test_what_is_not_a_number_of_hours_is_refused(typed):
    with translation.override("nb"):
        assert not HoursForm({"hours": typed}).is_valid()


def test_plain_decimal_never_writes_an_exponent():
    assert str(plain_decimal(Decimal("100.00"))) == "100"
    assert str(plain_decimal(Decimal("0.50"))) == "0.5"


@pytest.mark.parametrize(
    ("language", "value", "shown"),
    [("nb", Decimal("3.50"), "3,5"), ("nn", Decimal("2.00"), "2"), ("en", Decimal("2.50"), "2.5")],
)
def test_the_page_filter_writes_hours_without_trailing_zeros(language, value, shown):
    from django.template import Context, Template

    template = Template("{% load losen_numbers %}{{ hours|decimal }}")
    with translation.override(language):
        assert template.render(Context({"hours": value})) == shown
    assert Template("{% load losen_numbers %}{{ hours|decimal }}").render(Context({})) == ""
