import io

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.vary import vary_on_headers

from losen.apps.accounts.access import get_for_municipality, member_required
from losen.apps.accounts.models import Role
from losen.apps.persons.access import roles_in_request
from losen.apps.persons.forms import EmergencyReviewForm, InnsynForm
from losen.apps.persons.innsyn import innsyn_rows
from losen.apps.persons.models import EmergencyAccessReview, Person
from losen.apps.persons.services import (
    EMERGENCY_ACCESS_DURATION,
    AlreadyReviewed,
    review_emergency_access,
)
from losen.domain.spreadsheet import csv_writer

from .models import Action, AuditEntry
from .selectors import audit_entries_for_municipality
from .services import record


@vary_on_headers("HX-Request")
@member_required(Role.ADMIN)
def audit_log(request):
    paginator = Paginator(audit_entries_for_municipality(request.municipality), 50)
    page = paginator.get_page(request.GET.get("side"))
    # With HTMX the pager swaps only the table; without JavaScript the links load whole pages.
    template = "audit/log_page.html" if request.htmx else "audit/log.html"
    return render(request, template, {"page": page})


# --- Emergency access (nødtilgang) for review ------------------------------------------------


@member_required(Role.ADMIN)
def emergency_reviews(request):
    """Every emergency access of the municipality, those not yet reviewed first."""
    reviews = (
        EmergencyAccessReview.objects.filter(municipality=request.municipality)
        .select_related("audit_entry", "user", "reviewed_by")
        .order_by("reviewed_at", "-requested_at")
    )
    show_all = request.GET.get("vis") == "alle"
    if not show_all:
        reviews = reviews.filter(reviewed_at__isnull=True)
    page = Paginator(reviews, 50).get_page(request.GET.get("side"))
    pending = EmergencyAccessReview.objects.filter(municipality=request.municipality).pending()
    return render(
        request,
        "audit/emergency_reviews.html",
        {"page": page, "show_all": show_all, "pending_count": pending.count()},
    )


def _reads_during(review: EmergencyAccessReview) -> list[AuditEntry]:
    """What the user read about the person while the emergency access lasted: the person's
    pages and the person's decisions."""
    if review.person_id is None:
        return []
    start = review.audit_entry.occurred_at
    person_id = str(review.requested_id)
    reads = AuditEntry.objects.filter(
        municipality=review.municipality,
        actor_id=review.user_id,
        action=Action.READ,
        occurred_at__gte=start,
        occurred_at__lte=start + EMERGENCY_ACCESS_DURATION,
    )
    about_person = reads.filter(object_type="persons.person", object_id=person_id)
    about_records = reads.filter(details__person=person_id)
    return sorted({*about_person, *about_records}, key=lambda entry: entry.sequence)


@member_required(Role.ADMIN)
def emergency_review(request, external_id):
    review = get_for_municipality(request, EmergencyAccessReview, external_id)
    form = None if review.is_reviewed else EmergencyReviewForm(request.POST or None)
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            review_emergency_access(
                actor=request.user, review=review, comment=form.cleaned_data["comment"]
            )
        except AlreadyReviewed:
            messages.error(request, _("Nødtilgangen er allerede gjennomgått av en annen."))
            return redirect("audit:emergency_review", external_id=review.external_id)
        except ValidationError as error:
            form.add_error("comment", error)
        else:
            messages.success(request, _("Nødtilgangen er merket som gjennomgått."))
            return redirect("audit:emergency_reviews")
    return render(
        request,
        "audit/emergency_review.html",
        {"review": review, "form": form, "reads": _reads_during(review)},
    )


# --- Innsyn: a person's access log -----------------------------------------------------------


def _audit_innsyn(request, person: Person, *, action: Action, count: int, fmt: str = "") -> None:
    details = {"purpose": "innsyn", "count": count, "roles": roles_in_request(request)}
    if fmt:
        details["format"] = fmt
    record(
        actor=request.user,
        action=action,
        target=person,
        municipality=request.municipality,
        details=details,
    )


@member_required(Role.ADMIN)
def innsyn(request):
    """Ask for a person's access log by the person's id."""
    form = InnsynForm(request.GET or None)
    if request.GET and form.is_valid():
        person = Person.objects.filter(
            municipality=request.municipality, external_id=form.cleaned_data["person"]
        ).first()
        if person is not None:
            return redirect("audit:innsyn_report", external_id=person.external_id)
        form.add_error("person", _("Kommunen har ingen person med denne id-en."))
    return render(request, "audit/innsyn.html", {"form": form})


@member_required(Role.ADMIN)
def innsyn_report(request, external_id):
    """Who has read or changed the person's data, when, in which role and why."""
    person = get_for_municipality(request, Person, external_id)
    rows = innsyn_rows(person)
    _audit_innsyn(request, person, action=Action.READ, count=len(rows))
    return render(
        request,
        "audit/innsyn_report.html",
        {"person": person, "rows": rows, "made_at": timezone.now()},
    )


@member_required(Role.ADMIN)
def innsyn_csv(request, external_id):
    """The person's access log as CSV (semicolon-separated, UTF-8 with BOM for Excel)."""
    person = get_for_municipality(request, Person, external_id)
    rows = innsyn_rows(person)
    out = io.StringIO()
    writer = csv_writer(out, delimiter=";")  # cells beginning with =, +, -, @ stay text
    header = [
        _("Nr."),
        _("Tidspunkt"),
        _("Hvem"),
        _("Rolle"),
        _("Hva"),
        _("Gjaldt"),
        _("Grunnlag"),
        _("Begrunnelse"),
    ]
    writer.writerow(header)
    for row in rows:
        local = timezone.localtime(row.occurred_at)
        writer.writerow(
            [
                row.sequence,
                local.strftime("%Y-%m-%d %H:%M:%S"),
                row.actor,
                row.roles,
                row.action,
                row.what,
                row.basis,
                row.reason,
            ]
        )
    _audit_innsyn(request, person, action=Action.EXPORT, count=len(rows), fmt="csv")
    response = HttpResponse("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="innsyn-{person.external_id}.csv"'
    return response
