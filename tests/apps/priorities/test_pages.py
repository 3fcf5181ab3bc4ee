"""Every page of the prioritisation workspace renders for the demo cases."""

from __future__ import annotations

import pytest
from django.urls import reverse

from losen.apps.priorities.models import DecisionBasis, FollowUp, PrioritizationCase

pytestmark = pytest.mark.django_db


def test_every_page_renders_for_every_demo_case(demo, client_for):
    client = client_for("leder")
    assert client.get(reverse("priorities:case_list")).status_code == 200
    assert client.get(reverse("priorities:case_create")).status_code == 200
    cases = PrioritizationCase.objects.filter(municipality=demo["fjordvik"])
    assert cases.count() >= 3
    for case in cases:
        kwargs = {"external_id": case.external_id}
        for name in (
            "case_detail",
            "case_edit",
            "case_weights",
            "case_legal",
            "alternative_create",
            "indicator_add",
            "matrix",
            "participation",
            "decision_record",
            "followup_add",
        ):
            response = client.get(reverse(f"priorities:{name}", kwargs=kwargs))
            assert response.status_code in (200, 302), (name, case.title)
        expected = 200 if case.budget_nok is not None else 404
        assert client.get(reverse("priorities:portfolio", kwargs=kwargs)).status_code == expected
        for alternative in case.alternatives.all():
            url = reverse(
                "priorities:alternative_edit", kwargs={"external_id": alternative.external_id}
            )
            assert client.get(url).status_code == 200
    for basis in DecisionBasis.objects.all():
        assert (
            client.get(
                reverse("priorities:basis_detail", kwargs={"external_id": basis.external_id})
            ).status_code
            == 200
        )
        assert (
            client.get(
                reverse("priorities:basis_docx", kwargs={"external_id": basis.external_id})
            ).status_code
            == 200
        )
    for follow_up in FollowUp.objects.all():
        assert (
            client.get(
                reverse(
                    "priorities:followup_evaluate", kwargs={"external_id": follow_up.external_id}
                )
            ).status_code
            == 200
        )
