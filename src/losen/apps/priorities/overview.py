"""A prioritisation case read once per request: ranking → portfolio → cuts → checklist.

Every page of a case (the case page, the matrix, the portfolio, participation, the decision
basis, the public page) builds one :class:`CaseOverview` and reads what it needs from it.
Each part is computed the first time it is asked for and kept for the rest of the request;
nothing is kept across requests. The alternatives are read in one query, their units,
prerequisites and figures with them; counts of running decisions for every cut in one query;
so the number of queries does not grow with the number of alternatives.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from losen.apps.cases.access import decisions_touched_by_cuts, may_see_cuts
from losen.apps.cases.models import ServiceDecision
from losen.apps.criteria import wording
from losen.apps.insight.services import attachments_for
from losen.domain import mcda
from losen.domain import portfolio as pf
from losen.domain.criteria import CombinedAssessment, SwedishRanking, swedish_rank
from losen.domain.criteria.combined import flags_for
from losen.domain.errors import InputError
from losen.domain.mcda import explain
from losen.domain.portfolio.explain import portfolio_facts, value_fact
from losen.domain.portfolio.value import UNITS_PER_VALUE, ValueFacts, value_facts

from . import engine, mapping
from .models import Alternative, Direction, FollowUp, Group, Phase, PrioritizationCase, Theme

CRITERION_LABELS = {
    "nytte": _("Nytte"),
    "alvorlighet": _("Alvorlighet"),
    "ressurs": _("Ressurs"),
}


@dataclass
class RankedAlternative:
    """One alternative with its place in the MCDA ranking, its Swedish rank and its value."""

    alternative: Alternative
    rank: int
    total: float
    contributions: dict[str, float]
    swedish: SwedishRanking | None
    value: ValueFacts | None

    @property
    def key(self) -> str:
        return str(self.alternative.external_id)

    @property
    def name(self) -> str:
        return self.alternative.name


@dataclass
class TableRow:
    """One alternative as the case page, the matrix and the basis show it."""

    alternative: Alternative
    criteria: list[mapping.CriterionRow]
    swedish: SwedishRanking | None
    steps: list[str]
    flag_facts: list
    value: ValueFacts | None

    @property
    def flags(self) -> list[str]:
        """Every flag of the domain on this assessment, in words."""
        return wording.sentences(self.flag_facts)

    @property
    def warnings(self) -> list[str]:
        """The nytte-over-alvorlighet warning, which the portfolio page repeats."""
        return wording.sentences([f for f in self.flag_facts if f.code == "nytte_over_alvorlighet"])

    @property
    def benefit_text(self) -> str:
        return wording.level("nytte", self.value.benefit_label) if self.value else ""

    @property
    def severity_text(self) -> str:
        return wording.level("alvorlighet", self.value.severity_label) if self.value else ""

    @property
    def value_sentence(self) -> str:
        if self.value is None:
            return ""
        v = self.value
        return wording.say(
            value_fact(
                persons=v.persons,
                benefit=v.benefit_label,
                benefit_value=v.benefit_value,
                severity=v.severity_label,
                severity_weight=v.severity_weight,
                value=v.value,
            )
        )

    @property
    def name(self) -> str:
        return self.alternative.name

    @property
    def category(self) -> str:
        return self.swedish.category if self.swedish else ""

    @property
    def category_label(self) -> str:
        return wording.category(self.swedish.category) if self.swedish else ""


@dataclass(frozen=True)
class GroupResult:
    group: str
    label: str
    count: int
    weights: dict[str, float]
    ranking: list[RankedAlternative]


@dataclass(frozen=True)
class Participation:
    total: int
    groups: list[GroupResult]
    pooled: GroupResult | None
    disagreements: list[str]
    themes_with_comments: list[str]
    comments_by_theme: dict[str, int]
    missing_handling: list[str]


@dataclass(frozen=True)
class Portfolio:
    """The portfolio of a budget case as the pages show it (keys are external ids)."""

    result: pf.PortfolioResult
    next_krone_budget_nok: int | None

    @property
    def feasible(self) -> bool:
        return self.result.status is not pf.Status.INFEASIBLE

    @property
    def chosen(self) -> tuple[str, ...]:
        return self.result.selected

    @property
    def cost_nok(self) -> int:
        return round(self.result.total_cost)

    @property
    def value(self) -> float:
        return self.result.total_value / UNITS_PER_VALUE

    @property
    def next_krone(self) -> tuple[str, ...]:
        return self.result.next_in

    @property
    def first_out(self) -> tuple[str, ...]:
        return self.result.first_out

    @property
    def reasons(self) -> tuple[str, ...]:
        return self.result.reasons


@dataclass
class AffectedService:
    """A service a cut would change: where it is given and how many running decisions it has.

    ``decisions`` is filled in by :meth:`CaseOverview.affected_with_decisions` (an audited
    read); it stays ``None`` for users who may not see the list.
    """

    alternative: Alternative
    unit_name: str
    service_label: str
    count: int
    decisions: list | None = None


@dataclass(frozen=True)
class ChecklistItem:
    code: str
    label: str
    done: bool
    applies: bool = True


@dataclass
class CaseOverview:
    """Everything a page of *case* shows, computed at most once."""

    case: PrioritizationCase
    weights: dict[str, float] | None = None

    # --- the alternatives and their assessments ----------------------------------------------

    @cached_property
    def catalogue(self):
        return mapping.catalogue_for(self.case.municipality)

    @cached_property
    def alternatives(self) -> list[Alternative]:
        return list(
            self.case.alternatives.select_related("unit", "requires", "persons_figure").order_by(
                "position", "id"
            )
        )

    @cached_property
    def by_key(self) -> dict[str, Alternative]:
        return {str(a.external_id): a for a in self.alternatives}

    @cached_property
    def assessments(self) -> dict[str, CombinedAssessment]:
        return {str(a.external_id): mapping.combined(a) for a in self.alternatives}

    @cached_property
    def criterion_rows(self) -> dict[str, list[mapping.CriterionRow]]:
        return {
            str(a.external_id): mapping.criterion_rows(self.catalogue, a) for a in self.alternatives
        }

    @cached_property
    def flags(self) -> dict[str, list]:
        """The domain's flags per alternative (nytte over alvorlighet, uncertain basis)."""
        return {
            key: list(flags_for(self.catalogue, assessment))
            for key, assessment in self.assessments.items()
        }

    @cached_property
    def swedish(self) -> dict[str, SwedishRanking | None]:
        out = {}
        for key, assessment in self.assessments.items():
            try:
                out[key] = swedish_rank(assessment, self.catalogue)
            except KeyError:
                out[key] = None
        return out

    @cached_property
    def table(self) -> list[TableRow]:
        """Every alternative with its criteria, Swedish rank (each step in words) and flags."""
        rows = []
        for a in self.alternatives:
            key = str(a.external_id)
            swedish = self.swedish[key]
            rows.append(
                TableRow(
                    a,
                    self.criterion_rows[key],
                    swedish,
                    wording.sentences([step.fact for step in swedish.steps]) if swedish else [],
                    self.flags[key],
                    self.values[key],
                )
            )
        return rows

    @cached_property
    def values(self) -> dict[str, ValueFacts | None]:
        out: dict[str, ValueFacts | None] = {}
        for a in self.alternatives:
            key = str(a.external_id)
            if a.persons_per_year is None:
                out[key] = None
                continue
            try:
                out[key] = value_facts(
                    a.persons_per_year, a.nytte_level, a.alvorlighet_level, self.catalogue
                )
            except InputError:
                out[key] = None
        return out

    # --- MCDA ----------------------------------------------------------------------------------

    @property
    def criteria(self) -> tuple[str, ...]:
        return engine.criteria(self.catalogue)

    @cached_property
    def labels(self) -> dict[str, str]:
        return {c: str(CRITERION_LABELS[c]) for c in self.criteria}

    def _weights(self) -> dict[str, float]:
        return self.weights or self.case.weights

    @cached_property
    def weight_shares(self) -> dict[str, float] | None:
        try:
            vector = engine.weight_vector(self.catalogue, self._weights())
        except InputError:
            return None
        return {c: float(w) for c, w in zip(self.criteria, vector, strict=True)}

    def ranked(self, weights: dict[str, float]) -> list[RankedAlternative]:
        """The alternatives ordered by the weighted sum under *weights* (ties share a rank)."""
        if not self.alternatives:
            return []
        result = engine.ranking(self.catalogue, [a.levels for a in self.alternatives], weights)
        return self._rows(result)

    def _rows(self, result: mcda.Ranking) -> list[RankedAlternative]:
        contributions = result.contributions()
        rows = [
            RankedAlternative(
                a,
                int(result.ranks[i]),
                round(float(result.scores[i]), 9),
                {c: float(contributions[i, j]) for j, c in enumerate(self.criteria)},
                self.swedish[str(a.external_id)],
                self.values[str(a.external_id)],
            )
            for i, a in enumerate(self.alternatives)
        ]
        return sorted(rows, key=lambda r: (r.rank, r.name))

    @cached_property
    def mcda_ranking(self) -> mcda.Ranking | None:
        if not self.alternatives or self.weight_shares is None:
            return None
        return engine.ranking(
            self.catalogue, [a.levels for a in self.alternatives], self.weight_shares
        )

    @cached_property
    def ranking(self) -> list[RankedAlternative]:
        return self._rows(self.mcda_ranking) if self.mcda_ranking is not None else []

    @cached_property
    def stability(self) -> list[mcda.WeightInterval]:
        return engine.stability(self.mcda_ranking) if self.mcda_ranking is not None else []

    @cached_property
    def acceptability(self) -> mcda.SmaaResult | None:
        return engine.acceptability(self.catalogue, [a.levels for a in self.alternatives])

    @cached_property
    def first_shares(self) -> list[tuple[Alternative, float]]:
        """Alternatives by how often they come first over all weightings, most often first."""
        if self.acceptability is None:
            return []
        shares = self.acceptability.rank_acceptability[:, 0]
        rows = [(a, float(shares[i])) for i, a in enumerate(self.alternatives)]
        return sorted(rows, key=lambda r: (-r[1], r[0].name))

    @cached_property
    def swedish_disagreements(self) -> list[tuple[RankedAlternative, RankedAlternative]]:
        """Pairs the MCDA order puts one way and the Swedish ranks the other way.

        A pair (a, b): a is above b in the weighted sum, but b has a strictly better (lower)
        Swedish rank than a. Alternatives whose Swedish category is ikke-gjøre or FoU count as
        below rank 10.
        """

        def place(row: RankedAlternative) -> int:
            if row.swedish is None:
                return 99
            return row.swedish.rank if row.swedish.category.isdigit() else 11

        pairs = []
        rows = self.ranking
        for i, upper in enumerate(rows):
            for lower in rows[i + 1 :]:
                if upper.rank < lower.rank and place(lower) < place(upper):
                    pairs.append((upper, lower))
        return pairs

    # --- portfolio -----------------------------------------------------------------------------

    @cached_property
    def persons_missing(self) -> list[Alternative]:
        """Budget case: alternatives without persons reached per year (or without a source)."""
        if not self.case.is_budget_case:
            return []
        return [
            a
            for a in self.alternatives
            if a.persons_per_year is None
            or not a.persons_source
            or (a.persons_source == "tall" and a.persons_figure_id is None)
        ]

    def _candidates(self) -> tuple[pf.Candidate, ...]:
        candidates = []
        for a in self.alternatives:
            facts = self.values[str(a.external_id)]
            candidates.append(
                pf.Candidate(
                    id=str(a.external_id),
                    name=a.name,
                    cost=float(a.cost_nok),
                    value=float(facts.units) if facts is not None else 0.0,
                    mandatory=a.mandatory,
                    group=a.exclusive_group or None,
                    requires=(str(a.requires.external_id),) if a.requires_id else (),
                )
            )
        return tuple(candidates)

    def _solve(self, *, marginals: bool) -> pf.PortfolioResult:
        return pf.solve_portfolio(
            pf.PortfolioProblem(budget=float(self.case.budget_nok), candidates=self._candidates()),
            marginals=marginals,
            value_resolution=1.0,
        )

    @cached_property
    def portfolio(self) -> Portfolio | None:
        """The best set within the budget, with what the next krone buys and what goes first
        (None for a case without budget or alternatives). Three MILP solves."""
        if self.case.budget_nok is None or not self.alternatives:
            return None
        result = self._solve(marginals=True)
        next_budget = None
        if result.status is not pf.Status.INFEASIBLE and result.next_in:
            # The cheapest portfolio with more value than today's costs this much in all.
            costs = {str(a.external_id): a.cost_nok for a in self.alternatives}
            entering = sum(costs[k] for k in result.next_in)
            next_budget = round(max(result.total_cost + entering, self.case.budget_nok))
        return Portfolio(result, next_budget)

    @cached_property
    def chosen(self) -> set[str] | None:
        """The external ids of the best set, or None when there is no feasible one.

        The case page needs only this (for the cuts): one solve without the marginal
        analysis, unless the full portfolio was computed already in this request.
        """
        if self.case.budget_nok is None or not self.alternatives:
            return None
        if "portfolio" in self.__dict__:
            result = self.portfolio.result
        else:
            result = self._solve(marginals=False)
        return None if result.status is pf.Status.INFEASIBLE else set(result.selected)

    # --- cuts ----------------------------------------------------------------------------------

    @cached_property
    def cuts(self) -> list[Alternative]:
        """Services people receive today that this case may cut.

        In a budget case, the services left out of the best set; otherwise every current
        service of a case that reduces or reconfigures, except those marked mandatory (the
        legal floor is kept by definition).
        """
        chosen = self.chosen
        out = []
        for alternative in self.alternatives:
            if not alternative.current_service or alternative.mandatory:
                continue
            if chosen is not None:
                cut = str(alternative.external_id) not in chosen
            else:
                cut = self.case.direction in (Direction.DOWN, Direction.RECONFIGURE)
            if cut:
                out.append(alternative)
        return out

    @cached_property
    def legal_assessment_missing(self) -> bool:
        if not self.cuts:
            return False
        case = self.case
        return not (
            case.legal_forsvarlighet.strip()
            and case.legal_necessary.strip()
            and case.legal_individual.strip()
        )

    @cached_property
    def affected(self) -> list[AffectedService]:
        """Per cut service: its unit, its kind and how many running decisions it has there.

        Counts only, in one query, so no person is read; forvaltningsloven § 35 applies to
        each of them.
        """
        counts: dict[tuple[int, str], int] = defaultdict(int)
        units = {a.unit_id for a in self.cuts if a.unit_id}
        if units:
            rows = (
                ServiceDecision.objects.filter(municipality=self.case.municipality, unit__in=units)
                .running()
                .values("unit_id", "service")
                .annotate(n=Count("id"))
            )
            for row in rows:
                counts[(row["unit_id"], row["service"])] += row["n"]
        out = []
        for a in self.cuts:
            label = a.get_service_display() if a.service else ""
            if not a.unit_id:
                out.append(AffectedService(a, "", label, 0))
                continue
            if a.service:
                count = counts.get((a.unit_id, a.service), 0)
            else:
                count = sum(n for (unit, _s), n in counts.items() if unit == a.unit_id)
            out.append(AffectedService(a, a.unit.name, label, count))
        return out

    def affected_with_decisions(self, request) -> list[AffectedService]:
        """:attr:`affected` with the decisions listed (no names), for those allowed to see
        them; the read is written to the audit log once for the page."""
        affected = self.affected
        if not may_see_cuts(request):
            return affected
        wanted = [row for row in affected if row.alternative.unit_id and row.count]
        lists = decisions_touched_by_cuts(
            request,
            cuts=[(row.alternative.unit, row.alternative.service or None) for row in wanted],
            purpose=f"prioriteringssak {self.case.external_id}",
        )
        for row in affected:
            row.decisions = []
        for row, decisions in zip(wanted, lists, strict=True):
            row.decisions = decisions
        return affected

    # --- participation -------------------------------------------------------------------------

    @cached_property
    def submissions(self) -> list:
        consultation = getattr(self.case, "consultation", None)
        return list(consultation.submissions.all()) if consultation else []

    @cached_property
    def handlings(self) -> dict:
        return {h.theme: h for h in self.case.handlings.all()}

    def _ordered(self, weights: dict[str, float]) -> dict[str, float]:
        """*weights* in the catalogue's order of criteria, the order every table uses."""
        return {c: weights[c] for c in self.criteria}

    @cached_property
    def participation(self) -> Participation:
        """Rankings under each group's mean weights and the pooled weights, and disagreements.

        Pooled weights are the mean over all submissions, each participant counting once.
        """
        by_group: dict[str, list] = defaultdict(list)
        comments: dict[str, int] = defaultdict(int)
        for submission in self.submissions:
            by_group[submission.group].append(submission.weights)
            if submission.comment.strip():
                comments[submission.theme or Theme.OTHER] += 1
        labels = dict(Group.choices)
        groups = []
        for code, _label in Group.choices:
            if code in by_group:
                weights = self._ordered(_mean(by_group[code]))
                groups.append(
                    GroupResult(
                        code,
                        str(labels[code]),
                        len(by_group[code]),
                        weights,
                        self.ranked(weights),
                    )
                )
        pooled = None
        if self.submissions:
            weights = self._ordered(_mean([s.weights for s in self.submissions]))
            pooled = GroupResult(
                "samlet",
                str(_("Alle samlet")),
                len(self.submissions),
                weights,
                self.ranked(weights),
            )
        themes = [code for code, _l in Theme.choices if comments.get(code)]
        return Participation(
            total=len(self.submissions),
            groups=groups,
            pooled=pooled,
            disagreements=_disagreements(groups),
            themes_with_comments=themes,
            comments_by_theme=dict(comments),
            missing_handling=[t for t in themes if t not in self.handlings],
        )

    # --- the guideline's checklist -------------------------------------------------------------

    @cached_property
    def follow_ups(self) -> list[FollowUp]:
        return list(self.case.follow_ups.all())

    @cached_property
    def attachments(self) -> list:
        return attachments_for(self.case.municipality, self.case)

    @cached_property
    def has_bases(self) -> bool:
        return self.case.bases.exists()

    @cached_property
    def live_publication(self):
        return self.case.publications.filter(unpublished_at__isnull=True).first()

    @cached_property
    def checklist(self) -> dict[str, list[ChecklistItem]]:
        """What the guideline expects in each phase (recommendations L1 and L2 of
        «Prioriteringer i kommunale helse- og omsorgstjenester», Helsedirektoratet)."""
        case = self.case
        alternatives = self.alternatives
        checks_done = bool(alternatives) and all(
            a.proportionality.strip()
            and a.children_affected != "ukjent"
            and a.equity.strip()
            and a.local_conditions.strip()
            for a in alternatives
        )
        part = self.participation
        has_decision = hasattr(case, "decision")
        follow_ups = self.follow_ups
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
                    bool(self.attachments),
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
                    "personer",
                    str(_("Antall personer per år, med kilde, er oppgitt for hvert alternativ")),
                    bool(alternatives) and not self.persons_missing,
                    applies=case.is_budget_case,
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
                    not self.legal_assessment_missing,
                    applies=bool(self.cuts),
                ),
                ChecklistItem("grunnlag", str(_("Beslutningsgrunnlaget er laget")), self.has_bases),
            ],
            Phase.CARRY_OUT: [
                ChecklistItem(
                    "vedtak",
                    str(_("Vedtak, vedtaksorgan og begrunnelse er registrert")),
                    has_decision,
                ),
                ChecklistItem(
                    "apenhet",
                    str(_("Vedtaket og begrunnelsen er offentliggjort")),
                    self.live_publication is not None,
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
                    and all(
                        f.evaluated_at for f in follow_ups if f.review_on <= timezone.localdate()
                    ),
                ),
                ChecklistItem(
                    "korrigert",
                    str(_("Evalueringen er fulgt opp: ny sak eller begrunnet videreføring")),
                    any(f.evaluation.strip() for f in follow_ups) or case.children.exists(),
                ),
            ],
        }

    @cached_property
    def missing(self) -> list[ChecklistItem]:
        """What is still missing up to and including the case's current phase."""
        order = [Phase.PREPARE, Phase.CARRY_OUT, Phase.EVALUATE]
        lists = self.checklist
        result = []
        for phase in order[: order.index(self.case.phase) + 1]:
            result += [item for item in lists[phase] if item.applies and not item.done]
        return result

    # --- explanations --------------------------------------------------------------------------

    @cached_property
    def matrix_sentences(self) -> list[str]:
        """«Kort fortalt» on the matrix page, worded by the one explanation layer."""
        if not self.ranking:
            return []
        facts = [explain.ranking_first(self.ranking[0].name)]
        names = [wording.criterion(c) for c in self.criteria]
        facts += explain.weight_interval_facts(names, self.stability)
        if self.first_shares:
            best, share = self.first_shares[0]
            facts.append(explain.smaa_first_share(best.name, share))
        return wording.sentences(facts)

    @cached_property
    def portfolio_facts(self) -> list:
        """What the portfolio says (chosen, next krone, first out), as the domain's facts."""
        if self.portfolio is None:
            return []
        return portfolio_facts(
            self.portfolio.result,
            {k: a.name for k, a in self.by_key.items()},
            {k: float(a.cost_nok) for k, a in self.by_key.items()},
            float(self.case.budget_nok),
        )

    @cached_property
    def portfolio_sentences(self) -> list[str]:
        return wording.sentences(self.portfolio_facts)


def _mean(weight_list: list[dict[str, float]]) -> dict[str, float]:
    keys = weight_list[0].keys()
    return {c: sum(w[c] for w in weight_list) / len(weight_list) for c in keys}


def _disagreements(groups: list[GroupResult]) -> list[str]:
    """Plain sentences on where groups weigh the criteria or rank the alternatives apart."""
    sentences: list[str] = []
    if len(groups) < 2:
        return sentences
    for criterion in ("nytte", "alvorlighet", "ressurs"):
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


def due_reviews(municipality, today: dt.date | None = None):
    today = today or timezone.localdate()
    return (
        FollowUp.objects.filter(
            municipality=municipality, evaluated_at__isnull=True, review_on__lte=today
        )
        .select_related("case")
        .order_by("review_on")
    )
