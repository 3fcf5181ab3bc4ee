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
        "applications": list(person.applications.filter(municipality=person.municipality))
        if Role.SAKSBEHANDLER in set(request.roles)
        else [],
        "request": request,
    }


@register.filter
def fields(form, names: str):
    """The bound fields *names* ("a,b,c") of *form*, for ``losen/form_fields.html``."""
    return [form[name.strip()] for name in names.split(",") if name.strip() in form.fields]


@register.filter
def any_errors(forms) -> bool:
    """Whether any of *forms* has an error (for the error summary at the top)."""
    return any(form.is_bound and form.errors for form in forms if form is not None)


@register.filter
def service_label(code: str) -> str:
    from ..models import ServiceKind

    return ServiceKind(code).label if code in ServiceKind.values else code
