"""Public pages never carry personal data: what is published is checked field by field."""

from __future__ import annotations

import copy
import re

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from stdnum.no import fodselsnummer

from losen.apps.accounts.models import User
from losen.apps.persons.models import Person
from losen.apps.priorities import services
from losen.apps.priorities.models import (
    Consultation,
    DecisionBasis,
    InputHandling,
    Publication,
    Submission,
)

pytestmark = pytest.mark.django_db


def kw(obj):
    return {"external_id": obj.external_id}


def _fnr() -> str:
    base = "150385" + "123"
    first = fodselsnummer.calc_check_digit1(base)
    number = base + first + fodselsnummer.calc_check_digit2(base + first)
    assert fodselsnummer.is_valid(number)
    return number


def _samples(municipality) -> dict[str, str]:
    person = Person.objects.filter(municipality=municipality).first()
    user = User.objects.filter(memberships__municipality=municipality).exclude(last_name="")[0]
    return {
        "person": f"Gjelder {person.full_name} i sone nord.",
        "user": f"Etter råd fra {user.get_full_name()}.",
        "email": "Spørsmål til saksbehandler.nord@example.no.",
        "phone": "Ring 912 34 567 ved spørsmål.",
        "fnr": f"Se søknad {_fnr()}.",
    }


def _case_fields(case):
    return [("case", f) for f in ("title", "situation", "plan_reference")] + [
        ("decision", f) for f in ("decision_maker", "case_reference", "outcome", "reasons")
    ]


# Paths into the frozen basis of every text the public page copies from it: the first
# alternative's own fields, the written reasoning of each of its criteria, and the figures.
SNAPSHOT_FIELDS = (
    [("alternatives", 0, f) for f in ("name", "target_group", "evidence")]
    + [("alternatives", 0, "criteria", k, "reasoning") for k in range(3)]
    + [("indicators", 0, f) for f in ("name", "source", "period", "value")]
)


def _plant(snapshot: dict, path: tuple, text: str) -> dict:
    planted = copy.deepcopy(snapshot)
    target = planted
    for step in path[:-1]:
        assert target[step], path
        target = target[step]
    assert path[-1] in target, path
    target[path[-1]] = text
    return planted


def _publish_refused(case) -> bool:
    before = Publication.objects.filter(case=case).count()
    try:
        services.publish(actor=None, case=case)
    except services.PersonalDataFound:
        assert Publication.objects.filter(case=case).count() == before
        return True
    return False


def test_personal_data_in_any_published_field_stops_publication(demo, cases):
    case = cases["dagtilbud"]
    samples = _samples(demo["fjordvik"])
    decision = case.decision
    for kind, text in samples.items():
        for owner, field in _case_fields(case):
            target = case if owner == "case" else decision
            old = getattr(target, field)
            value = text[:60] if field == "case_reference" else text
            setattr(target, field, value)
            target.save()
            case.refresh_from_db()
            assert _publish_refused(case), (kind, owner, field)
            setattr(target, field, old)
            target.save()
        basis = decision.basis
        clean = copy.deepcopy(basis.snapshot)
        assert [c["kind"] for c in clean["alternatives"][0]["criteria"]] == [
            "nytte",
            "ressurs",
            "alvorlighet",
        ]
        for path in SNAPSHOT_FIELDS:
            planted = _plant(clean, path, text)
            DecisionBasis.objects.filter(pk=basis.pk).update(snapshot=planted)
            case.refresh_from_db()
            assert _publish_refused(case), (kind, path)
        DecisionBasis.objects.filter(pk=basis.pk).update(snapshot=clean)
        handling = InputHandling.objects.filter(case=case).first()
        old_note = handling.note
        handling.note = text
        handling.save()
        case.refresh_from_db()
        assert _publish_refused(case), (kind, "handling")
        handling.note = old_note
        handling.save()
    # With everything clean again, publishing works.
    case.refresh_from_db()
    assert not _publish_refused(case)


def test_participants_free_text_is_kept_but_never_published(demo, cases):
    case = cases["dagtilbud"]
    person = Person.objects.filter(municipality=demo["fjordvik"]).first()
    comment = f"Min mor {person.full_name} bruker dagsenteret hver dag."
    submission = Submission.objects.create(
        consultation=case.consultation,
        group="parorende",
        points_benefit=100,
        points_severity=50,
        points_resource=10,
        theme="annet",
        comment=comment,
    )
    InputHandling.objects.update_or_create(
        case=case, theme="annet", defaults={"note": "Tatt med i vurderingen av transport."}
    )
    publication = services.publish(actor=None, case=case)
    text = Client().get(reverse("public:case", kwargs={"token": publication.token})).content
    text = text.decode()
    assert comment not in text and person.full_name not in text
    assert "Tatt med i vurderingen av transport." in text
    submission.refresh_from_db()
    assert submission.comment == comment  # the input itself is kept as given


def test_a_consultation_that_would_name_someone_is_not_opened_or_shown(demo, cases, client_for):
    cache.clear()
    client = client_for("leder")
    case = cases["budsjett"]
    person = Person.objects.filter(municipality=demo["fjordvik"]).first()
    response = client.post(
        reverse("priorities:consultation_open", kwargs=kw(case)),
        {"introduction": f"Spør gjerne {person.full_name} om saken."},
    )
    assert response.status_code == 200
    assert "personopplysninger" in response.content.decode()
    assert not Consultation.objects.filter(case=case).exists()

    response = client.post(
        reverse("priorities:consultation_open", kwargs=kw(case)),
        {"introduction": "Hva er viktigst for deg når kommunen velger tiltak?"},
    )
    assert response.status_code == 302
    url = reverse("public:consultation", kwargs={"token": case.consultation.token})
    assert case.alternatives.first().name in Client().get(url).content.decode()
    alternative = case.alternatives.first()
    alternative.description = f"Brukes i dag av {person.full_name}."
    alternative.save()
    page = Client().get(url).content.decode()
    assert person.full_name not in page
    assert "Medvirkningen er ikke tilgjengelig" in page
    before = Submission.objects.count()
    Client().post(
        url,
        {
            "group": "innbygger",
            "points_benefit": "100",
            "points_severity": "50",
            "points_resource": "50",
        },
    )
    assert Submission.objects.count() == before


def _names(municipality) -> set[str]:
    names = set()
    for user in User.objects.filter(memberships__municipality=municipality):
        names |= {user.first_name, user.last_name, user.get_full_name(), user.email}
    for person in Person.objects.filter(municipality=municipality):
        names |= {person.given_name, person.family_name, person.full_name}
    return {n for n in names if n and len(n) > 2}


def test_no_public_page_of_the_demo_holds_personal_data(demo):
    fjordvik = demo["fjordvik"]
    anonymous = Client()
    urls = [reverse("public:index", kwargs={"number": fjordvik.number})]
    for publication in Publication.objects.filter(unpublished_at__isnull=True):
        urls.append(reverse("public:case", kwargs={"token": publication.token}))
    for consultation in Consultation.objects.all():
        urls += [
            reverse("public:consultation", kwargs={"token": consultation.token}),
            reverse("public:consultation_thanks", kwargs={"token": consultation.token}),
        ]
    assert len(urls) >= 4
    names = _names(fjordvik)
    for url in urls:
        response = anonymous.get(url)
        assert response.status_code == 200, url
        main = response.content.decode()
        main = main[main.index("<main") :]
        for name in names:
            assert not re.search(rf"(?<!\w){re.escape(name)}(?!\w)", main), (url, name)
        assert not re.search(r"(?<!\d)\d{11}(?!\d)", main), url
        assert not re.search(r"[\w.+-]+@[\w-]+\.\w+", main), url
        for submission in Submission.objects.exclude(comment=""):
            assert submission.comment not in main, url
