"""The personal-data check before publishing catches names, identity numbers, phone numbers
and e-mail addresses however they are written, and lets amounts and dates through."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from losen.apps.accounts.models import Membership, Municipality, User
from losen.apps.persons.models import Person
from losen.apps.priorities import services
from losen.apps.priorities.models import Publication
from losen.apps.priorities.public import find_personal_data

# Each kind of finding as the check words it.
NAME, EMAIL, FNR, PHONE = "et navn", "en e-postadresse", "et fødselsnummer", "et telefonnummer"

#: The variants a probe published on the anonymous page, and a few more of each kind.
VARIANTS = [
    ("Hansens søknad er behandlet.", NAME),
    ("Hansen's søknad er behandlet.", NAME),
    ("Hansen s søknad er behandlet.", NAME),
    ("Han\u00adsen har søkt.", NAME),
    ("Hans\u200ben har søkt.", NAME),
    ("Ingrid\u00a0Hansen har søkt.", NAME),
    ("Brukeren Olsen\u2060s vedtak.", NAME),
    ("Søknad 010170-00027.", FNR),
    ("Søknad 01.01.70 00027.", FNR),
    ("Søknad 010170 00027.", FNR),
    ("Søknad 01017000027.", FNR),
    ("Søknad 01 01 70 000 27.", FNR),
    ("Søknad 010170/00027.", FNR),
    ("D-nummer 41017000010.", FNR),
    ("Ring 912-34-567.", PHONE),
    ("Ring 912.34.567.", PHONE),
    ("Ring 91 23 45 67.", PHONE),
    ("Ring +47 22 33 44 55.", PHONE),
    ("Skriv til name(at)example.no.", EMAIL),
    ("Skriv til name [at] example dot no.", EMAIL),
    ("Skriv til name@example.", EMAIL),
    ("Skriv til name @ example.no.", EMAIL),
]

CLEAN = [
    "Rammen er 13 000 000 kroner i 2025 og 13 500 000 kroner i 2026.",
    "Vedtatt i kommunestyret 12.03.2025, sak 2025/123-4, kl. 10.15-12.30.",
    "Tiltaket når 1 250 personer; kostnaden er 2 300 000 000 kroner over ti år.",
    "Vi mener at tilbudet bør styrkes (at det gis tidlig er viktig).",
    "Johansenløkka dagsenter og Hansenveien omsorgsboliger.",
    "Andelen økte fra 12,5 % til 13,75 %.",
]


@pytest.fixture
def municipality(db):
    home = Municipality.objects.create(number="4699", name="Testvik kommune")
    Person.objects.create(
        municipality=home, given_name="Ingrid", family_name="Hansen", birth_year=1950
    )
    user = User.objects.create_user("saksbehandler", first_name="Per", last_name="Olsen")
    Membership.objects.create(user=user, municipality=home, role="saksbehandler")
    return home


@pytest.mark.parametrize(("text", "kind"), VARIANTS)
def test_each_variant_is_caught(municipality, text, kind):
    findings = find_personal_data({"reasons": text}, municipality)
    assert any(f.startswith(kind) for f in findings), (text, findings)


@pytest.mark.parametrize("text", CLEAN)
def test_amounts_dates_and_ordinary_words_pass(municipality, text):
    assert find_personal_data({"situation": text}, municipality) == []


@given(
    inserts=st.lists(
        st.tuples(
            st.integers(0, 20),
            st.sampled_from(["\u00ad", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"]),
        ),
        min_size=1,
        max_size=6,
    ),
    suffix=st.sampled_from(["", "s", "'s", "’s", " s"]),
)
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_property_invisible_characters_never_hide_a_persons_name(municipality, inserts, suffix):
    # The fixture is only read, so sharing it between examples is safe.
    hidden = "Hansen"
    for position, character in inserts:
        position %= len(hidden) + 1
        hidden = hidden[:position] + character + hidden[position:]
    findings = find_personal_data({"reasons": f"Vedtaket om {hidden}{suffix} sak."}, municipality)
    assert findings == ["et navn på en bruker eller person («Hansen»)"]


def test_the_probes_variants_are_not_published_on_the_anonymous_page(demo, cases):
    """End to end: a decision reason with each variant stops publication, and nothing about
    the case appears on the public pages; the clean reason publishes."""
    case = cases["dagtilbud"]
    person = Person.objects.filter(municipality=demo["fjordvik"]).first()
    decision = case.decision
    clean_reasons = decision.reasons
    variants = [
        f"{person.family_name}s søknad er vurdert.",
        f"{person.family_name[:2]}\u00ad{person.family_name[2:]} har søkt.",
        "Søknad 010170-00027.",
        "Søknad 01.01.70 00027.",
        "Ring 912-34-567.",
        "Skriv til name(at)example.no.",
    ]
    before = Publication.objects.filter(case=case).count()
    for text in variants:
        decision.reasons = f"{clean_reasons} {text}"
        decision.save()
        case.refresh_from_db()
        with pytest.raises(services.PersonalDataFound):
            services.publish(actor=None, case=case)
        assert Publication.objects.filter(case=case).count() == before, text
    decision.reasons = clean_reasons
    decision.save()
    case.refresh_from_db()
    publication = services.publish(actor=None, case=case)
    page = Client().get(reverse("public:case", kwargs={"token": publication.token}))
    assert page.status_code == 200
