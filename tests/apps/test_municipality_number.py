"""Municipality numbers: four digits, a real county number, a serial above 00."""

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from losen.apps.accounts.validators import COUNTY_NUMBERS, validate_municipality_number


@pytest.mark.parametrize("number", ["0301", "4601", "3103", "1508", "5001", "0104", "1902"])
def test_real_numbers_are_accepted(number):
    """Numbers of real municipalities (Oslo, Bergen, Moss, Ålesund, Trondheim, ...) pass."""
    validate_municipality_number(number)


@pytest.mark.parametrize(
    ("number", "code"),
    [
        ("301", "municipality_number_format"),
        ("03011", "municipality_number_format"),
        ("03a1", "municipality_number_format"),
        ("1301", "municipality_number_county"),
        ("9901", "municipality_number_county"),
        ("4600", "municipality_number_serial"),
    ],
)
def test_malformed_numbers_are_rejected_with_a_code(number, code):
    """Each way of being wrong has its own error code and message."""
    with pytest.raises(ValidationError) as error:
        validate_municipality_number(number)
    assert error.value.code == code


@given(st.text(max_size=6))
def test_anything_accepted_is_four_digits_with_a_county(value):
    """Whatever passes validation is four digits starting with a county number."""
    try:
        validate_municipality_number(value)
    except ValidationError:
        return
    assert len(value) == 4 and value.isdigit() and value[:2] in COUNTY_NUMBERS
