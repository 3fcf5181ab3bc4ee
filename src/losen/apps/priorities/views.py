"""Pages of the leaders' prioritisation workspace (login) and its public pages (no login)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from losen.apps.accounts import throttle
from losen.apps.accounts.access import get_for_municipality, member_required
from losen.apps.accounts.client import client_address
from losen.apps.accounts.models import Municipality, Role
from losen.apps.common.locking import EditConflict, save_locked
from losen.apps.insight import queries as insight_queries
from losen.apps.insight import services as insight_services

from . import basis as basis_module
from . import charts, services
from .forms import (
    AlternativeForm,
    AttachFigureForm,
    BasisForm,
    CaseForm,
    ConsultationOpenForm,
    DecisionForm,
    EvaluationForm,
    FollowUpForm,
    HandlingForm,
    LegalForm,
    SubmissionForm,
    WeightsForm,
)
from .models import (
    Alternative,
    Consultation,
    DecisionBasis,
    FollowUp,
    InputHandling,
    Phase,
    PrioritizationCase,
    Publication,
    Theme,
)
from .overview import CaseOverview, due_reviews
from .public import PersonalDataFound, check_consultation, swedish_rows

READ = (Role.LEDER, Role.ANALYTIKER, Role.LESER, Role.ADMIN)
EDIT = (Role.LEDER, Role.ANALYTIKER)
DECIDE = (Role.LEDER,)


def _case(request, external_id) -> PrioritizationCase:
    return get_for_municipality(request, PrioritizationCase, external_id)


def _form_page(request, form, title, back, submit_label=None, intro=""):
    if isinstance(back, PrioritizationCase):
        back = reverse("priorities:case_detail", kwargs={"external_id": back.external_id})
    elif not back.startswith("/"):
        back = reverse(back)
    return render(
        request,
        "priorities/form.html",
        {
            "form": form,
            "title": title,
            "back": back,
            "submit_label": submit_label or _("Lagre"),
            "intro": intro,
        },
    )


@member_required(*READ)
def case_list(request):
    cases = PrioritizationCase.objects.filter(municipality=request.municipality)
    return render(
        request,
        "priorities/case_list.html",
        {
            "cases": cases,
            "due": due_reviews(request.municipality),
            "can_edit": bool(set(EDIT) & set(request.roles)),
            "can_decide": bool(set(DECIDE) & set(request.roles)),
        },
    )


@member_required(*EDIT)
def case_create(request):
    form = CaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        case = form.save(commit=False)
        case.municipality = request.municipality
        case.created_by = request.user
        services.save_object(actor=request.user, obj=case, municipality=request.municipality)
        return redirect("priorities:case_detail", external_id=case.external_id)
    return _form_page(request, form, _("Ny prioriteringssak"), "priorities:case_list")


@member_required(*READ)
def case_detail(request, external_id):
    return _render_detail(request, _case(request, external_id))


def _render_detail(request, case, *, consultation_form=None, basis_form=None, status=200):
    """The case page; a form posted from it that failed comes back with its errors."""
    overview = CaseOverview(case)
    consultation = Consultation.objects.filter(case=case).first()
    public_url = (
        request.build_absolute_uri(
            reverse("public:consultation", kwargs={"token": consultation.token})
        )
        if consultation
        else ""
    )
    checklist = overview.checklist
    return render(
        request,
        "priorities/case_detail.html",
        {
            "case": case,
            "overview": overview,
            "checklist": [(label, checklist[code]) for code, label in Phase.choices],
            "missing": overview.missing,
            "alternatives": overview.alternatives,
            "rows": overview.ranking,
            "figures": insight_services.attached_figures(case.municipality, case),
            "consultation": consultation,
            "consultation_url": public_url,
            "bases": case.bases.all(),
            "decision": getattr(case, "decision", None),
            "publication": overview.live_publication,
            "publications": case.publications.all(),
            "follow_ups": overview.follow_ups,
            "today": timezone.localdate(),
            "phases": Phase.choices,
            "can_edit": bool(set(EDIT) & set(request.roles)),
            "can_decide": bool(set(DECIDE) & set(request.roles)),
            "basis_form": basis_form or BasisForm(),
            "consultation_form": consultation_form
            or ConsultationOpenForm(
                initial={"introduction": consultation.introduction if consultation else ""}
            ),
            "cuts": overview.cuts,
            "affected": overview.affected_with_decisions(request),
            "swedish_disagreements": overview.swedish_disagreements,
        },
        status=status,
    )


@member_required(*EDIT)
def case_edit(request, external_id):
    case = _case(request, external_id)
    form = CaseForm(request.POST or None, instance=case)
    if request.method == "POST" and form.is_valid() and _save_edit(request, form, case):
        return redirect("priorities:case_detail", external_id=case.external_id)
    return _form_page(request, form, _("Endre saken"), case)


def _save_edit(request, form, case, details=None):
    """Save an edit form of a case or an alternative, unless someone saved it meanwhile.

    Returns the saved object, or ``None`` when the save was refused and *form* now shows
    what the other person changed (:mod:`losen.apps.common.locking`).
    """
    return save_locked(
        form,
        lambda version: services.save_object(
            actor=request.user,
            obj=form.save(commit=False),
            municipality=case.municipality,
            details=details,
            expected_version=version,
            fields=form.lock_update_fields(),
        ),
    )


@member_required(*DECIDE)
def case_phase(request, external_id):
    case = _case(request, external_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    phase = request.POST.get("phase", "")
    if phase in Phase.values:
        services.set_phase(actor=request.user, case=case, phase=phase)
    else:
        messages.error(request, _("Saken ble ikke flyttet: velg en av de tre fasene i listen."))
    return redirect("priorities:case_detail", external_id=case.external_id)


@member_required(*EDIT)
def case_weights(request, external_id):
    case = _case(request, external_id)
    form = WeightsForm(request.POST or None, instance=case)
    if request.method == "POST" and form.is_valid() and _save_edit(request, form, case):
        return redirect("priorities:matrix", external_id=case.external_id)
    return _form_page(
        request,
        form,
        _("Vekter i den samlede vurderingen"),
        case,
        intro=_(
            "Vektene sier hvor mye hvert kriterium teller i rangeringen. De er et hjelpemiddel "
            "for å se konsekvenser; den skrevne vurderingen avgjør."
        ),
    )


@member_required(*DECIDE)
def case_legal(request, external_id):
    case = _case(request, external_id)
    form = LegalForm(request.POST or None, instance=case)
    if (
        request.method == "POST"
        and form.is_valid()
        and _save_edit(request, form, case, details={"legal_assessment": True})
    ):
        return redirect("priorities:case_detail", external_id=case.external_id)
    return _form_page(
        request,
        form,
        _("Vurdering etter loven før kutt i tjenester"),
        case,
        intro=_(
            "Tjenester folk mottar i dag kan ikke kuttes under kravet til forsvarlighet "
            "(helse- og omsorgstjenesteloven § 4-1) eller retten til nødvendige tjenester "
            "(pasient- og brukerrettighetsloven § 2-1 a). Enkeltvedtak kan bare endres etter "
            "forvaltningsloven § 35."
        ),
    )


def _alternative_page(request, form, title, case):
    return render(
        request,
        "priorities/alternative_form.html",
        {
            "form": form,
            "title": title,
            "back": reverse("priorities:case_detail", kwargs={"external_id": case.external_id}),
            "submit_label": _("Lagre"),
            "concepts": form.catalogue.concepts,
        },
    )


@member_required(*EDIT)
def alternative_create(request, external_id):
    case = _case(request, external_id)
    form = AlternativeForm(request.POST or None, case=case)
    if request.method == "POST" and form.is_valid():
        alternative = form.save(commit=False)
        alternative.case = case
        alternative.municipality = case.municipality
        alternative.position = case.alternatives.count()
        services.save_object(actor=request.user, obj=alternative, municipality=case.municipality)
        return redirect("priorities:case_detail", external_id=case.external_id)
    return _alternative_page(request, form, _("Nytt alternativ"), case)


@member_required(*EDIT)
def alternative_edit(request, external_id):
    alternative = get_for_municipality(request, Alternative, external_id)
    case = alternative.case
    form = AlternativeForm(request.POST or None, instance=alternative, case=case)
    if request.method == "POST" and form.is_valid() and _save_edit(request, form, case):
        return redirect("priorities:case_detail", external_id=case.external_id)
    return _alternative_page(request, form, _("Endre alternativ"), case)


@member_required(*EDIT)
def indicator_add(request, external_id):
    """Attach a figure to a case from the indicators module."""
    case = _case(request, external_id)
    return _attach_page(request, case, case)


@member_required(*EDIT)
def followup_indicator_add(request, external_id):
    """Attach a figure to a follow-up: what the indicator shows at the review."""
    follow_up = get_for_municipality(request, FollowUp, external_id)
    back = reverse("priorities:followup_evaluate", kwargs={"external_id": external_id})
    return _attach_page(request, follow_up, follow_up.case, back=back)


def _attach_page(request, target, case, back=None):
    """The form that freezes a figure of the indicators module onto *target*, as it stands."""
    figures = insight_queries.attachable_figures(case.municipality)
    form = AttachFigureForm(request.POST or None, municipality=case.municipality, figures=figures)
    if request.method == "POST" and form.is_valid():
        insight_services.attach_indicator(
            actor=request.user,
            municipality=case.municipality,
            target=target,
            snapshot=form.snapshot,
            note=form.cleaned_data["note"],
        )
        if back:
            return redirect(back)
        return redirect("priorities:case_detail", external_id=case.external_id)
    if not figures:
        intro = _(
            "Kommunen har ingen tall i Losen ennå. Importer tall under Styringsinformasjon "
            "(SSB, FHI, IS-24/8, BrukerPlan eller egne tall fra malen) og kom tilbake hit."
        )
    else:
        intro = _(
            "Velg et tall fra styringsinformasjonen. Tallet lagres slik det står i dag, med "
            "kilde, periode og status, og endres ikke om statistikken senere revideres. "
            "KOSTRA-tall er foreløpige fra 15. mars og endelige fra 15. juni."
        )
    return _form_page(
        request,
        form,
        _("Legg ved styringsinformasjon"),
        back or case,
        submit_label=_("Legg ved"),
        intro=intro,
    )


@member_required(*READ)
def matrix(request, external_id):
    case = _case(request, external_id)
    overview = CaseOverview(case)
    labels = overview.labels
    ranking = overview.ranking
    stability = [(labels[overview.criteria[s.criterion]], s) for s in overview.stability]
    shares = overview.weight_shares or {}
    return render(
        request,
        "priorities/matrix.html",
        {
            "case": case,
            "overview": overview,
            "rows": ranking,
            "weights": {labels[c]: round(100 * w) for c, w in shares.items()},
            "labels": labels,
            "stability": stability,
            "acceptability": overview.first_shares,
            "sentences": overview.matrix_sentences,
            "contribution_chart": charts.stacked_bars(
                _("Bidrag fra hvert kriterium"),
                [(r.name, r.contributions) for r in ranking],
                labels,
            ),
            "stability_chart": charts.intervals(
                _("Vektområder der førsteplassen holder"),
                [(label, s.lower, s.upper, s.weight) for label, s in stability],
            ),
            "acceptability_chart": charts.bars(
                _("Andel av alle vektinger der tiltaket kommer først"),
                [(a.name, share) for a, share in overview.first_shares],
            ),
            "can_edit": bool(set(EDIT) & set(request.roles)),
        },
    )


@member_required(*READ)
def portfolio(request, external_id):
    case = _case(request, external_id)
    if case.budget_nok is None:
        raise Http404
    overview = CaseOverview(case)
    result = overview.portfolio
    alternatives = overview.by_key
    chosen = set(result.chosen) if result else set()
    return render(
        request,
        "priorities/portfolio.html",
        {
            "case": case,
            "overview": overview,
            "result": result,
            "chosen": [alternatives[k] for k in result.chosen] if result else [],
            "left_out": [a for k, a in alternatives.items() if k not in chosen],
            "next_krone": [alternatives[k] for k in result.next_krone] if result else [],
            "first_out": [alternatives[k] for k in result.first_out] if result else [],
            "extra_nok": (result.next_krone_budget_nok - case.budget_nok)
            if result and result.next_krone_budget_nok
            else None,
            "cuts": overview.cuts,
            "affected": overview.affected_with_decisions(request),
            "legal_missing": overview.legal_assessment_missing,
            "alternatives": overview.alternatives,
            "values": overview.values,
            "chosen_keys": chosen,
            "can_edit": bool(set(EDIT) & set(request.roles)),
            "can_decide": bool(set(DECIDE) & set(request.roles)),
        },
    )


@member_required(*DECIDE)
def consultation_open(request, external_id):
    case = _case(request, external_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if request.POST.get("close"):
        if Consultation.objects.filter(case=case).exists():
            services.close_consultation(actor=request.user, case=case)
        return redirect("priorities:case_detail", external_id=case.external_id)
    form = ConsultationOpenForm(request.POST)
    if form.is_valid():
        try:
            services.open_consultation(
                actor=request.user, case=case, introduction=form.cleaned_data["introduction"]
            )
        except services.PersonalDataFound as error:
            form.add_error(
                "introduction",
                _(
                    "Ikke åpnet: teksten deltakerne ser (innledningen, tittelen eller "
                    "alternativene) ser ut til å inneholde personopplysninger: %s. Fjern dem "
                    "og prøv igjen."
                )
                % ", ".join(error.findings),
            )
        else:
            messages.success(request, _("Medvirkningen er åpen. Del lenken med de berørte."))
            return redirect("priorities:case_detail", external_id=case.external_id)
    return _render_detail(request, case, consultation_form=form)


@member_required(*READ)
def participation(request, external_id):
    can_edit = bool(set(EDIT) & set(request.roles))
    if request.method == "POST" and not can_edit:
        # Everyone who reads the case sees the answers; only editors record their use.
        raise PermissionDenied(_("Rollen din gir ikke tilgang til denne siden."))
    case = _case(request, external_id)
    overview = CaseOverview(case)
    result = overview.participation
    handlings = overview.handlings
    forms = []
    themes = dict(Theme.choices)
    posted_theme = request.POST.get("theme") if request.method == "POST" else None
    for code in sorted(set(result.themes_with_comments) | set(handlings)):
        instance = handlings.get(code) or InputHandling(case=case, theme=code)
        data = request.POST if posted_theme == code else None
        form = HandlingForm(data, instance=instance, prefix=code)
        if data is not None and form.is_valid():
            services.save_object(
                actor=request.user, obj=form.save(commit=False), municipality=case.municipality
            )
            return redirect("priorities:participation", external_id=case.external_id)
        forms.append((code, themes[code], result.comments_by_theme.get(code, 0), form))
    consultation = Consultation.objects.filter(case=case).first()
    comments = (
        consultation.submissions.exclude(comment="").order_by("theme", "id") if consultation else []
    )
    labels = overview.labels
    group_rows = ([result.pooled] if result.pooled else []) + result.groups
    return render(
        request,
        "priorities/participation.html",
        {
            "case": case,
            "result": result,
            "group_rows": group_rows,
            "forms": forms,
            "comments": comments,
            "themes": themes,
            "labels": labels,
            "can_edit": can_edit,
            "weights_chart": charts.stacked_bars(
                _("Vekter per gruppe"), [(g.label, g.weights) for g in group_rows], labels
            )
            if group_rows
            else "",
        },
    )


@member_required(*EDIT)
def basis_create(request, external_id):
    case = _case(request, external_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = BasisForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, case, basis_form=form)
    basis = services.create_basis(actor=request.user, case=case, detail=form.cleaned_data["detail"])
    return redirect("priorities:basis_detail", external_id=basis.external_id)


@member_required(*READ)
def basis_detail(request, external_id):
    basis = get_for_municipality(request, DecisionBasis, external_id)
    return render(
        request,
        "priorities/basis.html",
        {
            "basis": basis,
            "case": basis.case,
            "snapshot": basis.snapshot,
            "sections": basis_module.sections(basis.snapshot),
        },
    )


@member_required(*READ)
def basis_docx(request, external_id):
    basis = get_for_municipality(request, DecisionBasis, external_id)
    response = HttpResponse(
        basis_module.render_docx(basis),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="beslutningsgrunnlag-v{basis.version}.docx"'
    )
    return response


@member_required(*DECIDE)
def decision_record(request, external_id):
    case = _case(request, external_id)
    recorded = getattr(case, "decision", None)
    if recorded is not None and request.method != "POST":
        return redirect("priorities:case_detail", external_id=case.external_id)
    form = DecisionForm(request.POST or None)
    problems = [] if recorded else services.decision_problems(case)
    if request.method == "POST" and form.is_valid() and not problems:
        try:
            services.record_decision(
                actor=request.user, case=case, decision=form.save(commit=False)
            )
        except EditConflict as conflict:
            # Someone recorded the decision after this form was loaded: theirs stands.
            recorded = conflict.current
            rows, saved = form.changed_by_others(recorded)
            form.show_conflict(
                recorded,
                rows,
                saved,
                can_retry=False,
                message=_(
                    "Ikke registrert: noen andre registrerte vedtaket i saken mens du skrev. "
                    "Et registrert vedtak endres ikke her; oversikten under viser hvor ditt "
                    "skiller seg fra det som er registrert."
                ),
            )
        else:
            messages.success(request, _("Vedtaket er registrert."))
            return redirect("priorities:case_detail", external_id=case.external_id)
    return render(
        request,
        "priorities/decision.html",
        {
            "case": case,
            "form": form,
            "problems": problems,
            "basis": case.bases.first(),
            "recorded": recorded,
        },
    )


@member_required(*DECIDE)
def publish(request, external_id):
    case = _case(request, external_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if request.POST.get("unpublish"):
        services.unpublish(actor=request.user, case=case)
        messages.success(
            request, _("Saken er tatt ned fra de åpne sidene. Historikken er beholdt.")
        )
    else:
        try:
            services.publish(actor=request.user, case=case)
            messages.success(request, _("Saken er publisert."))
        except services.PersonalDataFound as error:
            messages.error(
                request,
                _("Ikke publisert: teksten ser ut til å inneholde personopplysninger: %s.")
                % ", ".join(error.findings),
            )
        except services.NotReady:
            messages.error(request, _("Registrer vedtaket før saken publiseres."))
    return redirect("priorities:case_detail", external_id=case.external_id)


@member_required(*DECIDE)
def followup_add(request, external_id):
    case = _case(request, external_id)
    form = FollowUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        follow_up = form.save(commit=False)
        follow_up.case = case
        follow_up.municipality = case.municipality
        services.save_object(actor=request.user, obj=follow_up, municipality=case.municipality)
        return redirect("priorities:case_detail", external_id=case.external_id)
    return _form_page(request, form, _("Ny oppfølging"), case)


@member_required(*DECIDE)
def followup_evaluate(request, external_id):
    follow_up = get_for_municipality(request, FollowUp, external_id)
    form = EvaluationForm(request.POST or None, initial={"evaluation": follow_up.evaluation})
    if request.method == "POST" and form.is_valid():
        services.evaluate(
            actor=request.user, follow_up=follow_up, evaluation=form.cleaned_data["evaluation"]
        )
        if request.POST.get("new_case"):
            case = services.new_case_from(actor=request.user, follow_up=follow_up)
            return redirect("priorities:case_detail", external_id=case.external_id)
        return redirect("priorities:case_detail", external_id=follow_up.case.external_id)
    return render(
        request,
        "priorities/evaluate.html",
        {
            "form": form,
            "follow_up": follow_up,
            "case_figures": insight_services.attached_figures(
                follow_up.municipality, follow_up.case
            ),
            "review_figures": insight_services.attached_figures(follow_up.municipality, follow_up),
            "can_edit": bool(set(EDIT) & set(request.roles)),
        },
    )


# --- Public pages (no login) ----------------------------------------------------------------


def _rate_limit() -> tuple[int, int]:
    """Answers one participant may give one consultation: (count, seconds)."""
    return getattr(settings, "PRIORITIES_CONSULTATION_RATE", (10, 3600))


def _within_rate_limit(request, token: str) -> bool:
    """Count one answer from this participant; ``False`` when they have given their share.

    The participant is the client address (from the trusted proxy's header when one is
    configured, :func:`losen.apps.accounts.client.client_address`), per consultation. The
    count is checked and raised in one locked step, and only a keyed hash of address and
    consultation is stored.
    """
    limit, seconds = _rate_limit()
    return throttle.hit(
        "consultation", f"{client_address(request)}|{token}", limit=limit, seconds=seconds
    )


def public_consultation(request, token):
    consultation = get_object_or_404(
        Consultation.objects.select_related("case__municipality"), token=token
    )
    case = consultation.case
    try:
        check_consultation(case, consultation.introduction)
    except PersonalDataFound:
        # The case changed after opening so that the page would name someone: show nothing.
        return render(request, "priorities/public_unavailable.html", {"consultation": consultation})
    limited = False
    form = SubmissionForm(request.POST or None)
    if request.method == "POST" and consultation.is_open and form.is_valid():
        if _within_rate_limit(request, token):
            services.submit(consultation=consultation, cleaned=form.cleaned_data)
            return redirect("public:consultation_thanks", token=token)
        limited = True
    response = render(
        request,
        "priorities/public_consultation.html",
        {
            "consultation": consultation,
            "case": case,
            "form": form,
            "limited": limited,
            "alternatives": case.alternatives.all(),
        },
        status=429 if limited else 200,
    )
    return response


def public_consultation_thanks(request, token):
    consultation = get_object_or_404(Consultation, token=token)
    return render(request, "priorities/public_thanks.html", {"consultation": consultation})


def public_case(request, token):
    publication = get_object_or_404(Publication, token=token, unpublished_at__isnull=True)
    content = publication.content
    return render(
        request,
        "priorities/public_case.html",
        {
            "content": content,
            "swedish_rows": swedish_rows(content.get("alternatives", [])),
            "swedish_source": content.get("swedish_source", ""),
        },
    )


def public_index(request, number):
    municipality = get_object_or_404(Municipality, number=number)
    publications = Publication.objects.filter(
        case__municipality=municipality, unpublished_at__isnull=True
    )
    return render(
        request,
        "priorities/public_index.html",
        {"municipality": municipality, "publications": publications},
    )
