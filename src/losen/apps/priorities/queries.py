"""Reads for the priorities app: rankings, participation results, portfolio, checklists."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from losen.apps.cases.access import decisions_touched_by_cut, may_see_cuts
from losen.apps.cases.selectors import running_decisions
from losen.apps.insight.services import attachments_for

from . import engine
from .models import (
    Alternative,
    Direction,
    FollowUp,
    Group,
    Phase,
    PrioritizationCase,
    Theme,
)

CRITERION_LABELS = {
    "nytte": _("Nytte"),
    "alvorlighet": _("Alvorlighet"),
    "ressurs": _("Ressurs"),
}


def items_for(case: PrioritizationCase):
    return [(str(a.external_id), a.name, a.levels) for a in case.alternatives.all()]


def ranking(case: PrioritizationCase, weights: dict[str, float] | None = None):
    return engine.rank(items_for(case), weights or case.weights)


@dataclass(frozen=True)
class GroupResult:
    group: str
    label: str
    count: int
    weights: dict[str, float]
    ranking: list


@dataclass(frozen=True)
class Participation:
    total: int
    groups: list[GroupResult]
    pooled: GroupResult | None
    disagreements: list[str]
    themes_with_comments: list[str]
    comments_by_theme: dict[str, int]
    missing_handling: list[str]


def _mean(weight_list: list[dict[str, float]]) -> dict[str, float]:
    return {c: sum(w[c] for w in weight_list) / len(weight_list) for c in engine.CRITERIA}


def participation(case: PrioritizationCase) -> Participation:
    """Rankings under each group's mean weights and the pooled weights, and disagreements.

    Pooled weights are the mean over all submissions, each participant counting once.
    """
    consultation = getattr(case, "consultation", None)
    submissions = list(consultation.submissions.all()) if consultation else []
    items = items_for(case)
    by_group: dict[str, list] = defaultdict(list)
    comments: dict[str, int] = defaultdict(int)
    for submission in submissions:
        by_group[submission.group].append(submission.weights)
        if submission.comment.strip():
            comments[submission.theme or Theme.OTHER] += 1
    labels = dict(Group.choices)
    groups = []
    for code, _label in Group.choices:
        if code in by_group:
            weights = _mean(by_group[code])
            groups.append(
                GroupResult(
                    code,
                    str(labels[code]),
                    len(by_group[code]),
                    weights,
                    engine.rank(items, weights),
                )
            )
    pooled = None
    if submissions:
        weights = _mean([s.weights for s in submissions])
        pooled = GroupResult(
            "samlet", str(_("Alle samlet")), len(submissions), weights, engine.rank(items, weights)
        )
    disagreements = _disagreements(groups)
    handled = set(case.handlings.values_list("theme", flat=True))
    themes = [code for code, _l in Theme.choices if comments.get(code)]
    return Participation(
        total=len(submissions),
        groups=groups,
        pooled=pooled,
        disagreements=disagreements,
        themes_with_comments=themes,
        comments_by_theme=dict(comments),
        missing_handling=[t for t in themes if t not in handled],
    )


def _disagreements(groups: list[GroupResult]) -> list[str]:
    """Plain sentences on where groups weigh the criteria or rank the alternatives apart."""
    sentences: list[str] = []
    if len(groups) < 2:
        return sentences
    for criterion in engine.CRITERIA:
        high = max(groups, key=lambda g: g.weights[criterion])
        low = min(groups, key=lambda g: g.weights[criterion])
        if high.weights[criterion] - low.weights[criterion] >= 0.15:
            sentences.append(
                str(
                    _(
                        "%(high)s legger mer vekt på %(criterion)s (%(hw)d %%) enn %(low)s "
                        "(%(lw)d %%)."
                    )
                    % {
                        "high": high.label,
                        "low": low.label,
                        "criterion": str(CRITERION_LABELS[criterion]).lower(),
                        "hw": round(100 * high.weights[criterion]),
                        "lw": round(100 * low.weights[criterion]),
                    }
                )
            )
    tops = {g.label: g.ranking[0].name for g in groups if g.ranking}
    if len(set(tops.values())) > 1:
        sentences.append(
            str(_("Gruppene er uenige om hva som bør komme først: "))
            + "; ".join(f"{label}: {name}" for label, name in tops.items())
            + "."
        )
    return sentences


def cut_alternatives(case: PrioritizationCase, chosen: set[str] | None = None):
    """Services people receive today that this case may cut.

    In a budget case, the services left out of the best set; otherwise every current service
    of a case that reduces or reconfigures, except those marked mandatory (the legal floor is
    kept by definition).
    """
    result = []
    for alternative in case.alternatives.all():
        if not alternative.current_service or alternative.mandatory:
            continue
        if chosen is not None:
            cut = str(alternative.external_id) not in chosen
        else:
            cut = case.direction in (Direction.DOWN, Direction.RECONFIGURE)
        if cut:
            result.append(alternative)
    return result


def portfolio_candidates(case: PrioritizationCase) -> list[engine.Candidate]:
    rows = {row.key: row.total for row in ranking(case)}
    return [
        engine.Candidate(
            key=str(a.external_id),
            name=a.name,
            cost_nok=a.cost_nok,
            value=rows[str(a.external_id)],
            mandatory=a.mandatory,
            exclusive_group=a.exclusive_group,
            requires=str(a.requires.external_id) if a.requires_id else None,
        )
        for a in case.alternatives.select_related("requires")
    ]


def portfolio(case: PrioritizationCase):
    if case.budget_nok is None or not case.alternatives.exists():
        return None
    return engine.portfolio(portfolio_candidates(case), case.budget_nok)


def cuts_for_case(case: PrioritizationCase):
    result = portfolio(case)
    chosen = set(result.chosen) if result and result.feasible else None
    return cut_alternatives(case, chosen)


def legal_assessment_missing(case: PrioritizationCase) -> bool:
    if not cuts_for_case(case):
        return False
    return not (
        case.legal_forsvarlighet.strip()
        and case.legal_necessary.strip()
        and case.legal_individual.strip()
    )


@dataclass
class AffectedService:
    """A service a cut would change: where it is given and how many running decisions it has.

    ``decisions`` is filled in by a view through :func:`with_decisions` (an audited read);
    it stays ``None`` here and for users who may not see the list.
    """

    alternative: Alternative
    unit_name: str
    service_label: str
    count: int
    decisions: list | None = None


def affected_individual_decisions(case: PrioritizationCase) -> list[AffectedService]:
    """Per cut service: its unit, its kind and how many running decisions it has there.

    Counts only, so no person is read; forvaltningsloven § 35 applies to each of them.
    """
    result = []
    for alternative in cuts_for_case(case):
        label = alternative.get_service_display() if alternative.service else ""
        if alternative.unit_id:
            count = running_decisions(
                case.municipality, unit=alternative.unit, service=alternative.service or None
            ).count()
            result.append(AffectedService(alternative, alternative.unit.name, label, count))
        else:
            result.append(AffectedService(alternative, "", label, 0))
    return result


def with_decisions(request, case: PrioritizationCase) -> list[AffectedService]:
    """:func:`affected_individual_decisions` with the decisions listed (no names), for those
    allowed to see them; each list read is written to the audit log."""
    affected = affected_individual_decisions(case)
    if not may_see_cuts(request):
        return affected
    for row in affected:
        if row.alternative.unit_id and row.count:
            row.decisions = decisions_touched_by_cut(
                request,
                unit=row.alternative.unit,
                service=row.alternative.service or None,
                purpose=f"prioriteringssak {case.external_id}",
            )
        else:
            row.decisions = []
    return affected


@dataclass(frozen=True)
class ChecklistItem:
    code: str
    label: str
    done: bool
    applies: bool = True


def checklist(case: PrioritizationCase) -> dict[str, list[ChecklistItem]]:
    """What the guideline expects in each phase (L1, L2; prioritering.md §4.1, §10.5)."""
    alternatives = list(case.alternatives.all())
    checks_done = bool(alternatives) and all(
        a.proportionality.strip()
        and a.children_affected != "ukjent"
        and a.equity.strip()
        and a.local_conditions.strip()
        for a in alternatives
    )
    part = participation(case)
    has_decision = hasattr(case, "decision")
    cuts = bool(cuts_for_case(case))
    follow_ups = list(case.follow_ups.all())
    return {
        Phase.PREPARE: [
            ChecklistItem(
                "situasjon",
                str(_("Situasjonen eller behovet er beskrevet")),
                bool(case.situation.strip()),
            ),
            ChecklistItem(
                "ramme",
                str(_("Juridisk, økonomisk og faglig ramme er beskrevet")),
                all(
                    f.strip()
                    for f in (case.legal_frame, case.economic_frame, case.professional_frame)
                ),
            ),
            ChecklistItem(
                "plan",
                str(_("Saken er knyttet til plan- eller budsjettprosessen")),
                bool(case.plan_reference.strip()),
            ),
            ChecklistItem(
                "styringsinformasjon",
                str(_("Styringsinformasjon er lagt ved")),
                bool(attachments_for(case.municipality, case)),
            ),
            ChecklistItem(
                "alternativer",
                str(_("Minst to alternativer, eller ett med sammenligningsalternativ")),
                len(alternatives) >= 2 or any(a.comparator.strip() for a in alternatives),
            ),
            ChecklistItem(
                "kunnskap",
                str(_("Kunnskapsgrunnlaget er beskrevet for hvert alternativ")),
                bool(alternatives) and all(a.evidence.strip() for a in alternatives),
            ),
            ChecklistItem(
                "tilleggsvurderinger",
                str(_("Forholdsmessighet, barn, lik tilgang og lokale forhold er vurdert")),
                checks_done,
            ),
            ChecklistItem(
                "medvirkning", str(_("Berørte parter har fått gi innspill")), part.total > 0
            ),
            ChecklistItem(
                "innspill",
                str(_("Det er skrevet hvordan innspillene ble behandlet, per tema")),
                part.total > 0 and not part.missing_handling,
            ),
            ChecklistItem(
                "lovkrav",
                str(_("Lovkravene er vurdert for tjenester som kuttes")),
                not legal_assessment_missing(case),
                applies=cuts,
            ),
            ChecklistItem(
                "grunnlag", str(_("Beslutningsgrunnlaget er laget")), case.bases.exists()
            ),
        ],
        Phase.CARRY_OUT: [
            ChecklistItem(
                "vedtak", str(_("Vedtak, vedtaksorgan og begrunnelse er registrert")), has_decision
            ),
            ChecklistItem(
                "apenhet",
                str(_("Vedtaket og begrunnelsen er offentliggjort")),
                case.publications.filter(unpublished_at__isnull=True).exists(),
            ),
            ChecklistItem(
                "oppfolging",
                str(_("Indikatorer og datoer for gjennomgang er satt")),
                bool(follow_ups),
            ),
        ],
        Phase.EVALUATE: [
            ChecklistItem(
                "evaluert",
                str(_("Gjennomgangene som har forfalt er evaluert")),
                bool(follow_ups)
                and all(f.evaluated_at for f in follow_ups if f.review_on <= timezone.localdate()),
            ),
            ChecklistItem(
                "korrigert",
                str(_("Evalueringen er fulgt opp: ny sak eller begrunnet videreføring")),
                any(f.evaluation.strip() for f in follow_ups) or case.children.exists(),
            ),
        ],
    }


def missing(case: PrioritizationCase) -> list[ChecklistItem]:
    """What is still missing up to and including the case's current phase."""
    order = [Phase.PREPARE, Phase.CARRY_OUT, Phase.EVALUATE]
    lists = checklist(case)
    result = []
    for phase in order[: order.index(case.phase) + 1]:
        result += [item for item in lists[phase] if item.applies and not item.done]
    return result


def due_reviews(municipality, today: dt.date | None = None):
    today = today or timezone.localdate()
    return (
        FollowUp.objects.filter(
            municipality=municipality, evaluated_at__isnull=True, review_on__lte=today
        )
        .select_related("case")
        .order_by("review_on")
    )
