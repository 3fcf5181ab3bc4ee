"""One entry point for every file format: detect it from the content, read it, check it.

The file name is only used in messages; the format is told by the bytes (a ZIP signature for
XLSX, a JSON object for JSON-stat or our own export, the header row for templates, otherwise an
SSB CSV export). Every problem is collected before returning, so an import can refuse the whole
file and store nothing.
"""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

from losen.domain.indicators.export import JSON_FORMAT, parse_losen_json
from losen.domain.indicators.jsonstat import parse_jsonstat
from losen.domain.indicators.model import Observation, ParseResult, Problem
from losen.domain.indicators.register import RegionRegister
from losen.domain.indicators.ssb_csv import (
    decode_text,
    parse_ssb_csv,
    wide_encoding,
    wide_encoding_message,
)
from losen.domain.indicators.templates import (
    looks_like_template,
    parse_template_csv,
    parse_template_xlsx,
)

_ZIP_SIGNATURE = b"PK\x03\x04"


def detect_format(data: bytes) -> str:
    """Name the format of a file from its content.

    Returns one of ``mal-xlsx``, ``losen-observasjoner``, ``jsonstat2``, ``mal-csv``,
    ``ssb-csv``, ``utf-16`` (or ``utf-32``: text in an encoding Losen does not read) or
    ``ukjent``.
    """
    if data.startswith(_ZIP_SIGNATURE):
        return "mal-xlsx"
    wide = wide_encoding(data)
    if wide is not None:
        return wide.lower()
    text = decode_text(data)
    stripped = text.lstrip()
    if stripped.startswith("{"):
        if f'"{JSON_FORMAT}"' in stripped[:200]:
            return JSON_FORMAT
        return "jsonstat2"
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    if not lines:
        return "ukjent"
    first = lines[0]
    delimiter = max((";", ",", "\t"), key=first.count)
    header = next(csv.reader(io.StringIO(first), delimiter=delimiter), [])
    if looks_like_template(header):
        return "mal-csv"
    if ";" in text[:2000]:
        return "ssb-csv"
    return "ukjent"


def parse(
    data: bytes,
    filename: str = "",
    *,
    source: str | None = None,
    table: str | None = None,
    regions: RegionRegister | None = None,
) -> ParseResult:
    """Read any supported file into tidy observations, or into every problem it has.

    Args:
        data: The file's bytes.
        filename: Only used to name the file in messages.
        source: Publisher, for files that do not say (FHI JSON-stat); ignored by templates and
            exports, which carry their own ``kilde``.
        table: Table id, for files that do not say (FHI JSON-stat, CSV without a title line).
        regions: The register region codes are checked against; the shipped one
            (:func:`~losen.domain.indicators.register.default_register`) when not given.

    Returns:
        A :class:`ParseResult`. When ``problems`` is not empty, ``observations`` is empty.
    """
    fmt = detect_format(data)
    if fmt in ("utf-16", "utf-32"):
        return ParseResult(
            fmt, problems=(Problem(filename or "", wide_encoding_message(fmt.upper())),)
        )
    if fmt == "mal-xlsx":
        result = parse_template_xlsx(data, regions=regions)
    elif fmt == JSON_FORMAT:
        try:
            doc = json.loads(decode_text(data), parse_float=Decimal)
        except json.JSONDecodeError as err:
            return ParseResult(fmt, problems=(Problem(f"line {err.lineno}", err.msg),))
        result = parse_losen_json(doc, regions=regions)
    elif fmt == "jsonstat2":
        result = parse_jsonstat(data, source=source, table=table, regions=regions)
    elif fmt == "mal-csv":
        result = parse_template_csv(data, regions=regions)
    elif fmt == "ssb-csv":
        result = parse_ssb_csv(data, source=source, table=table, regions=regions)
    else:
        name = filename or "the file"
        return ParseResult(
            fmt,
            problems=(
                Problem(
                    name,
                    "format not recognised (expected JSON-stat 2.0, an SSB CSV export, "
                    "or a Losen template in CSV or XLSX)",
                ),
            ),
        )
    if not result.ok or fmt == "jsonstat2":
        # A JSON-stat cube has one cell per combination of its dimensions' codes, each code
        # once in its dimension (the reader refuses a repeated one), and every dimension is
        # part of the key: it cannot hold a key twice. Not looking saves half a second on a
        # national table.
        return result
    duplicates = find_duplicates(result.observations)
    if duplicates:
        return ParseResult(result.format, problems=duplicates)
    return result


def observation_key(obs: Observation) -> tuple[object, ...]:
    """The identity of an observation: everything except its value, status and metadata."""
    return (
        obs.source,
        obs.table,
        obs.contents_code,
        obs.region_code,
        obs.region_vintage,
        obs.period,
        obs.dimensions,
    )


def find_duplicates(observations: tuple[Observation, ...]) -> tuple[Problem, ...]:
    """Report observations that occur twice (same key), naming both positions."""
    seen: dict[tuple[object, ...], int] = {}
    problems: list[Problem] = []
    for i, obs in enumerate(observations):
        key = observation_key(obs)
        if key in seen:
            where = f"observation {i + 1}"
            problems.append(
                Problem(
                    where,
                    f"same {obs.contents_code} / {obs.region_code} / {obs.period} "
                    f"as observation {seen[key] + 1}",
                )
            )
        else:
            seen[key] = i
    return tuple(problems[:20])
