"""The public consultation: no login, no personal data, CSRF, rate limit, unaltered input."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client, override_settings
from django.urls import reverse

from losen.apps.accounts.models import RateWindow
from losen.apps.audit.models import AuditEntry
from losen.apps.priorities.forms import SubmissionForm
from losen.apps.priorities.models import Submission
from losen.apps.priorities.overview import CaseOverview

pytestmark = pytest.mark.django_db

ANSWER = {
    "group": "innbygger",
    "points_benefit": "100",
    "points_severity": "40",
    "points_resource": "10",
    "theme": "nytte",
    "comment": "Raskere hjelp er viktigst.",
}


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


def url(case):
    return reverse("public:consultation", kwargs={"token": case.consultation.token})


def test_anyone_can_answer_without_logging_in_and_the_answer_is_kept_as_given(cases):
    case = cases["lavterskel"]
    client = Client()
    page = client.get(url(case))
    assert page.status_code == 200
    assert "100 poeng" in page.content.decode()
    before = Submission.objects.count()
    response = client.post(url(case), ANSWER)
    assert response.status_code == 302
    stored = Submission.objects.latest("id")
    assert Submission.objects.count() == before + 1
    assert (
        stored.group,
        stored.points_benefit,
        stored.points_severity,
        stored.points_resource,
    ) == (
        "innbygger",
        100,
        40,
        10,
    )
    assert stored.comment == ANSWER["comment"]
    assert AuditEntry.objects.filter(object_type="priorities.submission").exists()
    stored.comment = "endret"
    with pytest.raises(ValueError):
        stored.save()


def test_the_form_asks_for_no_personal_data():
    assert set(SubmissionForm().fields) == {
        "group",
        "points_benefit",
        "points_severity",
        "points_resource",
        "theme",
        "comment",
    }


def test_a_forged_post_without_csrf_token_is_refused(cases):
    client = Client(enforce_csrf_checks=True)
    before = Submission.objects.count()
    assert client.post(url(cases["lavterskel"]), ANSWER).status_code == 403
    assert Submission.objects.count() == before


@override_settings(PRIORITIES_CONSULTATION_RATE=(2, 600))
def test_input_is_rate_limited_per_client_address(cases):
    client = Client(REMOTE_ADDR="203.0.113.7")
    before = Submission.objects.count()
    assert client.post(url(cases["lavterskel"]), ANSWER).status_code == 302
    assert client.post(url(cases["lavterskel"]), ANSWER).status_code == 302
    assert client.post(url(cases["lavterskel"]), ANSWER).status_code == 429
    assert Submission.objects.count() == before + 2
    other = Client(REMOTE_ADDR="203.0.113.8")
    assert other.post(url(cases["lavterskel"]), ANSWER).status_code == 302
    # The counters hold keyed hashes: the raw address is never stored.
    keys = list(RateWindow.objects.values_list("key", flat=True))
    assert len(keys) == 2 and not any("203.0.113" in k for k in keys)


def test_swing_weighting_needs_a_100_and_a_closed_consultation_takes_nothing(cases):
    client = Client()
    response = client.post(url(cases["lavterskel"]), {**ANSWER, "points_benefit": "90"})
    assert response.status_code == 200
    assert "100 poeng" in response.content.decode()
    before = Submission.objects.count()
    assert client.post(url(cases["dagtilbud"]), ANSWER).status_code == 200
    assert Submission.objects.count() == before


def test_rankings_per_group_and_pooled_and_where_groups_disagree(cases):
    case = cases["lavterskel"]
    client = Client()
    for group, points in [("innbygger", (20, 10, 100)), ("politiker", (10, 100, 10))]:
        client.post(
            url(case),
            {
                **ANSWER,
                "group": group,
                "points_benefit": points[0],
                "points_severity": points[1],
                "points_resource": points[2],
            },
        )
    result = CaseOverview(case).participation
    by_group = {g.group: g for g in result.groups}
    assert by_group["innbygger"].ranking[0].name.startswith("Lavterskeltilbud")
    assert by_group["politiker"].ranking[0].name.startswith("Mer oppfølging")
    assert result.pooled.count == result.total == 5
    assert any("først" in s for s in result.disagreements)
    assert result.missing_handling  # notes are required per theme with comments
