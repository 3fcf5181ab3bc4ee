"""Pages of prioritisation cases link only to pages the reader's role may open."""

from __future__ import annotations

import re

import pytest
from django.urls import Resolver404, resolve, reverse

from losen.apps.priorities.models import FollowUp
from losen.apps.priorities.overview import due_reviews

pytestmark = pytest.mark.django_db

READERS = ("leder", "analytiker", "leser", "admin")
HREF = re.compile(r'href="(/[^"#?]*)')


def _internal_links(html: str) -> set[str]:
    links = set()
    for href in HREF.findall(html):
        try:
            match = resolve(href)
        except Resolver404:
            continue
        if match.url_name and (match.namespace or "") not in ("", "accounts", "public"):
            links.add(href)
    return links


def test_the_due_reviews_link_to_the_evaluation_only_for_those_who_may_evaluate(demo, client_for):
    due = list(due_reviews(demo["fjordvik"]))
    assert due, "the demo has a follow-up that is due"
    evaluate = reverse("priorities:followup_evaluate", kwargs={"external_id": due[0].external_id})
    for username in READERS:
        client = client_for(username)
        page = client.get(reverse("priorities:case_list")).content.decode()
        assert due[0].indicator in page, username  # everyone sees that a review is due
        allowed = client.get(evaluate).status_code
        assert (evaluate in page) == (allowed == 200), (username, allowed)
        assert (evaluate in page) == (username == "leder"), username


def test_no_link_on_the_case_pages_answers_403(demo, client_for):
    """Every link on the case list and each case's page opens for the reader who sees it."""
    cases = {f.case for f in FollowUp.objects.filter(municipality=demo["fjordvik"])}
    assert cases
    for username in READERS:
        client = client_for(username)
        pages = [reverse("priorities:case_list")] + [
            reverse("priorities:case_detail", kwargs={"external_id": c.external_id}) for c in cases
        ]
        links = set()
        for page in pages:
            response = client.get(page)
            assert response.status_code == 200, (username, page)
            links |= _internal_links(response.content.decode())
        assert links, username
        forbidden = [link for link in sorted(links) if client.get(link).status_code == 403]
        assert forbidden == [], (username, forbidden)
