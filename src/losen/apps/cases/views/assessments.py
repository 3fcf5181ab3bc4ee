"""The assessment of one service applied for: the KPR/IPLOS function variables, «hva er viktig
for deg?», the shared combined assessment (nytte, ressurs, alvorlighet), the legal tests
(pasient- og brukerrettighetsloven § 2-1 a, https://lovdata.no/lov/1999-07-02-63;
helse- og omsorgstjenesteloven § 4-1, https://lovdata.no/lov/2011-06-24-30), the alternatives
and the municipality's allocation criteria in force; every save is a new version."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from losen.apps.criteria.forms import CombinedAssessmentForm
from losen.apps.criteria.selectors import catalogue_for
from losen.domain.casework.function import function_catalogue

from .. import services
from ..access import access_application_for_user
from ..forms import AssessmentForm
from ._common import CASEWORKER, add_service_errors, casework_required, chosen_service, posted

COMBINED_PREFIX = "samlet"


@casework_required(*CASEWORKER)
def assessment(request, external_id):
    application = access_application_for_user(request, external_id, purpose="cases:assessment")
    applied = chosen_service(request, application)
    current = applied.current_assessment
    # The version save_assessment records: in force on the received date, else today.
    criteria = services.criteria_in_force(
        request.municipality, applied.service, application.received_on
    ) or services.criteria_in_force(request.municipality, applied.service, timezone.localdate())
    catalogue = function_catalogue()
    data = posted(request)
    form = AssessmentForm(data, variables=catalogue.variables, criteria=criteria, stored=current)
    combined = CombinedAssessmentForm(
        data,
        catalogue=catalogue_for(request.municipality),
        stored=current.combined if current else None,
        prefix=COMBINED_PREFIX,
    )
    if request.method == "POST":
        valid = form.is_valid()
        if combined.is_valid() and valid:
            try:
                saved = services.save_assessment(
                    actor=request.user,
                    applied_service=applied,
                    combined=combined.data_for_storage(),
                    **form.assessment_kwargs(),
                )
            except ValidationError as error:
                add_service_errors(error, form, combined)
                if any(
                    e.code == "stale"
                    for e in getattr(error, "error_dict", {}).get(NON_FIELD_ERRORS, [])
                ):
                    form.rebase(applied.current_assessment.version)
            else:
                messages.success(
                    request,
                    _("Vurderingen er lagret som versjon %(n)s.") % {"n": saved.version},
                )
                url = reverse("cases:assessment", kwargs={"external_id": application.external_id})
                return redirect(f"{url}?tjeneste={applied.service}")
    history = applied.assessments.select_related("assessed_by", "criteria").prefetch_related(
        "criterion_checks__criterion"
    )
    return render(
        request,
        "cases/assessment_form.html",
        {
            "application": application,
            "person": application.person,
            "applied": applied,
            "services": application.services.all(),
            "form": form,
            "combined": combined,
            "forms": [form, combined],
            "criteria": criteria,
            "score_labels": catalogue.score_labels,
            "function_groups": form.function_groups(catalogue.groups),
            "groups": catalogue.groups,
            "history": history,
            "current": current,
        },
    )
