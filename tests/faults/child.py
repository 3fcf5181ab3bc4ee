"""What the fault tests run in a child process, with Django set up for the database under test.

``python -m tests.faults.child snapshot`` prints, as JSON, the row count and highest id of
every table Losen's models use (two snapshots that are equal mean nothing was added or
removed), whether the audit chain verifies, and on SQLite the result of ``PRAGMA
integrity_check``.

``python -m tests.faults.child leader PASSWORD`` makes a municipality and its leader.

``python -m tests.faults.child decision REFERENCE`` registers a decision for a demo person as
the caseworker does (:func:`losen.apps.cases.services.record_decision`), but stops after the
decision row and its audit entry are written and before the transaction commits: it prints
``INSIDE`` and waits there to be killed.

``python -m tests.faults.child backup FILE`` runs ``losen backup FILE`` in this process, but
after 200 rows are written it flushes what it has to the temporary file, prints ``INSIDE``
and the temporary file's name, and waits there to be killed.

``python -m tests.faults.child backup-paused FILE DUMP GO`` runs ``losen backup FILE``, and
when it reaches the persons table (the audit chain is written already, the decisions are not
yet) writes every row of every backed-up table to *DUMP* as JSON, read on the backup's own
connection inside its snapshot, prints ``PAUSED`` and waits until the file *GO* exists.

``python -m tests.faults.child dump DUMP`` writes the same JSON of the database as it is.

``python -m tests.faults.child audit-writes STOP`` writes, until the file *STOP* exists, one
audit entry (a read of a demo person, as a person page does) every 50 ms, each in its own
transaction, and prints ``WROTE`` and the seconds it took, or ``FAILED`` and the error.

``python -m tests.faults.child write STOP`` appends, until the file *STOP* exists, one service
decision (with its audit entry) and one audit entry for a read after another, each in its own
transaction, and prints one line per commit.
"""

from __future__ import annotations

import json
import sys
import time


def snapshot() -> dict:
    from django.apps import apps
    from django.db import connection
    from django.db.models import Max

    tables: dict[str, list] = {}
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        manager = model._base_manager
        # The highest id, where ids are numbers (PostgreSQL has no max() of a UUID).
        numbered = model._meta.pk.get_internal_type() in {
            "AutoField",
            "BigAutoField",
            "SmallAutoField",
            "IntegerField",
            "BigIntegerField",
        }
        tables[model._meta.db_table] = [
            manager.count(),
            manager.aggregate(top=Max("pk"))["top"] if numbered else None,
        ]
    from losen.apps.audit.services import verify_chain
    from losen.apps.insight.models import BatchState, ImportBatch, StoredObservation

    current = StoredObservation.objects.filter(is_current=True)
    complete = ImportBatch.objects.filter(state=BatchState.COMPLETE)
    # What a reader of the statistics can see, and what an unfinished import left.
    visible = {
        "current_observations": [current.count(), current.aggregate(top=Max("pk"))["top"]],
        "complete_batches": [complete.count(), complete.aggregate(top=Max("pk"))["top"]],
        "unfinished_batches": ImportBatch.objects.exclude(state=BatchState.COMPLETE).count(),
        "staged_observations": StoredObservation.objects.filter(
            is_current=False, superseded_at__isnull=True
        ).count(),
    }
    result = {
        "tables": tables,
        "visible": visible,
        "vendor": connection.vendor,
        "audit_ok": verify_chain().ok,
    }
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA integrity_check")
            result["integrity"] = [row[0] for row in cursor.fetchall()]
    return result


def hang_in_decision(reference: str) -> None:
    import datetime as dt

    from losen.apps.accounts.models import User
    from losen.apps.cases import services
    from losen.apps.cases.models import ServiceKind
    from losen.apps.persons.models import CareRelation

    actor = User.objects.get(username="saksbehandler")
    membership = actor.memberships.select_related("municipality").first()
    person = CareRelation.objects.filter(user=actor).select_related("person").first().person
    real_record = services.record

    def record_then_wait(**kwargs):
        entry = real_record(**kwargs)
        print("INSIDE", flush=True)
        time.sleep(120)
        return entry

    services.record = record_then_wait
    services.record_decision(
        actor=actor,
        municipality=membership.municipality,
        person=person,
        reference=reference,
        service=ServiceKind.values[0],
        unit=membership.municipality.units.order_by("name").first(),
        scope="6 timer per uke",
        valid_from=dt.datetime.now(dt.UTC).date(),
    )
    print("COMMITTED", flush=True)


def dump_rows(path: str) -> None:
    """Every row of every backed-up table, by table, in primary-key order (foreign keys to
    permissions by natural key), as JSON."""
    from django.core import serializers
    from django.core.serializers.json import DjangoJSONEncoder

    from losen.apps.operations.backup import backed_up_models

    rows = {
        model._meta.label_lower: serializers.serialize(
            "python", model._base_manager.order_by("pk"), use_natural_foreign_keys=True
        )
        for model in backed_up_models()
    }
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(rows, handle, cls=DjangoJSONEncoder)


def _hook_backup(when, then) -> None:
    """Call *then(writer)* once, the first time *when(value, rows)* is true for a line the
    backup writes (*rows*: row lines so far)."""
    from losen.apps.operations import backup

    real_line = backup._SignedWriter.line
    state = {"rows": 0, "done": False}

    def line(writer, value):
        if isinstance(value, list | tuple):
            state["rows"] += 1
        if not state["done"] and when(value, state["rows"]):
            state["done"] = True
            then(writer)
        return real_line(writer, value)

    backup._SignedWriter.line = line


def backup_then_hang(path: str) -> int:
    from losen.cli import main as losen

    def hang(writer):
        writer.handle.flush()
        print("INSIDE", writer.handle.name, flush=True)
        time.sleep(120)

    _hook_backup(lambda value, rows: rows >= 200, hang)
    return losen(["backup", path])


def backup_paused(path: str, dump: str, go: str) -> int:
    from pathlib import Path

    from losen.cli import main as losen

    def pause(writer):
        dump_rows(dump)
        print("PAUSED", flush=True)
        deadline = time.monotonic() + 60
        while not Path(go).exists() and time.monotonic() < deadline:
            time.sleep(0.05)

    _hook_backup(
        lambda value, rows: isinstance(value, dict) and value.get("table") == "persons.person",
        pause,
    )
    return losen(["backup", path])


def keep_writing(stop: str) -> None:
    import datetime as dt
    import os
    from pathlib import Path

    from django.db import transaction

    from losen.apps.accounts.models import User
    from losen.apps.audit.models import Action
    from losen.apps.audit.services import record
    from losen.apps.cases import services
    from losen.apps.cases.models import ServiceKind
    from losen.apps.persons.models import CareRelation

    actor = User.objects.get(username="saksbehandler")
    municipality = actor.memberships.select_related("municipality").first().municipality
    person = CareRelation.objects.filter(user=actor).select_related("person").first().person
    unit = municipality.units.order_by("name").first()
    number = 0
    while not Path(stop).exists():
        number += 1
        services.record_decision(
            actor=actor,
            municipality=municipality,
            person=person,
            reference=f"SAMTIDIG/{os.getpid()}/{number}",
            service=ServiceKind.values[0],
            unit=unit,
            scope="2 timer per uke",
            valid_from=dt.datetime.now(dt.UTC).date(),
        )
        print("DECISION", number, flush=True)
        with transaction.atomic():
            record(
                actor=actor,
                action=Action.READ,
                target=person,
                municipality=municipality,
                reason="samtidig skriving under sikkerhetskopi",
            )
        print("READ", number, flush=True)


def audit_writes(stop: str) -> None:
    from pathlib import Path

    from django.db import transaction

    from losen.apps.accounts.models import User
    from losen.apps.audit.models import Action
    from losen.apps.audit.services import record
    from losen.apps.persons.models import CareRelation

    actor = User.objects.get(username="saksbehandler")
    municipality = actor.memberships.select_related("municipality").first().municipality
    person = CareRelation.objects.filter(user=actor).select_related("person").first().person
    while not Path(stop).exists():
        began = time.perf_counter()
        try:
            with transaction.atomic():
                record(
                    actor=actor,
                    action=Action.READ,
                    target=person,
                    municipality=municipality,
                    reason="skriving ved siden av en import",
                )
        except Exception as error:  # the test counts it
            print("FAILED", type(error).__name__, str(error).replace("\n", " ")[:200], flush=True)
        else:
            print("WROTE", f"{time.perf_counter() - began:.4f}", flush=True)
        time.sleep(0.05)


def main(argv: list[str]) -> int:
    import django

    django.setup()
    if argv[0] == "snapshot":
        print(json.dumps(snapshot()))
    elif argv[0] == "decision":
        hang_in_decision(argv[1])
    elif argv[0] == "backup":
        return backup_then_hang(argv[1])
    elif argv[0] == "backup-paused":
        return backup_paused(argv[1], argv[2], argv[3])
    elif argv[0] == "dump":
        dump_rows(argv[1])
        print(json.dumps(True))
    elif argv[0] == "write":
        keep_writing(argv[1])
    elif argv[0] == "audit-writes":
        audit_writes(argv[1])
    elif argv[0] == "leader":
        from losen.apps.accounts.models import Role
        from losen.apps.accounts.services import create_municipality, create_user

        municipality = create_municipality(
            actor=None, number="4699", name="Fjordvik", is_synthetic=True
        )
        create_user(
            actor=None,
            username="leder",
            password=argv[1],
            municipality=municipality,
            roles=[Role.LEDER],
            is_synthetic=True,
            check_password_strength=False,
        )
        print(json.dumps(True))
    elif argv[0] == "decision-exists":
        from losen.apps.cases.models import ServiceDecision

        print(json.dumps(ServiceDecision.objects.filter(reference=argv[1]).exists()))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
