"""Reading and validating decision input (JSON-like data or an XLSX workbook).

Validation collects every problem before giving up, each with the path of the field it
concerns, and raises one :class:`~losen.domain.errors.InputError`. A message starts with a
short English phrase that scripts can match (``not a number``, ``negative``,
``unknown criterion``, ``missing weight``, ``not finite``, ``empty matrix``, ``duplicate id``)
and gives the Norwegian explanation in brackets.

Two modes:

* ``deterministic`` (``losen rank``): every criterion needs a weight that is a number, every
  score a number.
* ``stochastic`` (``losen smaa``): a weight may be a number, ``{"min", "max"}`` on the
  normalised scale (shares of 1), or missing; a score may be a number or ``{"min", "max"}``.

Limits, checked before any other work so that a hostile file costs nothing
(``docs/reference/decision-engine.md``, «Input limits»): at most :data:`MAX_CRITERIA`
criteria, :data:`MAX_ALTERNATIVES` alternatives (:data:`MAX_SMAA_ALTERNATIVES` for SMAA) and
:data:`MAX_CELLS` scores; every number (weight, score, scale bound) at most
:data:`MAX_VALUE` in absolute value, so that no normalisation, sum or square can overflow
(scores of ±1e308 once made SMAA answer with every alternative first); ids and names are text
without lone surrogates, NUL or control characters.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from losen.domain.errors import InputError, InputTooLarge, Problem
from losen.domain.mcda.model import (
    Alternative,
    Criterion,
    DecisionProblem,
    Direction,
    Interval,
    Method,
    Scale,
    Score,
    Weight,
)
from losen.domain.safeinput import (
    MAX_NUMBER_MAGNITUDE,
    MAX_XLSX_CELLS,
    NotXlsx,
    open_xlsx,
    text_problem,
)

MAX_CRITERIA = 100
"""Most criteria in one decision. Weight stability costs one pass over the matrix per
criterion, and a decision with more criteria than this is not one people can weigh."""

MAX_ALTERNATIVES = 1_000_000
"""Most alternatives ranked by ``losen rank`` (the engine's benchmark size)."""

MAX_SMAA_ALTERNATIVES = 1_000
"""Most alternatives in SMAA: its rank acceptability is an alternatives × alternatives table."""

MAX_CELLS = 5_000_000
"""Most scores (alternatives × criteria) in one decision."""

MAX_VALUE = MAX_NUMBER_MAGNITUDE
"""Largest absolute value of a weight, score or scale bound (10^15)."""


def is_number(value: object) -> bool:
    """True for int and float, but not bool (JSON ``true`` is not a number)."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def _scientific(value: float) -> str:
    return f"{value:.0e}".replace("e+", "e")


def number_problem(path: str, value: object, *, allow_negative: bool = True) -> Problem | None:
    """The problem with ``value`` as a number at ``path``, or None when it is fine."""
    if value is None:
        return Problem(path, "missing (mangler)")
    if not is_number(value):
        return Problem(path, "not a number (ikke et tall)")
    if isinstance(value, float) and not math.isfinite(value):
        return Problem(path, "not finite (NaN eller uendelig er ikke tillatt)")
    if abs(value) > MAX_VALUE:  # type: ignore[arg-type]  # exact for ints of any size
        return Problem(
            path,
            f"too large (større enn {_scientific(MAX_VALUE)} i absoluttverdi; bruk en større "
            "enhet, f.eks. tusen kroner)",
        )
    if not allow_negative and float(value) < 0:  # type: ignore[arg-type]
        return Problem(path, "negative (kan ikke være negativ)")
    return None


def _interval(
    path: str, value: Mapping[str, Any], problems: list[Problem], *, allow_negative: bool
) -> Interval | None:
    low, high = value.get("min"), value.get("max")
    found = [
        number_problem(f"{path}.min", low, allow_negative=allow_negative),
        number_problem(f"{path}.max", high, allow_negative=allow_negative),
    ]
    found = [problem for problem in found if problem]
    for key in value:
        if key not in ("min", "max"):
            found.append(Problem(f"{path}.{key}", "unknown field (ukjent felt)"))
    if found:
        problems.extend(found)
        return None
    if float(low) > float(high):
        problems.append(Problem(path, "min is greater than max (min er større enn max)"))
        return None
    return Interval(float(low), float(high))


MAX_TEXT_LENGTH = 1_000
"""Longest id or name (characters)."""


def text_error(path: str, value: str) -> Problem | None:
    """The problem with ``value`` as an id or name, or None when it is fine."""
    problem = text_problem(value, path, max_chars=MAX_TEXT_LENGTH)
    if problem is None:
        return None
    return Problem(path, f"invalid text ({problem.message})")


def _identifier(path: str, value: object, problems: list[Problem]) -> str | None:
    if value is None:
        problems.append(Problem(path, "missing (mangler)"))
        return None
    if not isinstance(value, str) or not value.strip():
        problems.append(Problem(path, "not a non-empty string (må være tekst)"))
        return None
    problem = text_error(path, value)
    if problem is not None:
        problems.append(problem)
        return None
    return value


def _criterion(
    path: str, raw: object, stochastic: bool, problems: list[Problem]
) -> Criterion | None:
    if not isinstance(raw, Mapping):
        problems.append(Problem(path, "not an object (må være et objekt)"))
        return None
    before = len(problems)
    criterion_id = _identifier(f"{path}.id", raw.get("id"), problems)
    name = raw.get("name", criterion_id)
    if not isinstance(name, str):
        problems.append(Problem(f"{path}.name", "not a string (må være tekst)"))
    elif (problem := text_error(f"{path}.name", name)) is not None:
        problems.append(problem)
    direction_raw = raw.get("direction")
    direction = None
    if direction_raw is None:
        problems.append(Problem(f"{path}.direction", "missing (mangler: benefit eller cost)"))
    elif direction_raw not in ("benefit", "cost"):
        problems.append(
            Problem(f"{path}.direction", "must be 'benefit' or 'cost' (må være benefit/cost)")
        )
    else:
        direction = Direction(direction_raw)
    weight: Weight = None
    raw_weight = raw.get("weight")
    if raw_weight is None:
        if not stochastic:
            problems.append(Problem(f"{path}.weight", "missing weight (vekt mangler)"))
    elif isinstance(raw_weight, Mapping) and stochastic:
        weight = _interval(f"{path}.weight", raw_weight, problems, allow_negative=False)
        if weight is not None and weight.high > 1:
            problems.append(
                Problem(f"{path}.weight.max", "above 1 (vektintervall er andeler av 1)")
            )
    else:
        problem = number_problem(f"{path}.weight", raw_weight, allow_negative=False)
        if problem:
            problems.append(problem)
        else:
            weight = float(raw_weight)
    scale = None
    raw_scale = raw.get("scale")
    if raw_scale is not None:
        if not isinstance(raw_scale, Mapping):
            problems.append(Problem(f"{path}.scale", "not an object with min and max"))
        else:
            interval = _interval(f"{path}.scale", raw_scale, problems, allow_negative=True)
            if interval is not None and interval.low >= interval.high:
                problems.append(Problem(f"{path}.scale", "min must be below max (min < max)"))
            elif interval is not None:
                scale = Scale(interval.low, interval.high)
    known = {"id", "name", "direction", "weight", "scale", "description"}
    for key in raw:
        if key not in known:
            problems.append(Problem(f"{path}.{key}", "unknown field (ukjent felt)"))
    if len(problems) > before or criterion_id is None or direction is None:
        return None
    return Criterion(criterion_id, str(name), direction, weight, scale)


def _score(
    path: str, raw: object, criterion: Criterion | None, stochastic: bool, problems: list[Problem]
) -> Score | None:
    if isinstance(raw, Mapping) and stochastic:
        value: Score | None = _interval(path, raw, problems, allow_negative=True)
    else:
        problem = number_problem(path, raw)
        if problem:
            problems.append(problem)
            return None
        value = float(raw)  # type: ignore[arg-type]
    if value is None or criterion is None or criterion.scale is None:
        return value
    low, high = (value.low, value.high) if isinstance(value, Interval) else (value, value)
    scale = criterion.scale
    if low < scale.minimum or high > scale.maximum:
        problems.append(
            Problem(
                path,
                f"outside scale [{scale.minimum:g}, {scale.maximum:g}] (utenfor skalaen)",
            )
        )
        return None
    return value


def _check_size(data: Mapping[str, Any], *, stochastic: bool) -> None:
    """Refuse a problem over the size limits before looking at its entries."""
    raw_criteria, raw_alternatives = data.get("criteria"), data.get("alternatives")
    n = len(raw_criteria) if isinstance(raw_criteria, list) else 0
    m = len(raw_alternatives) if isinstance(raw_alternatives, list) else 0
    most = MAX_SMAA_ALTERNATIVES if stochastic else MAX_ALTERNATIVES
    problems = []
    if n > MAX_CRITERIA:
        problems.append(
            Problem("criteria", f"too many ({n}; høyst {MAX_CRITERIA} kriterier er tillatt)")
        )
    if m > most:
        problems.append(
            Problem("alternatives", f"too many ({m}; høyst {most} alternativer er tillatt)")
        )
    if not problems and m * n > MAX_CELLS:
        problems.append(
            Problem(
                "alternatives",
                f"too many scores ({m} × {n}; høyst {MAX_CELLS} skårer er tillatt, del opp)",
            )
        )
    if problems:
        raise InputTooLarge(problems)


def parse_problem(data: object, *, stochastic: bool = False) -> DecisionProblem:
    """Validate decision input and build a :class:`DecisionProblem`.

    Args:
        data: The parsed JSON (or the dict :func:`read_xlsx` builds).
        stochastic: True for SMAA input (intervals and missing weights allowed).

    Raises:
        InputTooLarge: over :data:`MAX_CRITERIA`, :data:`MAX_ALTERNATIVES` (SMAA:
            :data:`MAX_SMAA_ALTERNATIVES`) or :data:`MAX_CELLS`, before anything else.
        InputError: listing every problem found.
    """
    problems: list[Problem] = []
    if not isinstance(data, Mapping):
        raise InputError([Problem("", "not a JSON object (inndata må være et JSON-objekt)")])
    for key in data:
        if key not in ("criteria", "alternatives", "method"):
            problems.append(Problem(key, "unknown field (ukjent felt)"))
    method = Method.WEIGHTED_SUM
    raw_method = data.get("method")
    if raw_method is not None:
        if raw_method not in ("weighted-sum", "topsis"):
            problems.append(Problem("method", "must be 'weighted-sum' or 'topsis'"))
        elif stochastic and raw_method != "weighted-sum":
            problems.append(Problem("method", "smaa supports only 'weighted-sum'"))
        else:
            method = Method(raw_method)
    _check_size(data, stochastic=stochastic)

    criteria: list[Criterion | None] = []
    raw_criteria = data.get("criteria")
    if raw_criteria is None:
        problems.append(Problem("criteria", "missing (mangler)"))
    elif not isinstance(raw_criteria, list):
        problems.append(Problem("criteria", "not a list (må være en liste)"))
    elif not raw_criteria:
        problems.append(Problem("criteria", "empty matrix (ingen kriterier)"))
    else:
        seen: set[str] = set()
        for j, raw in enumerate(raw_criteria):
            criterion = _criterion(f"criteria[{j}]", raw, stochastic, problems)
            raw_id = raw.get("id") if isinstance(raw, Mapping) else None
            if isinstance(raw_id, str) and raw_id in seen:
                problems.append(Problem(f"criteria[{j}].id", f"duplicate id '{raw_id}'"))
                criterion = None
            if isinstance(raw_id, str):
                seen.add(raw_id)
            criteria.append(criterion)
        # Plain-number weights are normalised to sum 1 (for smaa too, when every weight is a
        # number), so they must not all be zero.
        weights = [c.weight for c in criteria if c is not None and is_number(c.weight)]
        if len(weights) == len(criteria) and sum(weights) <= 0:  # type: ignore[arg-type]
            problems.append(Problem("criteria", "weights sum to zero (vektene summerer til 0)"))
    by_id = {c.id: c for c in criteria if c is not None}
    declared_ids = {
        raw.get("id")
        for raw in (raw_criteria if isinstance(raw_criteria, list) else [])
        if isinstance(raw, Mapping) and isinstance(raw.get("id"), str)
    }

    alternatives: list[Alternative] = []
    raw_alternatives = data.get("alternatives")
    if raw_alternatives is None:
        problems.append(Problem("alternatives", "missing (mangler)"))
    elif not isinstance(raw_alternatives, list):
        problems.append(Problem("alternatives", "not a list (må være en liste)"))
    elif not raw_alternatives:
        problems.append(Problem("alternatives", "empty matrix (ingen alternativer)"))
    else:
        seen_alternatives: set[str] = set()
        for i, raw in enumerate(raw_alternatives):
            path = f"alternatives[{i}]"
            if not isinstance(raw, Mapping):
                problems.append(Problem(path, "not an object (må være et objekt)"))
                continue
            before = len(problems)
            alternative_id = _identifier(f"{path}.id", raw.get("id"), problems)
            if alternative_id is not None and alternative_id in seen_alternatives:
                problems.append(Problem(f"{path}.id", f"duplicate id '{alternative_id}'"))
            if alternative_id is not None:
                seen_alternatives.add(alternative_id)
            name = raw.get("name", alternative_id)
            if not isinstance(name, str):
                problems.append(Problem(f"{path}.name", "not a string (må være tekst)"))
            elif (problem := text_error(f"{path}.name", name)) is not None:
                problems.append(problem)
            for key in raw:
                if key not in ("id", "name", "scores", "description"):
                    problems.append(Problem(f"{path}.{key}", "unknown field (ukjent felt)"))
            raw_scores = raw.get("scores")
            scores: list[tuple[str, Score]] = []
            if raw_scores is None:
                problems.append(Problem(f"{path}.scores", "missing (mangler)"))
            elif not isinstance(raw_scores, Mapping):
                problems.append(Problem(f"{path}.scores", "not an object (må være et objekt)"))
            else:
                for key in raw_scores:
                    if key not in declared_ids:
                        problems.append(
                            Problem(f"{path}.scores.{key}", "unknown criterion (ukjent kriterium)")
                        )
                for raw_criterion in raw_criteria if isinstance(raw_criteria, list) else []:
                    if not isinstance(raw_criterion, Mapping):
                        continue
                    criterion_id = raw_criterion.get("id")
                    if not isinstance(criterion_id, str):
                        continue
                    score_path = f"{path}.scores.{criterion_id}"
                    if criterion_id not in raw_scores:
                        problems.append(Problem(score_path, "missing score (skår mangler)"))
                        continue
                    value = _score(
                        score_path,
                        raw_scores[criterion_id],
                        by_id.get(criterion_id),
                        stochastic,
                        problems,
                    )
                    if value is not None:
                        scores.append((criterion_id, value))
            if len(problems) == before and alternative_id is not None:
                alternatives.append(Alternative(alternative_id, str(name), tuple(scores)))
    if problems:
        raise InputError(problems)
    return DecisionProblem(tuple(c for c in criteria if c is not None), tuple(alternatives), method)


def _cell_id(value: object) -> object:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return _cell_text(value)


def _cell_text(value: object) -> object:
    if isinstance(value, str):
        text = value.strip()
        if ".." in text:
            low, _, high = text.partition("..")
            try:
                return {"min": float(low.replace(",", ".")), "max": float(high.replace(",", "."))}
            except ValueError:
                return value
        return text
    return value


def read_xlsx(path: str | Path) -> dict[str, Any]:
    """Read a decision workbook into the same structure as the JSON input.

    Layout (first row holds the column names, case-insensitive):

    * sheet ``criteria``: ``id``, ``name``, ``direction``, ``weight`` (or ``weight_min`` and
      ``weight_max``), ``scale_min``, ``scale_max``;
    * sheet ``alternatives``: ``id``, ``name``, then one column per criterion id; a score cell
      may hold a number or a text interval ``2..5``;
    * optional sheet ``settings``: rows ``key | value``, e.g. ``method | topsis``.

    The file goes through :func:`losen.domain.safeinput.open_xlsx` first (size, zip-bomb and
    DTD guard before openpyxl parses anything), and rows stop at :data:`MAX_ALTERNATIVES` +
    1 rows or :data:`~losen.domain.safeinput.MAX_XLSX_CELLS` cells per sheet.

    Raises:
        InputTooLarge: over a size limit (path: the file or sheet).
        InputError: when the workbook cannot be read (path: the file) or a sheet is missing
            (path: the sheet name).
    """
    try:
        book = open_xlsx(path, name=str(path))
    except NotXlsx as error:  # the contract's wording (docs/reference/decision-engine.md)
        raise InputError([Problem(str(path), f"cannot read XLSX ({error.reason})")]) from None
    try:
        return _read_book(book)
    finally:
        book.close()


def _read_book(book: Any) -> dict[str, Any]:
    sheets = {name.lower(): name for name in book.sheetnames}
    problems = [
        Problem(sheet, "missing sheet (arket mangler)")
        for sheet in ("criteria", "alternatives")
        if sheet not in sheets
    ]
    if problems:
        raise InputError(problems)

    def stream(sheet_name: str, max_rows: int = MAX_ALTERNATIVES + 1):
        return book.rows(sheets[sheet_name], max_rows=max_rows, max_cells=MAX_XLSX_CELLS)

    def rows(sheet_name: str) -> list[dict[str, object]]:
        values = list(stream(sheet_name))
        if not values:
            return []
        header = [str(cell).strip() if cell is not None else "" for cell in values[0]]
        result = []
        for row in values[1:]:
            if row is None or all(cell is None or cell == "" for cell in row):
                continue
            result.append(
                {header[k]: cell for k, cell in enumerate(row) if k < len(header) and header[k]}
            )
        return result

    criteria = []
    for row in rows("criteria"):
        lowered = {key.lower(): value for key, value in row.items()}
        criterion: dict[str, object] = {
            "id": _cell_id(lowered.get("id")),
            "name": _cell_text(lowered.get("name")) or _cell_id(lowered.get("id")),
            "direction": _cell_text(lowered.get("direction")),
        }
        if lowered.get("weight_min") is not None or lowered.get("weight_max") is not None:
            criterion["weight"] = {
                "min": lowered.get("weight_min"),
                "max": lowered.get("weight_max"),
            }
        elif lowered.get("weight") is not None:
            criterion["weight"] = _cell_text(lowered.get("weight"))
        if lowered.get("scale_min") is not None or lowered.get("scale_max") is not None:
            criterion["scale"] = {"min": lowered.get("scale_min"), "max": lowered.get("scale_max")}
        criteria.append(criterion)
    alternatives = []
    for row in rows("alternatives"):
        scores = {
            key: _cell_text(value)
            for key, value in row.items()
            if key.lower() not in ("id", "name")
        }
        lowered = {key.lower(): value for key, value in row.items()}
        alternatives.append(
            {
                "id": _cell_id(lowered.get("id")),
                "name": _cell_text(lowered.get("name")) or _cell_id(lowered.get("id")),
                "scores": scores,
            }
        )
    data: dict[str, Any] = {"criteria": criteria, "alternatives": alternatives}
    if "settings" in sheets:
        for row in stream("settings", max_rows=1_000):
            if row and len(row) >= 2 and str(row[0]).strip().lower() == "method":
                data["method"] = str(row[1]).strip()
    return data
