"""Export writes back exactly what was read: CSV and JSON read back to equal observations,
with the same decimal text, statuses and string codes; attribution rides along."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from losen.domain.indicators import Observation, parse, to_csv, to_json
from losen.domain.indicators.model import STATUS_MEANINGS

from .shared_data import shared_bytes


def exact(observations: tuple[Observation, ...]) -> list[tuple[object, ...]]:
    """Observations with values as text, so 12.50 and 12.5 differ."""
    return [(o, None if o.value is None else str(o.value)) for o in observations]


def test_kostra_jsonstat_round_trips_through_csv_and_json() -> None:
    read = parse(shared_bytes("ssb_jsonstat2_12367_kostra_regnskap.json")).observations
    for writer, fmt in ((to_csv, "mal-csv"), (to_json, "losen-observasjoner")):
        again = parse(writer(read))
        assert again.format == fmt and again.ok, again.problems
        assert exact(again.observations) == exact(read)


def test_fhi_round_trips() -> None:
    read = parse(shared_bytes("fhi_jsonstat2_example_befolkningsvekst.json"), table="173")
    again = parse(to_csv(read.observations))
    assert exact(again.observations) == exact(read.observations)


def test_export_shape_one_line_per_observation_with_status_and_attribution() -> None:
    read = parse(shared_bytes("ssb_jsonstat2_12367_kostra_regnskap.json")).observations
    lines = to_csv(read).decode("utf-8").split("\r\n")
    assert lines[0] == "# Kilde: Statistisk sentralbyrå (SSB), lisens CC BY 4.0"
    assert lines[1].startswith("kilde;tabell;indikatorkode;")
    assert len([line for line in lines[2:] if line]) == 1250
    assert lines[2 + 15].split(";")[7:9] == ["", ":"]
    doc = json.loads(to_json(read))
    assert doc["attribution"] == ["Kilde: Statistisk sentralbyrå (SSB), lisens CC BY 4.0"]
    assert doc["observations"][15]["status"] == ":" and doc["observations"][15]["value"] is None
    assert len(to_json(read).decode().splitlines()) == 1250 + 2


def test_user_data_is_named_as_user_provided() -> None:
    obs = Observation(
        "IS-24/8", "2023", "a", "a", "0301", "2023", "2023", Decimal(1), None, "", None, None
    )
    assert to_csv([obs]).decode().splitlines()[0] == "# Brukerleverte data: IS-24/8"


codes = st.text(alphabet="0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcæøå-_", min_size=1, max_size=8)
labels = (
    st.text(
        alphabet=st.characters(
            blacklist_categories=("Cs", "Cc"), blacklist_characters="\r\n\x85\u2028\u2029"
        ),
        max_size=20,
    )
    .map(str.strip)
    .filter(lambda s: s and not s.startswith("#"))
)
values = st.decimals(allow_nan=False, allow_infinity=False, places=None).filter(
    lambda d: d.is_finite()
)


@st.composite
def observations(draw: st.DrawFn) -> Observation:
    value = draw(st.none() | values)
    status = draw(st.none() | st.sampled_from(sorted(STATUS_MEANINGS)))
    if value is None and status is None:
        status = ".."
    period = draw(st.sampled_from(["2019", "2024", "2020_2020", "2023M12"]))
    region = draw(st.sampled_from(["0301", "K-3103", "EAK", "EKG13", "03", "1508"]))
    vintage = "2024" if region.startswith("K-") else period[:4]
    return Observation(
        source=draw(st.sampled_from(["SSB", "FHI", "lokal", "KPR"])),
        table=draw(codes),
        contents_code=draw(codes),
        contents_label=draw(labels),
        region_code=region,
        region_vintage=vintage,
        period=period,
        value=value,
        status=status,
        unit=draw(st.sampled_from(["", "1000 kr", "årsverk", "prosent"])),
        decimals=draw(st.none() | st.integers(0, 4)),
        updated=draw(st.none() | st.dates(date(2000, 1, 1), date(2030, 12, 31))),
        dimensions=tuple(
            (f"D{i}", code) for i, code in enumerate(draw(st.lists(codes, max_size=3)))
        ),
    )


@settings(max_examples=60, deadline=None)
@given(st.lists(observations(), max_size=8))
def test_any_observations_round_trip(items: list[Observation]) -> None:
    for writer in (to_csv, to_json):
        result = parse(writer(items))
        if not result.ok:
            # Only a duplicate key may stop a round trip; nothing else.
            assert all("same" in p.message for p in result.problems)
            continue
        assert exact(result.observations) == exact(tuple(items))
