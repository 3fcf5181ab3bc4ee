"""Numbers on pages as the user's language writes them, through the one formatting module
(:func:`losen.apps.criteria.wording.number`): «2», «2,5» in bokmål and nynorsk, «2.5» in
English; no trailing zeros («3,5», not «3,50», which ``floatformat:"-2"`` gives)."""

from django import template

register = template.Library()


@register.filter
def decimal(value, decimals: int = 2) -> str:
    """*value* with at most *decimals* decimals, the zeros at the end left out; empty for
    None or for what is not a number."""
    from losen.apps.criteria.wording import number

    if value is None or value == "":
        return ""
    try:
        return number(float(value), int(decimals), trim=True)
    except (TypeError, ValueError):
        return ""
