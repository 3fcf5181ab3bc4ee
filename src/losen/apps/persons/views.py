from __future__ import annotations

from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from losen.apps.accounts.access import member_required
from losen.apps.accounts.models import Role

from .access import access_person_for_user, list_persons_for_user
from .forms import EmergencyAccessForm
from .services import EMERGENCY_LIMIT, EmergencyAccessThrottled, request_emergency_access

PERSON_ROLES = (Role.KLINIKER, Role.SAKSBEHANDLER)


@member_required(*PERSON_ROLES)
def person_list(request):
    return render(request, "persons/person_list.html", {"persons": list_persons_for_user(request)})


@member_required(*PERSON_ROLES)
def person_detail(request, external_id):
    person = access_person_for_user(request, external_id)
    return render(request, "persons/person_detail.html", {"person": person})


@member_required(*PERSON_ROLES)
def emergency_access(request, external_id):
    """The emergency-access form. Until a valid reason is sent, the page is the same for every
    id (a person of the municipality or not), so it tells nobody whether a person exists;
    the request with a valid reason is logged and counted whatever the id turns out to be."""
    form = EmergencyAccessForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            result = request_emergency_access(
                request=request, requested_id=external_id, reason=form.cleaned_data["reason"]
            )
        except EmergencyAccessThrottled:
            form.add_error(
                None,
                _(
                    "Du har brukt nødtilgang %(limit)d ganger den siste timen. Flere nødtilganger "
                    "gis ikke nå; forsøket er logget. Kontakt nærmeste leder eller "
                    "personvernombudet hvis du trenger tilgang."
                )
                % {"limit": EMERGENCY_LIMIT},
            )
            status = 429
        else:
            if result.relation is None:
                raise Http404(_("Fant ikke siden."))
            return redirect("persons:detail", external_id=external_id)
    return render(
        request,
        "persons/emergency_access.html",
        {"form": form, "person_id": external_id},
        status=status,
    )
