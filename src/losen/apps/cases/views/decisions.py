"""Thin views of the cases app: fetch through ``access``, write through ``services``."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from losen.apps.accounts.access import member_required
from losen.apps.accounts.models import Role
from losen.apps.common.locking import save_locked
from losen.apps.persons.access import access_person_for_user

from .. import services
from ..access import access_decision_for_user
from ..forms import DecisionForm, StatusForm

READ_ROLES = (Role.KLINIKER, Role.SAKSBEHANDLER)


def _is_caseworker(request) -> bool:
    return Role.SAKSBEHANDLER in set(request.roles)


@member_required(Role.SAKSBEHANDLER)
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


@member_required(*READ_ROLES)
def decision_detail(request, external_id):
    decision = access_decision_for_user(request, external_id, purpose="cases:decision")
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
        },
    )


@member_required(Role.SAKSBEHANDLER)
def decision_status(request, external_id):
    decision = access_decision_for_user(request, external_id, purpose="cases:decision-status")
    form = StatusForm(request.POST or None, decision=decision)
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
