"""Pages of mini method assessments, ethical reflections and the example bank.

The leaders' pages follow the prioritisation cases' roles (read: leder, analytiker, leser,
admin; edit: leder, analytiker; the example bank: leder). A reflection on a service decision
is personal data: it is reached only through the decision, by a caseworker with a care
relation to its person (``losen.apps.cases.access``), and every read is audited there.
The public pages (no login) show the bank; the access rule of each page is its row in
``losen.web.access_rules``.
"""

from __future__ import annotations

import json

from django.contrib import messages
from django.db.models import Q
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from losen.apps.accounts.access import get_for_municipality, member_required
from losen.apps.accounts.models import Role
from losen.apps.cases.access import access_casework_decision_for_user
from losen.apps.priorities.models import Direction, Level, PrioritizationCase
from losen.apps.priorities.public import PersonalDataFound

from . import basis, services
from .forms import MembershipForm, MethodAssessmentForm, OfferForm, ReflectionForm
from .models import EthicsReflection, Example, MethodAssessment, ServiceArea

READ = (Role.LEDER, Role.ANALYTIKER, Role.LESER, Role.ADMIN)
EDIT = (Role.LEDER, Role.ANALYTIKER)
LEAD = (Role.LEDER,)
CASEWORK = (Role.SAKSBEHANDLER,)


def _case(request, external_id) -> PrioritizationCase:
    return get_for_municipality(request, PrioritizationCase, external_id)


def _can(request, roles) -> bool:
    return bool(set(roles) & set(request.roles))


def _case_url(case) -> str:
    return reverse("priorities:case_detail", kwargs={"external_id": case.external_id})


# --- Mini method assessment ---------------------------------------------------------------


def _method_page(request, form, title, back):
    return render(
        request,
        "knowledge/method_form.html",
        {"form": form, "title": title, "back": back},
    )


@member_required(*EDIT)
def method_new(request, external_id):
    case = _case(request, external_id)
    form = MethodAssessmentForm(
        request.POST or None, municipality=request.municipality, initial={"case": case}
    )
    if request.method == "POST" and form.is_valid():
        assessment = form.save(commit=False)
        assessment.municipality = request.municipality
        services.save_method_assessment(actor=request.user, assessment=assessment)
        messages.success(request, _("Mini-metodevurderingen er lagret."))
        return redirect("knowledge:method", external_id=assessment.external_id)
    return _method_page(request, form, _("Ny mini-metodevurdering"), _case_url(case))


@member_required(*READ)
def method_detail(request, external_id):
    assessment = get_for_municipality(request, MethodAssessment, external_id)
    frozen = basis.snapshot_method(assessment)
    return render(
        request,
        "knowledge/method_detail.html",
        {
            "assessment": assessment,
            "rows": basis.method_rows(frozen),
            "can_edit": _can(request, EDIT),
        },
    )


@member_required(*EDIT)
def method_edit(request, external_id):
    assessment = get_for_municipality(request, MethodAssessment, external_id)
    form = MethodAssessmentForm(
        request.POST or None, instance=assessment, municipality=request.municipality
    )
    if request.method == "POST" and form.is_valid():
        services.save_method_assessment(actor=request.user, assessment=form.save(commit=False))
        messages.success(request, _("Mini-metodevurderingen er lagret."))
        return redirect("knowledge:method", external_id=assessment.external_id)
    back = reverse("knowledge:method", kwargs={"external_id": assessment.external_id})
    return _method_page(request, form, _("Endre mini-metodevurderingen"), back)


# --- Ethical reflection on a case ---------------------------------------------------------


def _reflection_page(request, form, title, back, *, status=200):
    return render(
        request,
        "knowledge/reflection_form.html",
        {"form": form, "title": title, "back": back},
        status=status,
    )


@member_required(*EDIT)
def reflection_new(request, external_id):
    case = _case(request, external_id)
    form = ReflectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        reflection = form.save(commit=False)
        reflection.municipality = request.municipality
        reflection.case = case
        services.save_reflection(actor=request.user, reflection=reflection)
        messages.success(request, _("Den etiske refleksjonen er lagret."))
        return redirect("knowledge:reflection", external_id=reflection.external_id)
    return _reflection_page(request, form, _("Ny etisk refleksjon"), _case_url(case))


def _case_reflection(request, external_id) -> EthicsReflection:
    return get_for_municipality(request, EthicsReflection, external_id, case__isnull=False)


@member_required(*READ)
def reflection_detail(request, external_id):
    reflection = _case_reflection(request, external_id)
    return render(
        request,
        "knowledge/reflection_detail.html",
        {
            "reflection": reflection,
            "rows": basis.reflection_rows(basis.snapshot_reflection(reflection)),
            "back": _case_url(reflection.case),
            "can_edit": _can(request, EDIT),
        },
    )


@member_required(*EDIT)
def reflection_edit(request, external_id):
    reflection = _case_reflection(request, external_id)
    form = ReflectionForm(request.POST or None, instance=reflection)
    if request.method == "POST" and form.is_valid():
        services.save_reflection(actor=request.user, reflection=form.save(commit=False))
        messages.success(request, _("Den etiske refleksjonen er lagret."))
        return redirect("knowledge:reflection", external_id=reflection.external_id)
    back = reverse("knowledge:reflection", kwargs={"external_id": reflection.external_id})
    return _reflection_page(request, form, _("Endre den etiske refleksjonen"), back)


# --- Ethical reflection on a service decision (personal data) ------------------------------


@member_required(*CASEWORK, not_found=True)
def decision_reflections(request, external_id):
    """The reflections on one decision, and the form for a new one (caseworker, care relation)."""
    decision = access_casework_decision_for_user(
        request, external_id, purpose="knowledge:decision_reflections"
    )
    form = ReflectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        reflection = form.save(commit=False)
        reflection.municipality = request.municipality
        reflection.decision = decision
        services.save_reflection(actor=request.user, reflection=reflection)
        messages.success(request, _("Den etiske refleksjonen er lagret."))
        return redirect("knowledge:decision_reflections", external_id=decision.external_id)
    reflections = [
        (r, basis.reflection_rows(basis.snapshot_reflection(r)))
        for r in decision.ethics_reflections.all()
    ]
    return render(
        request,
        "knowledge/decision_reflections.html",
        {
            "decision": decision,
            "person": decision.person,
            "reflections": reflections,
            "form": form,
        },
    )


# --- The example bank (leaders) -----------------------------------------------------------


@member_required(*LEAD)
def bank(request):
    """Whether the municipality takes part, and its examples (offered and withdrawn)."""
    opted_in = services.is_opted_in(request.municipality)
    form = MembershipForm(request.POST or None, initial={"opted_in": "1" if opted_in else "0"})
    if request.method == "POST" and form.is_valid():
        services.set_bank_membership(
            actor=request.user,
            municipality=request.municipality,
            opted_in=form.cleaned_data["opted_in"],
        )
        messages.success(request, _("Valget er lagret."))
        return redirect("knowledge:bank")
    examples = Example.objects.filter(municipality=request.municipality)
    decided = PrioritizationCase.objects.filter(
        municipality=request.municipality, decision__isnull=False
    ).order_by("title")
    return render(
        request,
        "knowledge/bank.html",
        {"form": form, "opted_in": opted_in, "examples": examples, "decided": decided},
    )


@member_required(*LEAD)
def example_offer(request, external_id):
    case = _case(request, external_id)
    problems = services.offer_problems(case)
    form = OfferForm(
        request.POST or None,
        initial={
            "process": services.default_process(case),
            "evaluation": services.default_evaluation(case),
        },
    )
    if request.method == "POST" and not problems and form.is_valid():
        try:
            example = services.offer_example(
                actor=request.user,
                case=case,
                service_area=form.cleaned_data["service_area"],
                process=form.cleaned_data["process"],
                evaluation=form.cleaned_data["evaluation"],
            )
        except PersonalDataFound as error:
            form.add_error(
                None,
                _(
                    "Ikke lagt i eksempelbanken: teksten ser ut til å inneholde "
                    "personopplysninger: %s. Fjern dem og prøv igjen."
                )
                % ", ".join(error.findings),
            )
        except services.NotReady as error:
            problems = error.problems
        else:
            messages.success(request, _("Saken er lagt i eksempelbanken."))
            return redirect("public_examples:detail", token=example.token)
    return render(
        request,
        "knowledge/offer.html",
        {"case": case, "form": form, "problems": problems, "back": _case_url(case)},
    )


@member_required(*LEAD)
def example_withdraw(request, external_id):
    example = get_for_municipality(request, Example, external_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    services.withdraw_example(actor=request.user, example=example)
    messages.success(request, _("Eksempelet er trukket fra eksempelbanken."))
    return redirect("knowledge:bank")


# --- Public pages (no login) --------------------------------------------------------------


def public_list(request):
    """The bank: live examples of every municipality here that takes part, and imported ones."""
    examples = services.live_examples()
    area = request.GET.get("omrade", "")
    level = request.GET.get("niva", "")
    direction = request.GET.get("retning", "")
    query = request.GET.get("q", "").strip()[:100]
    if area in ServiceArea.values:
        examples = examples.filter(service_area=area)
    if level in Level.values:
        examples = examples.filter(level=level)
    if direction in Direction.values:
        examples = examples.filter(direction=direction)
    if query:
        examples = examples.filter(
            Q(title__icontains=query) | Q(municipality_name__icontains=query)
        )
    rows = [(e, services.example_labels(e)) for e in examples[:200]]
    return render(
        request,
        "knowledge/public_list.html",
        {
            "rows": rows,
            "areas": ServiceArea.choices,
            "levels": Level.choices,
            "directions": Direction.choices,
            "chosen": {"omrade": area, "niva": level, "retning": direction, "q": query},
        },
    )


def _live(token) -> Example:
    example = get_object_or_404(Example, token=token, unpublished_at__isnull=True)
    if not services.live_examples().filter(pk=example.pk).exists():
        raise Http404
    return example


def public_detail(request, token):
    example = _live(token)
    return render(
        request,
        "knowledge/public_detail.html",
        {
            "example": example,
            "c": example.content,
            "labels": services.example_labels(example),
            "decided_on": services.decided_on(example),
        },
    )


def public_file(request, token):
    """The example as a file (docs/reference/knowledge.md), for another installation."""
    example = _live(token)
    body = json.dumps(services.export_document(example), ensure_ascii=False, indent=2)
    response = HttpResponse(body + "\n", content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="eksempel-{example.municipality_number}-{example.token[:8]}.json"'
    )
    return response
