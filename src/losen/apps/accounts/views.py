from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from losen.apps.audit.models import Action
from losen.apps.audit.services import record

from .access import get_for_municipality, member_required
from .forms import LoginForm
from .middleware import SESSION_KEY
from .models import Membership, Role, Unit, User


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        record(actor=form.get_user(), action=Action.LOGIN)
        return response


class LogoutView(auth_views.LogoutView):
    def post(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            record(actor=request.user, action=Action.LOGOUT)
        return super().post(request, *args, **kwargs)


@require_POST
@member_required()
def choose_municipality(request):
    """Switch the municipality the user works in; only one they belong to can be chosen."""
    wanted = request.POST.get("municipality", "")
    if any(str(m.external_id) == wanted for m in request.municipalities):
        request.session[SESSION_KEY] = wanted
    next_url = request.POST.get("next") or reverse("home")
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}):
        next_url = reverse("home")
    return HttpResponseRedirect(next_url)


@member_required()
def unit_list(request):
    units = Unit.objects.filter(municipality=request.municipality).order_by("name")
    return render(request, "accounts/unit_list.html", {"units": units})


@member_required()
def unit_detail(request, external_id):
    unit = get_for_municipality(request, Unit, external_id)
    return render(request, "accounts/unit_detail.html", {"unit": unit})


@member_required(Role.ADMIN)
def user_list(request):
    memberships = (
        Membership.objects.filter(municipality=request.municipality)
        .select_related("user")
        .order_by("user__username", "role")
    )
    users: dict[int, dict] = {}
    for membership in memberships:
        entry = users.setdefault(membership.user_id, {"user": membership.user, "roles": []})
        entry["roles"].append(Role(membership.role).label)
    return render(request, "accounts/user_list.html", {"users": list(users.values())})


@member_required(Role.ADMIN)
def user_detail(request, external_id):
    user = (
        User.objects.filter(external_id=external_id, memberships__municipality=request.municipality)
        .distinct()
        .first()
    )
    if user is None:
        raise Http404(_("Fant ikke siden."))
    roles = [
        Role(m.role).label
        for m in Membership.objects.filter(user=user, municipality=request.municipality)
    ]
    return render(request, "accounts/user_detail.html", {"shown_user": user, "roles": roles})
