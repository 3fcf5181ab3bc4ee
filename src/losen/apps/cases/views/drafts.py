"""The decision draft (vedtak, utkast), like cases side by side, issuing it («Fatt vedtak»)
and the letter (forvaltningsloven §§ 24–25 and 27, https://lovdata.no/lov/1967-02-10)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from losen.apps.common.locking import save_locked

from .. import letters, services
from ..access import (
    access_application_for_user,
    access_casework_decision_for_user,
    like_cases_for_user,
)
from ..forms import DraftForm, IssueForm
from ..models import DecisionStatus
from . import _letters
from ._common import (
    CASEWORKER,
    add_service_errors,
    casework_required,
    chosen_service,
    posted,
    say_with_references,
    valid_ids,
)


@casework_required(*CASEWORKER)
def draft_new(request, external_id):
    """Draft the decision on one service applied for (``?tjeneste=<code>``)."""
    application = access_application_for_user(request, external_id, purpose="cases:draft-new")
    applied = chosen_service(request, application)
    existing = getattr(applied, "decision", None)
    if existing is not None:
        return redirect("cases:draft", external_id=existing.external_id)
    form = DraftForm(posted(request), municipality=request.municipality, service=applied.service)
    if request.method == "POST" and form.is_valid():
        try:
            decision = services.draft_decision(
                actor=request.user, applied_service=applied, **form.draft_kwargs(new=True)
            )
        except ValidationError as error:
            add_service_errors(error, form)
        else:
            messages.success(request, _("Utkastet til vedtak er laget."))
            return redirect("cases:draft", external_id=decision.external_id)
    return render(
        request,
        "cases/draft_new.html",
        {
            "form": form,
            "forms": [form],
            "application": application,
            "applied": applied,
            "person": application.person,
            "assessment": applied.current_assessment,
        },
    )


def _missing(decision) -> list[str]:
    """Every part the draft lacks before it can be issued, as sentences."""
    from ..services.decisions import missing_messages

    messages_by_field = missing_messages(services.missing_parts(decision))
    return [message for messages in messages_by_field.values() for message in messages]


def _departure(decision) -> list[str]:
    """The like-case departure as sentences, the like cases named by their reference."""
    from losen.domain.explain import Fact

    from ..models import ServiceDecision

    items = [i for i in decision.like_case_departure or [] if isinstance(i, dict) and "code" in i]
    ids = {
        str(case)
        for item in items
        for case in (item.get("params") or {}).get("cases") or []
        if isinstance(case, str)
    }
    references = {
        str(external_id): reference
        for external_id, reference in ServiceDecision.objects.filter(
            municipality_id=decision.municipality_id, external_id__in=valid_ids(ids)
        ).values_list("external_id", "reference")
    }
    sentences = []
    for item in decision.like_case_departure or []:
        if isinstance(item, dict) and "code" in item:
            fact = Fact(item["code"], item.get("params") or {})
            sentences.append(say_with_references(fact, references))
        else:
            sentences.append(str(item))
    return sentences


@casework_required(*CASEWORKER)
def draft(request, external_id):
    """Edit the draft; beside it the like cases and what is still missing to issue it."""
    decision = access_casework_decision_for_user(request, external_id, purpose="cases:draft")
    if decision.status != DecisionStatus.UTKAST:
        return redirect("cases:decision", external_id=decision.external_id)
    form = DraftForm(posted(request), municipality=request.municipality, decision=decision)
    if request.method == "POST" and form.is_valid():
        try:
            saved = save_locked(
                form,
                lambda version: services.update_draft(
                    actor=request.user,
                    decision=decision,
                    expected_version=version,
                    **form.draft_kwargs(new=False),
                ),
            )
        except ValidationError as error:
            add_service_errors(error, form)
        else:
            if saved is not None:
                messages.success(request, _("Utkastet er lagret."))
                return redirect("cases:draft", external_id=decision.external_id)
    return render(
        request,
        "cases/draft_form.html",
        {
            "form": form,
            "forms": [form],
            "decision": decision,
            "person": decision.person,
            "application": decision.application,
            "like_cases": like_cases_for_user(request, decision),
            "departure": _departure(decision),
            "missing": _missing(decision),
            "issue_form": IssueForm(),
        },
    )


@casework_required(*CASEWORKER)
def issue(request, external_id):
    """«Fatt vedtak»: every missing part at once, or the decision issued."""
    decision = access_casework_decision_for_user(request, external_id, purpose="cases:issue")
    if decision.status != DecisionStatus.UTKAST:
        return redirect("cases:decision", external_id=decision.external_id)
    form = IssueForm(posted(request))
    missing = _missing(decision)
    if request.method == "POST" and form.is_valid():
        try:
            services.issue_decision(
                actor=request.user,
                decision=decision,
                like_case_reason=form.cleaned_data["like_case_reason"],
                notified_on=form.cleaned_data["notified_on"],
                on_waiting_list=True if form.cleaned_data["on_waiting_list"] else None,
            )
        except ValidationError as error:
            add_service_errors(error, form)
        else:
            messages.success(request, _("Vedtaket er fattet."))
            return redirect("cases:decision", external_id=decision.external_id)
    return render(
        request,
        "cases/issue_form.html",
        {
            "form": form,
            "forms": [form],
            "decision": decision,
            "person": decision.person,
            "missing": missing,
            "departure": _departure(decision),
            "deadline_if_sent_today": _deadline_if_sent_today(decision),
        },
    )


def _deadline_if_sent_today(decision):
    """The complaint deadline (pasient- og brukerrettighetsloven § 7-2) if the decision is
    issued and reaches the person today, for the summary before «Fatt vedtak»."""
    from django.utils import timezone

    from losen.domain.casework import deadlines

    return deadlines.complaint_deadline(
        timezone.localdate(), decision.complaint_weeks or deadlines.COMPLAINT_WEEKS
    )


def _letter_or_redirect(request, decision):
    try:
        return _letters.decision_letter(decision, user=request.user), None
    except ValueError:
        messages.error(
            request,
            _(
                "Vedtaksbrevet kan ikke lages ennå: hjemmel, faktiske forhold, hovedhensyn og "
                "klageadgang må være fylt ut, og et innvilget vedtak må ha omfang og startdato."
            ),
        )
        target = "cases:draft" if decision.status == DecisionStatus.UTKAST else "cases:decision"
        return None, redirect(target, external_id=decision.external_id)


@casework_required(*CASEWORKER)
def decision_docx(request, external_id):
    decision = access_casework_decision_for_user(
        request, external_id, purpose="cases:decision-docx"
    )
    letter, answer = _letter_or_redirect(request, decision)
    if answer is not None:
        return answer
    response = HttpResponse(
        letters.decision_docx(letter),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    filename = f"vedtak-{decision.reference.replace('/', '-')}.docx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@casework_required(*CASEWORKER)
def decision_print(request, external_id):
    decision = access_casework_decision_for_user(
        request, external_id, purpose="cases:decision-print"
    )
    letter, answer = _letter_or_redirect(request, decision)
    if answer is not None:
        return answer
    return HttpResponse(letters.decision_html(letter))
