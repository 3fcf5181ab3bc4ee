"""Reads of the cases app. Pure queries: no permission check and no audit entry.

A view never calls these directly; it goes through :mod:`losen.apps.cases.access`.

* :func:`running_decisions`, :func:`decisions_for_person`: decisions in force, a person's.
* :func:`work_list`: the caseworker's deadlines and tasks
  (:mod:`losen.domain.casework.deadlines`).
* :func:`waiting_list`: one service's waiting list in order (helse- og omsorgstjenesteloven
  § 3-2 a, https://lovdata.no/lov/2011-06-24-30; :mod:`losen.domain.casework.waiting`).
* :func:`like_cases`: the earlier decisions a draft was compared with.
* :func:`processing_times`, :func:`audit_report`: counts for leaders and for a performance
  audit (forvaltningsrevisjon) of the allocation office.
"""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.utils import timezone

from losen.domain.casework import deadlines, waiting
from losen.domain.criteria import default_catalogue
from losen.domain.explain import Fact

from .models import (
    Application,
    ApplicationStatus,
    Complaint,
    ComplaintStatus,
    DecisionStatus,
    ServiceDecision,
    ServiceKind,
)

OPEN_APPLICATION = (ApplicationStatus.MOTTATT, ApplicationStatus.UNDER_BEHANDLING)


def running_decisions(
    municipality, *, unit, service: str | None = None, on: dt.date | None = None
) -> QuerySet[ServiceDecision]:
    """Decisions running on *on* (default today) at *unit*, of kind *service* if given.

    Running: status ``fattet`` or ``paklaget``, ``valid_from <= on`` and ``valid_to`` empty or
    ``>= on``. Ordered by reference (saksnummer).
    """
    decisions = ServiceDecision.objects.filter(municipality=municipality, unit=unit).running(on)
    if service:
        decisions = decisions.filter(service=service)
    return decisions.order_by("reference")


def decisions_for_person(person) -> QuerySet[ServiceDecision]:
    """Every decision of *person*, newest first (the caller has already accessed the person)."""
    return (
        ServiceDecision.objects.filter(municipality=person.municipality, person=person)
        .select_related("unit")
        .order_by("-valid_from", "reference")
    )


# --- The caseworker's work ----------------------------------------------------------------

#: How many days ahead the work list warns of a deadline, by kind.
WARN_DAYS = {"preliminary_reply": 7, "decision": 7, "reevaluation": 30, "complaint": 7}

#: Review outcomes after which a complaint must go to Statsforvalteren.
FORWARD_AFTER = ("opprettholdt", "omgjort-delvis")

#: Urgency codes of the model → the labels of :mod:`losen.domain.casework.waiting`.
URGENCY_LABEL = {
    "akutt": "akutt",
    "innen-dager": "innen dager",
    "innen-uker": "innen uker",
    "kan-planlegges": "kan planlegges",
}


@dataclass(frozen=True)
class WorkItem:
    """One thing in the work list: what it is about, and the deadline's state when it has one.

    ``kind`` is one of the keys of :class:`WorkList`; ``target`` an :class:`Application`,
    :class:`ServiceDecision` or :class:`Complaint`; ``state`` a ``deadline.coming_up`` or
    ``deadline.passed`` fact (:mod:`losen.domain.casework.deadlines`) or None.
    """

    kind: str
    target: object
    deadline: dt.date | None = None
    state: Fact | None = None

    @property
    def is_overdue(self) -> bool:
        return self.state is not None and self.state.code == "deadline.passed"


@dataclass(frozen=True)
class WorkList:
    """The caseworker's work list, each section ordered with the most pressing first."""

    new_applications: list[WorkItem] = field(default_factory=list)
    preliminary_replies: list[WorkItem] = field(default_factory=list)
    decisions_due: list[WorkItem] = field(default_factory=list)
    drafts: list[WorkItem] = field(default_factory=list)
    complaints_to_review: list[WorkItem] = field(default_factory=list)
    complaints_to_forward: list[WorkItem] = field(default_factory=list)
    reevaluations: list[WorkItem] = field(default_factory=list)

    SECTIONS = (
        "new_applications",
        "preliminary_replies",
        "decisions_due",
        "drafts",
        "complaints_to_review",
        "complaints_to_forward",
        "reevaluations",
    )

    def sections(self) -> list[tuple[str, list[WorkItem]]]:
        return [(name, getattr(self, name)) for name in self.SECTIONS]

    @property
    def count(self) -> int:
        return sum(len(items) for _name, items in self.sections())


def _by_deadline(items: list[WorkItem]) -> list[WorkItem]:
    return sorted(items, key=lambda item: (item.deadline or dt.date.max, str(item.target)))


def work_list(municipality, user, today: dt.date | None = None, *, everyone: bool = False):
    """The work of *user* (applications they handle or nobody handles yet) on *today*:
    new applications, preliminary replies due or passed (fvl § 11 a), expected decision dates
    coming up or passed, drafts, complaints waiting for review or for forwarding, and
    re-evaluations due. With *everyone* the whole municipality's work (for a leader).
    """
    today = today or timezone.localdate()
    applications = Application.objects.filter(
        municipality=municipality, status__in=OPEN_APPLICATION
    ).select_related("person")
    if not everyone:
        applications = applications.filter(Q(caseworker=user) | Q(caseworker__isnull=True))
    result = WorkList()
    for application in applications.order_by("received_on", "reference"):
        if application.status == ApplicationStatus.MOTTATT:
            result.new_applications.append(
                WorkItem("new_applications", application, application.received_on)
            )
        if application.preliminary_reply_on is None:
            due = deadlines.preliminary_reply_due(application.received_on)
            state = deadlines.deadline_state(
                "preliminary_reply", due, today, WARN_DAYS["preliminary_reply"]
            )
            if state is not None:
                result.preliminary_replies.append(
                    WorkItem("preliminary_replies", application, due, state)
                )
        if application.expected_decision_on is not None:
            state = deadlines.deadline_state(
                "decision", application.expected_decision_on, today, WARN_DAYS["decision"]
            )
            if state is not None:
                result.decisions_due.append(
                    WorkItem("decisions_due", application, application.expected_decision_on, state)
                )
    decisions = ServiceDecision.objects.filter(municipality=municipality).select_related(
        "application", "person"
    )
    if not everyone:
        decisions = decisions.filter(
            Q(application__isnull=True)
            | Q(application__caseworker=user)
            | Q(application__caseworker__isnull=True)
        )
    for decision in decisions.filter(status=DecisionStatus.UTKAST).order_by("created_at"):
        deadline = decision.application.expected_decision_on if decision.application else None
        result.drafts.append(WorkItem("drafts", decision, deadline))
    for decision in decisions.running(today).filter(review_on__isnull=False):
        state = deadlines.deadline_state(
            "reevaluation", decision.review_on, today, WARN_DAYS["reevaluation"]
        )
        if state is not None:
            result.reevaluations.append(
                WorkItem("reevaluations", decision, decision.review_on, state)
            )
    complaints = Complaint.objects.filter(
        decision__in=decisions, status=ComplaintStatus.MOTTATT
    ).select_related("decision")
    for complaint in complaints.order_by("received_on", "pk"):
        if not complaint.review_outcome:
            result.complaints_to_review.append(
                WorkItem("complaints_to_review", complaint, complaint.received_on)
            )
        elif complaint.review_outcome in FORWARD_AFTER:
            result.complaints_to_forward.append(
                WorkItem("complaints_to_forward", complaint, complaint.reviewed_on)
            )
    for name in ("preliminary_replies", "decisions_due", "drafts", "reevaluations"):
        items = getattr(result, name)
        items[:] = _by_deadline(items)
    return result


# --- The waiting list ---------------------------------------------------------------------


@dataclass(frozen=True)
class WaitingPlace:
    """One decision's place on the waiting list, the days waited and the reasons (facts of
    :mod:`losen.domain.casework.waiting`)."""

    place: int
    decision: ServiceDecision
    days_waited: int
    urgency: str
    severity: str
    reasons: tuple[Fact, ...]


def _severity_position(assessment) -> int:
    catalogue = default_catalogue()
    labels = catalogue.scale(catalogue.criterion("alvorlighet").scale).labels
    level = (
        ((assessment.combined or {}).get("alvorlighet") or {}).get("level") if assessment else None
    )
    return labels.index(level) if level in labels else 0


def waiting_list(municipality, service: str, today: dt.date | None = None) -> list[WaitingPlace]:
    """*service*'s waiting list in *municipality*: granted, issued and not yet served, in the
    order of :func:`losen.domain.casework.waiting.order` (urgency, severity, longest wait).

    A decision without an assessment (registered before applications were kept) counts as
    «kan planlegges» with the lowest severity.
    """
    today = today or timezone.localdate()
    decisions = {
        str(decision.external_id): decision
        for decision in ServiceDecision.objects.filter(municipality=municipality, service=service)
        .waiting()
        .filter(waiting_since__lte=today)
        .select_related("assessment", "person")
    }
    entries = []
    for key, decision in decisions.items():
        assessment = decision.assessment
        urgency = URGENCY_LABEL.get(assessment.urgency if assessment else "", "kan planlegges")
        entries.append(
            waiting.WaitingEntry(
                id=key,
                service=service,
                urgency=urgency,
                severity=_severity_position(assessment),
                granted_on=decision.waiting_since,
            )
        )
    labels = default_catalogue().scale(default_catalogue().criterion("alvorlighet").scale).labels
    return [
        WaitingPlace(
            place.place,
            decisions[place.entry.id],
            place.days_waited,
            place.entry.urgency,
            labels[place.entry.severity],
            place.reasons,
        )
        for place in waiting.order(entries, today)
    ]


def like_cases(decision: ServiceDecision) -> list[tuple[ServiceDecision, float]]:
    """The earlier decisions *decision* was compared with, nearest first, with their distance
    (0 = the same assessment); only the same municipality's decisions."""
    stored = [row for row in decision.like_cases or [] if isinstance(row, dict)]
    found = {
        str(other.external_id): other
        for other in ServiceDecision.objects.filter(
            municipality_id=decision.municipality_id,
            external_id__in=[row.get("decision") for row in stored if row.get("decision")],
        )
    }
    return [
        (found[str(row["decision"])], float(row.get("distance") or 0))
        for row in stored
        if str(row.get("decision")) in found
    ]


# --- Reports ------------------------------------------------------------------------------

Period = tuple[dt.date, dt.date]


@dataclass(frozen=True)
class ProcessingTimes:
    """Days from an application's receipt to the decision, for decisions issued in a period."""

    count: int
    mean_days: float | None
    median_days: float | None
    p90_days: float | None
    longest_days: int | None
    within_expected: int
    over_one_month: int
    over_one_month_with_reply: int
    by_service: dict[str, int]


def _percentile(values: list[int], share: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    index = (len(ordered) - 1) * share
    low, high = int(index), min(int(index) + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (index - low)


def _issued_in(municipality, period: Period):
    start, end = period
    return ServiceDecision.objects.filter(
        municipality=municipality, decided_at__gte=start, decided_at__lte=end
    ).exclude(status=DecisionStatus.UTKAST)


def processing_times(municipality, service: str | None = None, period: Period | None = None):
    """:class:`ProcessingTimes` of the decisions made from applications and issued in
    *period* (``(first day, last day)``, default the last 365 days), of *service* if given.

    «Over one month» is a case not decided within one calendar month of receipt, when a
    preliminary reply was owed (forvaltningsloven § 11 a); ``over_one_month_with_reply``
    counts those that had one.
    """
    today = timezone.localdate()
    period = period or (today - dt.timedelta(days=365), today)
    decisions = _issued_in(municipality, period).filter(application__isnull=False)
    if service:
        decisions = decisions.filter(service=service)
    days: list[int] = []
    within = over = replied = 0
    by_service: dict[str, int] = {}
    for decision in decisions.select_related("application"):
        application = decision.application
        taken = (decision.decided_at - application.received_on).days
        days.append(taken)
        by_service[decision.service] = by_service.get(decision.service, 0) + 1
        if application.expected_decision_on and decision.decided_at <= (
            application.expected_decision_on
        ):
            within += 1
        if decision.decided_at >= deadlines.preliminary_reply_due(application.received_on):
            over += 1
            if application.preliminary_reply_on is not None:
                replied += 1
    return ProcessingTimes(
        count=len(days),
        mean_days=round(statistics.fmean(days), 1) if days else None,
        median_days=_percentile(days, 0.5),
        p90_days=_percentile(days, 0.9),
        longest_days=max(days) if days else None,
        within_expected=within,
        over_one_month=over,
        over_one_month_with_reply=replied,
        by_service=by_service,
    )


@dataclass(frozen=True)
class AuditReport:
    """What a performance audit (forvaltningsrevisjon) of the allocation office asks for, in
    counts: applications, outcomes, processing times and preliminary replies, complaints and
    their outcomes, like cases, waiting lists and the allocation criteria in force."""

    period: Period
    applications_received: int
    applications_by_status: dict[str, int]
    decisions_by_outcome: dict[str, int]
    decisions_by_service: dict[str, dict[str, int]]
    processing: ProcessingTimes
    open_without_reply: int
    complaints_received: int
    complaints_late: int
    complaints_by_review: dict[str, int]
    complaints_forwarded: int
    complaints_by_authority: dict[str, int]
    departed_from_like_cases: int
    departed_with_reason: int
    waiting_now: dict[str, int]
    longest_wait_days: dict[str, int]
    criteria_in_force: dict[str, int]
    long_term_regulation: bool


def _counts(rows, key: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    for row in rows.values_list(key, flat=True):
        counts[row or ""] = counts.get(row or "", 0) + 1
    return counts


def audit_report(municipality, period: Period) -> AuditReport:
    """The :class:`AuditReport` of *municipality* for *period* (``(first day, last day)``)."""
    from .models import AllocationCriteria

    start, end = period
    today = timezone.localdate()
    received = Application.objects.filter(
        municipality=municipality, received_on__gte=start, received_on__lte=end
    )
    issued = _issued_in(municipality, period)
    by_service: dict[str, dict[str, int]] = {}
    for service, outcome in issued.values_list("service", "outcome"):
        by_service.setdefault(service, {})
        by_service[service][outcome] = by_service[service].get(outcome, 0) + 1
    open_without_reply = sum(
        1
        for application in Application.objects.filter(
            municipality=municipality,
            status__in=OPEN_APPLICATION,
            preliminary_reply_on__isnull=True,
        )
        if deadlines.needs_preliminary_reply(application.received_on, min(today, end))
    )
    complaints = Complaint.objects.filter(
        decision__municipality=municipality, received_on__gte=start, received_on__lte=end
    )
    departed = issued.exclude(like_case_departure=[])
    waiting_now: dict[str, int] = {}
    longest: dict[str, int] = {}
    for service, since in (
        ServiceDecision.objects.filter(municipality=municipality)
        .waiting()
        .values_list("service", "waiting_since")
    ):
        waiting_now[service] = waiting_now.get(service, 0) + 1
        longest[service] = max(longest.get(service, 0), (today - since).days)
    in_force: dict[str, int] = {}
    regulation = False
    for criteria in AllocationCriteria.objects.filter(
        municipality=municipality, is_published=True, valid_from__lte=end
    ).exclude(valid_to__lt=end):
        in_force[criteria.service] = max(in_force.get(criteria.service, 0), criteria.version)
        if criteria.service == "langtidsopphold" and criteria.regulation.strip():
            regulation = True
    return AuditReport(
        period=period,
        applications_received=received.count(),
        applications_by_status=_counts(received, "status"),
        decisions_by_outcome=_counts(issued, "outcome"),
        decisions_by_service=by_service,
        processing=processing_times(municipality, period=period),
        open_without_reply=open_without_reply,
        complaints_received=complaints.count(),
        complaints_late=complaints.filter(is_late=True).count(),
        complaints_by_review=_counts(complaints.exclude(review_outcome=""), "review_outcome"),
        complaints_forwarded=complaints.filter(forwarded_on__isnull=False).count(),
        complaints_by_authority=_counts(
            complaints.exclude(authority_outcome=""), "authority_outcome"
        ),
        departed_from_like_cases=departed.count(),
        departed_with_reason=departed.exclude(like_case_reason="").count(),
        waiting_now=waiting_now,
        longest_wait_days=longest,
        criteria_in_force=in_force,
        long_term_regulation=regulation,
    )


@dataclass(frozen=True)
class Share:
    """How many of ``total`` issued decisions departed from like cases (``flagged``)."""

    label: str
    flagged: int
    total: int

    @property
    def share(self) -> float:
        return self.flagged / self.total if self.total else 0.0


@dataclass(frozen=True)
class LikeCasesReport:
    """Like cases alike, for leaders (counts only, no person named).

    ``by_service`` and ``by_caseworker`` give the share of issued decisions whose draft departed
    from the most similar earlier decisions (:mod:`losen.domain.casework.similarity`);
    ``outcomes_by_month`` is ``{service: [(month "YYYY-MM", {outcome: n})]}`` in month order,
    so a leader sees whether a service's outcomes change over time.
    """

    by_service: list[Share]
    by_caseworker: list[Share]
    outcomes_by_month: dict[str, list[tuple[str, dict[str, int]]]]


def like_cases_report(municipality, period: Period) -> LikeCasesReport:
    """The :class:`LikeCasesReport` of the decisions issued in *period*. Two queries."""
    service_totals: dict[str, list[int]] = {}
    worker_totals: dict[str, list[int]] = {}
    months: dict[str, dict[str, dict[str, int]]] = {}
    rows = _issued_in(municipality, period).values_list(
        "service",
        "outcome",
        "decided_at",
        "like_case_departure",
        "decided_by__first_name",
        "decided_by__last_name",
        "decided_by__username",
    )
    # The caseworker as User.display_name shows them: full name, else the user name.
    for service, outcome, decided_at, departure, first, last, username in rows:
        flagged = 1 if departure else 0
        counts = service_totals.setdefault(service, [0, 0])
        counts[0] += flagged
        counts[1] += 1
        worker = f"{first} {last}".strip() or username or "–"
        counts = worker_totals.setdefault(worker, [0, 0])
        counts[0] += flagged
        counts[1] += 1
        month = decided_at.strftime("%Y-%m")
        by_outcome = months.setdefault(service, {}).setdefault(month, {})
        by_outcome[outcome] = by_outcome.get(outcome, 0) + 1
    labels = dict(ServiceKind.choices)
    return LikeCasesReport(
        by_service=[
            Share(str(labels.get(s, s)), f, t) for s, (f, t) in sorted(service_totals.items())
        ],
        by_caseworker=[Share(w, f, t) for w, (f, t) in sorted(worker_totals.items())],
        outcomes_by_month={s: sorted(per_month.items()) for s, per_month in sorted(months.items())},
    )
