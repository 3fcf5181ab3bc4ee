"""Imports and the national fetch as tasks on the database queue, run by its real worker.

The suite runs these on the database it is given: SQLite by default, PostgreSQL with
``DATABASE_URL`` (both in CI). The queue is django-tasks-db's, the worker its ``db_worker``
(what ``losen worker`` runs), in this process. The RQ backend is tested against a real Redis in
test_rq.py; a worker killed by SIGKILL in tests/faults/test_worker_kill.py.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from losen.apps.insight.models import ImportBatch, StoredObservation
from losen.apps.insight.tasks import FETCH_KIND, start_import
from losen.apps.jobs import progress
from losen.apps.jobs import services as jobs
from losen.apps.jobs.models import Job, JobState, ScheduledRun

pytestmark = pytest.mark.django_db(transaction=True)

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
HEADER = b"kilde;tabell;indikatorkode;indikatornavn;regionkode;periode;verdi;status;enhet\n"


def _file(rows: int = 3) -> bytes:
    lines = [f"lokal;L9;venteliste;Venteliste;0301;{2000 + n};{n};;personer\n" for n in range(rows)]
    return HEADER + "".join(lines).encode()


def work_the_queue() -> None:
    """What `losen worker --batch` does with the database queue: run every task, then stop."""
    call_command(
        "db_worker",
        queue_name="*",
        batch=True,
        reload=False,
        startup_delay=False,
        interval=0,
        verbosity=0,
    )


def _start(name: str = "liste.csv", data: bytes | None = None) -> Job:
    return start_import(
        actor=None,
        municipality=None,
        upload_name=name,
        data=_file() if data is None else data,
        source=None,
        table=None,
    )


@pytest.fixture
def queue():
    with override_settings(TASKS=DATABASE_QUEUE):
        yield


def test_an_import_runs_as_a_task_through_the_database_worker(queue):
    job = _start()
    assert job.state == JobState.QUEUED and job.attempts == 1
    task = DBTaskResult.objects.get(id=job.task_id)
    assert task.status == "READY"
    # The queue holds the job's id only, never the file or anything read from it.
    assert task.args_kwargs == {"args": [str(job.external_id)], "kwargs": {}}
    assert StoredObservation.objects.count() == 0

    work_the_queue()

    job.refresh_from_db()
    assert job.state == JobState.DONE, job.outcome
    assert job.outcome["created"] == 3 and job.outcome["problems"] == []
    batch = ImportBatch.objects.get(external_id=job.outcome["batch"])
    assert batch.file_name == "liste.csv" and batch.municipality is None
    assert StoredObservation.objects.filter(batch=batch).count() == 3
    assert job.data == b"" and job.started_at and job.finished_at
    task.refresh_from_db()
    assert task.status == "SUCCESSFUL"
    assert task.return_value["created"] == 3 and "problems" not in task.return_value
    step = progress.latest(job.external_id)
    assert step.phase == "ferdig" and step.percent == 100
    assert not progress.is_alive(job.external_id)  # the heartbeat ends with the task


def test_a_file_with_errors_is_refused_by_the_task_and_stores_nothing(queue):
    bad = HEADER + b"lokal;L9;venteliste;Venteliste;0301;2024;abc;;personer\n"
    job = start_import(
        actor=None, municipality=None, upload_name="feil.csv", data=bad, source=None, table=None
    )
    work_the_queue()
    job.refresh_from_db()
    assert job.state == JobState.REFUSED
    assert job.outcome["problems"] and "line 2" in job.outcome["problems"][0]
    assert StoredObservation.objects.count() == 0 and ImportBatch.objects.count() == 0
    # The problems (which may quote the file) stay on the job, not in the queue's record.
    assert "problems" not in DBTaskResult.objects.get(id=job.task_id).return_value
    assert not jobs.can_retry(job)


def test_an_interrupted_job_is_retried_from_its_stored_file(queue, settings):
    settings.LOSEN_JOB_HEARTBEAT_SECONDS = 1
    job = _start()
    first = DBTaskResult.objects.get(id=job.task_id)
    # As a worker leaves it when it is killed: claimed and running, and no heartbeat any more.
    first.claim("a-worker-that-died")
    Job.objects.filter(pk=job.pk).update(
        state=JobState.RUNNING, started_at=timezone.now() - dt.timedelta(seconds=10)
    )
    job.refresh_from_db()
    assert jobs.shown_state(job) == "interrupted" and jobs.can_retry(job)

    jobs.retry(job)
    assert job.state == JobState.QUEUED and job.attempts == 2 and job.task_id != str(first.id)
    first.refresh_from_db()
    assert first.status == "FAILED" and first.exception_class_path.endswith("WorkerLost")
    work_the_queue()
    job.refresh_from_db()
    assert job.state == JobState.DONE and job.outcome["created"] == 3
    assert StoredObservation.objects.count() == 3


def test_a_running_job_with_a_live_heartbeat_and_a_finished_job_are_not_retried(queue):
    job = _start()
    Job.objects.filter(pk=job.pk).update(
        state=JobState.RUNNING, started_at=timezone.now() - dt.timedelta(minutes=5)
    )
    job.refresh_from_db()
    with progress.heartbeat(job.external_id):
        assert jobs.shown_state(job) == JobState.RUNNING
        with pytest.raises(jobs.NotRetryable):
            jobs.retry(job)
    Job.objects.filter(pk=job.pk).update(state=JobState.QUEUED)
    work_the_queue()
    job.refresh_from_db()
    assert job.state == JobState.DONE
    with pytest.raises(jobs.NotRetryable):
        jobs.retry(job)
    # A task delivered twice does no work the second time.
    from losen.apps.insight.tasks import import_upload

    again = import_upload.call(str(job.external_id))
    assert again == {key: value for key, value in job.outcome.items() if key != "problems"}
    assert ImportBatch.objects.count() == 1


# --- The nightly fetch --------------------------------------------------------------------------


def _metadata_and_data(regions=("0301", "4601"), years=("2023", "2024")):
    contents = ["KOSmottakerehjem0000"]
    ages = ["F067-079", "F080+"]
    dims = {
        "KOKkommuneregion0000": list(regions),
        "KOKalder0000": ages,
        "ContentsCode": contents,
        "Tid": list(years),
    }

    def doc(with_values: bool) -> bytes:
        size = [len(v) for v in dims.values()]
        cells = 1
        for n in size:
            cells *= n
        body = {
            "version": "2.0",
            "class": "dataset",
            "label": "12003: Hjemmetjenester (syntetisk)",
            "source": "Statistisk sentralbyrå",
            "updated": "2025-06-14T06:00:00Z",
            "id": list(dims),
            "size": size,
            "role": {"time": ["Tid"], "metric": ["ContentsCode"]},
            "dimension": {
                code: {"label": code, "category": {"index": {v: i for i, v in enumerate(vals)}}}
                for code, vals in dims.items()
            },
            "value": [float(i) for i in range(cells)] if with_values else [],
            "extension": {"px": {"tableid": "12003", "decimals": 0}},
        }
        body["dimension"]["ContentsCode"]["category"]["unit"] = {
            c: {"base": "personer", "decimals": 0} for c in contents
        }
        return json.dumps(body).encode()

    return doc(False), doc(True), len(regions) * len(ages) * len(years)


class FakeSSB:
    """Answers the metadata and data requests of one table, and records them."""

    def __init__(self):
        self.metadata, self.data, self.cells = _metadata_and_data()
        self.requests = []

    def __call__(self, request):
        from losen.domain.indicators.transport import HttpResponse

        self.requests.append(request)
        if request.method == "GET" and "/metadata" in request.url:
            return HttpResponse(200, self.metadata)
        if request.method == "POST" and "/data" in request.url:
            return HttpResponse(200, self.data)
        return HttpResponse(404, b'{"title": "not recorded"}')


def test_the_nightly_fetch_stores_each_table_as_a_job_of_its_own(queue, settings, monkeypatch):
    from losen.apps.insight import tasks
    from losen.domain.indicators import StatClient

    settings.LOSEN_NIGHTLY_FETCH = {"tables": ["12003"], "years": 2}
    fake = FakeSSB()
    monkeypatch.setattr(
        tasks, "make_client", lambda: StatClient(fake, clock=lambda: 0.0, sleep=lambda _s: None)
    )
    tasks.fetch_national_statistics.enqueue()
    work_the_queue()  # the nightly task queues one job per table, which the same run works off
    job = Job.objects.get(kind=FETCH_KIND)
    assert job.state == JobState.DONE, job.outcome
    assert job.label == "SSB 12003" and job.municipality is None
    assert job.outcome["created"] == fake.cells
    posted = json.loads(fake.requests[-1].body)
    selection = {s["variableCode"]: s["valueCodes"] for s in posted["selection"]}
    # The catalogue's contents and ages for the table, every region, the last two years.
    assert selection["ContentsCode"] == ["KOSmottakerehjem0000"]
    assert selection["KOKalder0000"] == ["F067-079", "F080+"]
    assert selection["Tid"] == ["2023", "2024"]
    assert selection["KOKkommuneregion0000"] == ["0301", "4601"]
    assert ImportBatch.objects.get().method == "henting"


def test_a_failed_fetch_is_refused_on_its_job_and_stores_nothing(queue, settings, monkeypatch):
    from losen.apps.insight import tasks
    from losen.domain.indicators import StatClient
    from losen.domain.indicators.transport import HttpResponse

    settings.LOSEN_NIGHTLY_FETCH = {"tables": ["12003"], "years": 2}
    monkeypatch.setattr(
        tasks,
        "make_client",
        lambda: StatClient(
            lambda _r: HttpResponse(400, b'{"title": "bad"}'),
            clock=lambda: 0.0,
            sleep=lambda _s: None,
        ),
    )
    tasks.fetch_national_statistics.enqueue()
    work_the_queue()
    job = Job.objects.get(kind=FETCH_KIND)
    assert job.state == JobState.REFUSED and "HTTP 400" in job.outcome["problems"][0]
    assert StoredObservation.objects.count() == 0


# --- The schedule -------------------------------------------------------------------------------


def test_the_nightly_fetch_is_in_the_schedule_of_the_settings():
    from django.conf import settings

    from losen.apps.jobs import schedule

    (entry,) = [e for e in schedule.entries() if e.name == "nasjonal-statistikk"]
    assert entry.task == "losen.apps.insight.tasks.fetch_national_statistics"
    assert entry.at == dt.time(3, 15)
    assert settings.LOSEN_NIGHTLY_FETCH["tables"]


def test_a_due_entry_is_enqueued_once_and_a_long_missed_one_is_skipped(queue, settings):
    from losen.apps.jobs import schedule

    settings.LOSEN_SCHEDULE = {
        "natt": {"task": "losen.apps.insight.tasks.fetch_national_statistics", "at": "03:15"}
    }
    oslo = timezone.get_current_timezone()
    before = dt.datetime(2026, 3, 10, 3, 0, tzinfo=oslo)
    assert schedule.latest_due(schedule.entries()[0], before) == dt.datetime(
        2026, 3, 9, 3, 15, tzinfo=oslo
    )
    # 03:00: yesterday's run is 23 h old, outside the 12 h catch-up: nothing.
    assert schedule.enqueue_due(before) == []
    # 03:16 and again 03:45: enqueued once, on the first look.
    assert schedule.enqueue_due(dt.datetime(2026, 3, 10, 3, 16, tzinfo=oslo)) == ["natt"]
    assert schedule.enqueue_due(dt.datetime(2026, 3, 10, 3, 45, tzinfo=oslo)) == []
    run = ScheduledRun.objects.get()
    assert run.due_at == dt.datetime(2026, 3, 10, 3, 15, tzinfo=oslo)
    assert DBTaskResult.objects.get(id=run.task_id).task_path.endswith("fetch_national_statistics")
    # A worker that starts at 09:00 after a night without one makes up the missed run.
    assert schedule.enqueue_due(dt.datetime(2026, 3, 12, 9, 0, tzinfo=oslo)) == ["natt"]


def test_a_wrong_schedule_or_backend_setting_says_what_to_write(settings, tmp_path):
    from django.core.exceptions import ImproperlyConfigured

    from losen.apps.jobs import schedule
    from losen.web.settings.base import task_settings

    settings.LOSEN_SCHEDULE = {"natt": {"task": "x.y", "at": "25:99"}}
    with pytest.raises(ImproperlyConfigured, match="klokkeslett"):
        schedule.entries()
    with pytest.raises(ImproperlyConfigured, match="LOSEN_REDIS_URL"):
        task_settings("rq", "", tmp_path)
    with pytest.raises(ImproperlyConfigured, match="«db»"):
        task_settings("celery", "", tmp_path)
    rq = task_settings("rq", "redis://127.0.0.1:6379/5", tmp_path)
    assert rq["TASKS"]["default"]["BACKEND"] == "django_tasks_rq.RQBackend"
    assert rq["cache"]["BACKEND"].endswith("RedisCache") and rq["apps"] == ["django_rq"]
    db = task_settings("db", "", tmp_path)
    assert db["cache"]["LOCATION"] == str(tmp_path / "tasks")
