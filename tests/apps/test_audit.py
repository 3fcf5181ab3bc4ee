"""The audit log: append-only, hash-chained, written with the change, reads included."""

from __future__ import annotations

import itertools
import logging

import pytest
from django.db import connection, transaction
from django.urls import reverse

from losen.apps.accounts.models import Municipality
from losen.apps.accounts.services import create_municipality
from losen.apps.audit.models import Action, AppendOnlyError, AuditEntry
from losen.apps.audit.services import record, verify_chain
from losen.apps.persons.models import Person


def _tamper(sql: str, params) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.mark.django_db
def test_chain_of_fresh_entries_verifies():
    """Entries written one after another form a chain that verifies."""
    for n in range(5):
        record(actor=None, action=Action.CREATE, object_type="test", object_id=str(n))
    result = verify_chain()
    assert result.ok and result.entries_checked == 5
    entries = list(AuditEntry.objects.order_by("sequence"))
    assert [e.sequence for e in entries] == [1, 2, 3, 4, 5]
    assert all(b.previous_hash == a.entry_hash for a, b in itertools.pairwise(entries))


@pytest.mark.django_db
def test_changed_entry_breaks_the_chain_at_that_entry():
    """Editing an entry behind the application's back is found, at that entry."""
    for n in range(6):
        record(actor=None, action=Action.CREATE, object_type="test", object_id=str(n))
    _tamper(f"UPDATE {AuditEntry._meta.db_table} SET reason = %s WHERE sequence = %s", ["x", 4])
    result = verify_chain()
    assert not result.ok
    assert result.broken_sequence == 4
    assert result.entries_checked == 3


@pytest.mark.django_db
def test_removed_entry_breaks_the_chain():
    """Deleting an entry in the middle is found where the gap is."""
    for n in range(4):
        record(actor=None, action=Action.CREATE, object_type="test", object_id=str(n))
    _tamper(f"DELETE FROM {AuditEntry._meta.db_table} WHERE sequence = %s", [2])
    result = verify_chain()
    assert not result.ok and result.broken_sequence == 2 and "post 2 mangler" in result.problem


@pytest.mark.django_db
def test_removed_last_entry_is_found_from_the_head():
    """Deleting the newest entry is found too: the chain head remembers it."""
    for n in range(3):
        record(actor=None, action=Action.CREATE, object_type="test", object_id=str(n))
    _tamper(f"DELETE FROM {AuditEntry._meta.db_table} WHERE sequence = %s", [3])
    result = verify_chain()
    assert not result.ok and result.broken_sequence == 3


@pytest.mark.django_db
def test_entries_cannot_be_changed_or_deleted_through_the_orm():
    """The model and its queryset refuse updates and deletes."""
    entry = record(actor=None, action=Action.CREATE, object_type="test", object_id="1")
    entry.reason = "changed"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).update(reason="x")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().delete()


@pytest.mark.django_db
def test_entry_is_written_in_the_same_transaction_as_the_change():
    """When the change rolls back, its audit entry is gone too, and the chain still holds."""
    with pytest.raises(RuntimeError), transaction.atomic():
        create_municipality(actor=None, number="4697", name="Rullvik kommune")
        raise RuntimeError("abort")
    assert not Municipality.objects.filter(number="4697").exists()
    assert not AuditEntry.objects.filter(object_type="accounts.municipality").exists()
    create_municipality(actor=None, number="4697", name="Rullvik kommune")
    assert verify_chain().ok


def test_reading_a_person_is_audited(demo, client_for):
    """Opening a person's page writes a read entry naming the person by id only."""
    client = client_for("kliniker")
    person = Person.objects.filter(
        municipality=demo["fjordvik"], care_relations__user__username="kliniker"
    ).first()
    before = AuditEntry.objects.filter(action=Action.READ).count()
    response = client.get(reverse("persons:detail", kwargs={"external_id": person.external_id}))
    assert response.status_code == 200
    reads = AuditEntry.objects.filter(action=Action.READ).order_by("-sequence")
    assert reads.count() == before + 1
    entry = reads.first()
    assert entry.object_id == str(person.external_id)
    assert entry.actor_label == "kliniker"
    assert person.family_name not in str(entry.details) and person.family_name not in entry.reason


def test_denied_read_is_not_logged_as_a_read(demo, client_for):
    """A clinician without a care relation gets 404 and no read entry is written."""
    from losen.apps.persons.models import CareRelation

    client = client_for("kliniker")
    person = Person.objects.filter(municipality=demo["fjordvik"]).first()
    CareRelation.objects.filter(person=person).delete()
    before = AuditEntry.objects.filter(action=Action.READ).count()
    response = client.get(reverse("persons:detail", kwargs={"external_id": person.external_id}))
    assert response.status_code == 404
    assert AuditEntry.objects.filter(action=Action.READ).count() == before


def test_emergency_access_needs_a_reason_and_is_flagged(demo, client_for):
    """Emergency access asks for a reason, lasts two hours and flags its entries."""
    from losen.apps.persons.models import CareRelation

    client = client_for("kliniker")
    person = Person.objects.filter(municipality=demo["fjordvik"]).first()
    CareRelation.objects.filter(person=person).delete()
    url = reverse("persons:emergency", kwargs={"external_id": person.external_id})
    response = client.post(url, {"reason": "kort"})
    assert response.status_code == 200
    assert "minst 10 tegn" in response.content.decode()
    assert not CareRelation.objects.filter(person=person).exists()
    response = client.post(url, {"reason": "Akutt forverring meldt fra legevakt i natt"})
    assert response.status_code == 302
    detail = client.get(response["Location"])
    assert detail.status_code == 200
    flagged = AuditEntry.objects.filter(is_flagged=True, object_id=str(person.external_id))
    assert set(flagged.values_list("action", flat=True)) == {Action.EMERGENCY_ACCESS, Action.READ}


def test_person_pages_write_no_personal_data_to_logs(demo, client_for, caplog):
    """Browsing persons logs nothing that names them."""
    client = client_for("kliniker")
    caplog.set_level(logging.DEBUG)
    persons = Person.objects.filter(care_relations__user__username="kliniker")
    for person in persons:
        client.get(reverse("persons:detail", kwargs={"external_id": person.external_id}))
    client.get(reverse("persons:list"))
    logged = "\n".join(r.getMessage() for r in caplog.records)
    for person in persons:
        assert person.family_name not in logged


def test_audit_log_pages_work_with_and_without_htmx(demo, client_for):
    """The pager loads whole pages without JavaScript and only the table with HTMX."""
    for n in range(60):
        record(
            actor=None,
            action=Action.CREATE,
            object_type="test",
            object_id=str(n),
            municipality=demo["fjordvik"],
        )
    client = client_for("admin")
    full = client.get(reverse("audit:log"), {"side": 2})
    assert full.status_code == 200 and b"<html" in full.content and b"Side 2 av" in full.content
    partial = client.get(reverse("audit:log"), {"side": 2}, HTTP_HX_REQUEST="true")
    assert partial.status_code == 200 and b"<html" not in partial.content
    assert b'id="revisjonslogg-side"' in partial.content and b"Side 2 av" in partial.content
