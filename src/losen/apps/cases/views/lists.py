"""The caseworker's work list, the waiting list per service (helse- og omsorgstjenesteloven
§ 3-2 a, https://lovdata.no/lov/2011-06-24-30; pasient- og brukerrettighetsloven § 2-1 e,
https://lovdata.no/lov/1999-07-02-63) and the leaders' report on processing times and what a
performance audit (forvaltningsrevisjon) asks for."""

from __future__ import annotations

import datetime as dt

from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from losen.apps.accounts.models import Role
from losen.apps.criteria import wording

from .. import selectors
from ..access import is_caseworker, waiting_list_for_user, work_list_for_user
from ..models import (
    ApplicationStatus,
    AuthorityOutcome,
    Outcome,
    ReviewOutcome,
    ServiceKind,
)
from ._common import CASEWORKER, LEADER, casework_required, say, say_with_references

SECTION_TITLES = {
    "new_applications": gettext_lazy("Nye søknader"),
    "preliminary_replies": gettext_lazy("Foreløpig svar (forvaltningsloven § 11 a)"),
    "decisions_due": gettext_lazy("Forventet vedtaksdato"),
    "drafts": gettext_lazy("Utkast til vedtak"),
    "complaints_to_review": gettext_lazy("Klager som venter på kommunens vurdering"),
    "complaints_to_forward": gettext_lazy("Klager som skal sendes til Statsforvalteren"),
    "reevaluations": gettext_lazy("Ny vurdering"),
}


def _row(item):
    """What the work list shows of one item: reference, person, deadline, link."""
    from django.urls import reverse

    from ..models import Application, Complaint

    target = item.target
    if isinstance(target, Application):
        url = reverse("cases:application", kwargs={"external_id": target.external_id})
        person, reference = target.person, target.reference
    elif isinstance(target, Complaint):
        url = reverse("cases:complaint", kwargs={"external_id": target.decision.external_id})
        person, reference = target.decision.person, target.decision.reference
    else:
        name = "cases:draft" if target.status == "utkast" else "cases:decision"
        url = reverse(name, kwargs={"external_id": target.external_id})
        person, reference = target.person, target.reference
    return {
        "url": url,
        "reference": reference,
        "person": person,
        "deadline": item.deadline,
        "state": say(item.state) if item.state is not None else "",
        "overdue": item.is_overdue,
    }


@casework_required(*CASEWORKER)
def work_list(request):
    sections = [
        (name, SECTION_TITLES[name], [_row(item) for item in items])
        for name, items in work_list_for_user(request)
    ]
    return render(
        request,
        "cases/work_list.html",
        {"sections": sections, "count": sum(len(rows) for _n, _t, rows in sections)},
    )


@casework_required(Role.SAKSBEHANDLER, Role.LEDER)
def waiting_list(request):
    """The waiting list of ``?tjeneste=<code>`` (default long-term places), without names."""
    code = request.GET.get("tjeneste") or ServiceKind.LANGTIDSOPPHOLD
    if code not in ServiceKind.values:
        raise Http404(_("Fant ikke siden."))
    places = waiting_list_for_user(request, code)
    references = {str(p.decision.external_id): p.decision.reference for p in places}
    rows = [
        {
            "place": p.place,
            "reference": p.decision.reference,
            "decision": p.decision,
            "waiting_since": p.decision.waiting_since,
            "days": p.days_waited,
            # The labels in the active language, as the reasons beside them word them.
            "urgency": wording.level("hastegrad", p.urgency),
            "severity": wording.level("alvorlighet", p.severity),
            "reasons": [say_with_references(f, references) for f in p.reasons],
        }
        for p in places
    ]
    return render(
        request,
        "cases/waiting_list.html",
        {
            "rows": rows,
            "service": code,
            "service_label": ServiceKind(code).label,
            "services": ServiceKind.choices,
            "may_open": is_caseworker(request),
        },
    )


def _period(request):
    today = timezone.localdate()
    try:
        start = dt.date.fromisoformat(request.GET.get("fra") or "")
    except ValueError:
        start = today - dt.timedelta(days=365)
    try:
        end = dt.date.fromisoformat(request.GET.get("til") or "")
    except ValueError:
        end = today
    if end < start:
        start, end = end, start
    return start, end


def _labelled(counts: dict, choices) -> list[tuple[str, int]]:
    labels = dict(choices)
    return [(str(labels.get(code, code or "–")), n) for code, n in sorted(counts.items())]


@casework_required(*LEADER)
def report(request):
    """Counts only (no person named): processing times, preliminary replies, outcomes,
    complaints, like cases, waiting lists and the allocation criteria in force."""
    period = _period(request)
    audit = selectors.audit_report(request.municipality, period)
    like = selectors.like_cases_report(request.municipality, period)
    outcome_labels = dict(Outcome.choices)
    service_labels = dict(ServiceKind.choices)
    over_time = [
        (
            str(service_labels.get(service, service)),
            [
                (month, [(str(outcome_labels[o]), counts.get(o, 0)) for o in Outcome.values])
                for month, counts in months
            ],
        )
        for service, months in like.outcomes_by_month.items()
    ]
    return render(
        request,
        "cases/report.html",
        {
            "period": period,
            "audit": audit,
            "processing": audit.processing,
            "by_status": _labelled(audit.applications_by_status, ApplicationStatus.choices),
            "by_outcome": _labelled(audit.decisions_by_outcome, Outcome.choices),
            "by_review": _labelled(audit.complaints_by_review, ReviewOutcome.choices),
            "by_authority": _labelled(audit.complaints_by_authority, AuthorityOutcome.choices),
            "waiting": _labelled(audit.waiting_now, ServiceKind.choices),
            "criteria": _labelled(audit.criteria_in_force, ServiceKind.choices),
            "by_service": _labelled(audit.processing.by_service, ServiceKind.choices),
            "like": like,
            "outcome_labels": [str(label) for label in Outcome.labels],
            "over_time": over_time,
        },
    )
