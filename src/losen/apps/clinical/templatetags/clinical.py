"""The clinical sections of the person page, for clinicians only."""

from __future__ import annotations

from django import template
from django.utils import timezone

from ..access import is_clinician
from ..queries import person_summary

register = template.Library()


@register.inclusion_tag("clinical/_person_summary.html", takes_context=True)
def clinical_sections(context, person):
    """Safety notices, latest assessment and pathway, plan, step and latest scores.

    The person page has already fetched ``person`` through ``access_person_for_user`` (which
    audited the read); this adds nothing for users who are not clinicians.
    """
    request = context["request"]
    if not is_clinician(request):
        return {"show": False}
    return {
        "show": True,
        "person": person,
        "summary": person_summary(person, timezone.localdate()),
        "request": request,
    }


#: Designsystemet's colour for each notice level: the most urgent in the danger colour,
#: «snarlig» in warning, «rutine» in info (data-color on ds-alert and ds-tag).
NOTICE_COLOURS = {"akutt": "danger", "snarlig": "warning", "rutine": "info"}


@register.filter
def notice_colour(level: str) -> str:
    """The data-color of a notice level (``info`` for an unknown one)."""
    return NOTICE_COLOURS.get(level, "info")
