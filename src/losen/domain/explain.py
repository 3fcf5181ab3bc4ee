"""Facts: what the domain has found out, as data, for one translated layer to word.

The domain never writes the sentences people read. An engine that has something to explain
(a ranking, a weight threshold, an SMAA result, a step of the Swedish ranking helper, a
flag on an assessment, a budget portfolio) returns :class:`Fact` values: a ``code`` naming
the kind of statement and ``params`` holding the plain values it needs (str, int, float,
bool, None, or lists of str). The web pages and the ``losen`` command word them through one
layer, :mod:`losen.apps.criteria.wording`, in bokmål, nynorsk or English.

Conventions for params:

* shares and weights are numbers in [0, 1] (the layer writes them as per cent or decimals);
* amounts are numbers in the budget's unit (kroner);
* level labels are the catalogue's labels (``"svært stor"``); the layer translates them by
  the scale the parameter belongs to (``severity``: alvorlighet, ``benefit``: nytte,
  ``cost``: ressurs, ``uncertainty``: usikkerhet);
* names (of alternatives, criteria, measures) are shown as given.

:data:`CODES` lists every code the domain emits with the names of its params; a test checks
that the layer has a sentence for each and that the engines emit nothing else.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

Param = str | int | float | bool | None | list[str]


@dataclass(frozen=True)
class Fact:
    """One statement the domain can make, before it is worded.

    Attributes:
        code: What kind of statement, e.g. ``"ranking.top"`` (see :data:`CODES`).
        params: The values the statement needs, by name.
    """

    code: str
    params: Mapping[str, Param] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # A private copy, so that changing the caller's dict later does not change the fact.
        object.__setattr__(self, "params", dict(self.params))

    def to_dict(self) -> dict[str, object]:
        """``{"code", "params"}``, ready for JSON."""
        return {"code": self.code, "params": dict(self.params)}


CODES: dict[str, tuple[str, ...]] = {
    # A ranking (losen rank, the matrix page).
    "ranking.top": ("name", "score", "method"),
    "ranking.top_shared": ("names", "score", "method"),
    "ranking.first": ("name",),
    # Weight stability; direction is "above" or "below".
    "weight.swap": ("leader", "rival", "criterion", "direction", "threshold", "weight"),
    "weight.overtake": ("leader", "rival", "criterion", "direction", "threshold", "weight"),
    "weight.steady": ("leader", "criteria"),
    "weight.interval": ("criterion", "lower", "upper", "weight"),
    # SMAA.
    "smaa.first": ("name", "share"),
    "smaa.first_rest": ("count", "share"),
    "smaa.never_first": ("names",),
    "smaa.never_first_count": ("count",),
    "smaa.confidence": ("name", "share"),
    "smaa.centre_first": ("name",),
    "smaa.first_share": ("name", "share"),
    # The Swedish ranking helper, one code per outcome of each step.
    "swedish.a": ("severity", "rank"),
    "swedish.b.kept": ("benefit", "severity"),
    "swedish.b.down": ("benefit", "severity", "shortfall", "rank"),
    "swedish.c.kept": ("cost",),
    "swedish.c.down": ("cost", "steps", "rank"),
    "swedish.d.kept": ("uncertainty",),
    "swedish.d.down": ("uncertainty", "steps", "rank"),
    "swedish.category.rank": ("rank",),
    "swedish.category.ikke_gjore": ("benefit", "uncertainty"),
    "swedish.category.fou": ("uncertainty",),
    # Flags on a samlet vurdering (the codes predate the dotted style and are kept).
    "nytte_over_alvorlighet": ("benefit", "benefit_value", "severity", "severity_value"),
    "usikkert_grunnlag": ("criterion", "uncertainty"),
    # A budget portfolio.
    "portfolio.chosen": ("count", "total_cost", "budget", "leftover"),
    "portfolio.next_in": ("names", "added_cost", "extra_cost"),
    "portfolio.first_out": ("names",),
    "portfolio.infeasible": ("reasons",),
    "portfolio.time_limit": ("reasons",),
    "portfolio.value": (
        "persons",
        "benefit",
        "benefit_value",
        "severity",
        "severity_weight",
        "value",
    ),
    # The caseworker's work (losen.domain.casework). Dates are ISO strings (YYYY-MM-DD).
    "function.summary": ("relevant", "not_relevant", "high_need", "high_need_codes", "mean"),
    "complaint.deadline": ("deadline", "weeks", "decision_received"),
    "complaint.in_time": ("deadline", "received"),
    "complaint.late": ("deadline", "received", "days_late"),
    "deadline.moved": ("nominal", "deadline", "skipped"),
    "deadline.coming_up": ("kind", "deadline", "days_left"),
    "deadline.passed": ("kind", "deadline", "days_over"),
    "vedtak.missing.outcome": (),
    "vedtak.missing.service": (),
    "vedtak.missing.scope": (),
    "vedtak.missing.period": (),
    "vedtak.missing.refused_part": (),
    "vedtak.missing.refusal_reasons": (),
    "vedtak.missing.legal_basis": (),
    "vedtak.missing.facts": (),
    "vedtak.missing.main_considerations": (),
    "vedtak.missing.complaint_right": (),
    "vedtak.missing.complaint_deadline": (),
    "vedtak.missing.complaint_instance": (),
    "vedtak.missing.complaint_procedure": (),
    "vedtak.missing.access_to_documents": (),
    "vedtak.missing.contact_person": (),
    "vedtak.missing.departure_reason": (),
    "similarity.too_few": ("count", "needed"),
    "similarity.in_line": ("count", "cases"),
    "similarity.outcome_differs": ("outcome", "majority", "count", "total", "cases"),
    "similarity.hours_above": ("hours", "low", "high", "limit", "cases"),
    "similarity.hours_below": ("hours", "low", "high", "limit", "cases"),
    "waiting.place": ("place", "urgency", "severity", "days", "granted_on"),
    "waiting.after.urgency": ("other", "other_urgency", "urgency"),
    "waiting.after.severity": ("other", "other_severity", "severity"),
    "waiting.after.waited": ("other", "other_days", "days"),
    "waiting.after.tie": ("other",),
    "waiting.left": ("id", "place"),
    "waiting.joined": ("id", "place", "urgency", "severity"),
    "waiting.urgency_changed": ("id", "old", "new"),
    "waiting.severity_changed": ("id", "old", "new"),
    "waiting.moved": (
        "id",
        "old_place",
        "new_place",
        "left_above",
        "joined_above",
        "overtaken_by",
        "fell_below",
    ),
}
"""Every code the domain emits, with the names of its params (all of them always present)."""
