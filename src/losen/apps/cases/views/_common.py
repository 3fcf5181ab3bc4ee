"""What the caseworker's pages share: errors from services onto forms, facts as sentences,
the national id shown without its personal number."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _

from losen.apps.accounts.access import member_required
from losen.apps.accounts.models import Role
from losen.apps.criteria import wording

CASEWORKER = (Role.SAKSBEHANDLER,)
LEADER = (Role.LEDER,)


def casework_required(*roles: str):
    """The caseworker's pages: a logged-in user without one of *roles* in the current
    municipality gets the same 404 as for another municipality's case (never 403), so a page
    about a person's application or decision does not tell them it exists; anonymous users are
    sent to the login page. The rows of ``losen.web.access_rules`` say ``wrong_role=HIDDEN``."""
    return member_required(*roles, not_found=True)


def posted(request):
    """The posted data for a form: bound on every POST (an empty one too), unbound on GET."""
    return request.POST if request.method == "POST" else None


def add_service_errors(error: ValidationError, *forms) -> None:
    """Put the messages of a service's ValidationError on the fields of *forms* that have
    them (the first form that has the field), the rest on the first form as a whole."""
    if not forms:
        return
    if hasattr(error, "error_dict"):
        for field, problems in error.message_dict.items():
            target = next((f for f in forms if field in f.fields), None)
            for problem in problems:
                if target is not None:
                    target.add_error(field, problem)
                else:
                    forms[0].add_error(None, problem)
    else:
        for problem in error.messages:
            forms[0].add_error(None, problem)


def say(fact) -> str:
    """The sentence of a domain fact (losen.apps.criteria.wording), or its code when the
    wording layer has none yet."""
    try:
        return wording.say(fact)
    except KeyError:
        return str(getattr(fact, "code", fact))


#: Params of the casework facts that name decisions by external id (the domain knows no
#: references): the waiting list's ``other`` and ``id``, the like cases' ``cases``.
DECISION_ID_PARAMS = ("other", "id", "cases")


def say_with_references(fact, references: dict[str, str]) -> str:
    """:func:`say`, with the decisions the fact names by external id shown by their
    reference (saksnummer); an id not in *references* is left as it is."""
    from losen.domain.explain import Fact

    params = dict(fact.params)
    for name in DECISION_ID_PARAMS:
        value = params.get(name)
        if isinstance(value, str):
            params[name] = references.get(value, value)
        elif isinstance(value, list | tuple):
            params[name] = [references.get(str(v), v) for v in value]
    return say(Fact(fact.code, params))


def valid_ids(values) -> list[str]:
    """The values that are UUIDs (external ids), the others left out."""
    import uuid

    found = []
    for value in values:
        try:
            found.append(str(uuid.UUID(str(value))))
        except ValueError:
            continue
    return found


def masked_national_id(number: str) -> str:
    """The birth date part of a fødselsnummer or D-nummer, the personal number hidden."""
    if not number:
        return "–"
    return _("%(date)s ***** (personnummer skjult)") % {"date": number[:6]}


def chosen_service(request, application):
    """The service applied for named by ``?tjeneste=<code>`` (or the form's ``tjeneste``),
    else the first; 404 for a code the application does not ask for."""
    code = request.POST.get("tjeneste") or request.GET.get("tjeneste")
    services = list(application.services.all())
    if not services:
        raise Http404(_("Fant ikke siden."))
    if not code:
        return services[0]
    for applied in services:
        if applied.service == code:
            return applied
    raise Http404(_("Fant ikke siden."))
