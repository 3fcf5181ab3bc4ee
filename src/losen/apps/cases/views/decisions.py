"""Thin views of the cases app: fetch through ``access``, write through ``services``."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from losen.apps.accounts.models import Role
from losen.apps.common.locking import save_locked
from losen.apps.persons.access import access_person_for_user

from .. import services
from ..access import access_casework_decision_for_user, access_decision_for_user
from ..forms import DecisionForm, GivePlaceForm, StatusForm
from ..models import DecisionStatus, ServiceDecision
from ._common import CASEWORKER, add_service_errors, casework_required

READ_ROLES = (Role.KLINIKER, Role.SAKSBEHANDLER)


def _is_caseworker(request) -> bool:
    return Role.SAKSBEHANDLER in set(request.roles)


@casework_required(*CASEWORKER)
def decision_new(request, external_id):
    person = access_person_for_user(request, external_id, purpose="cases:decision-new")
    form = DecisionForm(request.POST or None, municipality=request.municipality)
    if request.method == "POST" and form.is_valid():
        try:
            decision = services.record_decision(
                actor=request.user,
                municipality=request.municipality,
                person=person,
                **form.cleaned_data,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Vedtaket er registrert."))
            return redirect("cases:decision", external_id=decision.external_id)
    return render(request, "cases/decision_form.html", {"form": form, "person": person})


@casework_required(*READ_ROLES)
def decision_detail(request, external_id):
    decision = access_decision_for_user(request, external_id, purpose="cases:decision")
    return _detail_page(request, decision)


@casework_required(*CASEWORKER)
def give_place(request, external_id):
    """POST only: the service or place is given from a date and the decision leaves the
    waiting list (helse- og omsorgstjenesteloven § 3-2 a, https://lovdata.no/lov/2011-06-24-30).
    An invalid form shows the decision page with the errors."""
    decision = access_casework_decision_for_user(request, external_id, purpose="cases:give-place")
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = GivePlaceForm(request.POST, prefix="plass")
    if form.is_valid():
        try:
            services.give_place(
                actor=request.user,
                decision=decision,
                served_from=form.cleaned_data["served_from"],
            )
        except ValidationError as error:
            add_service_errors(error, form)
        else:
            messages.success(request, _("Plassen er gitt, og vedtaket er tatt av ventelisten."))
            return redirect("cases:decision", external_id=decision.external_id)
    return _detail_page(request, decision, place_form=form)


def _on_waiting_list(decision) -> bool:
    return ServiceDecision.objects.waiting().filter(pk=decision.pk).exists()


def _detail_page(request, decision, *, place_form=None):
    if place_form is None and _is_caseworker(request) and _on_waiting_list(decision):
        place_form = GivePlaceForm(prefix="plass", initial={"served_from": timezone.localdate()})
    status_form = None
    if _is_caseworker(request):
        status_form = StatusForm(decision=decision)
        if not status_form.fields["status"].choices:
            status_form = None
    return render(
        request,
        "cases/decision_detail.html",
        {
            "decision": decision,
            "person": decision.person,
            "changes": decision.status_changes.select_related("changed_by"),
            "complaints": list(decision.complaints.all()),
            "is_caseworker": _is_caseworker(request),
            "status_form": status_form,
            "place_form": place_form,
            "forms": [place_form] if place_form is not None else [],
        },
    )


@casework_required(*CASEWORKER)
def decision_status(request, external_id):
    decision = access_decision_for_user(request, external_id, purpose="cases:decision-status")
    form = StatusForm(request.POST or None, decision=decision)
    if (
        request.method == "POST"
        and form.is_valid()
        and decision.application_id
        and form.cleaned_data["status"] in (DecisionStatus.PAKLAGET, DecisionStatus.OMGJORT)
    ):
        # A decision made from an application is complained about and reversed through the
        # complaint's steps, so the review and Statsforvalteren's outcome are kept.
        form.add_error(
            "status",
            _("Registrer klagen og kommunens vurdering på klagesiden for dette vedtaket."),
        )
    if request.method == "POST" and form.is_valid():
        try:
            saved = save_locked(
                form,
                lambda version: services.change_status(
                    actor=request.user,
                    decision=decision,
                    status=form.cleaned_data["status"],
                    note=form.cleaned_data["note"],
                    expected_version=version,
                ),
            )
        except ValidationError as error:
            # Rules about the decision itself (facts, reasons) belong to no field here.
            for field, problems in error.message_dict.items():
                for problem in problems:
                    form.add_error(field if field in form.fields else None, problem)
        else:
            if saved is not None:
                messages.success(request, _("Statusen er endret."))
                return redirect("cases:decision", external_id=decision.external_id)
    return render(
        request,
        "cases/status_form.html",
        {"form": form, "decision": decision, "person": decision.person},
    )
