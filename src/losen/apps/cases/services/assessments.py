"""Saving the assessment of one service applied for: a new version every time.

The assessment holds what the decision rests on: the person's function on the KPR/IPLOS
variables (1–5, 9 = not relevant), what matters to the person («hva er viktig for deg?») and
their view (pasient- og brukerrettighetsloven § 3-1), the combined assessment of nytte,
ressurs and alvorlighet on the shared criteria model (Helsedirektoratet, «Prioriteringer i
kommunale helse- og omsorgstjenester»,
https://www.helsedirektoratet.no/veiledere/prioriteringer-i-kommunale-helse-og-omsorgstjenester),
the legal tests (necessary help, pbrl § 2-1 a, https://lovdata.no/lov/1999-07-02-63;
forsvarlighet, helse- og omsorgstjenesteloven § 4-1, https://lovdata.no/lov/2011-06-24-30),
the alternatives considered, and each of the municipality's allocation criteria in force.
"""

from __future__ import annotations

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from losen.apps.audit.models import Action
from losen.domain.casework.function import NOT_RELEVANT, SCORES, function_catalogue
from losen.domain.criteria import default_catalogue, parse_combined
from losen.domain.criteria.storage import to_data
from losen.domain.errors import InputError

from ..models import (
    Application,
    AppliedService,
    CriterionCheck,
    CriterionMet,
    DecisionStatus,
    NecessaryHelp,
    ServiceAssessment,
    ServiceDecision,
    Urgency,
)
from ._common import Errors, add, audit, raise_if, text, today
from .applications import OPEN_STATUSES, mark_under_way
from .criteria import criteria_in_force


def _function_problems(errors: Errors, function) -> dict[str, int]:
    """Norwegian messages for every unknown variable and every score not 1–5 or 9."""
    if not isinstance(function, dict):
        add(errors, "function", _("Funksjonsvurderingen må være variabel og skår."))
        return {}
    catalogue = function_catalogue()
    known = set(catalogue.codes)
    cleaned: dict[str, int] = {}
    for code, score in function.items():
        if code not in known:
            add(errors, "function", _("Ukjent funksjonsvariabel: %(code)s.") % {"code": code})
        elif isinstance(score, bool) or not isinstance(score, int):
            add(
                errors,
                "function",
                _("«%(variable)s»: skriv en skår 1–5, eller 9 når den ikke er relevant.")
                % {"variable": catalogue.variable(code).label},
            )
        elif score not in SCORES and score != NOT_RELEVANT:
            add(
                errors,
                "function",
                _("«%(variable)s»: skåren %(score)s er ikke 1–5 eller 9.")
                % {"variable": catalogue.variable(code).label, "score": score},
            )
        else:
            cleaned[code] = score
    return {code: cleaned[code] for code in catalogue.codes if code in cleaned}


def _combined(errors: Errors, combined) -> dict:
    from losen.apps.criteria.forms import field_for_problem

    catalogue = default_catalogue()
    try:
        return to_data(parse_combined(combined, catalogue), catalogue)
    except InputError as error:
        data = combined if isinstance(combined, dict) else {}
        for problem in error.problems:
            _field, message = field_for_problem(catalogue, problem, data)
            if message not in errors.get("combined", []):
                add(errors, "combined", message)
        return {}


def _follow_in_draft(decision, assessment: ServiceAssessment):
    """A draft on the service now rests on the new version and is compared with like cases
    again; its texts stay as the caseworker wrote them. Returns the draft, if any."""
    from losen.apps.common.locking import claim_version

    from .drafting import compare_with_like_cases

    if decision is None or decision.status != DecisionStatus.UTKAST:
        return None
    claim_version(decision)
    decision.assessment = assessment
    decision.like_cases, decision.like_case_departure = compare_with_like_cases(decision)
    decision.save(update_fields=["assessment", "like_cases", "like_case_departure", "lock_version"])
    return decision


#: The parts of an assessment a refusal for a newer version compares, in the page's order.
COMPARED_FIELDS = (
    "function",
    "what_matters",
    "user_view",
    "combined",
    "urgency",
    "necessary_help",
    "necessary_help_reasoning",
    "forsvarlighet",
    "right_basis",
    "alternatives",
)


def _stale_message(applied_service: AppliedService, based_on: int, newest: int) -> str:
    """Why a save based on version *based_on* is refused: *newest* is saved, by whom, when and
    with which parts changed (field names only: the values are on the page already)."""
    rows = {
        row.version: row
        for row in ServiceAssessment.objects.filter(
            applied_service=applied_service, version__in=[based_on, newest]
        ).select_related("assessed_by")
    }
    latest = rows[newest]
    before = rows.get(based_on)
    changed = [
        str(ServiceAssessment._meta.get_field(name).verbose_name)
        for name in COMPARED_FIELDS
        if before is None or getattr(before, name) != getattr(latest, name)
    ]
    user = latest.assessed_by
    who = (user.get_full_name() or user.get_username()) if user else _("en annen bruker")
    return _(
        "Noen andre har lagret vurderingen som versjon %(n)s (%(who)s, %(when)s) etter at du "
        "åpnet den. Ingenting er lagret. Endret i den versjonen: %(fields)s. Se over det som er "
        "lagret (historikken nederst), og lagre igjen det du vil beholde."
    ) % {
        "n": newest,
        "who": who,
        "when": formats.date_format(
            timezone.localtime(latest.assessed_at), "SHORT_DATETIME_FORMAT"
        ),
        "fields": ", ".join(changed) or _("ingenting i skjemaets felt"),
    }


def save_assessment(
    *,
    actor,
    applied_service: AppliedService,
    function: dict[str, int],
    what_matters: str,
    user_view: str,
    combined: dict,
    urgency: str,
    necessary_help: str,
    necessary_help_reasoning: str,
    forsvarlighet: str,
    right_basis: str,
    alternatives: str,
    checks: list[tuple[int, str, str]],
    based_on: int | None = None,
) -> ServiceAssessment:
    """Save the next version of *applied_service*'s assessment; never changes an older one.

    *based_on* is the version the caseworker's form was opened on (0 for none yet). When
    someone else saved a newer version meanwhile, nothing is saved and the refusal names that
    version, who saved it and which parts of it changed (code ``stale``), so the caseworker
    sees what changed before saving again; ``None`` skips the check (imports, the demo).

    The criteria checked are the version in force on the day the application was received
    (today when none was in force then); every criterion of it needs a check (met or not, and
    why). The application goes from ``mottatt`` to ``under-behandling``.
    """
    errors: Errors = {}
    profile = _function_problems(errors, function)
    stored_combined = _combined(errors, combined)
    if urgency not in Urgency.values:
        add(errors, "urgency", _("Velg hvor raskt hjelpen trengs."))
    if necessary_help not in NecessaryHelp.values:
        add(errors, "necessary_help", _("Velg om personen har behov for nødvendig hjelp."))
    if not text(necessary_help_reasoning):
        add(errors, "necessary_help_reasoning", _("Begrunn vurderingen av behovet."))
    if not text(forsvarlighet):
        add(errors, "forsvarlighet", _("Skriv hvorfor tilbudet er forsvarlig."))
    if not text(right_basis):
        add(errors, "right_basis", _("Skriv hvilken rettighet vurderingen bygger på."))

    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=applied_service.application_id)
        if application.status not in OPEN_STATUSES:
            add(errors, NON_FIELD_ERRORS, _("Søknaden er avgjort eller trukket."))
        decision = ServiceDecision.objects.filter(applied_service=applied_service).first()
        if decision is not None and decision.status not in (
            DecisionStatus.UTKAST,
            DecisionStatus.OMGJORT,
        ):
            add(errors, NON_FIELD_ERRORS, _("Tjenesten har allerede et vedtak."))
        criteria = criteria_in_force(
            application.municipality, applied_service.service, application.received_on
        ) or criteria_in_force(application.municipality, applied_service.service, today())
        items = {item.pk: item for item in criteria.items.all()} if criteria else {}
        seen: dict[int, tuple[str, str]] = {}
        for check in checks or []:
            try:
                pk, met, why = check
            except (TypeError, ValueError):
                add(errors, "checks", _("Hvert kriterium trenger en vurdering og en begrunnelse."))
                continue
            if pk not in items:
                add(errors, "checks", _("Kriteriet hører ikke til kriteriene som gjelder."))
            elif pk in seen:
                add(errors, "checks", _("Et kriterium er vurdert to ganger."))
            elif met not in CriterionMet.values:
                add(
                    errors,
                    "checks",
                    _("Velg om kriteriet «%(text)s» er oppfylt.") % {"text": items[pk].text[:80]},
                )
            elif not text(why):
                add(
                    errors,
                    "checks",
                    _("Skriv hvorfor for kriteriet «%(text)s».") % {"text": items[pk].text[:80]},
                )
            else:
                seen[pk] = (met, text(why))
        for pk, item in items.items():
            if pk not in seen and not any(
                isinstance(check, tuple | list) and check and check[0] == pk
                for check in checks or []
            ):
                add(
                    errors,
                    "checks",
                    _("Vurder kriteriet «%(text)s».") % {"text": item.text[:80]},
                )
        raise_if(errors)

        newest = (
            ServiceAssessment.objects.filter(applied_service=applied_service).aggregate(
                newest=Max("version")
            )["newest"]
            or 0
        )
        if based_on is not None and based_on != newest:
            stale = ValidationError(_stale_message(applied_service, based_on, newest), code="stale")
            raise ValidationError({NON_FIELD_ERRORS: [stale]})
        version = newest + 1
        assessment = ServiceAssessment.objects.create(
            applied_service=applied_service,
            version=version,
            function=profile,
            what_matters=text(what_matters),
            user_view=text(user_view),
            combined=stored_combined,
            urgency=urgency,
            necessary_help=necessary_help,
            necessary_help_reasoning=text(necessary_help_reasoning),
            forsvarlighet=text(forsvarlighet),
            right_basis=text(right_basis),
            alternatives=text(alternatives),
            criteria=criteria,
            assessed_by=actor,
            assessed_at=timezone.now(),
        )
        CriterionCheck.objects.bulk_create(
            CriterionCheck(assessment=assessment, criterion=items[pk], met=met, why=why)
            for pk, (met, why) in seen.items()
        )
        mark_under_way(application)
        redrafted = _follow_in_draft(decision, assessment)
        audit(
            actor=actor,
            action=Action.CREATE,
            target=assessment,
            municipality=application.municipality,
            details={
                "application": str(application.external_id),
                "applied_service": str(applied_service.external_id),
                "service": applied_service.service,
                "version": version,
                "criteria": str(criteria.external_id) if criteria else None,
                "urgency": urgency,
                "necessary_help": necessary_help,
                "draft": str(redrafted.external_id) if redrafted else None,
            },
        )
    return assessment
