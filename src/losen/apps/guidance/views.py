"""Pages of the guidance module: self-assessments, results, the deviations register and the
improvement actions. Thin: reads through :mod:`.selectors`, writes through :mod:`.services`."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from losen.apps.accounts.access import get_for_municipality, member_required
from losen.apps.accounts.models import Role
from losen.apps.insight import queries as insight_queries
from losen.apps.insight import services as insight_services
from losen.domain.errors import InputError
from losen.domain.guidance import assessment as rules

from . import charts, exports, selectors, services
from .forms import ActionForm, MoveForm, PointForm, StartForm
from .models import (
    ActionStatus,
    ImprovementAction,
    PointAssessment,
    PointStatus,
    ReasonGroup,
    SelfAssessment,
)

READ = (Role.LEDER, Role.ANALYTIKER, Role.LESER, Role.ADMIN)
EDIT = (Role.LEDER,)
REGISTER = (Role.LEDER, Role.ANALYTIKER)


def _can_edit(request) -> bool:
    return Role.LEDER in request.roles


def _status_labels() -> dict[str, str]:
    return dict(PointStatus.choices)


def _gap_lines(gaps) -> list[dict]:
    lines = []
    for gap in gaps:
        if gap.reason == rules.UNANSWERED:
            text = _("%(point)s er ikke vurdert.") % {"point": gap.point_id}
        elif gap.strength == "skal":
            text = _(
                "%(point)s er et skal-punkt som ikke er oppfylt: dokumenter et forsvarlig "
                "alternativ. Å fravike et skal-krav er sjelden forsvarlig."
            ) % {"point": gap.point_id}
        else:
            text = _(
                "%(point)s er et bør-punkt som ikke er oppfylt: dokumenter et forsvarlig "
                "alternativ."
            ) % {"point": gap.point_id}
        lines.append({"gap": gap, "text": text})
    return lines


def _form_page(request, form, title, back, intro="", submit=None, extra=None):
    context = {
        "form": form,
        "title": title,
        "back": back,
        "intro": intro,
        "submit_label": submit or _("Lagre"),
    }
    context.update(extra or {})
    return render(request, "guidance/form.html", context)


@member_required(*READ)
def index(request):
    municipality = request.municipality
    assessments = SelfAssessment.objects.filter(municipality=municipality).select_related("unit")
    return render(
        request,
        "guidance/index.html",
        {
            "assessments": assessments,
            "guidelines": selectors.available_guidelines(municipality),
            "overdue": selectors.overdue_actions(municipality),
            "can_edit": _can_edit(request),
            "can_see_register": bool(set(REGISTER) & request.roles),
        },
    )


@member_required(*EDIT)
def assessment_new(request):
    municipality = request.municipality
    form = StartForm(
        request.POST or None,
        guidelines=selectors.available_guidelines(municipality),
        units=municipality.units.all(),
    )
    if request.method == "POST" and form.is_valid():
        try:
            assessment = services.start_assessment(
                actor=request.user,
                municipality=municipality,
                guideline_id=form.cleaned_data["guideline"],
                unit=form.cleaned_data["unit"],
                title=form.cleaned_data["title"],
            )
        except InputError as error:
            for problem in error.problems:
                form.add_error(None, problem.message)
        else:
            return redirect("guidance:assessment", external_id=assessment.external_id)
    return _form_page(
        request,
        form,
        _("Ny egenvurdering"),
        reverse("guidance:index"),
        intro=_(
            "Velg veilederen eller sjekklisten tjenestene skal vurderes mot. Hvert punkt får en "
            "status og dokumentasjon; der et skal- eller bør-punkt ikke er oppfylt, må et "
            "forsvarlig alternativ dokumenteres før vurderingen kan avsluttes."
        ),
        submit=_("Start vurderingen"),
    )


def _assessment_page(request, assessment, gaps_refused=None, status=200):
    overview = selectors.assessment_overview(assessment)
    labels = _status_labels()
    chart_rows = [
        (f"{b.recommendation.id} {b.recommendation.title}", b.result.counts)
        for b in overview.blocks
    ]
    return render(
        request,
        "guidance/assessment.html",
        {
            "overview": overview,
            "assessment": assessment,
            "can_edit": _can_edit(request) and not assessment.is_closed,
            "can_act": _can_edit(request),
            "gap_lines": _gap_lines(overview.gaps),
            "refused": gaps_refused is not None,
            "status_labels": labels,
            "chart": charts.status_bars(_("Status per anbefaling"), chart_rows, labels),
            "statuses": PointStatus.choices,
            "moved": [
                (c, labels.get(c.before or "", "–"), labels.get(c.after or "", "–"))
                for c in overview.moved
            ],
        },
        status=status,
    )


@member_required(*READ)
def assessment(request, external_id):
    item = get_for_municipality(request, SelfAssessment, external_id)
    return _assessment_page(request, item)


@member_required(*EDIT)
def assessment_close(request, external_id):
    item = get_for_municipality(request, SelfAssessment, external_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        services.close_assessment(actor=request.user, assessment=item)
    except services.AssessmentClosed:
        messages.info(request, _("Vurderingen er allerede avsluttet."))
    except services.NotClosable as refusal:
        return _assessment_page(request, item, gaps_refused=refusal.gaps)
    else:
        messages.success(request, _("Vurderingen er avsluttet."))
    return redirect("guidance:assessment", external_id=item.external_id)


@member_required(*READ)
def assessment_xlsx(request, external_id):
    item = get_for_municipality(request, SelfAssessment, external_id)
    response = HttpResponse(
        exports.to_xlsx(selectors.assessment_overview(item)),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="egenvurdering-{item.external_id}.xlsx"'
    )
    return response


@member_required(*READ)
def assessment_docx(request, external_id):
    item = get_for_municipality(request, SelfAssessment, external_id)
    response = HttpResponse(
        exports.to_docx_bytes(selectors.assessment_overview(item)),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="egenvurdering-{item.external_id}.docx"'
    )
    return response


def _point_context(point):
    guideline = selectors.guideline_of(point.assessment)
    recommendation, check_point = guideline.point(point.point_id)
    return recommendation, check_point


@member_required(*EDIT)
def point(request, external_id):
    item = get_for_municipality(request, PointAssessment, external_id)
    assessment = item.assessment
    back = reverse("guidance:assessment", kwargs={"external_id": assessment.external_id})
    recommendation, check_point = _point_context(item)
    initial = {
        "status": item.status,
        "evidence": item.evidence,
        "links": item.links,
        "alternative": item.alternative,
        "reason_group": item.reason_group,
    }
    form = PointForm(request.POST or None, initial=initial)
    if not assessment.is_closed and request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.record_point(
                actor=request.user,
                point=item,
                status=data["status"],
                evidence=data["evidence"],
                links=data["links"],
                alternative=data["alternative"],
                reason_group=data["reason_group"],
            )
        except services.AssessmentClosed:
            form.add_error(None, _("Vurderingen er avsluttet; punktene kan ikke endres."))
        except InputError as error:
            for problem in error.problems:
                field = problem.path if problem.path in form.fields else None
                form.add_error(field, problem.message)
        else:
            if (
                rules.needs_alternative(item.strength, data["status"])
                and not data["alternative"].strip()
            ):
                messages.warning(
                    request,
                    _("%(point)s er lagret, men mangler et forsvarlig alternativ.")
                    % {"point": item.point_id},
                )
            return redirect(f"{back}#{recommendation.id}")
    return render(
        request,
        "guidance/point.html",
        {
            "form": form,
            "point": item,
            "assessment": assessment,
            "recommendation": recommendation,
            "check_point": check_point,
            "back": back,
            "figures": insight_services.attached_figures(item.municipality, item),
            "closed": assessment.is_closed,
        },
    )


@member_required(*EDIT)
def point_figure(request, external_id):
    """Attach a figure of the management information to a point, as evidence."""
    from losen.apps.priorities.forms import AttachFigureForm

    item = get_for_municipality(request, PointAssessment, external_id)
    back = reverse("guidance:point", kwargs={"external_id": item.external_id})
    figures = insight_queries.attachable_figures(item.municipality)
    form = AttachFigureForm(request.POST or None, municipality=item.municipality, figures=figures)
    if request.method == "POST" and form.is_valid():
        insight_services.attach_indicator(
            actor=request.user,
            municipality=item.municipality,
            target=item,
            snapshot=form.snapshot,
            note=form.cleaned_data["note"],
        )
        return redirect(back)
    intro = (
        _("Velg et tall fra styringsinformasjonen. Tallet lagres slik det står i dag.")
        if figures
        else _(
            "Kommunen har ingen tall i Losen ennå. Importer tall under Styringsinformasjon først."
        )
    )
    return _form_page(
        request, form, _("Legg ved tall som dokumentasjon"), back, intro=intro, submit=_("Legg ved")
    )


@member_required(*EDIT)
def action_new(request, external_id):
    item = get_for_municipality(request, PointAssessment, external_id)
    back = reverse("guidance:assessment", kwargs={"external_id": item.assessment.external_id})
    _recommendation, check_point = _point_context(item)
    form = ActionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            action = services.create_action(actor=request.user, point=item, **form.cleaned_data)
        except InputError as error:
            for problem in error.problems:
                form.add_error(
                    problem.path if problem.path in form.fields else None, problem.message
                )
        else:
            messages.success(request, _("Forbedringstiltaket er lagt til."))
            return redirect("guidance:action", external_id=action.external_id)
    intro = _("Tiltaket skal lukke gapet for %(point)s: %(text)s") % {
        "point": item.point_id,
        "text": check_point.text,
    }
    return _form_page(request, form, _("Nytt forbedringstiltak"), back, intro=intro)


@member_required(*READ)
def actions(request):
    municipality = request.municipality
    rows = ImprovementAction.objects.filter(municipality=municipality).select_related("point")
    today = timezone.localdate()
    return render(
        request,
        "guidance/actions.html",
        {
            "actions": rows,
            "today": today,
            "titles": selectors.recommendation_titles(municipality),
            "overdue": {a.pk for a in selectors.overdue_actions(municipality, today)},
        },
    )


@member_required(*READ)
def action(request, external_id):
    if request.method == "POST" and not _can_edit(request):
        raise PermissionDenied(_("Rollen din gir ikke tilgang til å endre tiltaket."))
    item = get_for_municipality(request, ImprovementAction, external_id)
    can_edit = _can_edit(request) and item.status != ActionStatus.DONE
    form = MoveForm(request.POST or None, current=item.status) if can_edit else None
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            services.move_action(
                actor=request.user,
                action=item,
                status=form.cleaned_data["status"],
                note=form.cleaned_data["note"],
                deadline=form.cleaned_data["deadline"],
            )
        except InputError as error:
            form.add_error("status", error.problems[0].message)
        else:
            return redirect("guidance:action", external_id=item.external_id)
    return render(
        request,
        "guidance/action.html",
        {
            "action": item,
            "form": form,
            "title": selectors.recommendation_titles(item.municipality).get(
                item.recommendation_id, ""
            ),
            "overdue": item in selectors.overdue_actions(item.municipality),
            "phases": ActionStatus.choices,
        },
    )


@member_required(*READ)
def results(request):
    municipality = request.municipality
    guidelines = selectors.available_guidelines(municipality)
    chosen = request.GET.get("veileder") or selectors.MENTAL_HEALTH
    if chosen not in {g.id for g in guidelines}:
        raise Http404(_("Fant ikke siden."))
    data = selectors.results_over_time(municipality, chosen)
    timeline_points = [
        (timezone.localdate(item.closed_at).strftime("%m.%Y"), share)
        for item, share in data.timeline
    ]
    return render(
        request,
        "guidance/results.html",
        {
            "data": data,
            "guidelines": guidelines,
            "chosen": chosen,
            "chart": charts.share_columns(
                _("Andel oppfylt per avsluttet vurdering"), timeline_points
            ),
        },
    )


@member_required(*REGISTER)
def register(request):
    municipality = request.municipality
    data = selectors.deviations_register(municipality)
    return render(
        request,
        "guidance/register.html",
        {
            "register": data,
            "titles": selectors.recommendation_titles(municipality),
            "reasons": dict(ReasonGroup.choices),
            "groups": [
                (_("Avvik fra skal-anbefalinger"), "skal", data.skal),
                (_("Avvik fra bør-anbefalinger"), "bor", data.bor),
                (_("Avvik fra andre råd"), "andre", data.other),
            ],
        },
    )
