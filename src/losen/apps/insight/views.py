"""Pages of styringsinformasjon: the leader's dashboard, demand ahead, import and export."""

from __future__ import annotations

import contextlib
from decimal import ROUND_HALF_UP, Decimal

from django.shortcuts import render
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from losen.apps.accounts.access import member_required
from losen.apps.accounts.models import Role

from . import charts
from .catalogue import AREA_LABELS, Area, indicators_in
from .queries import STATUS_LABELS, IndicatorView, dashboard_views

INSIGHT_ROLES = (Role.LEDER, Role.ANALYTIKER)


def format_decimal(value: Decimal | None, decimals: int | None = None) -> str:
    """A number the way the page's language writes it (``1 234,5`` in Norwegian)."""
    if value is None:
        return ""
    if decimals is not None and decimals >= 0:
        value = value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    return number_format(value, decimal_pos=decimals, use_l10n=True, force_grouping=True)


def _cell(obs) -> dict:
    if obs is None:
        return {"text": "", "status": "", "meaning": _("ikke publisert")}
    number = charts.number(obs)
    status = obs.status or ""
    return {
        "text": "" if number is None else format_decimal(number, obs.decimals),
        "status": status,
        "meaning": str(STATUS_LABELS.get(status, "")) if status else "",
    }


def chart_context(view: IndicatorView, municipality_name: str) -> dict:
    """What the template needs for one indicator: the chart, the table rows and the trend."""
    comparison = view.comparison
    indicator = view.indicator
    series = [charts.Series("m", municipality_name)]
    if view.profile.kostra_group:
        series.append(
            charts.Series("g", _("KOSTRA-gruppe %(g)s") % {"g": view.profile.kostra_group[3:]})
        )
    series.append(charts.Series("c", _("Landet")))
    context = {
        "view": view,
        "indicator": indicator,
        "series": [
            {"role": s.role, "name": s.name, "icon": charts.legend_icon(s.role)} for s in series
        ],
    }
    if comparison is None:
        return context
    decimals = (
        comparison.points[-1].municipality.decimals if comparison.points[-1].municipality else None
    )
    context["chart"] = charts.line_chart(
        comparison,
        series,
        label=_("Linjediagram: %(label)s, %(first)s–%(last)s. Tallene står i tabellen.")
        % {
            "label": indicator.label,
            "first": comparison.points[0].period,
            "last": comparison.points[-1].period,
        },
        format_value=lambda v: format_decimal(v, decimals if decimals is not None else None),
    )
    roles = {"m": "municipality", "g": "group", "c": "country"}
    context["rows"] = [
        {
            "period": point.period,
            "cells": [_cell(getattr(point, roles[s.role])) for s in series],
            "minus_group": format_decimal(point.minus_group, decimals)
            if point.minus_group is not None
            else "",
        }
        for point in comparison.points
    ]
    change = comparison.change
    if change is not None:
        numeric = [p for p in comparison.points if charts.number(p.municipality) is not None]
        context["change"] = {
            "first": numeric[0].period,
            "last": numeric[-1].period,
            "value": ("+" if change > 0 else "") + format_decimal(change, decimals),
        }
    return context


@member_required(*INSIGHT_ROLES)
def dashboard(request):
    municipality = request.municipality
    views = dashboard_views(municipality)
    by_key = {v.indicator.key: v for v in views}
    areas = []
    for area in (Area.MENTAL_HEALTH, Area.HOME_CARE):
        items = [chart_context(by_key[i.key], municipality.name) for i in indicators_in(area)]
        areas.append({"label": AREA_LABELS[area], "slug": area, "items": items})
    sources = set().union(*(v.sources for v in views))
    from .queries import attribution_lines

    return render(
        request,
        "insight/dashboard.html",
        {
            "areas": areas,
            "profile": views[0].profile if views else None,
            "attribution": attribution_lines(sources),
            "synthetic": any(v.is_synthetic for v in views),
            "statuses": [(symbol, label) for symbol, label in STATUS_LABELS.items()],
            "has_data": any(v.comparison is not None for v in views),
        },
    )


# --- Demand ahead -----------------------------------------------------------------------------


@member_required(*INSIGHT_ROLES)
def demand(request):
    from losen.domain import indicators as ind

    from .forms import DemandForm
    from .projection import SERVICE_BY_KEY, ProjectionUnavailable, parse_user_projection, project
    from .queries import attribution_lines, profile_for

    municipality = request.municipality
    form = DemandForm(request.GET or None)
    context = {"form": form}
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        service = SERVICE_BY_KEY[data["service"]]
        bands = [band for band, _key in service.bands]
        profile = profile_for(municipality)
        scenario = None
        if data["scenario"] == "egen":
            try:
                population = parse_user_projection(data["projection_text"], bands)
            except ValueError as error:
                form.add_error("projection_text", str(error))
            else:
                scenario = ind.UserProjection(
                    data["projection_name"] or _("egen framskriving"), population
                )
        else:
            growth = (data["growth_percent"] or Decimal(0)) / 100
            scenario = ind.ConstantGrowth(growth)
        if scenario is not None:
            try:
                projection, rates, capacity = project(
                    municipality,
                    profile,
                    service,
                    rate_source=data["rate_source"],
                    horizon_years=data["horizon_years"],
                    capacity=data["capacity"],
                    scenario=scenario,
                )
            except ProjectionUnavailable as error:
                context["unavailable"] = str(error)
            except ValueError as error:
                form.add_error("projection_text", str(error))
            else:
                context.update(_projection_context(projection, rates, capacity, service))
                views = [v for v in dashboard_views(municipality) if v.sources]
                context["attribution"] = attribution_lines(
                    set().union(*(v.sources for v in views)) if views else set()
                )
    return render(request, "insight/demand.html", context)


def _projection_context(projection, rates, capacity, service) -> dict:
    rows = []
    for year in projection.years:
        rows.append(
            {
                "year": year.year,
                "population": [format_decimal(p, 0) for _band, p in year.population],
                "demand": format_decimal(year.demand, 1),
                "capacity": format_decimal(year.capacity, 1),
                "gap": ("+" if year.gap > 0 else "") + format_decimal(year.gap, 1),
                "short": year.gap < 0,
            }
        )
    return {
        "projection": projection,
        "service": service,
        "bands": [r.band.label for r in rates],
        "rates": [
            {"band": r.band.label, "per_1000": format_decimal(r.per_1000, 1), "period": r.period}
            for r in rates
        ],
        "rows": rows,
        "capacity_text": format_decimal(capacity, 1),
        "first_shortfall": projection.first_shortfall_year,
        "chart": charts.demand_chart(projection, format_value=lambda v: format_decimal(v, 0)),
    }


# --- Import and export ------------------------------------------------------------------------


def _visible_batches(request):
    from django.db.models import Q

    from .models import BatchState, ImportBatch

    # Only finished imports: an unfinished one (on SQLite, still being written) is not data yet.
    return ImportBatch.objects.filter(
        Q(municipality__isnull=True) | Q(municipality=request.municipality),
        state=BatchState.COMPLETE,
    )


@csrf_exempt  # the CSRF check runs in _imports, after the upload's size limit is in place
@member_required(*INSIGHT_ROLES)
def imports(request):
    from .forms import MAX_UPLOAD_BYTES
    from .uploads import limit_uploads

    # Before anything reads the request body: CsrfViewMiddleware would read it (and store an
    # upload of any size in a temporary file) if the view were not exempt from it here.
    handler = limit_uploads(request, MAX_UPLOAD_BYTES)
    return _imports(request, handler)


@csrf_protect
def _imports(request, handler):
    from .forms import ImportForm

    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES or None, upload_too_large=handler.exceeded)
    else:
        form = ImportForm()
    if request.method == "POST" and form.is_valid():
        return _start_import(request, form)
    batches = list(_visible_batches(request).select_related("municipality")[:50])
    tables = sorted({t for b in batches for t in b.tables})
    jobs = [job_context(job) for job in _visible_jobs(request).defer("data")[:10]]
    return render(
        request,
        "insight/imports.html",
        {"form": form, "batches": batches, "tables": tables, "jobs": jobs},
    )


def _start_import(request, form):
    """Store the upload as a job, queue its import and send the browser to the job's page.

    The import runs in ``losen worker`` (:mod:`.tasks`), not in this request: the task gets
    the job's id, and reads the file from the job row.
    """
    from django.shortcuts import redirect

    from .tasks import start_import

    upload = form.cleaned_data["file"]
    job = start_import(
        actor=request.user,
        municipality=request.municipality,
        upload_name=upload.name,
        data=upload.read(),
        source=form.cleaned_data["source"] or None,
        table=form.cleaned_data["table"] or None,
    )
    response = redirect("insight:import_job", external_id=job.external_id)
    response.status_code = 303  # the page is fetched with GET, and reloads without a resubmit
    return response


def _visible_jobs(request):
    from django.db.models import Q

    from losen.apps.jobs.models import Job

    from .tasks import FETCH_KIND, IMPORT_KIND

    return Job.objects.filter(kind__in=(IMPORT_KIND, FETCH_KIND)).filter(
        Q(municipality__isnull=True) | Q(municipality=request.municipality)
    )


def _job_or_404(request, external_id):
    from django.http import Http404

    job = _visible_jobs(request).filter(external_id=external_id).first()
    if job is None:
        raise Http404(_("Fant ikke siden."))
    return job


#: Seconds between two looks at a job that is not finished (HTMX, or the page's own reload).
JOB_POLL_SECONDS = 2


def job_context(job) -> dict:
    """What the job's page (and its polled fragment) shows: state, progress and outcome."""
    from losen.apps.jobs import progress
    from losen.apps.jobs.models import JobState
    from losen.apps.jobs.services import can_retry, shown_state

    state = shown_state(job)
    step = progress.latest(job.external_id)
    phases = {
        "venter": _("Starter"),
        "henter": _("Henter tabellen"),
        "lest": _("Leser og kontrollerer fila"),
        "kontrollert": _("Fila er kontrollert"),
        "lagrer": _("Lagrer"),
        "ferdig": _("Ferdig"),
    }
    states = {
        JobState.QUEUED: _("Venter på tur i køen."),
        JobState.RUNNING: _("Importen pågår."),
        JobState.DONE: _("Ferdig."),
        JobState.REFUSED: _("Ingenting er lagret."),
        JobState.FAILED: _("Importen stoppet med en feil; ingenting er lagret."),
        "interrupted": _("Importen ble avbrutt (arbeidsprosessen stoppet); ingenting er lagret."),
    }
    finished = state in (JobState.DONE, JobState.REFUSED)
    stopped = state in (JobState.FAILED, "interrupted")
    percent = 100 if finished else (step.percent if step is not None else 0)
    if state == JobState.QUEUED or step is None:
        percent = 0
    line = ""
    if step is not None and state == JobState.RUNNING:
        line = f"{phases.get(step.phase, step.phase)}: {percent} %"
        if step.phase == "lagrer" and step.total:
            line += " " + _("(%(done)s av %(total)s)") % {"done": step.done, "total": step.total}
    return {
        "job": job,
        "state": state,
        "state_text": states.get(state, state),
        "percent": percent,
        "progress_line": line,
        "finished": finished,
        "stopped": stopped,
        "polling": not finished and not stopped,
        "poll_seconds": JOB_POLL_SECONDS,
        "outcome": job.outcome,
        "can_retry": stopped and can_retry(job),
    }


@member_required(*INSIGHT_ROLES)
def import_job(request, external_id):
    """A job's progress and result; the status fragment alone for HTMX's polling."""
    job = _job_or_404(request, external_id)
    context = job_context(job)
    template = "insight/_job_status.html" if request.htmx else "insight/import_job.html"
    response = render(request, template, context)
    response["Cache-Control"] = "no-store"
    return response


@member_required(*INSIGHT_ROLES)
def import_job_retry(request, external_id):
    """Run an interrupted or failed job again from its stored file (POST)."""
    from django.http import HttpResponseNotAllowed
    from django.shortcuts import redirect

    from losen.apps.jobs.services import NotRetryable, retry

    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    job = _job_or_404(request, external_id)
    with contextlib.suppress(NotRetryable):  # the page then shows why (finished, still going)
        retry(job)
    response = redirect("insight:import_job", external_id=job.external_id)
    response.status_code = 303
    return response


@member_required(*INSIGHT_ROLES)
def import_detail(request, external_id):
    from django.http import Http404

    batch = _visible_batches(request).filter(external_id=external_id).first()
    if batch is None:
        raise Http404(_("Fant ikke siden."))
    from .queries import attribution_lines

    return render(
        request,
        "insight/import_detail.html",
        {"batch": batch, "attribution": attribution_lines(batch.sources)},
    )


@member_required(*INSIGHT_ROLES)
def export(request):
    from django.http import Http404, HttpResponse

    from .services import EXPORT_FORMATS, export_table

    table = request.GET.get("tabell", "")
    fmt = request.GET.get("format", "csv")
    if not table or fmt not in EXPORT_FORMATS:
        raise Http404(_("Fant ikke siden."))
    body, count = export_table(
        actor=request.user, table=table, data_format=fmt, municipality=request.municipality
    )
    if count == 0:
        raise Http404(_("Fant ikke siden."))
    content_type = "text/csv; charset=utf-8" if fmt == "csv" else "application/json"
    response = HttpResponse(body, content_type=content_type)
    safe = "".join(c for c in table if c.isalnum() or c in "-_") or "tabell"
    response["Content-Disposition"] = f'attachment; filename="{safe}.{fmt}"'
    return response
