"""The «Vedtak» section of the person page."""

from __future__ import annotations

from django import template

from losen.apps.accounts.models import Role
from losen.apps.persons.access import user_may_see_persons

from ..selectors import decisions_for_person

register = template.Library()


@register.inclusion_tag("cases/_person_section.html", takes_context=True)
def cases_section(context, person):
    """The person's decisions, with links; nothing for users who may not see persons.

    The person page has already fetched ``person`` through ``access_person_for_user`` (which
    checked the care relation and audited the read).
    """
    request = context["request"]
    if not user_may_see_persons(request):
        return {"show": False}
    return {
        "show": True,
        "person": person,
        "decisions": list(decisions_for_person(person)),
        "may_register": Role.SAKSBEHANDLER in set(request.roles),
        "request": request,
    }
