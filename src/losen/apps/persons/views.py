from __future__ import annotations

from django.shortcuts import redirect, render

from losen.apps.accounts.access import member_required
from losen.apps.accounts.models import Role

from .access import access_person_for_user, find_person_for_emergency
from .forms import EmergencyAccessForm
from .selectors import persons_in_care_of
from .services import grant_emergency_access

PERSON_ROLES = (Role.KLINIKER, Role.SAKSBEHANDLER)


@member_required(*PERSON_ROLES)
def person_list(request):
    return render(request, "persons/person_list.html", {"persons": persons_in_care_of(request)})


@member_required(*PERSON_ROLES)
def person_detail(request, external_id):
    person = access_person_for_user(request, external_id)
    return render(request, "persons/person_detail.html", {"person": person})


@member_required(*PERSON_ROLES)
def emergency_access(request, external_id):
    person = find_person_for_emergency(request, external_id)
    form = EmergencyAccessForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        grant_emergency_access(request=request, person=person, reason=form.cleaned_data["reason"])
        return redirect("persons:detail", external_id=person.external_id)
    return render(
        request, "persons/emergency_access.html", {"form": form, "person_id": external_id}
    )
