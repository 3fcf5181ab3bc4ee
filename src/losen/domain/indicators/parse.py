"""One entry point for every file format: detect it from the content, read it, check it.

The file name is only used in messages; the format is told by the bytes (a ZIP signature for
XLSX, a JSON object for JSON-stat or our own export, the header row for templates, otherwise an
SSB CSV export). Every problem is collected before returning, so an import can refuse the whole
file and store nothing.
"""

from __future__ import annotations

import csv
import io

from losen.domain.errors import InputError
from losen.domain.indicators._common import (
    ReadLimits,
    checked_text,
    load_exact_json,
    problems_of,
    wide_encoding,
    wide_encoding_message,
)
from losen.domain.indicators.export import JSON_FORMAT, parse_losen_json
from losen.domain.indicators.jsonstat import parse_jsonstat
from losen.domain.indicators.model import Observation, ParseResult, Problem
from losen.domain.indicators.register import RegionRegister
from losen.domain.indicators.ssb_csv import decode_text, parse_ssb_csv
from losen.domain.indicators.templates import (
    looks_like_template,
    parse_template_csv,
    parse_template_xlsx,
)

_ZIP_SIGNATURE = b"PK\x03\x04"
#: How much of a text file the format is told from.
_SNIFF_CHARS = 64 * 1024


def detect_format(data: bytes) -> str:
    """Name the format of a file from its content (its first bytes).

    Returns one of ``mal-xlsx``, ``losen-observasjoner``, ``jsonstat2``, ``mal-csv``,
    ``ssb-csv``, ``utf-16`` (or ``utf-32``: text in an encoding Losen does not read) or
    ``ukjent``.
    """
    if data.startswith(_ZIP_SIGNATURE):
        return "mal-xlsx"
    wide = wide_encoding(data)
    if wide is not None:
        return wide.lower()
    text = decode_text(data[: _SNIFF_CHARS * 4])[:_SNIFF_CHARS]
    stripped = text.lstrip()
    if stripped.startswith("{"):
        if f'"{JSON_FORMAT}"' in stripped[:200]:
            return JSON_FORMAT
        return "jsonstat2"
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    if not lines:
        return "ukjent"
    first = lines[0].replace("\x00", "")
    delimiter = max((";", ",", "\t"), key=first.count)
    try:
        header = next(csv.reader(io.StringIO(first), delimiter=delimiter), [])
    except csv.Error:
        header = []
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
    limits: ReadLimits | None = None,
) -> ParseResult:
    """Read any supported file into tidy observations, or into every problem it has.

    Hostile or careless input gets a problem, never an exception: a file over the size limit,
    UTF-16, bytes that are not text, JSON nested too deep, a lone surrogate or NUL, numbers
    too long to be numbers, a decompression bomb dressed as XLSX, more rows or cells than the
    limits (checked while streaming, the template's header on its first row before the rest
    is read). The checks are :mod:`losen.domain.safeinput`'s, with the limits in *limits*.

    Args:
        data: The file's bytes.
        filename: Only used to name the file in messages.
        source: Publisher, for files that do not say (FHI JSON-stat); ignored by templates and
            exports, which carry their own ``kilde``.
        table: Table id, for files that do not say (FHI JSON-stat, CSV without a title line).
        regions: The register region codes are checked against; the shipped one
            (:func:`~losen.domain.indicators.register.default_register`) when not given.
        limits: Sizes above which the file is refused; the web import's by default
            (:class:`~losen.domain.indicators._common.ReadLimits`).

    Returns:
        A :class:`ParseResult`. When ``problems`` is not empty, ``observations`` is empty.
    """
    limits = limits or ReadLimits()
    name = filename or "fila"
    if len(data) > limits.max_bytes:
        return ParseResult(
            "ukjent",
            problems=(
                Problem(
                    name,
                    f"fila er {_megabytes(len(data))}; høyst {_megabytes(limits.max_bytes)} "
                    "kan importeres her",
                ),
            ),
        )
    fmt = detect_format(data)
    try:
        result = _read(data, fmt, name, source=source, table=table, regions=regions, limits=limits)
    except InputError as error:
        return ParseResult(fmt, problems=problems_of(error))
    if not result.ok or fmt == "jsonstat2":
        # A JSON-stat cube has one cell per combination of its dimensions' codes, each code
        # once in its dimension (the reader refuses a repeated one), and every dimension is
        # part of the key: it cannot hold a key twice. Not looking saves half a second on a
        # national table.
        return result
    if len(result.observations) > limits.max_observations:
        return ParseResult(
            result.format,
            problems=(
                Problem(
                    name,
                    f"fila har {len(result.observations)} observasjoner; høyst "
                    f"{limits.max_observations} kan importeres her",
                ),
            ),
        )
    duplicates = find_duplicates(result.observations)
    if duplicates:
        return ParseResult(result.format, problems=duplicates)
    return result


def _megabytes(count: int) -> str:
    return f"{count / (1024 * 1024):.1f} MB".replace(".", ",")


def _read(
    data: bytes,
    fmt: str,
    name: str,
    *,
    source: str | None,
    table: str | None,
    regions: RegionRegister | None,
    limits: ReadLimits,
) -> ParseResult:
    """Read *data* in the detected format; a refusal of the safe readers is raised."""
    if fmt in ("utf-16", "utf-32"):
        return ParseResult(fmt, problems=(Problem(name, wide_encoding_message(fmt.upper())),))
    if fmt == "mal-xlsx":
        return parse_template_xlsx(data, regions=regions, limits=limits, name=name)
    what = "en JSON-tekst" if fmt in (JSON_FORMAT, "jsonstat2") else "en CSV-tekst"
    text = checked_text(data, source=name, what=what)
    if fmt == JSON_FORMAT:
        doc = load_exact_json(text, source=name)
        if not isinstance(doc, dict):
            return ParseResult(fmt, problems=(Problem(name, "not a JSON object"),))
        return parse_losen_json(doc, regions=regions)
    if fmt == "jsonstat2":
        return parse_jsonstat(
            load_exact_json(text, source=name),
            source=source,
            table=table,
            regions=regions,
            max_cells=limits.max_observations,
        )
    if fmt == "mal-csv":
        return parse_template_csv(text, regions=regions, limits=limits, name=name)
    if fmt == "ssb-csv":
        return parse_ssb_csv(
            text, source=source, table=table, regions=regions, limits=limits, name=name
        )
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
