"""What the worker fault tests run in a child process, with Django set up for the database
under test (the environment of :func:`tests.faults.conftest.losen_env`).

``python -m tests.faults.job_child start FILE`` stores FILE as a web import's job (national
figures, no user) and queues it; prints the job's id.

``python -m tests.faults.job_child state JOB`` prints, as JSON, the job's stored and shown
state, its attempts, the status of its task results on the database queue, how many
observations are current, how many import batches readers see, and on SQLite the result of
``PRAGMA integrity_check``.

``python -m tests.faults.job_child retry JOB`` runs :func:`losen.apps.jobs.services.retry`.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def state(job_id: str) -> dict:
    from django.db import connection
    from django_tasks_db.models import DBTaskResult

    from losen.apps.insight.models import ImportBatch
    from losen.apps.insight.services import visible_rows
    from losen.apps.jobs.models import Job
    from losen.apps.jobs.services import shown_state

    job = Job.objects.get(external_id=job_id)
    batches = ImportBatch.objects.all()
    if any(f.name == "state" for f in ImportBatch._meta.get_fields()):
        batches = batches.filter(state="complete")  # what lists and readers see
    result = {
        "state": job.state,
        "shown": shown_state(job),
        "attempts": job.attempts,
        "outcome": job.outcome,
        "has_data": bool(job.data),
        "tasks": sorted(DBTaskResult.objects.values_list("status", flat=True)),
        "current_rows": visible_rows(None).count(),
        "batches": batches.count(),
        "vendor": connection.vendor,
    }
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA integrity_check")
            result["integrity"] = [row[0] for row in cursor.fetchall()]
    return result


def main(argv: list[str]) -> int:
    import django

    django.setup()
    if argv[0] == "start":
        from losen.apps.insight.tasks import start_import

        path = Path(argv[1])
        job = start_import(
            actor=None,
            municipality=None,
            upload_name=path.name,
            data=path.read_bytes(),
            source=None,
            table=None,
        )
        print(json.dumps(str(job.external_id)))
    elif argv[0] == "state":
        print(json.dumps(state(argv[1])))
    elif argv[0] == "retry":
        from losen.apps.jobs.models import Job
        from losen.apps.jobs.services import retry

        job = retry(Job.objects.get(external_id=argv[1]))
        print(json.dumps(job.state))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
