"""The waiting list: granted long-term places and granted-not-served services, give_place."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from losen.apps.cases import services
from losen.apps.cases.models import Event, ServiceDecision, StatusChange

from .casework import application, assess, draft, settings, today

pytestmark = pytest.mark.django_db

DAY = dt.timedelta(days=1)


def _issue(world, service, *, outcome="innvilget", on_waiting_list=None, **fields):
    settings(world)
    app = application(world, services_=[(service, "")])
    applied = app.services.get()
    assess(world, applied)
    decision = draft(world, applied, outcome=outcome, **fields)
    return services.issue_decision(
        actor=world.users["saksbehandler"], decision=decision, on_waiting_list=on_waiting_list
    )


def test_a_granted_long_term_place_goes_on_the_waiting_list(world):
    decision = _issue(world, "langtidsopphold", valid_from=None)
    assert decision.waiting_since == today()
    assert list(ServiceDecision.objects.waiting()) == [decision]
    assert StatusChange.objects.filter(decision=decision, event=Event.VENTELISTE).count() == 1


def test_a_refusal_never_waits_and_other_services_wait_only_when_asked(world):
    refused = _issue(world, "langtidsopphold", outcome="avslag", scope="", review_on=None)
    assert refused.waiting_since is None
    served = _issue(world, "praktisk-bistand")
    assert served.waiting_since is None
    waits = _issue(world, "stottekontakt", on_waiting_list=True)
    assert waits.waiting_since == today()
    assert list(ServiceDecision.objects.waiting()) == [waits]
    not_waiting = _issue(world, "korttidsopphold", on_waiting_list=False)
    assert not_waiting.waiting_since is None


def test_give_place_takes_the_decision_off_the_list(world):
    decision = _issue(world, "langtidsopphold", valid_from=None)
    with pytest.raises(ValidationError) as error:
        services.give_place(
            actor=world.users["saksbehandler"], decision=decision, served_from=today() - DAY
        )
    assert list(error.value.message_dict) == ["served_from"]
    services.give_place(
        actor=world.users["saksbehandler"], decision=decision, served_from=today() + 3 * DAY
    )
    decision.refresh_from_db()
    assert decision.served_from == today() + 3 * DAY
    assert decision.valid_from == today() + 3 * DAY
    assert not ServiceDecision.objects.waiting().exists()
    assert StatusChange.objects.filter(decision=decision, event=Event.VENTELISTE).count() == 2
    with pytest.raises(ValidationError):
        services.give_place(
            actor=world.users["saksbehandler"], decision=decision, served_from=today()
        )
