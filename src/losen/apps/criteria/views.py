"""The criteria page: the catalogue every level of Losen assesses with, and the
municipality's own level descriptions."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from losen.apps.accounts.access import member_required
from losen.apps.accounts.models import Role
from losen.domain.criteria import default_catalogue
from losen.domain.errors import InputError

from . import services
from .forms import LevelDescriptionsForm
from .selectors import catalogue_for

EDIT = (Role.LEDER, Role.ADMIN)


@member_required()
def catalogue(request):
    current = catalogue_for(request.municipality)
    return render(
        request,
        "criteria/catalogue.html",
        {"catalogue": current, "can_edit": bool(set(EDIT) & set(request.roles))},
    )


@member_required(*EDIT)
def descriptions(request):
    current = catalogue_for(request.municipality)
    form = LevelDescriptionsForm(
        request.POST or None, catalogue=current, defaults=default_catalogue()
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.set_level_descriptions(
                actor=request.user,
                municipality=request.municipality,
                descriptions=form.descriptions(),
            )
        except InputError as error:
            form.add_error(None, "; ".join(p.message for p in error.problems))
        else:
            messages.success(request, _("Nivåbeskrivelsene er lagret."))
            return redirect("criteria:catalogue")
    return render(request, "criteria/descriptions.html", {"form": form})
