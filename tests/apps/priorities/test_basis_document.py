"""The decision basis DOCX is laid out by the shared document module: A4, header, page numbers."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from losen.apps.common.documents import A4_MARGINS_MM
from losen.apps.priorities import basis as basis_module
from tests.docx_reading import read_docx

pytestmark = pytest.mark.django_db


def test_the_basis_docx_is_a4_with_the_municipality_and_page_numbers(cases, client_for):
    client = client_for("leder")
    case = cases["lavterskel"]
    response = client.post(
        reverse("priorities:basis_create", kwargs={"external_id": case.external_id}),
        {"detail": "kort"},
    )
    assert response.status_code == 302
    basis = case.bases.first()
    doc = read_docx(
        client.get(
            reverse("priorities:basis_docx", kwargs={"external_id": basis.external_id})
        ).content
    )
    width, height = doc.page_mm
    assert abs(width - 210) < 0.1 and abs(height - 297) < 0.1
    assert doc.margins_mm == pytest.approx(A4_MARGINS_MM, abs=0.1)
    assert doc.header_text == case.municipality.name
    assert doc.footer_fields == ["PAGE", "NUMPAGES"]
    assert doc.footer_text == "Side 1 av 1"
    assert doc.language == doc.default_language == "nb-NO"
    assert doc.core.title == case.title
    assert doc.title == f"Beslutningsgrunnlag: {case.title}"
    # The page and the DOCX have the same sections, from the one list.
    with translation.override("nb"):
        expected = [s.heading for s in basis_module.sections(basis.snapshot)]
    assert doc.headings(1) == expected
    assert doc.body_fields == []
