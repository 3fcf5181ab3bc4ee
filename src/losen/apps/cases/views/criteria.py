"""The municipality's allocation criteria (tildelingskriterier) per service, with versions:
the leader's page and the public page that publishes the criteria in force (for long-term
places the local regulation, helse- og omsorgstjenesteloven § 3-2 a,
https://lovdata.no/lov/2011-06-24-30). No personal data on either."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from losen.apps.accounts.access import get_for_municipality
from losen.apps.accounts.models import Municipality

from .. import services
from ..forms import AllocationCriteriaForm
from ..models import AllocationCriteria, ServiceKind
from ._common import LEADER, add_service_errors, casework_required, posted


def _in_force(municipality, today):
    """The published version in force today, per service code."""
    rows = (
        AllocationCriteria.objects.filter(
            municipality=municipality, is_published=True, valid_from__lte=today
        )
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=today))
        .prefetch_related("items")
        .order_by("service", "-version")
    )
    found = {}
    for row in rows:
        found.setdefault(row.service, row)
    return found


@casework_required(*LEADER)
def criteria_list(request):
    today = timezone.localdate()
    versions = AllocationCriteria.objects.filter(municipality=request.municipality).order_by(
        "service", "-version"
    )
    by_service = {}
    for row in versions:
        by_service.setdefault(row.service, []).append(row)
    in_force = _in_force(request.municipality, today)
    services_rows = [
        {
            "code": code,
            "label": label,
            "in_force": in_force.get(code),
            "versions": by_service.get(code, []),
        }
        for code, label in ServiceKind.choices
    ]
    return render(
        request,
        "cases/criteria_list.html",
        {"services": services_rows, "municipality": request.municipality},
    )


@casework_required(*LEADER)
def criteria_new(request):
    """A new version of the criteria of ``?tjeneste=<code>``, filled from the newest one."""
    code = request.POST.get("tjeneste") or request.GET.get("tjeneste") or ServiceKind.ANNET
    if code not in ServiceKind.values:
        raise Http404(_("Fant ikke siden."))
    latest = (
        AllocationCriteria.objects.filter(municipality=request.municipality, service=code)
        .prefetch_related("items")
        .order_by("-version")
        .first()
    )
    initial = {"valid_from": timezone.localdate()}
    if latest is not None:
        initial |= {
            "title": latest.title,
            "introduction": latest.introduction,
            "regulation": latest.regulation,
            "items": "\n".join(item.text for item in latest.items.all()),
        }
    form = AllocationCriteriaForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.publish_allocation_criteria(
                actor=request.user,
                municipality=request.municipality,
                service=code,
                title=form.cleaned_data["title"],
                introduction=form.cleaned_data["introduction"],
                regulation=form.cleaned_data["regulation"],
                valid_from=form.cleaned_data["valid_from"],
                items=form.criteria_items(),
            )
        except ValidationError as error:
            add_service_errors(error, form)
        else:
            messages.success(
                request,
                _("Versjon %(n)s av tildelingskriteriene er lagret.") % {"n": saved.version},
            )
            return redirect("cases:criteria_version", external_id=saved.external_id)
    return render(
        request,
        "cases/criteria_form.html",
        {
            "form": form,
            "forms": [form],
            "service": code,
            "service_label": ServiceKind(code).label,
            "latest": latest,
        },
    )


@casework_required(*LEADER)
def criteria_version(request, external_id):
    version = get_for_municipality(request, AllocationCriteria, external_id)
    others = AllocationCriteria.objects.filter(
        municipality=request.municipality, service=version.service
    ).order_by("-version")
    return render(
        request,
        "cases/criteria_version.html",
        {"criteria": version, "items": version.items.all(), "others": others},
    )


def public_criteria(request, number):
    """The allocation criteria in force in a municipality, for everyone (no login)."""
    municipality = get_object_or_404(Municipality, number=number)
    in_force = _in_force(municipality, timezone.localdate())
    rows = [
        {"label": label, "criteria": in_force[code]}
        for code, label in ServiceKind.choices
        if code in in_force
    ]
    return render(
        request,
        "cases/public_criteria.html",
        {"municipality": municipality, "rows": rows},
    )
