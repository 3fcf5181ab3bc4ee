"""``losen worker``: run the background tasks (web imports, the nightly fetch) and the schedule.

With the embedded default (``LOSEN_TASK_BACKEND=db``) the worker takes tasks from the database
(django-tasks-db's worker); with ``LOSEN_TASK_BACKEND=rq`` it is an RQ worker on
``LOSEN_REDIS_URL``. Either way a thread keeps ``LOSEN_SCHEDULE`` (see
:mod:`losen.apps.jobs.schedule`). Stop it with Ctrl+C or SIGTERM: a task under way is finished
first; a second signal stops it at once, and since every import is atomic that leaves nothing
half-written (the job's page then offers to run it again). See docs/operations.md.
"""

from __future__ import annotations

from losen.cli import CommandError, setup_django


def register(subparsers) -> None:
    worker = subparsers.add_parser(
        "worker", help="kjør bakgrunnsjobbene (importer fra nettsiden, nattlig henting)"
    )
    worker.add_argument(
        "--batch",
        action="store_true",
        help="kjør det som ligger i køen, og avslutt når den er tom",
    )
    worker.add_argument(
        "--max-tasks", type=int, metavar="N", help="avslutt etter N oppgaver (ellers aldri)"
    )
    worker.add_argument(
        "--interval",
        type=float,
        default=1.0,
        metavar="SEKUNDER",
        help="hvor ofte en tom kø ses etter nye oppgaver (1)",
    )
    worker.add_argument(
        "--no-schedule",
        action="store_true",
        help="ikke hold timeplanen (LOSEN_SCHEDULE); bare kjør oppgavene i køen",
    )
    worker.set_defaults(handler=worker_command)


def worker_command(args) -> int:
    if args.max_tasks is not None and args.max_tasks < 1:
        raise CommandError("--max-tasks må være minst 1")
    if args.interval < 0:
        raise CommandError("--interval kan ikke være negativ")
    setup_django()
    import threading

    from django.conf import settings
    from django.core.management import call_command
    from django_tasks import task_backends

    from losen.apps.jobs import schedule

    backend = task_backends["default"]
    kind = type(backend).__name__
    stop = threading.Event()
    if not args.no_schedule and not args.batch:
        schedule.entries()  # a wrong schedule stops the start, with what to fix
        schedule.keep(stop)
    print(
        f"Losen-arbeideren kjører ({'RQ' if kind == 'RQBackend' else 'databasekøen'}, "
        f"database: {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}). "
        "Stopp med Ctrl+C.",
        flush=True,
    )
    try:
        if kind == "RQBackend":
            options = {"job_class": "django_tasks_rq.Job", "burst": args.batch}
            if args.max_tasks is not None:
                options["max_jobs"] = args.max_tasks
            call_command("rqworker", *backend.queues, with_scheduler=True, **options)
        elif kind == "DatabaseBackend":
            call_command(
                "db_worker",
                queue_name="*",
                batch=args.batch,
                max_tasks=args.max_tasks,
                interval=args.interval,
                reload=False,
                startup_delay=False,
                verbosity=1,
            )
        else:
            raise CommandError(
                f"oppgavekøen {kind} har ingen arbeider; bruk LOSEN_TASK_BACKEND=db eller rq"
            )
    finally:
        stop.set()
    return 0
