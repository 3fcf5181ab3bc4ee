"""Thin views of the clinical app: fetch through ``access``, write through ``services``."""

from __future__ import annotations

import datetime as dt
import json

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from losen.apps.accounts.access import member_required
from losen.apps.accounts.models import Role
from losen.apps.audit.models import Action
from losen.apps.audit.services import record
from losen.apps.common.locking import save_locked
from losen.domain.careplan import DEFAULT_MIN_GROUP_SIZE
from losen.domain.fhir import build_questionnaire_response
from losen.domain.instruments import Sex
from losen.domain.pathways import NOTE_OPTIONAL, NOTE_REQUIRED, severity_suggested_by
from losen.domain.pathways.table import SPECIALIST_LEVELS

from . import queries, services
from .access import access_clinical_object, access_clinical_person
from .charts import trajectory_svg
from .forms import (
    AREA_RATINGS,
    LIFE_AREAS,
    SPECIALIST_CHOICES,
    AcknowledgeForm,
    AssessmentForm,
    EndItemForm,
    MeasurementForm,
    PathwayChoiceForm,
    PlanItemForm,
    StepPolicyForm,
    change_field_name,
)
from .models import (
    Assessment,
    ClinicalPolicy,
    Intervention,
    Measurement,
    NoticeLevel,
    PlanItem,
    SafetyNotice,
)

DEFAULT_ASSESSMENT_INSTRUMENTS = ("phq-9", "gad-7", "audit-c")


def _today() -> dt.date:
    return timezone.localdate()


def _instrument_ids(request, default) -> tuple[str, ...]:
    wanted = request.GET.get("instrumenter", "")
    known = services.registry()
    chosen = tuple(i for i in wanted.split(",") if i in known)
    return chosen or tuple(default)


@member_required(Role.KLINIKER)
def assessment_new(request, external_id):
    person = access_clinical_person(request, external_id, purpose="clinical:assessment-new")
    instrument_ids = _instrument_ids(request, DEFAULT_ASSESSMENT_INSTRUMENTS)
    form = AssessmentForm(
        request.POST or None,
        instrument_ids=instrument_ids,
        initial={"assessed_on": _today(), "sex": _known_sex(person)},
        person=person,
    )
    if request.method == "POST" and form.is_valid():
        try:
            assessment = services.record_assessment(
                actor=request.user, person=person, data=form.to_input()
            )
        except services.ClinicalError as error:
            fields = {"confirmation": "confirmation_reason", "assessed_on": "assessed_on"}
            for problem in error.problems:
                path, _sep, message = problem.partition(": ")
                field = fields.get(path)
                form.add_error(field, message if field else problem)
        else:
            messages.success(request, _("Kartleggingen er lagret."))
            return redirect("clinical:assessment", external_id=assessment.external_id)
    return render(
        request,
        "clinical/assessment_form.html",
        {
            "person": person,
            "form": form,
            "all_instruments": services.registry().definitions,
            "instrument_ids": instrument_ids,
        },
    )


@member_required(Role.KLINIKER)
def assessment_detail(request, external_id):
    assessment = access_clinical_object(
        request, Assessment, external_id, purpose="clinical:assessment"
    )
    suggestion = assessment.suggestion
    recommendations = list(
        dict.fromkeys(
            (r["recommendation"], r["recommendation_title"]) for r in suggestion["reasons"]
        )
    )
    choices = _choice_rows(assessment)
    latest = choices[-1] if choices else None
    initial = {
        "pathway": latest.pathway if latest else assessment.suggested_pathway,
        "specialist": latest.specialist if latest else assessment.suggested_specialist,
    }
    form = PathwayChoiceForm(
        request.POST or None,
        initial=initial,
        recommendations=recommendations,
        lock_record=assessment,
    )
    if request.method == "POST" and form.is_valid():
        try:
            saved = save_locked(
                form,
                lambda version: services.choose_pathway(
                    actor=request.user,
                    assessment=assessment,
                    pathway=form.cleaned_data["pathway"],
                    specialist=form.cleaned_data["specialist"],
                    deviation_recommendation=form.cleaned_data["deviation_recommendation"],
                    deviation_reason=form.cleaned_data["deviation_reason"],
                    expected_version=version,
                ),
            )
        except services.ClinicalError as error:
            for problem in error.problems:
                field = (
                    "deviation_reason"
                    if "reason" in problem.partition(":")[0]
                    else "deviation_recommendation"
                )
                form.add_error(field, problem)
        else:
            if saved is not None:
                messages.success(request, _("Valget av hovedforløp er lagret."))
                return redirect("clinical:assessment", external_id=assessment.external_id)
    measurements = list(assessment.measurements.all())
    severity_hint = None
    instruments = services.registry()
    for m in measurements:
        definition = instruments.get(m.instrument_id)
        m.levels_used = definition.levels_used(Sex(m.sex) if m.sex else None) if definition else ""
    if measurements:
        severity_hint = severity_suggested_by(
            services.score(m.instrument_id, m.answers, m.sex) for m in measurements
        )
    notices = ordered_notices(SafetyNotice.objects.filter(assessment=assessment))
    return render(
        request,
        "clinical/assessment_detail.html",
        {
            "assessment": assessment,
            "person": assessment.person,
            "suggestion": suggestion,
            "form": form,
            "measurements": measurements,
            "severity_hint": severity_hint,
            "life_areas": _life_area_rows(assessment),
            "choices": choices,
            "latest_choice": latest,
            "notices": notices,
            "missing": suggestion.get("missing", []),
            "confirmations": suggestion.get("confirmations", []),
            "note_required": NOTE_REQUIRED,
            "note_optional": NOTE_OPTIONAL,
        },
    )


def _known_sex(person) -> str:
    """The person's sex as the last assessment or measurement recorded it (the person record
    has none), or empty."""
    latest = Measurement.objects.filter(person=person).exclude(sex="").order_by("-taken_on").first()
    return latest.sex if latest else ""


def _direction(assessment, pathway: int, specialist: str) -> str:
    """``same``, ``more`` (more intensive on every point that differs), ``less`` or ``mixed``."""
    ranks = SPECIALIST_LEVELS
    up = pathway > assessment.suggested_pathway or ranks.index(specialist) > ranks.index(
        assessment.suggested_specialist
    )
    down = pathway < assessment.suggested_pathway or ranks.index(specialist) < ranks.index(
        assessment.suggested_specialist
    )
    return "mixed" if up and down else "more" if up else "less" if down else "same"


def _choice_rows(assessment):
    """Every pathway choice on the assessment, oldest first (the last is the one in force)."""
    labels = dict(SPECIALIST_CHOICES)
    choices = list(assessment.choices.select_related("chosen_by").order_by("chosen_at", "pk"))
    for choice in choices:
        choice.specialist_label = labels.get(choice.specialist, choice.specialist)
        choice.direction = _direction(assessment, choice.pathway, choice.specialist)
    return choices


def ordered_notices(notices):
    """Most urgent first (akutt, snarlig, rutine), then the oldest first."""
    return sorted(notices, key=lambda notice: (notice.urgency, notice.raised_at))


def _life_area_rows(assessment):
    ratings = dict(AREA_RATINGS)
    rows = []
    for code, label in LIFE_AREAS:
        entry = assessment.life_areas.get(code, {})
        rows.append((label, ratings.get(entry.get("rating", ""), ""), entry.get("note", "")))
    return rows


@member_required(Role.KLINIKER)
def measurement_new(request, external_id):
    person = access_clinical_person(request, external_id, purpose="clinical:measurement-new")
    instrument_id = _instrument_ids(request, ("phq-9",))[0]
    form = MeasurementForm(
        request.POST or None,
        instrument_id=instrument_id,
        initial={"taken_on": _today(), "sex": _known_sex(person)},
        person=person,
    )
    if request.method == "POST" and form.is_valid() and form.answered:
        try:
            services.record_measurement(
                actor=request.user,
                person=person,
                answers=form.answered[0],
                taken_on=form.cleaned_data["taken_on"],
            )
        except services.ClinicalError as error:
            for problem in error.problems:
                form.add_error("taken_on", problem.partition(": ")[2] or problem)
        else:
            messages.success(request, _("Målingen er lagret."))
            return redirect("clinical:outcomes", external_id=person.external_id)
    return render(
        request,
        "clinical/measurement_form.html",
        {
            "person": person,
            "form": form,
            "instrument_id": instrument_id,
            "all_instruments": services.registry().definitions,
        },
    )


@member_required(Role.KLINIKER)
def measurement_fhir(request, external_id):
    measurement = access_clinical_object(
        request, Measurement, external_id, purpose="clinical:fhir-export"
    )
    definition = services.registry()[measurement.instrument_id]
    result = services.score(measurement.instrument_id, measurement.answers, measurement.sex)
    authored = dt.datetime.combine(measurement.taken_on, dt.time(12), tzinfo=dt.UTC)
    resource = build_questionnaire_response(
        definition,
        result,
        authored=authored,
        subject_reference=f"Patient/{measurement.person.external_id}",
        response_id=str(measurement.external_id),
    )
    record(
        actor=request.user,
        action=Action.EXPORT,
        target=measurement,
        municipality=measurement.municipality,
        details={"format": "fhir-r4-questionnaireresponse", "instrument": definition.id},
    )
    response = HttpResponse(
        json.dumps(resource, ensure_ascii=False, indent=2), content_type="application/fhir+json"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="questionnaireresponse-{measurement.external_id}.json"'
    )
    return response


@member_required(Role.KLINIKER)
def notice_acknowledge(request, external_id):
    notice = access_clinical_object(request, SafetyNotice, external_id, purpose="clinical:notice")
    form = AcknowledgeForm(request.POST or None, acute=notice.is_acute)
    if request.method == "POST" and notice.acknowledged_at is None and form.is_valid():
        try:
            services.acknowledge_notice(
                actor=request.user, notice=notice, reason=form.cleaned_data["reason"]
            )
        except services.ClinicalError as error:
            for problem in error.problems:
                form.add_error("reason", problem.partition(": ")[2] or problem)
        else:
            messages.success(request, _("Varselet er kvittert ut."))
            return redirect("persons:detail", external_id=notice.person.external_id)
    return render(
        request,
        "clinical/notice_form.html",
        {"notice": notice, "person": notice.person, "form": form},
    )


@member_required(Role.KLINIKER)
def work_list(request):
    """The clinician's work list: open safety notices by urgency, for the persons the
    clinician has an active care relation to, until each is acknowledged (one audit READ
    entry names the notices and their persons by external id)."""
    from losen.apps.persons.models import CareRelation

    allowed = CareRelation.objects.active().filter(user=request.user).values("person_id")
    notices = ordered_notices(
        SafetyNotice.objects.filter(
            municipality=request.municipality,
            acknowledged_at__isnull=True,
            person_id__in=allowed,
        ).select_related("person", "assessment")
    )
    record(
        actor=request.user,
        action=Action.READ,
        object_type="clinical.safetynotice",
        municipality=request.municipality,
        details={
            "purpose": "clinical:work-list",
            "count": len(notices),
            "references": [str(notice.external_id) for notice in notices],
            # The page names each notice's person: the entry names them too (by external id).
            "persons": sorted({str(notice.person.external_id) for notice in notices}),
        },
    )
    groups = [
        (level, label, [notice for notice in notices if notice.level == level])
        for level, label in NoticeLevel.choices
    ]
    return render(
        request,
        "clinical/work_list.html",
        {"groups": groups, "count": len(notices)},
    )


@member_required(Role.KLINIKER)
def plan(request, external_id):
    person = access_clinical_person(request, external_id, purpose="clinical:plan")
    form = PlanItemForm(request.POST or None, municipality=person.municipality)
    if request.method == "POST" and form.is_valid():
        services.add_plan_item(
            actor=request.user,
            person=person,
            intervention=form.cleaned_data["intervention"],
            started_on=form.cleaned_data["started_on"],
            goal=form.cleaned_data["goal"],
        )
        messages.success(request, _("Tiltaket er lagt til i planen."))
        return redirect("clinical:plan", external_id=person.external_id)
    items = PlanItem.objects.filter(person=person).select_related("intervention")
    return render(
        request,
        "clinical/plan.html",
        {
            "person": person,
            "form": form,
            "active_items": [i for i in items if i.ended_on is None],
            "ended_items": [i for i in items if i.ended_on is not None],
            "step": queries.step_for(person, _today()),
            "end_form": EndItemForm(initial={"ended_on": _today()}),
        },
    )


@member_required(Role.KLINIKER)
def plan_item_end(request, external_id):
    item = access_clinical_object(request, PlanItem, external_id, purpose="clinical:plan")
    if request.method != "POST":
        return redirect("clinical:plan", external_id=item.person.external_id)
    form = EndItemForm(request.POST)
    if form.is_valid():
        try:
            services.end_plan_item(
                actor=request.user, item=item, ended_on=form.cleaned_data["ended_on"]
            )
        except services.ClinicalError:
            messages.error(request, _("Sluttdatoen kan ikke være før startdatoen."))
        else:
            messages.success(request, _("Tiltaket er avsluttet."))
    else:
        messages.error(request, _("Oppgi en gyldig sluttdato."))
    return redirect("clinical:plan", external_id=item.person.external_id)


@member_required(Role.KLINIKER)
def outcomes(request, external_id):
    person = access_clinical_person(request, external_id, purpose="clinical:outcomes")
    charts = [
        {
            "chart": chart,
            "svg": trajectory_svg(
                chart.trajectory, chart.definition.name, f"forlop-{chart.definition.id}"
            ),
            "rows": list(zip(chart.trajectory.points, chart.measurements, strict=True)),
            "levels_used": chart.levels_used,
        }
        for chart in queries.charts_for(person)
    ]
    return render(
        request,
        "clinical/outcomes.html",
        {"person": person, "charts": charts, "all_instruments": services.registry().definitions},
    )


@member_required(Role.LEDER, Role.ANALYTIKER)
def leader_outcomes(request):
    rows = queries.outcomes_for(request.municipality, _today())
    return render(
        request,
        "clinical/leader_outcomes.html",
        {"rows": rows, "min_group": DEFAULT_MIN_GROUP_SIZE},
    )


@member_required(Role.LEDER)
def step_policy(request):
    """The leader sets the review period and reliable change per instrument for stepped care."""
    current = queries.policy_for(request.municipality)
    own = ClinicalPolicy.objects.filter(municipality=request.municipality).first()
    overrides = own.reliable_change_points if own else {}
    initial = {"review_after_days": current.review_after_days}
    initial.update({change_field_name(key): value for key, value in overrides.items()})
    form = StepPolicyForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.set_step_policy(
                actor=request.user,
                municipality=request.municipality,
                review_after_days=form.cleaned_data["review_after_days"],
                reliable_change_points=form.reliable_change_points(),
            )
        except services.ClinicalError as error:
            for problem in error.problems:
                form.add_error(None, problem)
        else:
            messages.success(request, _("Innstillingene for trinnvis omsorg er lagret."))
            return redirect("clinical:step_policy")
    return render(
        request,
        "clinical/step_policy.html",
        {"form": form, "criteria": sorted(current.criteria.items())},
    )


@member_required(Role.KLINIKER, Role.LEDER, Role.ANALYTIKER)
def catalogue(request):
    interventions = Intervention.objects.filter(municipality=request.municipality)
    return render(request, "clinical/catalogue.html", {"interventions": interventions})
