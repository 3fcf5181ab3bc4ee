"""Writers for observations: CSV (the import template's long format) and JSON.

Both write back exactly what was read: values as their exact decimal text, statuses as symbols,
codes as strings. Reading an export with :func:`losen.domain.indicators.parse` gives the same
observations, in the same order. Both carry the SSB/FHI attribution (CC BY 4.0) that the data's
licence asks for: as ``#`` comment lines in CSV and as ``attribution`` in JSON.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from losen.domain.indicators._common import parse_number
from losen.domain.indicators.model import Observation, ParseResult, Problem, attribution_for
from losen.domain.indicators.register import RegionRegister, default_register
from losen.domain.indicators.templates import COLUMNS, DIMENSION_PREFIX
from losen.domain.spreadsheet import csv_writer

JSON_FORMAT = "losen-observasjoner"
JSON_VERSION = 1


def _dimension_names(observations: Sequence[Observation]) -> list[str]:
    names: dict[str, None] = {}
    for obs in observations:
        for name, _ in obs.dimensions:
            names.setdefault(name, None)
    return list(names)


def to_csv(observations: Iterable[Observation]) -> bytes:
    """Write observations as UTF-8 CSV (``;``, CRLF), one observation per line.

    The first lines are ``#`` comments with the attribution owed; then the template header
    (:data:`~losen.domain.indicators.templates.COLUMNS` and one ``dim:`` column per further
    dimension). Every cell goes through :func:`losen.domain.spreadsheet.csv_cell`, so a label
    or unit that a spreadsheet would read as a formula (``=HYPERLINK(…)``, ``@SUM(A1)``) is
    written as text with a leading ``'``; the template reader takes it off again.
    """
    rows = list(observations)
    dims = _dimension_names(rows)
    out = io.StringIO(newline="")
    for line in attribution_for({o.source for o in rows}):
        out.write(f"# {line}\r\n")
    writer = csv_writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(list(COLUMNS) + [DIMENSION_PREFIX + d for d in dims])
    for obs in rows:
        given = dict(obs.dimensions)
        writer.writerow(
            [
                obs.source,
                obs.table,
                obs.contents_code,
                obs.contents_label,
                obs.region_code,
                obs.region_vintage,
                obs.period,
                "" if obs.value is None else str(obs.value),
                obs.status or "",
                obs.unit,
                "" if obs.decimals is None else str(obs.decimals),
                "" if obs.updated is None else obs.updated.isoformat(),
            ]
            + [given.get(d, "") for d in dims]
        )
    return out.getvalue().encode("utf-8")


def observation_to_dict(obs: Observation) -> dict[str, Any]:
    """Return one observation as a JSON-ready dict; the value is text so no digit is lost."""
    return {
        "source": obs.source,
        "table": obs.table,
        "contents_code": obs.contents_code,
        "contents_label": obs.contents_label,
        "region_code": obs.region_code,
        "region_vintage": obs.region_vintage,
        "period": obs.period,
        "value": None if obs.value is None else str(obs.value),
        "status": obs.status,
        "unit": obs.unit,
        "decimals": obs.decimals,
        "updated": None if obs.updated is None else obs.updated.isoformat(),
        "dimensions": [[name, code] for name, code in obs.dimensions],
    }


def to_json(observations: Iterable[Observation]) -> bytes:
    """Write observations as a JSON document with one observation per line.

    Shape: ``{"format": "losen-observasjoner", "version": 1, "attribution": [...],
    "observations": [{...}, ...]}``; field names as in :func:`observation_to_dict`.
    """
    rows = list(observations)
    head = {
        "format": JSON_FORMAT,
        "version": JSON_VERSION,
        "attribution": list(attribution_for({o.source for o in rows})),
    }
    lines = [json.dumps(observation_to_dict(o), ensure_ascii=False) for o in rows]
    body = ",\n".join(lines)
    opening = json.dumps(head, ensure_ascii=False)[:-1]
    text = (
        f'{opening}, "observations": [\n{body}\n]}}\n'
        if lines
        else (f'{opening}, "observations": []}}\n')
    )
    return text.encode("utf-8")


def parse_losen_json(
    doc: Mapping[str, Any], *, regions: RegionRegister | None = None
) -> ParseResult:
    """Read a JSON export written by :func:`to_json` back into observations."""
    fmt = JSON_FORMAT
    register = regions or default_register()
    if doc.get("version") != JSON_VERSION:
        return ParseResult(fmt, problems=(Problem("version", f"expected {JSON_VERSION}"),))
    items = doc.get("observations")
    if not isinstance(items, list):
        return ParseResult(fmt, problems=(Problem("observations", "missing or not a list"),))
    problems: list[Problem] = []
    out: list[Observation] = []
    text_fields = ("source", "table", "contents_code", "contents_label", "region_code")
    for i, item in enumerate(items):
        place = f"observations[{i}]"
        if not isinstance(item, Mapping):
            problems.append(Problem(place, "not an object"))
            continue
        bad = [
            f
            for f in (*text_fields, "region_vintage", "period", "unit")
            if not isinstance(item.get(f), str)
        ]
        if bad:
            problems.append(Problem(place, "missing or not text: " + ", ".join(bad)))
            continue
        unknown_region = register.problem(item["region_code"])
        if unknown_region:
            problems.append(Problem(place, unknown_region))
            continue
        raw_value = item.get("value")
        value = parse_number(raw_value) if isinstance(raw_value, str) else None
        if raw_value is not None and value is None:
            problems.append(Problem(place, f"value {raw_value!r} is not a number in text"))
            continue
        status = item.get("status")
        decimals = item.get("decimals")
        updated = item.get("updated")
        dims = item.get("dimensions", [])
        try:
            updated_day = None if updated is None else date.fromisoformat(str(updated))
            dimension_pairs = tuple((str(name), str(code)) for name, code in dims)
        except (ValueError, TypeError):
            problems.append(Problem(place, "updated or dimensions malformed"))
            continue
        out.append(
            Observation(
                source=item["source"],
                table=item["table"],
                contents_code=item["contents_code"],
                contents_label=item["contents_label"],
                region_code=item["region_code"],
                region_vintage=item["region_vintage"],
                period=item["period"],
                value=value,
                status=status if isinstance(status, str) and status else None,
                unit=item["unit"],
                decimals=decimals if isinstance(decimals, int) else None,
                updated=updated_day,
                dimensions=dimension_pairs,
            )
        )
    if problems:
        return ParseResult(fmt, problems=tuple(problems))
    return ParseResult(fmt, observations=tuple(out))
