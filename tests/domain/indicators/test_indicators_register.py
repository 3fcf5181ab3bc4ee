"""The municipality register the imports check region codes against.

The shipped ``data/kommuneregister.json`` is SSB's KommSummer grouping in compact form; where
the real grouping is at hand (a real-data file, see shared_data.py; skipped otherwise) it must
be exactly what
:func:`register_data_from_kommsummer` makes of it.
"""

from __future__ import annotations

import json
from importlib import resources

from hypothesis import given, settings
from hypothesis import strategies as st

from losen.domain.indicators.regions import load_kommsummer
from losen.domain.indicators.register import (
    PSEUDO_CODES,
    default_register,
    register_data_from_kommsummer,
)

from .shared_data import shared_bytes

REGISTER = default_register()


def test_the_shipped_register_is_ssbs_kommsummer_grouping() -> None:
    rows = load_kommsummer(shared_bytes("ssb_kommsummer_1994_2024.csv"))
    shipped = json.loads(
        (resources.files("losen.domain.indicators") / "data" / "kommuneregister.json").read_text(
            encoding="utf-8"
        )
    )
    made = register_data_from_kommsummer(rows)
    assert shipped["kommuner"] == made["kommuner"] and shipped["grupper"] == made["grupper"]
    assert "CC BY 4.0" in shipped["kilde"]


def test_counts_and_well_known_codes() -> None:
    assert len(REGISTER.municipalities) == 859 and len(REGISTER.groups) == 360
    for code in ("0301", "0101", "1507", "1508", "1580", "3001", "5001", "4601", "5501"):
        assert REGISTER.known(code), code
    for code in PSEUDO_CODES:
        assert not REGISTER.known(code)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(sorted(REGISTER.municipalities)))
def test_every_municipality_its_county_its_districts_and_its_k_code(code: str) -> None:
    assert REGISTER.problem(code) is None
    assert REGISTER.problem(code[:2]) is None
    assert REGISTER.problem(code + "01") is None and REGISTER.problem(code + "0101") is None
    assert REGISTER.problem(code + "00") is not None


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=8))
def test_a_code_is_known_only_if_it_has_a_known_shape(code: str) -> None:
    message = REGISTER.problem(code)
    if message is None:
        digits = code.isascii() and code.isdigit()
        assert (
            code == "0"
            or code.startswith(("EAK", "EKG", "EKA", "K-", "K."))
            or (digits and len(code) in (2, 4, 6, 8))
        )
    else:
        assert repr(code) in message


def test_added_codes_are_known_and_the_shipped_register_is_unchanged() -> None:
    assert not REGISTER.known("4699")
    added = REGISTER.with_codes(["4699"])
    assert added.known("4699") and added.known("469901") and added.known("46")
    assert not REGISTER.known("4699")
