"""What a draft decision is filled with: facts and main considerations from the assessment,
and the like cases it is compared with.

The text is plain language in the applicant's written standard (bokmål or nynorsk): the
facts the decision rests on and the main considerations (forvaltningsloven §§ 24–25,
https://lovdata.no/lov/1967-02-10), taken from the assessment the caseworker saved. The
caseworker edits it before the decision is issued.

Like cases alike: the most similar earlier decisions of the same municipality and service by
assessment profile (function variables and criteria levels,
:mod:`losen.domain.casework.similarity`); a draft whose outcome or hours depart from them is
flagged and needs a written reason before it is issued.
"""

from __future__ import annotations

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import override

from losen.apps.criteria import wording
from losen.domain.casework import similarity
from losen.domain.casework.function import parse_profile, summary_fact
from losen.domain.criteria import default_catalogue, parse_combined
from losen.domain.errors import InputError

from ..models import (
    CriterionMet,
    DecisionStatus,
    NecessaryHelp,
    Outcome,
    ServiceAssessment,
    ServiceDecision,
    ServiceKind,
    in_sentence,
)

#: The legal basis a draft starts with, by service (helse- og omsorgstjenesteloven,
#: https://lovdata.no/lov/2011-06-24-30).
LEGAL_BASIS = {
    ServiceKind.HELSETJENESTER_I_HJEMMET: (
        "helse- og omsorgstjenesteloven § 3-2 første ledd nr. 6 bokstav a"
    ),
    ServiceKind.PRAKTISK_BISTAND: (
        "helse- og omsorgstjenesteloven § 3-2 første ledd nr. 6 bokstav b"
    ),
    ServiceKind.OPPLAERING: "helse- og omsorgstjenesteloven § 3-2 første ledd nr. 6 bokstav b",
    ServiceKind.STOTTEKONTAKT: "helse- og omsorgstjenesteloven § 3-2 første ledd nr. 6 bokstav b",
    ServiceKind.BPA: (
        "helse- og omsorgstjenesteloven § 3-8, jf. pasient- og brukerrettighetsloven § 2-1 d"
    ),
    ServiceKind.LANGTIDSOPPHOLD: (
        "helse- og omsorgstjenesteloven § 3-2 første ledd nr. 6 bokstav c og § 3-2 a, "
        "jf. pasient- og brukerrettighetsloven § 2-1 e"
    ),
    ServiceKind.KORTTIDSOPPHOLD: "helse- og omsorgstjenesteloven § 3-2 første ledd nr. 6 bokstav c",
    ServiceKind.AVLASTNING: "helse- og omsorgstjenesteloven § 3-6 første ledd nr. 2",
    ServiceKind.DAGAKTIVITETSTILBUD: "helse- og omsorgstjenesteloven § 3-2 første ledd nr. 7",
    ServiceKind.OMSORGSSTONAD: "helse- og omsorgstjenesteloven § 3-6 første ledd nr. 3",
    ServiceKind.BOLIG_MED_BEMANNING: (
        "helse- og omsorgstjenesteloven § 3-2 første ledd nr. 6, jf. § 3-7"
    ),
}

#: Outcome codes of the model → those of :mod:`losen.domain.casework`.
DOMAIN_OUTCOME = {
    Outcome.INNVILGET: "innvilget",
    Outcome.DELVIS_INNVILGET: "delvis_innvilget",
    Outcome.AVSLAG: "avslag",
}

#: How many like cases are kept with a draft, and how many earlier decisions are read.
LIKE_CASES = 5
EARLIER_LIMIT = 2_000

#: Statuses of earlier decisions that count as practice (issued, whatever happened since,
#: except a decision reversed because it was wrong).
PRACTICE_STATUSES = (DecisionStatus.FATTET, DecisionStatus.PAKLAGET, DecisionStatus.AVSLUTTET)


def legal_basis_for(service: str) -> str:
    return LEGAL_BASIS.get(service, "helse- og omsorgstjenesteloven § 3-2")


def _date(value) -> str:
    return formats.date_format(value, "j. F Y")


def _combined(assessment: ServiceAssessment):
    try:
        return parse_combined(assessment.combined, default_catalogue())
    except InputError:
        return None


def _function_sentence(assessment: ServiceAssessment) -> str:
    """The function profile in one sentence (the ``function.summary`` fact, worded)."""
    if not assessment.function:
        return ""
    try:
        profile = parse_profile(assessment.function)
    except InputError:
        return ""
    return wording.say(summary_fact(profile))


def prefilled_facts(assessment: ServiceAssessment) -> str:
    """The facts the decision rests on (fvl § 25 second paragraph), from *assessment*."""
    applied = assessment.applied_service
    application = applied.application
    with override(application.letter_language):
        paragraphs = [
            _("Vi mottok søknaden %(date)s. Søknaden gjelder %(service)s.")
            % {
                "date": _date(application.received_on),
                "service": in_sentence(applied.get_service_display()),
            }
        ]
        if applied.requested_scope:
            paragraphs.append(
                _("Det søkes om dette omfanget: %(scope)s.") % {"scope": applied.requested_scope}
            )
        paragraphs.append(
            _("Slik søkeren selv beskriver behovet: «%(words)s»")
            % {"words": application.in_own_words}
        )
        if assessment.what_matters:
            paragraphs.append(
                _("Det som er viktig for søkeren: %(text)s") % {"text": assessment.what_matters}
            )
        if assessment.user_view:
            paragraphs.append(
                _("Søkerens syn på tjenestetilbudet: %(text)s") % {"text": assessment.user_view}
            )
        function = _function_sentence(assessment)
        if function:
            paragraphs.append(function)
        checks = list(assessment.criterion_checks.select_related("criterion"))
        if assessment.criteria_id and checks:
            criteria = assessment.criteria
            lines = [
                _("Kommunens tildelingskriterier «%(title)s» (versjon %(version)s):")
                % {"title": criteria.title, "version": criteria.version}
            ]
            for check in checks:
                met = CriterionMet(check.met).label.lower()
                criterion = check.criterion.text.strip().rstrip(".:;")
                lines.append(f"– {criterion}: {met}. {check.why}")
            paragraphs.append("\n".join(lines))
        return "\n\n".join(paragraphs)


def prefilled_reasons(assessment: ServiceAssessment, outcome: str) -> str:
    """The main considerations (fvl § 25 third paragraph) in plain language, from *assessment*."""
    application = assessment.applied_service.application
    with override(application.letter_language):
        paragraphs = []
        necessary = {
            NecessaryHelp.JA: _(
                "Vi har vurdert at du har behov for nødvendige helse- og "
                "omsorgstjenester (%(basis)s)."
            ),
            NecessaryHelp.DELVIS: _(
                "Vi har vurdert at du delvis har behov for nødvendige "
                "helse- og omsorgstjenester (%(basis)s)."
            ),
            NecessaryHelp.NEI: _(
                "Vi har vurdert at du ikke har behov for nødvendige helse- og "
                "omsorgstjenester utover det du har i dag (%(basis)s)."
            ),
        }[assessment.necessary_help] % {"basis": assessment.right_basis}
        paragraphs.append(f"{necessary} {assessment.necessary_help_reasoning}")
        combined = _combined(assessment)
        if combined is not None:
            levels = {c.criterion.value: c.level for c in combined.criteria()}
            paragraphs.append(
                _(
                    "I den samlede vurderingen er %(alvorlighet_word)s vurdert som "
                    "«%(alvorlighet)s», %(nytte_word)s av tjenesten som «%(nytte)s» og "
                    "%(ressurs_word)s som «%(ressurs)s». %(reasoning)s"
                )
                % {
                    "alvorlighet_word": wording.criterion("alvorlighet"),
                    "alvorlighet": wording.level("alvorlighet", levels["alvorlighet"]),
                    "nytte_word": wording.criterion("nytte"),
                    "nytte": wording.level("nytte", levels["nytte"]),
                    "ressurs_word": wording.criterion("ressurs"),
                    "ressurs": wording.level("ressurs", levels["ressurs"]),
                    "reasoning": combined.reasoning,
                }
            )
        paragraphs.append(
            _("Tjenesten må være forsvarlig (helse- og omsorgstjenesteloven § 4-1). %(text)s")
            % {"text": assessment.forsvarlighet}
        )
        if assessment.alternatives:
            paragraphs.append(
                _("Andre løsninger vi har vurdert: %(text)s") % {"text": assessment.alternatives}
            )
        closing = {
            Outcome.INNVILGET: _("Etter en samlet vurdering innvilger vi søknaden."),
            Outcome.DELVIS_INNVILGET: _(
                "Etter en samlet vurdering innvilger vi søknaden delvis. Det som ikke "
                "innvilges, og hvorfor, står under."
            ),
            Outcome.AVSLAG: _("Etter en samlet vurdering avslår vi søknaden."),
        }.get(outcome)
        if closing:
            paragraphs.append(closing)
        return "\n\n".join(paragraphs)


# --- Like cases ---------------------------------------------------------------------------


def _profile(case_id: str, service: str, assessment, outcome: str, hours):
    """The similarity profile of one decision, or None when its assessment cannot be read."""
    if assessment is None:
        return None
    criteria = {}
    combined = _combined(assessment)
    if combined is not None:
        criteria = similarity.criteria_positions(combined)
    try:
        return similarity.profile(
            case_id,
            service,
            assessment.function or {},
            criteria,
            DOMAIN_OUTCOME.get(outcome, "innvilget"),
            None if hours is None else float(hours),
        )
    except InputError:
        return None


def earlier_profiles(decision: ServiceDecision) -> list:
    """Profiles of the municipality's earlier issued decisions on the same service."""
    earlier = (
        ServiceDecision.objects.filter(
            municipality_id=decision.municipality_id,
            service=decision.service,
            status__in=PRACTICE_STATUSES,
            assessment__isnull=False,
        )
        .exclude(pk=decision.pk)
        .select_related("assessment")
        .order_by("-decided_at", "-pk")[:EARLIER_LIMIT]
    )
    profiles = []
    for other in earlier:
        found = _profile(
            str(other.external_id),
            other.service,
            other.assessment,
            other.outcome,
            other.hours_per_week,
        )
        if found is not None:
            profiles.append(found)
    return profiles


def compare_with_like_cases(decision: ServiceDecision) -> tuple[list[dict], list[dict]]:
    """``(like_cases, departure)`` for *decision* as it stands: the nearest earlier decisions
    (``[{"decision": external id, "distance": d}]``) and the departure facts (empty: in line,
    or too few like cases to say)."""
    draft = _profile(
        str(decision.external_id),
        decision.service,
        decision.assessment,
        decision.outcome,
        decision.hours_per_week,
    )
    if draft is None:
        return [], []
    neighbours = similarity.nearest(draft, earlier_profiles(decision), k=LIKE_CASES)
    facts = similarity.departure(draft, neighbours)
    like = [{"decision": n.profile.case_id, "distance": round(n.distance, 4)} for n in neighbours]
    departure = [fact.to_dict() for fact in facts if fact.code in similarity.DEPARTURE_CODES]
    return like, departure
