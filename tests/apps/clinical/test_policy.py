"""Stepped care settings: a leader sets the review period and reliable change per instrument,
and the step suggestion, the trajectory marks and the leader's outcomes follow them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from losen.apps.audit.models import AuditEntry
from losen.apps.clinical import queries, services
from losen.apps.clinical.models import ClinicalPolicy, Intervention
from losen.apps.clinical.services import ClinicalError, InstrumentAnswers
from losen.domain.careplan import DEFAULT_REVIEW_AFTER_DAYS
from losen.domain.instruments import load_registry

pytestmark = pytest.mark.django_db

START = dt.date(2026, 9, 1)


def _phq9(total: int) -> tuple[int, ...]:
    """PHQ-9 answers with the given total and item 9 at 0."""
    answers = [0] * 9
    for index in range(total):
        answers[index % 8] += 1
    return tuple(answers)


def _episode(user, person, totals_by_day):
    services.add_plan_item(
        actor=user,
        person=person,
        intervention=Intervention.objects.get(municipality=person.municipality, code="rph"),
        started_on=START,
    )
    for days, total in totals_by_day:
        services.record_measurement(
            actor=user,
            person=person,
            answers=InstrumentAnswers("phq-9", _phq9(total)),
            taken_on=START + dt.timedelta(days=days),
        )


def test_defaults_are_the_iapt_thresholds(demo):
    policy = queries.policy_for(demo["fjordvik"])
    assert policy.criteria["phq-9"].reliable_change_points == 6
    assert policy.criteria["gad-7"].reliable_change_points == 4
    assert policy.review_after_days == DEFAULT_REVIEW_AFTER_DAYS


def test_a_local_threshold_changes_the_step_suggestion(demo, person):
    """14 → 10 on PHQ-9 after 50 days: no reliable change at 6 points, reliable at 3."""
    user = demo["users"]["kliniker"]
    _episode(user, person, [(0, 14), (50, 10)])
    as_of = START + dt.timedelta(days=50)
    assert queries.step_for(person, as_of).direction == "up"
    services.set_step_policy(
        actor=demo["users"]["leder"],
        municipality=demo["fjordvik"],
        review_after_days=42,
        reliable_change_points={"phq-9": 3},
    )
    step = queries.step_for(person, as_of)
    assert step.direction == "stay"
    assert any("pålitelig bedring" in reason for reason in step.reasons)
    # A longer review period alone also keeps the suggestion from stepping up.
    services.set_step_policy(
        actor=demo["users"]["leder"],
        municipality=demo["fjordvik"],
        review_after_days=90,
        reliable_change_points={},
    )
    assert queries.step_for(person, as_of).direction == "stay"
    assert queries.policy_for(demo["fjordvik"]).criteria["phq-9"].reliable_change_points == 6


def test_the_policy_is_per_municipality(demo):
    services.set_step_policy(
        actor=demo["users"]["leder"],
        municipality=demo["fjordvik"],
        review_after_days=30,
        reliable_change_points={"gad-7": 5},
    )
    assert queries.policy_for(demo["fjordvik"]).criteria["gad-7"].reliable_change_points == 5
    assert queries.policy_for(demo["nabovik"]).criteria["gad-7"].reliable_change_points == 4


@pytest.mark.parametrize(
    ("days", "points", "expected"),
    [
        (3, {}, "review_after_days: må være mellom 7 og 365 dager"),
        (42, {"phq-9": 0}, "phq-9: pålitelig endring må være større enn 0 og høyst 27 poeng"),
        (42, {"gad-7": 22}, "gad-7: pålitelig endring må være større enn 0 og høyst 21 poeng"),
        (42, {"audit-c": 2}, "audit-c: instrumentet har ingen regel for endring"),
        (42, {"core-10": 2}, "core-10: instrumentet har ingen regel for endring"),
    ],
)
def test_bad_settings_are_refused_naming_the_field(demo, days, points, expected):
    with pytest.raises(ClinicalError) as caught:
        services.set_step_policy(
            actor=demo["users"]["leder"],
            municipality=demo["fjordvik"],
            review_after_days=days,
            reliable_change_points=points,
        )
    assert caught.value.problems == (expected,)
    assert not ClinicalPolicy.objects.filter(municipality=demo["fjordvik"]).exists()


def test_leader_sets_the_policy_through_the_page_and_it_is_audited(demo, client_for, person):
    client = client_for("leder")
    url = reverse("clinical:step_policy")
    page = client.get(url)
    html = page.content.decode()
    assert page.status_code == 200
    assert 'name="rc__phq-9"' in html and 'name="rc__gad-7"' in html
    assert 'name="rc__audit-c"' not in html
    assert "Tomt felt: 6 poeng" in html
    response = client.post(url, {"review_after_days": "56", "rc__phq-9": "5", "rc__gad-7": ""})
    assert response.status_code == 302
    policy = ClinicalPolicy.objects.get(municipality=demo["fjordvik"])
    assert (policy.review_after_days, policy.reliable_change_points) == (56, {"phq-9": 5.0})
    entry = AuditEntry.objects.filter(object_type="clinical.clinicalpolicy").get()
    assert entry.details == {"review_after_days": 56, "reliable_change_points": {"phq-9": 5.0}}
    html = client.get(url).content.decode()
    assert 'value="5' in html and 'value="56"' in html

    # The clinician's trajectory shows the municipality's threshold.
    _episode(demo["users"]["kliniker"], person, [(0, 14), (30, 9)])
    chart = client_for("kliniker").get(
        reverse("clinical:outcomes", kwargs={"external_id": person.external_id})
    )
    assert "Pålitelig endring: 5 poeng. Klinisk grense: 10." in chart.content.decode()


def test_bad_input_on_the_page_shows_linked_errors_and_saves_nothing(demo, client_for):
    client = client_for("leder")
    html = client.post(
        reverse("clinical:step_policy"), {"review_after_days": "2", "rc__phq-9": "0"}
    ).content.decode()
    assert "ds-error-summary" in html
    assert 'href="#id_review_after_days"' in html and 'href="#id_rc__phq-9"' in html
    assert not ClinicalPolicy.objects.exists()


@pytest.mark.parametrize("username", ["kliniker", "analytiker", "leser"])
def test_only_the_leader_changes_the_policy(demo, client_for, username):
    response = client_for(username).post(
        reverse("clinical:step_policy"), {"review_after_days": "60"}
    )
    assert response.status_code in (403, 404)
    assert not ClinicalPolicy.objects.exists()


def test_every_instrument_with_a_change_rule_is_offered(demo, client_for):
    html = client_for("leder").get(reverse("clinical:step_policy")).content.decode()
    with_rules = [d.id for d in load_registry().definitions if d.change is not None]
    assert with_rules and all(f'name="rc__{i}"' in html for i in with_rules)
