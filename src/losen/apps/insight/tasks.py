"""Background work of styringsinformasjon: web imports and the fetch of national statistics.

Each task takes a job's id (:mod:`losen.apps.jobs`) and nothing else: the uploaded file is read
from the job row, never passed through the queue (whose arguments end up in its logs and, with
RQ, in Redis). The import itself is :func:`.services.import_file` / ``import_observations``,
whole or not at all as those are: a worker killed half-way leaves nothing readers see, and the
job can be run again (:func:`losen.apps.jobs.services.retry`).

``fetch_national_statistics`` is the nightly schedule's task (``LOSEN_SCHEDULE`` in the
settings): it starts one ``fetch_table`` job per table of ``LOSEN_NIGHTLY_FETCH``, so each
table is stored, shown and retried on its own.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django_tasks import task

from losen.apps.jobs import services as jobs
from losen.apps.jobs.models import Job, JobState

IMPORT_KIND = "insight.import"
FETCH_KIND = "insight.fetch"


def _outcome(outcome) -> tuple[str, dict[str, Any]]:
    data = {
        "format": outcome.format,
        "in_file": outcome.in_file,
        "created": outcome.created,
        "revised": outcome.revised,
        "unchanged": outcome.unchanged,
        "problems": list(outcome.problems),
        "batch": str(outcome.batch.external_id) if outcome.batch is not None else None,
    }
    return (JobState.DONE if outcome.ok else JobState.REFUSED), data


def _counts(outcome: dict) -> dict:
    """What the task returns to the queue: counts and the batch, not the problems (which can
    quote the file); the job row keeps those for the page."""
    return {key: value for key, value in outcome.items() if key != "problems"}


# --- An uploaded file -------------------------------------------------------------------------


def start_import(*, actor, municipality, upload_name: str, data: bytes, source, table) -> Job:
    """Store an upload as a job and queue its import (the web's import form)."""
    return jobs.start(
        kind=IMPORT_KIND,
        task_path=f"{__name__}.import_upload",
        label=upload_name,
        municipality=municipality,
        requested_by=actor,
        data=data,
        options={"source": source or "", "table": table or ""},
    )


def _import_work(job: Job, report) -> tuple[str, dict[str, Any]]:
    from .services import import_file

    outcome = import_file(
        actor=job.requested_by,
        data=bytes(job.data),
        file_name=job.label,
        municipality=job.municipality,
        source=job.options.get("source") or None,
        table=job.options.get("table") or None,
        progress=lambda step: report(step.phase, step.done, step.total),
    )
    return _outcome(outcome)


@task()
def import_upload(job_id: str) -> dict:
    """Import the file stored on the job; its outcome is stored on the job."""
    return _counts(jobs.run(job_id, _import_work))


# --- The fetch of national statistics ---------------------------------------------------------


def make_client():
    """The client the fetch uses (SSB's published limits, retries); tests put a fake here."""
    from losen.domain.indicators import StatClient, UrllibTransport

    return StatClient(UrllibTransport())


def nightly_plan(table_ids=None, years: int | None = None) -> list[dict]:
    """What the nightly fetch asks for, per SSB table of the catalogue: the contents codes and
    dimension values the dashboard uses, every region, the last *years* periods."""
    from .catalogue import CATALOGUE

    wanted = settings.LOSEN_NIGHTLY_FETCH
    table_ids = list(table_ids if table_ids is not None else wanted.get("tables", ()))
    years = years if years is not None else int(wanted.get("years", 6))
    plan = []
    for table in table_ids:
        entries = [i for i in CATALOGUE if i.source == "SSB" and i.table == table]
        select: dict[str, set[str]] = {}
        for entry in entries:
            select.setdefault("ContentsCode", set()).add(entry.contents_code)
            for code, value in entry.dimensions:
                select.setdefault(code, set()).add(value)
        plan.append(
            {
                "source": "SSB",
                "table": table,
                "select": {code: sorted(values) for code, values in sorted(select.items())},
                "years": f"top({years})",
            }
        )
    return plan


def _selection(variables, wanted: dict) -> dict[str, list[str]]:
    from losen.domain.indicators.jsonstat import TIME_DIMENSIONS

    selection = {code: list(values) for code, values in wanted.get("select", {}).items()}
    time = next((v.code for v in variables if v.time), None) or next(
        (v.code for v in variables if v.code in TIME_DIMENSIONS), None
    )
    if time is not None and wanted.get("years"):
        selection[time] = [wanted["years"]]
    known = {v.code for v in variables}
    selection = {code: values for code, values in selection.items() if code in known}
    for variable in variables:
        selection.setdefault(variable.code, ["*"])
    return selection


def _fetch_work(job: Job, report) -> tuple[str, dict[str, Any]]:
    from losen.domain import indicators as ind

    from .models import ImportMethod
    from .services import import_observations

    wanted = job.options
    client = make_client()
    report("henter", 0, 0)
    try:
        variables = client.ssb_variables(wanted["table"])
        client.ssb_variables = lambda *_args, **_kw: variables  # read once, not twice
        bodies = client.ssb_fetch(wanted["table"], _selection(variables, wanted))
    except (ind.FetchError, ValueError) as error:
        return JobState.REFUSED, {"problems": [str(error)], "requests": client.requests_sent}
    result = ind.parse_responses(bodies, source=wanted["source"], table=wanted["table"])
    if not result.ok:
        return JobState.REFUSED, {"problems": [str(p) for p in result.problems]}
    outcome = import_observations(
        actor=None,
        observations=result.observations,
        file_name=f"{wanted['source'].lower()}-{wanted['table']}.json",
        data_format="jsonstat2",
        municipality=None,
        method=ImportMethod.FETCH,
        source_option=wanted["source"],
        progress=lambda step: report(step.phase, step.done, step.total),
    )
    state, data = _outcome(outcome)
    data["requests"] = client.requests_sent
    return state, data


@task()
def fetch_table(job_id: str) -> dict:
    """Fetch one national table and store it (a job of the nightly fetch)."""
    return _counts(jobs.run(job_id, _fetch_work))


@task()
def fetch_national_statistics() -> list[str]:
    """The nightly fetch: one ``fetch_table`` job per planned table; returns their ids."""
    started = []
    for wanted in nightly_plan():
        job = jobs.start(
            kind=FETCH_KIND,
            task_path=f"{__name__}.fetch_table",
            label=f"{wanted['source']} {wanted['table']}",
            options=wanted,
        )
        started.append(str(job.external_id))
    return started
