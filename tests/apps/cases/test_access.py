"""Reading decisions: the same 404 for foreign, forbidden and missing ids; every read audited."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.http import Http404
from django.utils import timezone

from losen.apps.audit.models import Action, AuditEntry
from losen.apps.cases.access import (
    access_decision_for_user,
    decisions_touched_by_cut,
    decisions_touched_by_cuts,
)
from losen.apps.cases.models import DecisionStatus, ServiceKind
from losen.apps.persons.models import CareRelation, CareRelationKind

from .conftest import make_decision

pytestmark = pytest.mark.django_db


def test_caseworker_with_care_relation_reads_and_is_audited(world, request_for):
    decision = make_decision(world)
    found = access_decision_for_user(request_for("saksbehandler"), decision.external_id)
    assert found == decision
    entry = AuditEntry.objects.get(action=Action.READ)
    assert entry.object_type == "cases.servicedecision"
    assert entry.object_id == str(decision.external_id)
    assert entry.details["basis"] == "ordinary" and not entry.is_flagged


def test_emergency_relation_flags_the_read(world, request_for):
    decision = make_decision(world)
    CareRelation.objects.create(
        person=world.person, user=world.users["kliniker"], kind=CareRelationKind.EMERGENCY
    )
    access_decision_for_user(request_for("kliniker"), decision.external_id)
    assert AuditEntry.objects.get(action=Action.READ).is_flagged


def _answer(request, external_id) -> str:
    with pytest.raises(Http404) as raised:
        access_decision_for_user(request, external_id)
    return str(raised.value)


def test_foreign_forbidden_and_missing_ids_give_the_same_404(world, request_for):
    own = make_decision(world)
    foreign = make_decision(
        world,
        reference="2026/9",
        municipality=world.other,
        person=world.other_person,
        unit=world.other_unit,
    )
    answers = {
        # another municipality's decision, for a caseworker there is no relation here
        "foreign": _answer(request_for("saksbehandler"), foreign.external_id),
        # a Nabovik caseworker asking for a Fjordvik decision
        "nabo": _answer(request_for("nabo"), own.external_id),
        # a clinician without a care relation to the person
        "no relation": _answer(request_for("kliniker"), own.external_id),
        # a leader: no role that works with persons
        "leader": _answer(request_for("leder"), own.external_id),
        "unknown": _answer(request_for("saksbehandler"), uuid.uuid4()),
    }
    assert len(set(answers.values())) == 1, answers
    assert not AuditEntry.objects.exists()


def test_ended_care_relation_gives_404(world, request_for):
    decision = make_decision(world)
    CareRelation.objects.filter(person=world.person).update(
        valid_to=dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    )
    with pytest.raises(Http404):
        access_decision_for_user(request_for("saksbehandler"), decision.external_id)


@pytest.mark.parametrize("username", ["leder", "saksbehandler", "admin"])
def test_cut_lists_running_decisions_and_writes_one_entry(world, request_for, username):
    a = make_decision(world, reference="2026/1", valid_from=timezone.localdate())
    b = make_decision(world, reference="2026/2", valid_from=timezone.localdate())
    make_decision(world, reference="2026/3", status=DecisionStatus.UTKAST)
    make_decision(world, reference="2026/4", unit=world.care)
    found = decisions_touched_by_cut(
        request_for(username), unit=world.day, purpose="priorities:case-x"
    )
    assert found == [a, b]
    entry = AuditEntry.objects.get()
    assert entry.action == Action.READ
    assert entry.object_type == "cases.servicedecision"
    assert entry.details == {
        "purpose": "priorities:case-x",
        "count": 2,
        "references": [str(a.external_id), str(b.external_id)],
    }


def test_cut_with_service_kind_and_with_nothing_found(world, request_for):
    make_decision(world, reference="2026/1")
    found = decisions_touched_by_cut(
        request_for("leder"),
        unit=world.day,
        service=ServiceKind.PRAKTISK_BISTAND,
        purpose="test",
    )
    assert found == []
    assert AuditEntry.objects.get().details["count"] == 0


@pytest.mark.parametrize("username", ["kliniker", "analytiker", "nabo"])
def test_cut_gives_nothing_to_other_roles_and_writes_nothing(world, request_for, username):
    make_decision(world)
    assert decisions_touched_by_cut(request_for(username), unit=world.day, purpose="x") == []
    assert not AuditEntry.objects.exists()


def test_cut_at_a_unit_of_another_municipality_gives_nothing(world, request_for):
    make_decision(
        world,
        reference="2026/9",
        municipality=world.other,
        person=world.other_person,
        unit=world.other_unit,
    )
    assert decisions_touched_by_cut(request_for("leder"), unit=world.other_unit, purpose="x") == []
    assert not AuditEntry.objects.exists()


def test_several_cuts_are_read_at_once_and_written_as_one_entry(world, request_for):
    """A page that lists the decisions of several cuts reads them together, with one READ
    entry naming every decision shown once, and gives the same lists as one cut at a time."""
    today = timezone.localdate()
    a = make_decision(world, reference="2026/1", valid_from=today)
    b = make_decision(world, reference="2026/2", valid_from=today)
    c = make_decision(
        world, reference="2026/3", unit=world.care, service=ServiceKind.PRAKTISK_BISTAND
    )
    make_decision(world, reference="2026/4", status=DecisionStatus.UTKAST)
    make_decision(world, reference="2026/5", unit=world.care)  # another service at the unit
    cuts = [
        (world.day, None),
        (world.care, ServiceKind.PRAKTISK_BISTAND),
        (world.day, ServiceKind.DAGAKTIVITETSTILBUD),  # overlaps the first
    ]
    found = decisions_touched_by_cuts(request_for("leder"), cuts=cuts, purpose="priorities:x")
    assert found == [[a, b], [c], [a, b]]
    entry = AuditEntry.objects.get()
    assert entry.action == Action.READ and entry.object_type == "cases.servicedecision"
    assert entry.details["purpose"] == "priorities:x"
    assert entry.details["count"] == 3
    assert sorted(entry.details["references"]) == sorted(str(d.external_id) for d in (a, b, c))
    # The same lists as one cut at a time (which writes one entry per cut).
    for (unit, service), lists in zip(cuts, found, strict=True):
        assert (
            decisions_touched_by_cut(request_for("leder"), unit=unit, service=service, purpose="x")
            == lists
        )


def test_no_cuts_read_nothing_and_write_nothing(world, request_for):
    make_decision(world)
    assert decisions_touched_by_cuts(request_for("leder"), cuts=[], purpose="x") == []
    assert not AuditEntry.objects.exists()


@pytest.mark.parametrize("username", ["kliniker", "analytiker", "nabo"])
def test_several_cuts_give_other_roles_empty_lists_and_write_nothing(world, request_for, username):
    make_decision(world)
    cuts = [(world.day, None), (world.care, None)]
    assert decisions_touched_by_cuts(request_for(username), cuts=cuts, purpose="x") == [[], []]
    assert not AuditEntry.objects.exists()


def test_several_cuts_at_units_of_another_municipality_give_nothing(world, request_for):
    own = make_decision(world, reference="2026/1")
    make_decision(
        world,
        reference="2026/9",
        municipality=world.other,
        person=world.other_person,
        unit=world.other_unit,
    )
    found = decisions_touched_by_cuts(
        request_for("leder"),
        cuts=[(world.other_unit, None), (world.day, None), (None, None)],
        purpose="x",
    )
    assert found == [[], [own], []]
    assert AuditEntry.objects.get().details["references"] == [str(own.external_id)]
    # Only foreign units: nothing is read, so nothing is written.
    found = decisions_touched_by_cuts(
        request_for("leder"), cuts=[(world.other_unit, None)], purpose="x"
    )
    assert found == [[]]
    assert AuditEntry.objects.count() == 1
