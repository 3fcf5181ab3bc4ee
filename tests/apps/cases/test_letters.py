"""The decision letter and the preliminary reply, read back from the DOCX and the printable page."""

from __future__ import annotations

import dataclasses
import datetime as dt
import gettext as gettext_module
import re
from html.parser import HTMLParser

import pytest
from django.utils import translation
from django.utils.translation import trans_real

from losen.apps.cases import letters
from losen.apps.cases.letters import Contact, DecisionLetter, PreliminaryReply
from losen.apps.common.documents import A4_MARGINS_MM, long_date
from tests.docx_reading import read_docx

CONTACT = Contact(
    name="Ola Testesen", title="Saksbehandler", phone="12 34 56 78", email="ola@example.org"
)

BASE = {
    "municipality_name": "Testvik kommune",
    "unit_name": "Tildelingskontoret",
    "reference": "2026/4711",
    "letter_date": dt.date(2026, 12, 3),
    "language": "nb",
    "applicant_name": "Kari Prøvesen",
    "applicant_address_lines": ("Prøvegata 1", "9999 Testvik"),
    "service_label": "praktisk bistand",
    "contact_person": CONTACT,
}


def decision(outcome="innvilget", **changes) -> DecisionLetter:
    values = {
        **BASE,
        "outcome": outcome,
        "applied_for": "Hjelp til husarbeid to ganger i uka.",
        "received_on": dt.date(2026, 10, 20),
        "legal_basis": "helse- og omsorgstjenesteloven § 3-2 første ledd nr. 6 b",
        "facts": "Du bor alene og har nedsatt kraft i armene.\n\nDatteren din hjelper deg.",
        "considerations": "Du klarer ikke å vaske gulv selv.\n\nMatlaging klarer du.",
        "complaint_to": "Testvik kommune, Tildelingskontoret, Postboks 1, 9999 Testvik",
        "complaint_deadline": dt.date(2027, 1, 4),
    }
    if outcome != "avslag":
        values |= {
            "scope": "Tre timer praktisk bistand per uke.",
            "valid_from": dt.date(2027, 1, 1),
            "valid_to": dt.date(2027, 12, 31),
            "review_on": dt.date(2027, 6, 1),
        }
    if outcome == "delvis-innvilget":
        values["refused_part"] = "Vindusvask får du ikke."
    return DecisionLetter(**(values | changes))


def reply(**changes) -> PreliminaryReply:
    values = {
        **BASE,
        "received_on": dt.date(2026, 10, 20),
        "reason": "Vi venter på en uttalelse fra fastlegen din.",
        "expected_decision_on": dt.date(2027, 1, 15),
    }
    return PreliminaryReply(**(values | changes))


class _Page(HTMLParser):
    """The printable page's language, headings and text (entities decoded)."""

    def __init__(self):
        super().__init__()
        self.lang = ""
        self.h2: list[str] = []
        self.tags: list[str] = []
        self.text: list[str] = []
        self._in = None

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag == "html":
            self.lang = dict(attrs).get("lang", "")
        self._in = tag

    def handle_endtag(self, tag):
        self._in = None

    def handle_data(self, data):
        self.text.append(data)
        if self._in == "h2":
            self.h2.append(data)


def page(html: str) -> _Page:
    parser = _Page()
    parser.feed(html)
    return parser


EVERY_LETTER = [
    pytest.param(lambda: letters.decision_docx(decision()), id="innvilget"),
    pytest.param(lambda: letters.decision_docx(decision("avslag")), id="avslag"),
    pytest.param(lambda: letters.preliminary_reply_docx(reply()), id="foreløpig-svar"),
]


# --- page, header, footer, properties -----------------------------------------------------------


@pytest.mark.parametrize("render", EVERY_LETTER)
def test_every_letter_is_a4_with_the_margins(render):
    doc = read_docx(render())
    width, height = doc.page_mm
    assert abs(width - 210) < 0.1 and abs(height - 297) < 0.1
    assert doc.margins_mm == pytest.approx(A4_MARGINS_MM, abs=0.1)
    assert doc.document.sections[0].orientation == 0  # portrait


@pytest.mark.parametrize("render", EVERY_LETTER)
def test_header_names_the_municipality_and_the_footer_counts_pages_with_fields(render):
    doc = read_docx(render())
    assert doc.header_text.splitlines() == ["Testvik kommune", "Tildelingskontoret"]
    assert doc.footer_fields == ["PAGE", "NUMPAGES"]
    assert doc.footer_text == "Side 1 av 1"  # the fields' placeholders until Word counts


def test_core_properties_and_language_of_a_bokmal_letter():
    doc = read_docx(letters.decision_docx(decision()))
    assert doc.language == "nb-NO"
    assert doc.default_language == "nb-NO"
    assert doc.core.title == "Vedtak om praktisk bistand"
    assert doc.core.author == "Testvik kommune"
    assert doc.core.keywords == "2026/4711"
    assert "python-docx" not in (doc.core.comments or "")
    # The applicant is in the letter, not in the file's properties.
    properties = [doc.core.title, doc.core.subject, doc.core.keywords, doc.core.author]
    assert not any("Kari" in p for p in properties)


# --- the parts of a decision letter, per outcome ----------------------------------------------

COMMON_START = ["Det du har søkt om", "Vedtak"]
COMMON_END = [
    "Lovgrunnlag",
    "Opplysningene vi har bygget på",
    "Begrunnelse",
]
RIGHTS = ["Du kan klage", "Du kan se dokumentene i saken", "Kontakt"]

EXPECTED_PARTS = {
    "innvilget": [
        *COMMON_START,
        "Hva du får, og hvor lenge",
        *COMMON_END,
        "Ny vurdering",
        *RIGHTS,
    ],
    "delvis-innvilget": [
        *COMMON_START,
        "Hva du får, og hvor lenge",
        "Det du ikke får",
        *COMMON_END,
        "Ny vurdering",
        *RIGHTS,
    ],
    "avslag": [*COMMON_START, *COMMON_END, "Hvis situasjonen din endrer seg", *RIGHTS],
}


@pytest.mark.parametrize("outcome", sorted(EXPECTED_PARTS))
def test_a_decision_letter_has_the_parts_of_its_outcome_in_docx_and_page(outcome):
    letter = decision(outcome)
    doc = read_docx(letters.decision_docx(letter))
    assert doc.headings(1) == EXPECTED_PARTS[outcome]
    assert page(letters.decision_html(letter)).h2 == EXPECTED_PARTS[outcome]
    title = {
        "innvilget": "Vedtak om praktisk bistand",
        "delvis-innvilget": "Vedtak om praktisk bistand – delvis innvilget",
        "avslag": "Vedtak om praktisk bistand – avslag",
    }[outcome]
    assert doc.title == title
    parts = doc.parts()
    assert parts["Det du har søkt om"] == [
        "Vi fikk søknaden din om praktisk bistand 20. oktober 2026.",
        "Hjelp til husarbeid to ganger i uka.",
    ]
    assert parts["Lovgrunnlag"] == [
        "Vi har gjort vedtaket etter helse- og omsorgstjenesteloven § 3-2 første ledd nr. 6 b."
    ]
    assert parts["Opplysningene vi har bygget på"][:2] == [
        "Du bor alene og har nedsatt kraft i armene.",
        "Datteren din hjelper deg.",
    ]
    assert parts["Begrunnelse"][1:] == ["Du klarer ikke å vaske gulv selv.", "Matlaging klarer du."]


def test_the_wording_differs_for_each_outcome():
    said = {
        outcome: read_docx(letters.decision_docx(decision(outcome))).parts()
        for outcome in EXPECTED_PARTS
    }
    assert said["innvilget"]["Vedtak"] == ["Du får praktisk bistand."]
    assert said["delvis-innvilget"]["Vedtak"][0].startswith(
        "Du får praktisk bistand, men ikke alt du søkte om."
    )
    assert said["avslag"]["Vedtak"] == ["Du får ikke praktisk bistand."]
    leads = {outcome: parts["Begrunnelse"][0] for outcome, parts in said.items()}
    assert len(set(leads.values())) == 3
    assert leads["avslag"] == "Dette er grunnene til at du ikke får det du søkte om:"
    assert said["delvis-innvilget"]["Det du ikke får"] == ["Vindusvask får du ikke."]


def test_a_granted_letter_gives_scope_period_and_re_evaluation():
    parts = read_docx(letters.decision_docx(decision())).parts()
    assert parts["Hva du får, og hvor lenge"] == [
        "Tre timer praktisk bistand per uke.",
        "Vedtaket gjelder fra 1. januar 2027 til og med 31. desember 2027.",
    ]
    assert "1. juni 2027" in parts["Ny vurdering"][0]
    open_ended = read_docx(letters.decision_docx(decision(valid_to=None, review_on=None))).parts()
    assert open_ended["Hva du får, og hvor lenge"][1] == (
        "Vedtaket gjelder fra 1. januar 2027 og til det blir endret eller avsluttet."
    )
    assert "Ny vurdering" not in open_ended


def test_a_refusal_has_no_scope_but_reasons_and_complaint_information():
    doc = read_docx(letters.decision_docx(decision("avslag")))
    parts = doc.parts()
    assert "Hva du får, og hvor lenge" not in parts
    assert "Venteliste" not in parts
    assert "Tre timer" not in doc.text and "Vedtaket gjelder fra" not in doc.text
    assert parts["Begrunnelse"] == [
        "Dette er grunnene til at du ikke får det du søkte om:",
        "Du klarer ikke å vaske gulv selv.",
        "Matlaging klarer du.",
    ]
    complaint = "\n".join(parts["Du kan klage"])
    assert "4 uker fra du fikk dette brevet" in complaint
    assert "senest 4. januar 2027" in complaint
    assert "Testvik kommune, Tildelingskontoret, Postboks 1, 9999 Testvik" in complaint
    assert "Vi ser først på saken din på nytt" in complaint and "Statsforvalteren" in complaint
    assert "pasient- og brukerrettighetsloven § 7-2" in complaint
    assert "forvaltningsloven § 33" in complaint
    assert "forvaltningsloven §§ 18 og 19" in parts["Du kan se dokumentene i saken"][0]
    # The greeting and signature follow the last part.
    assert parts["Kontakt"][:3] == [
        "Har du spørsmål, kan du kontakte Ola Testesen.",
        "Telefon: 12 34 56 78\nE-post: ola@example.org",
        "Oppgi referansen 2026/4711 når du tar kontakt.",
    ]


@pytest.mark.parametrize(
    "field", ["scope", "valid_from", "valid_to", "review_on", "waiting_list_place"]
)
def test_a_refusal_cannot_carry_a_scope_period_or_waiting_place(field):
    value = {"scope": "Tre timer", "waiting_list_place": 2}.get(field, dt.date(2027, 1, 1))
    with pytest.raises(ValueError, match=field):
        decision("avslag", **{field: value})


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"language": "en"}, "language"),
        ({"outcome": "godkjent"}, "outcome"),
        ({"considerations": "  "}, "considerations"),
        ({"facts": ""}, "facts"),
        ({"complaint_to": ""}, "complaint_to"),
        ({"legal_basis": ""}, "legal_basis"),
        ({"complaint_weeks": 0}, "complaint_weeks"),
        ({"scope": ""}, "scope"),
        ({"valid_to": dt.date(2026, 12, 31)}, "valid_to"),
        ({"outcome": "delvis-innvilget", "refused_part": ""}, "refused_part"),
        ({"waiting_list_place": 0}, "waiting_list_place"),
        ({"applicant_address_lines": ["Prøvegata 1"]}, "tuple"),
    ],
)
def test_an_incomplete_decision_letter_is_refused(changes, message):
    with pytest.raises((ValueError, TypeError), match=message):
        decision(**changes)


def test_the_letter_is_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        decision().outcome = "avslag"


def test_complaint_weeks_are_configurable_and_the_deadline_optional():
    six = read_docx(letters.decision_docx(decision(complaint_weeks=6, complaint_deadline=None)))
    assert "Fristen for å klage er 6 uker fra du fikk dette brevet." in six.parts()["Du kan klage"]
    one = read_docx(letters.decision_docx(decision(complaint_weeks=1, complaint_deadline=None)))
    assert "Fristen for å klage er 1 uke fra du fikk dette brevet." in one.parts()["Du kan klage"]


def test_a_place_on_the_waiting_list_is_told_when_given():
    doc = read_docx(letters.decision_docx(decision(waiting_list_place=3)))
    assert doc.headings(1).index("Venteliste") == doc.headings(1).index("Lovgrunnlag") - 1
    assert "Du står som nummer 3 på kommunens venteliste." in doc.parts()["Venteliste"][0]
    without = read_docx(letters.decision_docx(decision()))
    assert "Venteliste" not in without.parts()


def test_a_representative_gets_a_copy_and_the_letter_is_signed():
    doc = read_docx(letters.decision_docx(decision(representative="Per Prøvesen (verge)")))
    assert doc.parts()["Kopi"][:1] == ["Kopi av brevet er sendt til Per Prøvesen (verge)."]
    assert doc.paragraphs[-2:] == [
        "Med vennlig hilsen",
        "Ola Testesen\nSaksbehandler\nTildelingskontoret\nTestvik kommune",
    ]
    assert "Kopi" not in read_docx(letters.decision_docx(decision())).parts()


def test_address_reference_and_date_come_before_the_title():
    doc = read_docx(letters.decision_docx(decision()))
    assert doc.paragraphs[:3] == [
        "Kari Prøvesen\nPrøvegata 1\n9999 Testvik",
        "Vår referanse: 2026/4711\nDato: 3. desember 2026",
        "Vedtak om praktisk bistand",
    ]
    assert doc.document.paragraphs[2].style.name == "Title"


@pytest.mark.parametrize(
    ("day", "text"),
    [
        (dt.date(2026, 12, 3), "3. desember 2026"),
        (dt.date(2027, 1, 1), "1. januar 2027"),
        (dt.date(2027, 5, 17), "17. mai 2027"),
        (dt.date(2028, 2, 29), "29. februar 2028"),
    ],
)
def test_dates_are_written_in_norwegian(day, text):
    assert long_date(day) == text


# --- hostile text ------------------------------------------------------------------------------

HOSTILE = {
    "applicant_name": "<script>alert('x')</script> Kari",
    "facts": '=HYPERLINK("http://angriper.example/","Klikk her")\n\n<b>fet</b> & {{ hemmelig }}',
    "considerations": "+SUM(A1:A9)\n\n%(service)s og %s blir stående",
    "applied_for": "<img src=x onerror=alert(1)>",
}


def test_hostile_text_is_literal_text_in_the_docx():
    doc = read_docx(letters.decision_docx(decision(**HOSTILE)))
    assert doc.paragraphs[0].startswith("<script>alert('x')</script> Kari\n")
    facts = doc.parts()["Opplysningene vi har bygget på"]
    assert facts[:2] == [
        '=HYPERLINK("http://angriper.example/","Klikk her")',
        "<b>fet</b> & {{ hemmelig }}",
    ]
    assert doc.parts()["Begrunnelse"][1:] == ["+SUM(A1:A9)", "%(service)s og %s blir stående"]
    assert "<img src=x onerror=alert(1)>" in doc.parts()["Det du har søkt om"]
    # No field, hyperlink or markup was made of the text: the only fields are the page numbers.
    assert doc.body_fields == []
    assert "w:hyperlink" not in doc.body_xml and "HYPERLINK" not in "".join(
        re.findall(r"<w:instrText[^>]*>[^<]*", doc.body_xml)
    )
    assert "<script>" not in doc.body_xml and "&lt;script&gt;" in doc.body_xml
    assert doc.footer_fields == ["PAGE", "NUMPAGES"]


def test_hostile_text_is_escaped_on_the_printable_page():
    html = letters.decision_html(decision(**HOSTILE))
    parsed = page(html)
    assert "script" not in parsed.tags and "img" not in parsed.tags and "b" not in parsed.tags
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; Kari" in html
    text = "".join(parsed.text)
    assert '=HYPERLINK("http://angriper.example/","Klikk her")' in text
    assert "<b>fet</b> & {{ hemmelig }}" in text
    assert "%(service)s og %s blir stående" in text


def test_characters_xml_cannot_hold_are_left_out_not_fatal():
    letter = decision(facts="Før\x00\x0b etter\ud800.", applicant_name="Kari\x1f Prøvesen")
    doc = read_docx(letters.decision_docx(letter))
    assert doc.parts()["Opplysningene vi har bygget på"][0] == "Før etter."
    assert doc.paragraphs[0].startswith("Kari Prøvesen\n")


# --- the printable page ------------------------------------------------------------------------


def test_the_printable_page_is_the_letter_without_navigation():
    html = letters.decision_html(decision("delvis-innvilget"))
    parsed = page(html)
    assert parsed.lang == "nb"
    assert "nav" not in parsed.tags and "form" not in parsed.tags and "script" not in parsed.tags
    assert 'href="/static/cases/letter.css"' in html
    text = "".join(parsed.text)
    for line in ("Testvik kommune", "Vår referanse: 2026/4711", "Dato: 3. desember 2026"):
        assert line in text
    assert "Med vennlig hilsen" in text


def test_the_print_css_sets_a4_and_the_docx_margins():
    from django.contrib.staticfiles import finders

    css = open(finders.find("cases/letter.css"), encoding="utf-8").read()  # noqa: SIM115
    assert "size: A4" in css
    top, right, bottom, left = A4_MARGINS_MM
    assert top == right == bottom == left and f"margin: {top}mm;" in css


# --- the preliminary reply ---------------------------------------------------------------------


def test_a_preliminary_reply_says_received_why_and_when():
    doc = read_docx(letters.preliminary_reply_docx(reply()))
    assert doc.title == "Foreløpig svar på søknaden din om praktisk bistand"
    expected = [
        "Vi har fått søknaden din",
        "Hvorfor det tar tid",
        "Når du kan vente svar",
        "Mens du venter",
        "Kontakt",
    ]
    assert doc.headings(1) == expected
    assert page(letters.preliminary_reply_html(reply())).h2 == expected
    parts = doc.parts()
    assert parts["Vi har fått søknaden din"][0] == (
        "Vi fikk søknaden din om praktisk bistand 20. oktober 2026."
    )
    assert "forvaltningsloven § 11 a" in parts["Vi har fått søknaden din"][1]
    assert parts["Hvorfor det tar tid"][1] == "Vi venter på en uttalelse fra fastlegen din."
    assert "innen 15. januar 2027" in parts["Når du kan vente svar"][0]
    assert "Dato: 3. desember 2026" in doc.paragraphs[1]


def test_a_preliminary_reply_without_a_known_date_says_so_and_needs_a_reason():
    parts = read_docx(letters.preliminary_reply_docx(reply(expected_decision_on=None))).parts()
    assert parts["Når du kan vente svar"][0].startswith("Vi kan ikke si sikkert ennå")
    with pytest.raises(ValueError, match="11 a"):
        reply(reason=" ")
    with pytest.raises(ValueError, match="language"):
        reply(language="se")


# --- the language the applicant asks for -------------------------------------------------------

MARK = "«nn» "


class _PseudoNynorsk(gettext_module.NullTranslations):
    """A stand-in nynorsk catalogue that marks every string it is asked for."""

    def gettext(self, message):
        return MARK + message

    def ngettext(self, singular, plural, n):
        return MARK + (singular if n == 1 else plural)

    def to_language(self):
        return "nn"

    def language(self):
        return "nn"


@pytest.fixture
def pseudo_nynorsk(monkeypatch):
    monkeypatch.setitem(trans_real._translations, "nn", _PseudoNynorsk())


@pytest.mark.parametrize("outcome", sorted(EXPECTED_PARTS))
def test_a_nynorsk_letter_is_tagged_nn_and_its_text_comes_through_gettext(pseudo_nynorsk, outcome):
    assert translation.get_language() == "nb"
    letter = decision(outcome, language="nn", waiting_list_place=None)
    doc = read_docx(letters.decision_docx(letter))
    assert translation.get_language() == "nb"  # the letter's language was not left on
    assert doc.language == "nn-NO" and doc.default_language == "nn-NO"
    headings = doc.headings(1)
    assert len(headings) == len(EXPECTED_PARTS[outcome])
    assert all(h.startswith(MARK) for h in headings), headings
    assert [h.removeprefix(MARK) for h in headings] == EXPECTED_PARTS[outcome]
    assert doc.title.startswith(MARK) and doc.footer_text.startswith(MARK + "Side ")
    assert doc.paragraphs[1].startswith(MARK + "Vår referanse: 2026/4711\n" + MARK + "Dato: ")
    complaint = doc.parts()[MARK + "Du kan klage"]
    assert all(p.startswith(MARK) for p in complaint)
    # What the caseworker wrote is not sent through the catalogue.
    assert "Du bor alene og har nedsatt kraft i armene." in doc.paragraphs
    parsed = page(letters.decision_html(letter))
    assert parsed.lang == "nn"
    assert [h.removeprefix(MARK) for h in parsed.h2] == EXPECTED_PARTS[outcome]


def test_a_nynorsk_preliminary_reply_is_tagged_nn(pseudo_nynorsk):
    doc = read_docx(letters.preliminary_reply_docx(reply(language="nn")))
    assert doc.language == "nn-NO" and doc.default_language == "nn-NO"
    assert all(h.startswith(MARK) for h in doc.headings(1))
    assert page(letters.preliminary_reply_html(reply(language="nn"))).lang == "nn"


def test_a_bokmal_letter_is_not_touched_by_the_nynorsk_catalogue(pseudo_nynorsk):
    with translation.override("nn"):
        doc = read_docx(letters.decision_docx(decision()))  # the letter says nb
    assert doc.language == "nb-NO"
    assert MARK not in doc.text and MARK not in doc.footer_text


# --- the service's label inside a sentence ------------------------------------------------------


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("Helsetjenester i hjemmet", "helsetjenester i hjemmet"),
        ("praktisk bistand", "praktisk bistand"),
        ("BPA", "BPA"),
        ("BPA – brukerstyrt personlig assistanse", "BPA – brukerstyrt personlig assistanse"),
        ("NAV-kurs", "NAV-kurs"),
        ("Å", "Å"),
        ("Økonomisk rådgivning", "økonomisk rådgivning"),
        ("", ""),
    ],
)
def test_a_label_is_lowered_only_at_its_first_letter_and_not_an_abbreviation(label, expected):
    assert letters.in_sentence(label) == expected


def test_a_capitalised_label_is_lower_case_inside_the_letters_sentences():
    label = "Helsetjenester i hjemmet"
    granted = read_docx(letters.decision_docx(decision(service_label=label)))
    assert granted.core.title == "Vedtak om helsetjenester i hjemmet"
    assert granted.parts()["Vedtak"] == ["Du får helsetjenester i hjemmet."]
    refused = read_docx(letters.decision_docx(decision("avslag", service_label=label)))
    assert refused.core.title == "Vedtak om helsetjenester i hjemmet – avslag"
    assert refused.parts()["Vedtak"] == ["Du får ikke helsetjenester i hjemmet."]
    printed = " ".join(page(letters.decision_html(decision(service_label=label))).text)
    assert "Vedtak om helsetjenester i hjemmet" in printed
    assert "Helsetjenester i hjemmet" not in printed
    answer = read_docx(letters.preliminary_reply_docx(reply(service_label=label)))
    assert answer.core.title == "Foreløpig svar på søknaden din om helsetjenester i hjemmet"
    assert "Helsetjenester" not in " ".join(" ".join(lines) for lines in answer.parts().values())


def test_an_abbreviated_label_keeps_its_capitals_in_the_letter():
    doc = read_docx(letters.decision_docx(decision(service_label="BPA")))
    assert doc.core.title == "Vedtak om BPA"
    assert doc.parts()["Vedtak"] == ["Du får BPA."]
