"""A complaint (klage) on a decision: registered, reviewed by the municipality first
(forvaltningsloven § 33, https://lovdata.no/lov/1967-02-10), sent on to Statsforvalteren and
Statsforvalteren's outcome (pasient- og brukerrettighetsloven § 7-2,
https://lovdata.no/lov/1999-07-02-63). One page shows the step the complaint has come to."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import services
from ..access import access_casework_decision_for_user
from ..forms import (
    AuthorityOutcomeForm,
    ComplaintForm,
    ComplaintForwardForm,
    ComplaintRejectForm,
    ComplaintReviewForm,
)
from ..models import ComplaintStatus, DecisionStatus, ReviewOutcome
from ._common import CASEWORKER, add_service_errors, casework_required

#: The steps of the page; the posted ``steg`` must be the one the complaint is at.
REGISTER, REVIEW, REJECT, FORWARD, AUTHORITY = (
    "klage",
    "vurdering",
    "avvisning",
    "oversending",
    ("statsforvalteren"),
)

FORWARD_AFTER = frozenset({ReviewOutcome.OPPRETTHOLDT, ReviewOutcome.OMGJORT_DELVIS})


def _open_complaint(decision):
    """The complaint still being handled, if any (the newest)."""
    return (
        decision.complaints.exclude(
            status__in=[ComplaintStatus.AVVIST, ComplaintStatus.OMGJORT, ComplaintStatus.AVGJORT]
        )
        .order_by("-received_on", "-pk")
        .first()
    )


def _steps(decision, complaint) -> list[str]:
    """Which forms the page offers now."""
    if complaint is None:
        if decision.status == DecisionStatus.UTKAST:
            return []
        return [REGISTER]
    if complaint.status == ComplaintStatus.MOTTATT:
        if not complaint.review_outcome:
            return [REVIEW, REJECT] if complaint.is_late else [REVIEW]
        if complaint.review_outcome in FORWARD_AFTER and complaint.forwarded_on is None:
            return [FORWARD]
    if complaint.status == ComplaintStatus.OVERSENDT:
        return [AUTHORITY]
    return []


FORMS = {
    REGISTER: ComplaintForm,
    REVIEW: ComplaintReviewForm,
    REJECT: ComplaintRejectForm,
    FORWARD: ComplaintForwardForm,
    AUTHORITY: AuthorityOutcomeForm,
}


def _save(step, request, decision, complaint, data):
    actor = request.user
    if step == REGISTER:
        return services.register_complaint(actor=actor, decision=decision, **data)
    if step == REVIEW:
        return services.review_complaint(actor=actor, complaint=complaint, **data)
    if step == REJECT:
        return services.reject_late_complaint(actor=actor, complaint=complaint, **data)
    if step == FORWARD:
        return services.forward_complaint(actor=actor, complaint=complaint, **data)
    return services.record_authority_outcome(actor=actor, complaint=complaint, **data)


DONE = {
    REGISTER: _("Klagen er registrert."),
    REVIEW: _("Kommunens vurdering av klagen er registrert."),
    REJECT: _("Klagen er avvist fordi den kom for sent."),
    FORWARD: _("Klagen er registrert som sendt til Statsforvalteren."),
    AUTHORITY: _("Statsforvalterens avgjørelse er registrert."),
}


@casework_required(*CASEWORKER)
def complaint(request, external_id):
    decision = access_casework_decision_for_user(request, external_id, purpose="cases:complaint")
    current = _open_complaint(decision)
    steps = _steps(decision, current)
    today = timezone.localdate()
    posted = request.POST.get("steg") if request.method == "POST" else None
    forms = {}
    for step in steps:
        data = request.POST if posted == step else None
        initial = {}
        for name in ("received_on", "reviewed_on", "forwarded_on", "decided_on"):
            initial[name] = today
        forms[step] = FORMS[step](data, prefix=step, initial=initial)
    if request.method == "POST":
        if posted not in forms:
            messages.error(request, _("Klagen er ikke på dette steget lenger. Se siden på nytt."))
            return redirect("cases:complaint", external_id=decision.external_id)
        form = forms[posted]
        if form.is_valid():
            try:
                _save(posted, request, decision, current, dict(form.cleaned_data))
            except ValidationError as error:
                add_service_errors(error, form)
            else:
                messages.success(request, str(DONE[posted]))
                return redirect("cases:decision", external_id=decision.external_id)
    return render(
        request,
        "cases/complaint_form.html",
        {
            "decision": decision,
            "person": decision.person,
            "complaint": current,
            "step_forms": list(forms.items()),
            "forms": list(forms.values()),
            "complaints": decision.complaints.all(),
            "deadline": services.complaint_deadline(decision),
        },
    )
