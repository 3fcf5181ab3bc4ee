"""The page that imports a QuestionnaireResponse from an EHR into a person's measurements."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from losen.apps.accounts.access import member_required
from losen.apps.accounts.models import Role
from losen.apps.clinical.access import access_clinical_person
from losen.domain.errors import InputError

from .forms import ImportForm
from .services import import_questionnaire_response


@member_required(Role.KLINIKER)
def fhir_import(request, external_id):
    person = access_clinical_person(request, external_id, purpose="interop:fhir-import")
    form = ImportForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            import_questionnaire_response(
                actor=request.user,
                person=person,
                data=form.cleaned_data["data"],
                source=form.cleaned_data["source"],
                sex=form.cleaned_data["sex"],
            )
        except InputError as error:
            problems = error.lines()
        else:
            messages.success(request, _("Målingen fra journalsystemet er lagret."))
            return redirect("clinical:outcomes", external_id=person.external_id)
    return render(
        request, "interop/import.html", {"person": person, "form": form, "problems": problems}
    )
