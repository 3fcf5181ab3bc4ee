"""Applications (søknader): the list and person search, registering one, its page and the
preliminary reply (forvaltningsloven § 11 a, https://lovdata.no/lov/1967-02-10)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from losen.apps.persons.access import access_person_for_user
from losen.domain.casework import deadlines

from .. import letters, services
from ..access import access_application_for_user, applications_for_user, search_persons_for_user
from ..forms import (
    ApplicationForm,
    NewPersonForm,
    PersonSearchForm,
    PreliminaryReplyForm,
    WithdrawForm,
)
from ..models import ApplicationStatus
from ..services.applications import OPEN_STATUSES
from . import _letters
from ._common import CASEWORKER, add_service_errors, casework_required, masked_national_id, posted


@casework_required(*CASEWORKER)
def application_list(request):
    """The caseworker's applications, and a search for a person to register one for."""
    search = PersonSearchForm(request.GET or None)
    found = None
    if search.is_valid() and search.cleaned_data["q"]:
        found = search_persons_for_user(request, search.cleaned_data["q"])
    return render(
        request,
        "cases/application_list.html",
        {
            "search": search,
            "found": found,
            "applications": applications_for_user(request),
        },
    )


def _register(request, form, *, person=None, person_form=None):
    """Register the application (and the new person, if any) in one transaction; None and
    the errors on the forms when a rule is broken."""
    try:
        with transaction.atomic():
            if person is None:
                person = services.register_person(
                    actor=request.user,
                    municipality=request.municipality,
                    **person_form.cleaned_data,
                )
            return services.register_application(
                actor=request.user,
                municipality=request.municipality,
                person=person,
                **form.application_kwargs(),
            )
    except ValidationError as error:
        add_service_errors(error, *(f for f in (person_form, form) if f is not None))
        return None


def _registered(request, application):
    messages.success(
        request,
        _("Søknaden er registrert med saksnummer %(ref)s.") % {"ref": application.reference},
    )
    return redirect("cases:application", external_id=application.external_id)


def _initial():
    return {"received_on": timezone.localdate(), "letter_language": "nb"}


@casework_required(*CASEWORKER)
def application_new(request):
    """Register a new person (fødselsnummer or D-nummer) and their application."""
    person_form = NewPersonForm(posted(request), prefix="person")
    form = ApplicationForm(posted(request), initial=_initial())
    if request.method == "POST":
        person_valid = person_form.is_valid()
        if form.is_valid() and person_valid:
            application = _register(request, form, person_form=person_form)
            if application is not None:
                return _registered(request, application)
    return render(
        request,
        "cases/application_form.html",
        {"form": form, "person_form": person_form, "person": None, "forms": [person_form, form]},
    )


@casework_required(*CASEWORKER)
def application_new_for_person(request, external_id):
    """Register an application for a person the caseworker may see."""
    person = access_person_for_user(request, external_id, purpose="cases:application-new")
    form = ApplicationForm(posted(request), initial=_initial())
    if request.method == "POST" and form.is_valid():
        application = _register(request, form, person=person)
        if application is not None:
            return _registered(request, application)
    return render(
        request,
        "cases/application_form.html",
        {"form": form, "person_form": None, "person": person, "forms": [form]},
    )


def _deadline_rows(application, today):
    """The deadlines of the application page: expected decision and the preliminary reply."""
    decided = application.status in (ApplicationStatus.AVGJORT, ApplicationStatus.TRUKKET)
    due = deadlines.preliminary_reply_due(application.received_on)
    if application.preliminary_reply_on:
        reply_state = "sent"
    elif decided:
        reply_state = "not-needed"
    elif deadlines.needs_preliminary_reply(application.received_on, today):
        reply_state = "passed"
    else:
        reply_state = "coming"
    expected_passed = (
        not decided
        and application.expected_decision_on is not None
        and application.expected_decision_on < today
    )
    return {
        "reply_due": due,
        "reply_state": reply_state,
        "days_to_reply": (due - today).days,
        "expected_passed": expected_passed,
    }


@casework_required(*CASEWORKER)
def application_detail(request, external_id):
    application = access_application_for_user(request, external_id, purpose="cases:application")
    return _detail_page(request, application)


@casework_required(*CASEWORKER)
def application_withdraw(request, external_id):
    """POST only: the applicant has withdrawn the application (with a note and a
    confirmation). An invalid form shows the application page with the errors."""
    application = access_application_for_user(
        request, external_id, purpose="cases:application-withdraw"
    )
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = WithdrawForm(request.POST, prefix="trekk")
    if form.is_valid():
        try:
            services.withdraw_application(
                actor=request.user, application=application, note=form.cleaned_data["note"]
            )
        except ValidationError as error:
            add_service_errors(error, form)
        else:
            messages.success(request, _("Søknaden er registrert som trukket."))
            return redirect("cases:application", external_id=application.external_id)
    return _detail_page(request, application, withdraw_form=form)


def _detail_page(request, application, *, withdraw_form=None):
    today = timezone.localdate()
    if withdraw_form is None and application.status in OPEN_STATUSES:
        withdraw_form = WithdrawForm(prefix="trekk")
    rows = []
    for applied in application.services.all():
        decision = getattr(applied, "decision", None)
        rows.append(
            {
                "applied": applied,
                "assessment": applied.current_assessment,
                "decision": decision,
            }
        )
    return render(
        request,
        "cases/application_detail.html",
        {
            "application": application,
            "person": application.person,
            "national_id": masked_national_id(application.person.national_id),
            "rows": rows,
            "today": today,
            "withdraw_form": withdraw_form,
            "forms": [withdraw_form] if withdraw_form is not None else [],
            **_deadline_rows(application, today),
        },
    )


@casework_required(*CASEWORKER)
def preliminary_reply(request, external_id):
    application = access_application_for_user(
        request, external_id, purpose="cases:preliminary-reply"
    )
    initial = {
        "reason": application.preliminary_reply_reason,
        "expected_decision_on": application.expected_decision_on,
    }
    form = PreliminaryReplyForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.send_preliminary_reply(
                actor=request.user,
                application=application,
                reason=form.cleaned_data["reason"],
                expected_decision_on=form.cleaned_data["expected_decision_on"],
                sent_on=form.cleaned_data["sent_on"],
            )
        except ValidationError as error:
            add_service_errors(error, form)
        else:
            messages.success(request, _("Det foreløpige svaret er registrert som sendt."))
            return redirect("cases:application", external_id=application.external_id)
    return render(
        request,
        "cases/preliminary_reply_form.html",
        {
            "form": form,
            "forms": [form],
            "application": application,
            "person": application.person,
            "reply_due": deadlines.preliminary_reply_due(application.received_on),
        },
    )


@casework_required(*CASEWORKER)
def preliminary_reply_docx(request, external_id):
    application = access_application_for_user(
        request, external_id, purpose="cases:preliminary-reply-docx"
    )
    try:
        reply = _letters.preliminary_reply(application, user=request.user)
    except ValueError:
        messages.error(
            request,
            _("Det foreløpige svaret kan lastes ned når du har skrevet hvorfor saken tar tid."),
        )
        return redirect("cases:preliminary_reply", external_id=application.external_id)
    response = HttpResponse(
        letters.preliminary_reply_docx(reply),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    filename = f"forelopig-svar-{application.reference.replace('/', '-')}.docx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
