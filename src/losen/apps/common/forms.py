"""Form fields every app shares: numbers written and read the way the user's language writes them.

A decimal number in a form is shown and accepted in the active Django language, as the pages
show numbers (:func:`losen.apps.criteria.wording.number` and Django's ``floatformat``): bokmål
and nynorsk write a decimal comma («2,5»), English a decimal point («2.5»). A whole number is
shown without decimals («2», not «2.00»). Input with a decimal comma or a decimal point is
accepted in bokmål and nynorsk (people type both), and spaces between thousands are ignored.

The input is a text field with ``inputmode="decimal"`` (a number keypad on phones), not
``type="number"``: a number input shows and accepts only the browser's own notation, and a
scroll wheel changes its value by accident (the advice of GOV.UK's design system, «Text input:
asking for numbers», https://design-system.service.gov.uk/components/text-input/).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import get_language


def plain_decimal(value: Decimal) -> Decimal:
    """*value* without trailing zeros and never in exponent form: 2.00 → 2, 2.50 → 2.5,
    100 → 100 (``Decimal.normalize`` alone would give 1E+2)."""
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()


def _comma_language() -> bool:
    return (get_language() or "nb").split("-")[0] in ("nb", "nn", "no")


class DecimalNumberField(forms.DecimalField):
    """A :class:`~django.forms.DecimalField` shown and read in the active language.

    Shown: «2» for 2.00, «2,5» (bokmål, nynorsk) or «2.5» (English) for 2.50. Read: «2,5»,
    «2.5» and «1 000,5» in bokmål and nynorsk; «2.5», «1,000.5» and, since a comma that does
    not group thousands can only be a decimal comma, «2,5» in English. The limits and
    error messages are those of ``DecimalField``.
    """

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})
        )
        kwargs["localize"] = True
        super().__init__(*args, **kwargs)

    def prepare_value(self, value):
        if isinstance(value, int | float) and not isinstance(value, bool):
            value = Decimal(str(value))
        if isinstance(value, Decimal) and value.is_finite():
            return plain_decimal(value)
        return value

    def to_python(self, value):
        if not isinstance(value, str):
            return super().to_python(value)
        value = value.strip().replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
        if value in self.empty_values:
            return None
        if _comma_language():
            if "," in value and "." in value:
                # «1.000,5»: the point groups thousands, the comma is the decimal sign.
                value = value.replace(".", "")
            # A decimal comma or a decimal point: «2,5» and «2.5» are both 2.5.
            value = value.replace(",", ".")
        elif "." in value or all(len(group) == 3 for group in value.split(",")[1:]):
            value = value.replace(",", "")  # «1,000.5», «1,000»: commas group thousands
        else:
            value = value.replace(",", ".")  # «2,5»: a decimal comma typed anyway
        try:
            number = Decimal(value)
        except InvalidOperation:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        if not number.is_finite():
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return number
