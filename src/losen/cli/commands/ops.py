"""Running and keeping Losen: serve, migrate, backup, restore, manage."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from losen.cli import EXIT_BAD_INPUT, CommandError, setup_django


def register(subparsers) -> None:
    serve = subparsers.add_parser(
        "serve", help="kjør Losen med en produksjonsserver (gunicorn) og statiske filer"
    )
    serve.add_argument("--host", default="127.0.0.1", help="adresse å lytte på (127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="port (8000)")
    serve.add_argument("--workers", type=int, default=2, help="antall arbeidsprosesser (2)")
    serve.add_argument("--threads", type=int, default=16, help="tråder per arbeidsprosess (16)")
    serve.set_defaults(handler=serve_command)

    migrate = subparsers.add_parser("migrate", help="opprett eller oppdater databasen")
    migrate.set_defaults(handler=migrate_command)

    backup = subparsers.add_parser("backup", help="skriv hele databasen til en JSON-fil")
    backup.add_argument("file", type=Path, help="filen sikkerhetskopien skrives til")
    backup.set_defaults(handler=backup_command)

    restore = subparsers.add_parser(
        "restore", help="gjenopprett en sikkerhetskopi til en tom database"
    )
    restore.add_argument("file", type=Path, help="sikkerhetskopien som skal leses")
    restore.set_defaults(handler=restore_command)

    manage = subparsers.add_parser(
        "manage", help="kjør en Django-administrasjonskommando (for driftere)"
    )
    manage.add_argument("args", nargs=argparse.REMAINDER, help="kommandoen og argumentene")
    manage.set_defaults(handler=manage_command)


def _unapplied_migrations() -> list[str]:
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, _backwards in plan]


def migrate_database(verbosity: int = 1) -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=verbosity)
    call_command("createcachetable", verbosity=0)


def migrate_command(args) -> int:
    setup_django()
    migrate_database()
    return 0


def serve_command(args) -> int:
    setup_django()
    from django.conf import settings
    from django.core.management import call_command
    from gunicorn.app.base import BaseApplication

    pending = _unapplied_migrations()
    if pending:
        raise CommandError(
            f"databasen mangler {len(pending)} migrering(er) ({pending[0]} …). "
            "Kjør «losen migrate» først."
        )
    call_command("collectstatic", interactive=False, verbosity=0)
    from losen.web.wsgi import application

    class LosenServer(BaseApplication):
        def load_config(self):
            self.cfg.set("bind", f"{args.host}:{args.port}")
            self.cfg.set("workers", args.workers)
            # Threads: a request waiting for the database (SQLite's write lock during an
            # import) holds one thread, not a whole worker, so reading pages go on. With 4
            # threads a worker had all of them waiting for a long import's lock, and pages
            # that only read queued behind them (load benchmark: /healthz p95 15.8 s during
            # the import; with 16 threads 0.7-1.3 s on a busier machine).
            self.cfg.set("worker_class", "gthread")
            self.cfg.set("threads", max(1, args.threads))
            self.cfg.set("accesslog", None)  # URLs can name persons; no access log lines
            self.cfg.set("errorlog", "-")
            self.cfg.set("timeout", 120)

        def load(self):
            return application

    print(
        f"Losen kjører på http://{args.host}:{args.port}/ "
        f"(database: {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}). "
        "Stopp med Ctrl+C.",
        flush=True,
    )
    LosenServer().run()
    return 0


def backup_command(args) -> int:
    setup_django()
    from losen.apps.operations.backup import BackupError, write_backup

    try:
        counts = write_backup(args.file)
    except (BackupError, OSError) as error:
        raise CommandError(str(error)) from error
    print(f"Skrev {sum(counts.values())} rader fra {len(counts)} tabeller til {args.file}.")
    return 0


def restore_command(args) -> int:
    setup_django()
    from losen.apps.operations.backup import BackupError, restore_backup

    migrate_database(verbosity=0)
    try:
        counts = restore_backup(args.file)
    except BackupError as error:
        raise CommandError(str(error)) from error
    print(f"Gjenopprettet {sum(counts.values())} rader fra {args.file}; revisjonskjeden er hel.")
    return 0


def manage_command(args) -> int:
    from django.core.management import execute_from_command_line

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "losen.web.settings.local")
    if not args.args:
        print("Bruk: losen manage KOMMANDO [ARG ...], f.eks. losen manage check", file=sys.stderr)
        return EXIT_BAD_INPUT
    execute_from_command_line(["losen manage", *args.args])
    return 0
