"""Reader for SSB Statistikkbanken CSV exports ("semikolonseparert med overskrift").

The layout, checked against a real export of SSB table 07459 (population by age, 2024;
https://www.ssb.no/statbank/table/07459): ISO-8859-1, CRLF line ends, ``;`` between fields, an
optional title line (``"07459: Population, by region, age, contents and year"``) and a blank
line, then a header. The stub columns come first (``"region";"age"``); each remaining column is
one contents × period (``"Persons 2024"``). A stub column may instead hold the period (header
``år``/``year``/``tid``).
Region cells carry the code before the label (``"K-3101 Halden"``). The export carries labels,
not contents codes, so the contents code stored is the contents label.

Status symbols (``.``, ``..``, ``...``, ``:``, ``-``, ``*``) are kept as statuses.
"""

from __future__ import annotations

import re

from losen.domain import safeinput
from losen.domain.errors import InputError
from losen.domain.indicators._common import (
    ReadLimits,
    check_line_count,
    checked_text,
    parse_number,
    problems_of,
    table_from_label,
    vintage_for,
)
from losen.domain.indicators.jsonstat import MAX_LISTED
from losen.domain.indicators.model import STATUS_MEANINGS, Observation, ParseResult, Problem
from losen.domain.indicators.register import RegionRegister, default_register

FORMAT = "ssb-csv"

_PERIOD = re.compile(r"^\d{4}(?:[MKHU]\d{1,2}|-\d{4})?$")
_REGION_CELL = re.compile(
    r"^(K-\d{2,4}(?:-\d{2})?|K-Rest|EAK\w*|EKG\d{2}|EKA\d{2}|\d{1,6})(?:\s+(.*))?$"
)
_REGION_HEADERS = {"region", "kommune", "fylke", "region/kommune", "geografi"}
_TIME_HEADERS = {"år", "year", "tid", "time", "periode", "period"}


def decode_text(data: bytes) -> str:
    """Decode UTF-8 (with or without BOM) if it is valid, else ISO-8859-1 as SSB exports use."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("iso-8859-1")


def parse_ssb_csv(
    data: bytes | str,
    *,
    source: str | None = None,
    table: str | None = None,
    regions: RegionRegister | None = None,
    limits: ReadLimits | None = None,
    name: str = "",
) -> ParseResult:
    """Read an SSB CSV export into tidy observations.

    Args:
        data: The file's bytes (ISO-8859-1 or UTF-8) or text.
        source: Publisher; ``SSB`` unless given.
        table: Table id; taken from the title line when not given.
        regions: The register region codes are checked against (the shipped one if not given).
        limits: Size, row and field limits (:func:`losen.domain.safeinput.read_csv`).
        name: The file's name, for messages.

    Returns:
        All observations, or every problem with the line and column it is in.
    """
    limits = limits or ReadLimits()
    try:
        text = checked_text(data, source=name) if isinstance(data, bytes) else data
        check_line_count(text, source=name, max_rows=limits.max_rows)
        rows = safeinput.read_csv(
            text,
            source=name,
            delimiter=";",
            max_bytes=max(limits.max_bytes, len(text)),
            max_rows=limits.max_rows,
            strict=False,
        )
    except InputError as error:
        return ParseResult(FORMAT, problems=problems_of(error))
    problems: list[Problem] = []
    line = 0
    table_id = table
    while line < len(rows) and len(rows[line]) <= 1:
        if rows[line] and rows[line][0].strip() and table_id is None:
            table_id = table_from_label(rows[line][0])
        line += 1
    if line >= len(rows):
        return ParseResult(FORMAT, problems=(Problem("", "no header row found"),))
    header = [h.strip() for h in rows[line]]
    header_line = line + 1
    if not table_id:
        problems.append(Problem("line 1", "no table id in a title line; give it explicitly"))

    region_col = next((i for i, h in enumerate(header) if h.lower() in _REGION_HEADERS), None)
    time_col = next((i for i, h in enumerate(header) if h.lower() in _TIME_HEADERS), None)
    stub_end = _stub_end(header, rows[line + 1 :], time_col)
    value_cols: list[tuple[int, str, str | None]] = []
    for i in range(stub_end, len(header)):
        label, period = _split_heading(header[i])
        if time_col is None and period is None:
            problems.append(
                Problem(f"line {header_line}, column {header[i]!r}", "no period at the end")
            )
        value_cols.append((i, label if time_col is None else header[i], period))
    if region_col is None:
        region_col = 0 if stub_end > 0 else None
    if not value_cols:
        problems.append(Problem(f"line {header_line}", "no value columns after the stub columns"))
    if problems:
        return ParseResult(FORMAT, problems=tuple(problems))

    other_cols = [i for i in range(stub_end) if i not in (region_col, time_col)]
    register = regions or default_register()
    observations: list[Observation] = []
    listed = 0
    for offset, row in enumerate(rows[line + 1 :], start=header_line + 1):
        if not row or all(not cell.strip() for cell in row):
            continue
        place = f"line {offset}"
        if len(row) != len(header):
            listed += 1
            if listed <= MAX_LISTED:
                problems.append(Problem(place, f"{len(row)} fields, header has {len(header)}"))
            continue
        region_code = "0"
        if region_col is not None:
            match = _REGION_CELL.match(row[region_col].strip())
            if match is None:
                listed += 1
                if listed <= MAX_LISTED:
                    problems.append(
                        Problem(place, f"region {row[region_col]!r} has no code before the name")
                    )
                continue
            region_code = match.group(1)
            unknown_region = register.problem(region_code)
            if unknown_region:
                listed += 1
                if listed <= MAX_LISTED:
                    problems.append(Problem(place, unknown_region))
                continue
        dims = tuple((header[i], row[i].strip()) for i in other_cols)
        for col, label, col_period in value_cols:
            period = row[time_col].strip() if time_col is not None else str(col_period)
            raw = row[col].strip()
            status: str | None = None
            value = None
            if raw in STATUS_MEANINGS:
                status = raw
            elif raw:
                value = parse_number(raw)
                if value is None:
                    listed += 1
                    if listed <= MAX_LISTED:
                        problems.append(
                            Problem(
                                f"{place}, column {header[col]!r}",
                                f"{raw!r} is neither a number nor a status symbol",
                            )
                        )
                    continue
            observations.append(
                Observation(
                    source=source or "SSB",
                    table=str(table_id),
                    contents_code=label,
                    contents_label=label,
                    region_code=region_code,
                    region_vintage=vintage_for(region_code, period),
                    period=period,
                    value=value,
                    status=status,
                    unit="",
                    decimals=None,
                    updated=None,
                    dimensions=dims,
                )
            )
    if listed > MAX_LISTED:
        problems.append(Problem("", f"{listed - MAX_LISTED} more problems like these"))
    if problems:
        return ParseResult(FORMAT, problems=tuple(problems))
    return ParseResult(FORMAT, observations=tuple(observations))


def _split_heading(heading: str) -> tuple[str, str | None]:
    """Split ``"Persons 2024"`` into the contents label and the period."""
    head, _, last = heading.rpartition(" ")
    if head and _PERIOD.match(last):
        return head.strip(), last
    return heading, None


def _stub_end(header: list[str], body: list[list[str]], time_col: int | None) -> int:
    """Return the index of the first value column: the first whose header ends in a period.

    When the period is a stub column, the value columns are those whose cells are numbers or
    status symbols in the first data row.
    """
    if time_col is None:
        for i, heading in enumerate(header):
            if _split_heading(heading)[1] is not None:
                return i
        return len(header)
    first = next((r for r in body if r and len(r) == len(header)), None)
    if first is None:
        return time_col + 1
    for i in range(time_col + 1, len(header)):
        cell = first[i].strip()
        if cell in STATUS_MEANINGS or parse_number(cell) is not None:
            return i
    return len(header)
