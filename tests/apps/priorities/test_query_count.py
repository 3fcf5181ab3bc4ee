"""One pass per request: the number of queries a case page makes does not grow with the
number of alternatives (the alternatives, their units, prerequisites and figures are read
once; the running decisions of every cut in one query, audited once)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from losen.apps.priorities.demo import generated_round
from losen.apps.priorities.models import Consultation, Submission

PAGES = ("case_detail", "matrix", "portfolio", "participation")


def _round(demo, n):
    case = generated_round(demo["fjordvik"], actor=demo["users"]["leder"], alternatives=n)
    consultation = Consultation.objects.create(case=case, introduction="Hva betyr mest?")
    for group, points in (("innbygger", (100, 50, 20)), ("ansatt", (40, 100, 10))):
        Submission.objects.create(
            consultation=consultation,
            group=group,
            points_benefit=points[0],
            points_severity=points[1],
            points_resource=points[2],
            theme="nytte",
            comment="Oppdiktet kommentar.",
        )
    return case


def _queries(client, case, page):
    url = reverse(f"priorities:{page}", kwargs={"external_id": case.external_id})
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (page, response.status_code)
    return len(captured)


@pytest.mark.django_db
def test_queries_do_not_grow_with_the_number_of_alternatives(demo, client_for):
    client = client_for("leder")
    small, large = _round(demo, 4), _round(demo, 40)
    for page in PAGES:
        _queries(client, small, page)  # warm the session and caches of the first request
        few, many = _queries(client, small, page), _queries(client, large, page)
        assert few == many, f"{page}: {few} queries with 4 alternatives, {many} with 40"
        assert many < 40, f"{page}: {many} queries"


@pytest.mark.django_db
def test_the_cut_lists_of_a_page_are_one_audited_read(demo, client_for):
    from losen.apps.audit.models import AuditEntry
    from losen.apps.cases.models import ServiceDecision
    from losen.apps.priorities.overview import CaseOverview

    case = _round(demo, 30)
    with_decisions = sorted(
        set(
            ServiceDecision.objects.filter(municipality=case.municipality).values_list(
                "unit", flat=True
            )
        )
    )
    current = list(case.alternatives.filter(current_service=True, mandatory=False))
    for k, alternative in enumerate(current):
        alternative.unit_id = with_decisions[k % len(with_decisions)]
        alternative.save()
    case.budget_nok = sum(
        case.alternatives.filter(mandatory=True).values_list("cost_nok", flat=True)
    )
    case.save()
    listed = [row for row in CaseOverview(case).affected if row.count]
    assert len(listed) >= 2  # several lists on the page, each with decisions
    client = client_for("leder")
    before = AuditEntry.objects.filter(object_type="cases.servicedecision").count()
    client.get(reverse("priorities:case_detail", kwargs={"external_id": case.external_id}))
    after = AuditEntry.objects.filter(object_type="cases.servicedecision").count()
    assert after - before == 1
