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
        tables[model._meta.db_table] = [
            manager.count(),
            manager.aggregate(top=Max("pk"))["top"],
        ]
    from losen.apps.audit.services import verify_chain

    result = {"tables": tables, "vendor": connection.vendor, "audit_ok": verify_chain().ok}
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


def main(argv: list[str]) -> int:
    import django

    django.setup()
    if argv[0] == "snapshot":
        print(json.dumps(snapshot()))
    elif argv[0] == "decision":
        hang_in_decision(argv[1])
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
