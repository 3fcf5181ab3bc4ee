"""The job's page: progress and result, polled by HTMX or reloaded without JavaScript, and the
retry of an interrupted import; only leaders and analysts of the job's municipality (or anyone
of them for a national job) see it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from losen.apps.accounts.models import Membership, Municipality, Role, User
from losen.apps.insight.tasks import FETCH_KIND, IMPORT_KIND
from losen.apps.jobs import progress
from losen.apps.jobs.models import Job, JobState

pytestmark = pytest.mark.django_db

FILE = (
    b"kilde;tabell;indikatorkode;indikatornavn;regionkode;periode;verdi;status;enhet\n"
    b"lokal;L7;venteliste;Venteliste;4601;2024;14;;personer\n"
)


def _client(municipality, role, name) -> Client:
    user = User.objects.create_user(name, password="x" * 16)
    Membership.objects.create(user=user, municipality=municipality, role=role)
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def world():
    bergen = Municipality.objects.create(number="4601", name="Bergen")
    oslo = Municipality.objects.create(number="0301", name="Oslo")
    return {
        "bergen": bergen,
        "analyst": _client(bergen, Role.ANALYTIKER, "analytiker-bergen"),
        "clinician": _client(bergen, Role.KLINIKER, "kliniker-bergen"),
        "oslo": _client(oslo, Role.LEDER, "leder-oslo"),
    }


def _job(municipality, state=JobState.QUEUED, kind=IMPORT_KIND, **fields) -> Job:
    return Job.objects.create(
        kind=kind,
        task_path="losen.apps.insight.tasks.import_upload",
        label="venteliste.csv",
        municipality=municipality,
        data=FILE,
        state=state,
        **fields,
    )


def _page(client, job, **headers):
    response = client.get(reverse("insight:import_job", args=[job.external_id]), **headers)
    return response, response.content.decode()


def test_a_queued_job_is_polled_by_htmx_and_reloads_itself_without_javascript(world):
    job = _job(world["bergen"])
    response, page = _page(world["analyst"], job)
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    assert "Venter på tur i køen." in page
    assert '<progress id="jobb-fremdrift" max="100" value="0">0 %</progress>' in page
    assert 'hx-trigger="every 2s"' in page and 'hx-swap="outerHTML"' in page
    # Without JavaScript the page reloads itself, and says so with a link.
    assert '<noscript><meta http-equiv="refresh" content="2"></noscript>' in page
    assert "Oppdater nå" in page


def test_the_polled_fragment_shows_the_step_the_worker_reported(world):
    job = _job(world["bergen"], JobState.RUNNING, started_at=timezone.now())
    progress.report(job.external_id, "lagrer", 2000, 5000)
    with progress.heartbeat(job.external_id):
        _response, fragment = _page(world["analyst"], job, HTTP_HX_REQUEST="true")
    assert fragment.startswith('<section id="jobbstatus"') and "<html" not in fragment
    assert 'value="40"' in fragment and "Lagrer: 40 % (2000 av 5000)" in fragment
    assert 'role="status"' in fragment and 'hx-trigger="every 2s"' in fragment


def test_a_finished_job_shows_its_result_and_stops_polling(world):
    analyst = world["analyst"]
    response = analyst.post(reverse("insight:imports"), {"file": _upload()})
    assert response.status_code == 303
    job = Job.objects.get()
    assert job.state == JobState.DONE and job.requested_by.username == "analytiker-bergen"
    response, page = _page(analyst, job)
    assert "Ferdig: 1 observasjoner; 1 nye, 0 endret, 0 uendret." in page
    assert 'value="100"' in page
    assert "hx-trigger" not in page and 'http-equiv="refresh"' not in page
    assert reverse("insight:import_detail", args=[job.outcome["batch"]]) in page
    # The imports page lists the job with its state.
    listing = analyst.get(reverse("insight:imports")).content.decode()
    assert reverse("insight:import_job", args=[job.external_id]) in listing


def _upload():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("venteliste.csv", FILE, content_type="text/csv")


def test_an_interrupted_import_is_offered_and_run_again(world, settings):
    settings.LOSEN_JOB_HEARTBEAT_SECONDS = 1
    job = _job(
        world["bergen"],
        JobState.RUNNING,
        started_at=timezone.now() - dt.timedelta(minutes=1),
        attempts=1,
    )
    response, page = _page(world["analyst"], job)
    assert "Importen ble avbrutt (arbeidsprosessen stoppet); ingenting er lagret." in page
    assert "Prøv igjen" in page and "hx-trigger" not in page
    retry_url = reverse("insight:import_job_retry", args=[job.external_id])
    assert world["analyst"].get(retry_url).status_code == 405
    response = world["analyst"].post(retry_url)
    assert response.status_code == 303
    job.refresh_from_db()
    assert job.state == JobState.DONE and job.attempts == 2  # the test settings run it at once
    assert "Ferdig: 1 observasjoner" in _page(world["analyst"], job)[1]
    # A second retry of the finished job does nothing.
    assert world["analyst"].post(retry_url).status_code == 303
    job.refresh_from_db()
    assert job.attempts == 2


def test_only_leaders_and_analysts_of_the_municipality_see_its_jobs(world):
    own = _job(world["bergen"])
    national = _job(None, kind=FETCH_KIND)
    assert _page(world["analyst"], own)[0].status_code == 200
    assert _page(world["oslo"], own)[0].status_code == 404
    assert _page(world["clinician"], own)[0].status_code == 403
    assert _page(world["oslo"], national)[0].status_code == 200
    assert Client().get(reverse("insight:import_job", args=[own.external_id])).status_code == 302
    other_kind = _job(world["bergen"], kind="something.else")
    assert _page(world["analyst"], other_kind)[0].status_code == 404


def test_an_upload_the_queue_cannot_take_is_kept_and_can_be_tried_again(world, monkeypatch):
    from django_tasks.backends.immediate import ImmediateBackend

    real_enqueue = ImmediateBackend.enqueue

    def unreachable(self, task, args, kwargs):
        raise ConnectionError("the queue is down")

    monkeypatch.setattr(ImmediateBackend, "enqueue", unreachable)
    response = world["analyst"].post(reverse("insight:imports"), {"file": _upload()})
    assert response.status_code == 303
    job = Job.objects.get()
    assert job.state == JobState.FAILED and job.data == FILE
    page = world["analyst"].get(response["Location"]).content.decode()
    assert "Importen stoppet med en feil; ingenting er lagret." in page and "Prøv igjen" in page
    monkeypatch.setattr(ImmediateBackend, "enqueue", real_enqueue)
    world["analyst"].post(reverse("insight:import_job_retry", args=[job.external_id]))
    job.refresh_from_db()
    assert job.state == JobState.DONE and job.attempts == 2
