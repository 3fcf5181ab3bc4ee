"""Reader for JSON-stat 2.0 as SSB's PxWebApi (v1 and v2) and FHI's Statistikk API send it.

Written here from the JSON-stat 2.0 format description (https://json-stat.org/format/) and
real responses of SSB's PxWebApi 2 (https://data.ssb.no/api/pxwebapi/v2) and FHI's Statistikk
API (https://statistikk-data.fhi.no/api/open/v1/). The quirks handled:

* ``category.index`` as an object ``{"3002": 0, …}`` (SSB) or an array ``["03", "30"]`` (FHI), or
  absent for a single category;
* ``value`` as an array or as a sparse object ``{"17": 1.2}``;
* ``status`` as an object (SSB, sparse), an array, a single string, or ``""`` (FHI);
* ``role`` missing, ``null``, or with ``null`` entries (FHI); SSB's ``role`` often has no ``geo``;
* the JSON-stat 1.x wrapper ``{"dataset": {…}}`` that PxWebApi v1 gives for ``json-stat``.

Numbers are read with :class:`~decimal.Decimal` so that ``12.30`` stays ``12.30``. Every problem is
collected before returning, and each message names its place.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from losen.domain.errors import InputError
from losen.domain.indicators._common import (
    checked_text,
    load_exact_json,
    problems_of,
    short_source,
    table_from_label,
    updated_date,
    vintage_for,
)
from losen.domain.indicators.model import Observation, ParseResult, Problem
from losen.domain.indicators.register import RegionRegister, default_register

FORMAT = "jsonstat2"

#: Region dimensions by id, for when ``role.geo`` is missing (SSB's KOSTRA tables name theirs
#: ``KOKkommuneregion0000`` and give no ``role.geo``).
REGION_DIMENSIONS = (
    "Region",
    "KOKkommuneregion0000",
    "KOKfylkesregion0000",
    "KOKbydelsregion0000",
    "GEO",
)
TIME_DIMENSIONS = ("Tid", "AAR")
METRIC_DIMENSIONS = ("ContentsCode", "MEASURE_TYPE")
_KLASS_REGION_URNS = ("klass:131", "klass:104", "klass:231")

#: At most this many problems of one kind are listed; the rest are counted.
MAX_LISTED = 20
#: The most cells of one cube read when the caller gives no limit (the command line's).
MAX_CELLS = 10_000_000


class _Problems:
    """Collects problems, listing only the first few of each kind."""

    def __init__(self) -> None:
        self.items: list[Problem] = []
        self._counts: dict[str, int] = {}

    def add(self, place: str, message: str, kind: str | None = None) -> None:
        key = kind or place
        self._counts[key] = self._counts.get(key, 0) + 1
        if self._counts[key] <= MAX_LISTED:
            self.items.append(Problem(place, message))

    def finish(self) -> tuple[Problem, ...]:
        extra = [
            Problem(kind, f"{count - MAX_LISTED} more problems of this kind")
            for kind, count in self._counts.items()
            if count > MAX_LISTED
        ]
        return tuple(self.items + extra)


def parse_jsonstat(
    data: bytes | str | Mapping[str, Any],
    *,
    source: str | None = None,
    table: str | None = None,
    regions: RegionRegister | None = None,
    max_cells: int | None = None,
) -> ParseResult:
    """Read one JSON-stat dataset into tidy observations.

    Args:
        data: The response body (bytes or text) or the already decoded JSON object.
        source: Overrides the publisher (needed for FHI, whose ``source`` is ``null``).
        table: Overrides the table id (needed for FHI, whose responses carry none).
        regions: The register the region dimension's codes are checked against (the shipped
            one when not given).
        max_cells: The most cells (the product of ``size``) read; a cube of more is refused
            before any cell is made (:data:`MAX_CELLS` when not given).

    Returns:
        A :class:`ParseResult` with all observations, or with every problem found and none.
    """
    problems = _Problems()
    if isinstance(data, Mapping):
        doc: Any = data
    else:
        try:
            text = (
                checked_text(data, what="en JSON-tekst", source="")
                if isinstance(data, bytes)
                else data
            )
            doc = load_exact_json(text, source="")
        except InputError as error:
            return ParseResult(FORMAT, problems=problems_of(error))
    if not isinstance(doc, Mapping):
        return ParseResult(FORMAT, problems=(Problem("", "JSON-stat must be a JSON object"),))

    dataset, ids, sizes, role = _unwrap(doc, problems)
    if dataset is None:
        return ParseResult(FORMAT, problems=problems.finish())

    dimensions = dataset.get("dimension")
    if not isinstance(dimensions, Mapping):
        problems.add("dimension", "missing or not an object")
        return ParseResult(FORMAT, problems=problems.finish())

    codes_by_dim: dict[str, list[str]] = {}
    for dim_id, size in zip(ids, sizes, strict=False):
        codes = _category_codes(dim_id, dimensions.get(dim_id), size, problems)
        if codes is not None:
            codes_by_dim[dim_id] = codes

    cell_count = math.prod(sizes) if sizes else 0
    limit = MAX_CELLS if max_cells is None else max_cells
    if cell_count > limit:
        problems.add(
            "size",
            f"kuben har {cell_count} celler ({' × '.join(map(str, sizes))}); høyst {limit} "
            "kan leses; hent eller importer den i deler",
        )
        return ParseResult(FORMAT, problems=problems.finish())
    values = _values(dataset.get("value"), cell_count, ids, sizes, problems)
    statuses = _statuses(dataset.get("status"), cell_count, problems)

    time_dim = _pick_role(role, "time", ids, TIME_DIMENSIONS)
    geo_dim = _pick_role(role, "geo", ids, REGION_DIMENSIONS) or _klass_region(ids, dimensions)
    metric_dim = _pick_role(role, "metric", ids, METRIC_DIMENSIONS)
    if time_dim is None:
        problems.add("role", "no time dimension (role.time missing and no Tid or AAR)")
    if metric_dim is None:
        problems.add("role", "no contents dimension (role.metric missing, no ContentsCode)")
    if geo_dim is not None and geo_dim in codes_by_dim:
        register = regions or default_register()
        for code in codes_by_dim[geo_dim]:
            unknown_region = register.problem(code)
            if unknown_region:
                problems.add(f"dimension {geo_dim}", unknown_region, kind="region")

    label = dataset.get("label") if isinstance(dataset.get("label"), str) else None
    table_id = table or _px(dataset).get("tableid") or table_from_label(label)
    if not table_id:
        problems.add("extension.px.tableid", "table id not in the file; give it explicitly")
    source_name = source or short_source(_str_or_none(dataset.get("source")))
    if not source_name and "GEO" in ids and "MEASURE_TYPE" in ids:
        source_name = "FHI"
    if not source_name:
        problems.add("source", "publisher not in the file; give it explicitly")

    found = problems.finish()
    if found or time_dim is None or metric_dim is None or values is None:
        return ParseResult(FORMAT, problems=found)

    updated = updated_date(dataset.get("updated"))
    metric_category = _category(dimensions.get(metric_dim))
    units = metric_category.get("unit") if isinstance(metric_category.get("unit"), Mapping) else {}
    metric_labels = _labels(metric_category)
    table_decimals = _px(dataset).get("decimals")
    fallback_decimals = table_decimals if isinstance(table_decimals, int) else None

    other_dims = [d for d in ids if d not in (time_dim, geo_dim, metric_dim)]
    order = [codes_by_dim[d] for d in ids]
    position = {d: i for i, d in enumerate(ids)}
    # Everything that depends on one dimension's code alone is worked out once per code, not
    # once per cell: a national table has hundreds of thousands of cells but few codes.
    per_contents: dict[str, tuple[str, str, int | None]] = {}
    for contents in codes_by_dim[metric_dim]:
        unit_info = units.get(contents) if isinstance(units.get(contents), Mapping) else {}
        decimals = unit_info.get("decimals")
        per_contents[contents] = (
            metric_labels.get(contents, contents),
            str(unit_info.get("base") or unit_info.get("label") or ""),
            decimals if isinstance(decimals, int) else fallback_decimals,
        )
    metric_at, time_at = position[metric_dim], position[time_dim]
    geo_at = position[geo_dim] if geo_dim is not None else None
    other_at = [position[d] for d in other_dims]
    vintages: dict[tuple[str, str], str] = {}
    other_pairs: dict[tuple[str, ...], tuple[tuple[str, str], ...]] = {}
    source_text, table_text = str(source_name), str(table_id)
    observations: list[Observation] = []
    append = observations.append
    for cell, combo in enumerate(itertools.product(*order)):
        contents = combo[metric_at]
        period = combo[time_at]
        region = combo[geo_at] if geo_at is not None else "0"
        label, unit, decimals = per_contents[contents]
        vintage = vintages.get((region, period))
        if vintage is None:
            vintage = vintages[(region, period)] = vintage_for(region, period)
        if other_at:
            others = tuple(combo[i] for i in other_at)
            pairs = other_pairs.get(others)
            if pairs is None:
                pairs = other_pairs[others] = tuple(zip(other_dims, others, strict=True))
        else:
            pairs = ()
        append(
            Observation(
                source_text,
                table_text,
                contents,
                label,
                region,
                vintage,
                period,
                values[cell],
                statuses.get(cell),
                unit,
                decimals,
                updated,
                pairs,
            )
        )
    return ParseResult(FORMAT, observations=tuple(observations))


def _unwrap(
    doc: Mapping[str, Any], problems: _Problems
) -> tuple[Mapping[str, Any] | None, list[str], list[int], Any]:
    """Find the dataset and its ``id``, ``size`` and ``role`` in 2.0 or the 1.x wrapper."""
    if "dataset" in doc and isinstance(doc["dataset"], Mapping):
        dataset = doc["dataset"]
        dims = dataset.get("dimension") if isinstance(dataset.get("dimension"), Mapping) else {}
        raw_ids, raw_sizes, role = dims.get("id"), dims.get("size"), dims.get("role")
    else:
        dataset = doc
        klass = doc.get("class")
        if klass is not None and klass != "dataset":
            problems.add("class", f"'{klass}' is not a dataset")
            return None, [], [], None
        raw_ids, raw_sizes, role = doc.get("id"), doc.get("size"), doc.get("role")
    if not isinstance(raw_ids, list) or not all(isinstance(i, str) for i in raw_ids):
        problems.add("id", "missing or not a list of dimension ids")
        return None, [], [], None
    if not isinstance(raw_sizes, list) or not all(
        isinstance(s, int) and not isinstance(s, bool) and s >= 0 for s in raw_sizes
    ):
        problems.add("size", "missing or not a list of whole numbers")
        return None, [], [], None
    if len(raw_ids) != len(raw_sizes):
        problems.add("size", f"{len(raw_sizes)} sizes for {len(raw_ids)} dimensions in id")
        return None, [], [], None
    if len(set(raw_ids)) != len(raw_ids):
        problems.add("id", "a dimension id is repeated")
        return None, [], [], None
    return dataset, list(raw_ids), list(raw_sizes), role


def _category(dimension: Any) -> Mapping[str, Any]:
    if isinstance(dimension, Mapping) and isinstance(dimension.get("category"), Mapping):
        return dimension["category"]
    return {}


def _labels(category: Mapping[str, Any]) -> dict[str, str]:
    labels = category.get("label")
    if not isinstance(labels, Mapping):
        return {}
    return {str(k): str(v) for k, v in labels.items() if v is not None}


def _category_codes(
    dim_id: str, dimension: Any, size: int, problems: _Problems
) -> list[str] | None:
    """Return the category codes of a dimension in index order, or ``None`` on a problem."""
    place = f"dimension {dim_id}"
    if not isinstance(dimension, Mapping):
        problems.add(place, "listed in id but not described under dimension")
        return None
    category = _category(dimension)
    if not category:
        problems.add(place, "has no category")
        return None
    index = category.get("index")
    if isinstance(index, list):
        codes = [str(c) for c in index]
        if len(set(codes)) != len(codes):
            problems.add(place, "a code is repeated in index")
            return None
    elif isinstance(index, Mapping):
        positions = sorted(index.items(), key=lambda item: (not isinstance(item[1], int), item[1]))
        numbers = [p for _, p in positions]
        if not all(
            isinstance(p, int) and not isinstance(p, bool) for p in numbers
        ) or numbers != list(range(len(numbers))):
            problems.add(place, "index positions are not 0, 1, 2 … without gaps")
            return None
        codes = [str(code) for code, _ in positions]
    elif index is None:
        labels = _labels(category)
        if len(labels) != 1:
            problems.add(place, f"no index, and {len(labels)} labels (only one is allowed)")
            return None
        codes = list(labels)
    else:
        problems.add(place, "index is neither a list nor an object")
        return None
    if len(codes) != size:
        noun = "value" if len(codes) == 1 else "values"
        problems.add(place, f"{len(codes)} {noun} in index, size says {size}")
        return None
    return codes


def _number(raw: Any) -> tuple[bool, Decimal | None]:
    """Return (ok, number) for a JSON value cell; ``None`` is a valid empty cell."""
    if raw is None:
        return True, None
    if isinstance(raw, bool):
        return False, None
    if isinstance(raw, int):
        return True, Decimal(raw)
    if isinstance(raw, Decimal):
        return (raw.is_finite(), raw if raw.is_finite() else None)
    if isinstance(raw, float):
        return (math.isfinite(raw), Decimal(repr(raw)) if math.isfinite(raw) else None)
    return False, None


def _values(
    raw: Any, cell_count: int, ids: Sequence[str], sizes: Sequence[int], problems: _Problems
) -> list[Decimal | None] | None:
    """Read ``value`` (array or sparse object) into a dense list of numbers and ``None``."""
    shape = "×".join(str(s) for s in sizes) or "0"
    if isinstance(raw, list):
        if len(raw) != cell_count:
            problems.add("value", f"{len(raw)} values, size gives {shape} = {cell_count}")
            return None
        out: list[Decimal | None] = []
        append = out.append
        for i, item in enumerate(raw):
            kind = type(item)  # the common cases first; a national table has many cells
            if item is None:
                append(None)
            elif kind is Decimal and item.is_finite():
                append(item)
            elif kind is int:
                append(Decimal(item))
            else:
                ok, number = _number(item)
                if not ok:
                    problems.add(f"value[{i}]", f"{item!r} is not a number or null", kind="value[]")
                append(number)
        return out
    if isinstance(raw, Mapping):
        dense: list[Decimal | None] = [None] * cell_count
        for key, item in raw.items():
            if not (isinstance(key, str) and key.isdigit() and int(key) < cell_count):
                problems.add(
                    f"value[{key}]", f"not a cell of {shape} = {cell_count}", kind="value key"
                )
                continue
            ok, number = _number(item)
            if not ok:
                problems.add(f"value[{key}]", f"{item!r} is not a number or null", kind="value[]")
            dense[int(key)] = number
        return dense
    problems.add("value", "missing, or neither a list nor an object")
    return None


def _statuses(raw: Any, cell_count: int, problems: _Problems) -> dict[int, str]:
    """Read ``status`` in any of its forms into ``{cell: symbol}``; empty strings mean none."""
    if raw is None or raw == "":
        return {}
    if isinstance(raw, str):
        return dict.fromkeys(range(cell_count), raw)
    if isinstance(raw, list):
        if len(raw) == 1 and cell_count != 1:
            return {i: str(raw[0]) for i in range(cell_count) if raw[0] not in (None, "")}
        if len(raw) != cell_count:
            problems.add("status", f"{len(raw)} statuses for {cell_count} values")
            return {}
        return {i: str(s) for i, s in enumerate(raw) if s not in (None, "")}
    if isinstance(raw, Mapping):
        out: dict[int, str] = {}
        for key, symbol in raw.items():
            if not (isinstance(key, str) and key.isdigit() and int(key) < cell_count):
                problems.add(f"status[{key}]", f"not one of the {cell_count} cells", kind="status")
                continue
            if symbol not in (None, ""):
                out[int(key)] = str(symbol)
        return out
    problems.add("status", "neither a string, a list nor an object")
    return {}


def _pick_role(role: Any, name: str, ids: Sequence[str], known: Sequence[str]) -> str | None:
    """Pick the dimension with a role, from ``role`` when given, else by known ids."""
    if isinstance(role, Mapping):
        listed = role.get(name)
        if isinstance(listed, list):
            for dim_id in listed:
                if dim_id in ids:
                    return str(dim_id)
    for dim_id in known:
        if dim_id in ids:
            return dim_id
    return None


def _klass_region(ids: Sequence[str], dimensions: Mapping[str, Any]) -> str | None:
    """Find a region dimension through its KLASS link (``urn:ssb:classification:klass:131``)."""
    for dim_id in ids:
        dimension = dimensions.get(dim_id)
        if not isinstance(dimension, Mapping):
            continue
        link = dimension.get("link")
        described = link.get("describedby") if isinstance(link, Mapping) else None
        if not isinstance(described, list):
            continue
        for entry in described:
            ext = entry.get("extension") if isinstance(entry, Mapping) else None
            urns = str(ext.get(dim_id, "")) if isinstance(ext, Mapping) else ""
            if any(urn in urns for urn in _KLASS_REGION_URNS):
                return dim_id
    return None


def _px(dataset: Mapping[str, Any]) -> Mapping[str, Any]:
    ext = dataset.get("extension")
    px = ext.get("px") if isinstance(ext, Mapping) else None
    return px if isinstance(px, Mapping) else {}


def _str_or_none(raw: Any) -> str | None:
    return raw if isinstance(raw, str) and raw.strip() else None
