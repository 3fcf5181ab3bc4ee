"""Finding names, identity numbers, phone numbers and e-mail addresses in free text, however
they are written (pure functions, no database)."""

from __future__ import annotations

import sys
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum.no import fodselsnummer

from losen.apps.persons import personal_data as pd

#: Every format character (category Cf) Unicode knows: each renders as nothing or almost.
FORMAT_CHARACTERS = [
    chr(c) for c in range(sys.maxunicode + 1) if unicodedata.category(chr(c)) == "Cf"
]
assert "\u00ad" in FORMAT_CHARACTERS and "\u200b" in FORMAT_CHARACTERS


def _fnr(birth: str, individual: str) -> str:
    base = birth + individual
    first = fodselsnummer.calc_check_digit1(base)
    number = base + first + fodselsnummer.calc_check_digit2(base + first)
    assert fodselsnummer.is_valid(number), number
    return number


def test_normalise_removes_invisible_characters_and_folds_spaces():
    assert pd.normalise("Han\u00adsen\u200b\u2060") == "Hansen"
    assert pd.normalise("Kari\u00a0\u2009 Hansen") == "Kari Hansen"
    assert pd.normalise("Ｈａｎｓｅｎ") == "Hansen"


@pytest.mark.parametrize(
    "text",
    [
        "Saken gjelder Hansens søknad.",
        "Hansen's søknad",
        "Hansen’s søknad",
        "Hansen s søknad",
        "HANSENS",
        "hansen",
        "Han\u00adsen",
        "Hans\u200ben",
        "Han\u2060sen\ufeff",
        "Ｈａｎｓｅｎ",
        "(Hansen)",
        "Hansen-familien",
    ],
)
def test_a_family_name_is_found_in_every_form(text):
    assert pd.names_in(text, ["Hansen"]) == ["Hansen"]


@pytest.mark.parametrize("text", ["Hansenveien 3", "Johansen", "Hanse", "Ahansen"])
def test_other_words_are_not_the_name(text):
    assert pd.names_in(text, ["Hansen"]) == []


def test_a_full_name_is_found_with_any_spaces_between():
    assert pd.names_in("Spør Kari\u00a0 Hansen", ["Kari Hansen"]) == ["Kari Hansen"]


@given(
    name=st.text(
        alphabet=st.characters(whitelist_categories=("Lu", "Ll")), min_size=2, max_size=20
    ).filter(lambda n: pd.normalise(n) == n),
    inserts=st.lists(st.tuples(st.integers(0, 40), st.sampled_from(FORMAT_CHARACTERS)), max_size=8),
    before=st.sampled_from(["", "Søknad fra ", "Til: ", "("]),
    after=st.sampled_from(["", " i dag.", "s søknad", "'s sak", ")"]),
)
@settings(max_examples=300, deadline=None)
def test_property_format_characters_inside_a_name_never_hide_it(name, inserts, before, after):
    hidden = name
    for position, character in inserts:
        position %= len(hidden) + 1
        hidden = hidden[:position] + character + hidden[position:]
    assert pd.names_in(before + hidden + after, [name]) == [name]


@pytest.mark.parametrize(
    "text",
    [
        "01017000027",
        "010170 00027",
        "010170-00027",
        "010170 - 00027",
        "01.01.70 00027",
        "01.01.70-00027",
        "01 01 70 00027",
        "010170\u00a000027",
        "010170\u201300027",  # en dash
        "010170/00027",
        "0101\u200b7000027",
        "".join(chr(0xFF10 + int(d)) for d in "01017000027"),
    ],
)
def test_an_identity_number_is_found_with_any_separator(text):
    assert pd.identity_numbers(f"Søker {text} har fått svar.") == ["01017000027"]


def test_d_numbers_and_h_numbers_are_identity_numbers_too():
    d_number = _fnr("410170", "000")  # day + 40
    assert pd.identity_numbers(f"D-nummer {d_number[:6]} {d_number[6:]}") == [d_number]


@pytest.mark.parametrize(
    "text",
    [
        "Budsjettet er 13 000 000 kroner.",
        "Rammen er 13 000 000 000 kroner.",  # 11 digits, grouped as an amount
        "13.000.000",
        "Vedtatt 01.01.2024 kl. 10.15-12.30.",
        "Perioden 2023-2024 og 2025-2026.",
        "Saksnummer 2024/1234-5",
        "1 234 567,89",
        "Tallet 12345678901",  # eleven digits, invalid check digits
    ],
)
def test_amounts_dates_and_invalid_numbers_are_no_identity_numbers(text):
    assert pd.identity_numbers(text) == []


@given(amount=st.integers(0, 10**14), spaces=st.sampled_from([" ", "\u00a0", "\u2009", "."]))
@settings(max_examples=300, deadline=None)
def test_property_amounts_grouped_in_threes_are_no_identity_or_phone_numbers(amount, spaces):
    written = f"{amount:,}".replace(",", spaces)
    text = f"Kostnaden er {written} kroner."
    assert pd.identity_numbers(text) == []
    if amount >= 1000:  # a single group of up to three digits is no phone number either
        assert pd.phone_numbers(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "912 34 567",
        "912-34-567",
        "912.34.567",
        "91234567",
        "91 23 45 67",
        "91-23-45-67",
        "91.23.45.67",
        "+47 912 34 567",
        "+4791234567",
        "0047 91 23 45 67",
        "(+47) 22 33 44 55",
        "tlf.91234567",
        "912\u00a034\u00a0567",
        "912\u200b34567",
    ],
)
def test_a_phone_number_is_found_however_it_is_written(text):
    assert pd.phone_numbers(f"Ring {text} i dag.")


@pytest.mark.parametrize(
    "text",
    [
        "13 000 000",
        "kl. 10.15-12.30",
        "01.01.2024",
        "2023-2024",
        "12345678",  # begins with 1: no Norwegian subscriber number
        "1 234 567",
        "3,14159265",
        "Versjon 2.3.4.5",
    ],
)
def test_amounts_times_and_dates_are_no_phone_numbers(text):
    assert pd.phone_numbers(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "navn@example.no",
        "navn.etternavn+sak@example.co.uk",
        "navn@example",
        "navn @ example.no",
        "navn(at)example.no",
        "navn (at) example.no",
        "navn [at] example dot no",
        "navn [at] example [dot] no",
        "navn{at}example(dot)no",
        "navn at example dot no",
        "navn (alfakrøll) example (punktum) no",
        "navn＠example.no",
        "na\u200bvn@exa\u00admple.no",
    ],
)
def test_an_email_address_is_found_however_it_is_written(text):
    assert pd.email_addresses(f"Skriv til {text} for spørsmål.")


@pytest.mark.parametrize(
    "text",
    [
        "Vi mener at dette er bra.",
        "Se på tilbudet at home.",
        "@SUM(A1)",
        "Tiltaket (at det gis) er viktig.",
        "Prosent: 50 % dot",
    ],
)
def test_ordinary_words_are_no_email_address(text):
    assert pd.email_addresses(text) == []


def test_eleven_digit_numbers_are_found_without_checking_digits_and_masked():
    text = "Pasient 123 45 678 901 og 01.01.70 00027 ble sett, ring 91234567."
    assert pd.eleven_digit_numbers(text) == ["12345678901", "01017000027"]
    masked = pd.mask_eleven_digit_numbers(text, "[…]")
    assert masked == "Pasient […] og […] ble sett, ring 91234567."
