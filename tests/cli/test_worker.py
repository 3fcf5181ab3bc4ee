"""``losen worker``: runs the database queue (here with ``--batch``), refuses what it cannot
run. The RQ worker is run in tests/apps/jobs/test_rq.py, a killed one in
tests/faults/test_worker_kill.py."""

from __future__ import annotations

import pytest
from django.test import override_settings

from losen.cli import main


def test_bad_arguments_exit_2(capsys):
    assert main(["worker", "--max-tasks", "0"]) == 2
    assert "--max-tasks må være minst 1" in capsys.readouterr().err


@pytest.mark.django_db(transaction=True)
def test_the_worker_runs_the_queued_import_and_stops_when_the_queue_is_empty(capsys):
    from losen.apps.insight.models import StoredObservation
    from losen.apps.insight.tasks import start_import
    from losen.apps.jobs.models import JobState

    with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}):
        job = start_import(
            actor=None,
            municipality=None,
            upload_name="k.csv",
            data=b"kilde;tabell;indikatorkode;regionkode;periode;verdi\nlokal;K1;x;0301;2024;3\n",
            source=None,
            table=None,
        )
        assert main(["worker", "--batch"]) == 0
    assert "Losen-arbeideren kjører (databasekøen" in capsys.readouterr().out
    job.refresh_from_db()
    assert job.state == JobState.DONE and StoredObservation.objects.count() == 1


@pytest.mark.django_db
def test_a_queue_without_a_worker_is_refused(capsys):
    # The test settings run tasks at once (the immediate backend): there is nothing to work off.
    assert main(["worker", "--batch"]) == 2
    assert "har ingen arbeider" in capsys.readouterr().err
