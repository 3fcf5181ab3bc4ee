"""``losen criteria swedish``: the Swedish ranking helper from scripts.

A pure command like ``losen rank``: it reads a file, calls :mod:`losen.domain.criteria`, and
prints JSON on stdout with every step of the proposal and its sentence, worded by the
translated layer (:mod:`losen.cli.wording`) in the language of ``--lang``. Bad input gives exit
code 2, one ``path: problem`` line per problem on stderr and nothing on stdout.
Contract: ``docs/reference/criteria.md``.
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from typing import Any

from losen.cli import EXIT_OK
from losen.cli.commands.decide import _emit, _fail, _read_json, add_language
from losen.domain.criteria import CombinedAssessment, parse_combined, swedish_rank
from losen.domain.errors import InputError, InputTooLarge, Problem

_ENTRY_FIELDS = ("id", "name", "assessment")

MAX_ALTERNATIVES = 10_000
"""Most alternatives in one file (each is worded step by step)."""


def _prefixed(prefix: str, error: InputError) -> list[Problem]:
    return [
        Problem(f"{prefix}.{problem.path}" if problem.path else prefix, problem.message)
        for problem in error.problems
    ]


def _alternatives(data: Any) -> list[tuple[str | None, str | None, CombinedAssessment]]:
    """``(id, name, assessment)`` for each alternative of either input shape.

    Raises:
        InputError: with every problem found, paths as in the input
            (``alternatives[1].assessment.nytte.level``).
    """
    if not isinstance(data, Mapping):
        raise InputError([Problem("", "not a JSON object")])
    if "alternatives" not in data:
        return [(None, None, parse_combined(data))]
    problems: list[Problem] = [
        Problem(str(key), "unknown field") for key in data if key != "alternatives"
    ]
    raw = data["alternatives"]
    if not isinstance(raw, list):
        raise InputError([*problems, Problem("alternatives", "not a list (må være en liste)")])
    if len(raw) > MAX_ALTERNATIVES:
        raise InputTooLarge(
            [Problem("alternatives", f"too many ({len(raw)}; høyst {MAX_ALTERNATIVES})")]
        )
    if not raw:
        problems.append(Problem("alternatives", "empty (ingen alternativer)"))
    result = []
    seen: set[str] = set()
    for k, entry in enumerate(raw):
        path = f"alternatives[{k}]"
        if not isinstance(entry, Mapping):
            problems.append(Problem(path, "not an object (må være et objekt)"))
            continue
        problems.extend(
            Problem(f"{path}.{key}", "unknown field") for key in entry if key not in _ENTRY_FIELDS
        )
        identifier = entry.get("id")
        if not isinstance(identifier, str) or not identifier.strip():
            problems.append(Problem(f"{path}.id", "missing (mangler)"))
            identifier = None
        elif identifier in seen:
            problems.append(Problem(f"{path}.id", f"duplicate id '{identifier}'"))
        else:
            seen.add(identifier)
        name = entry.get("name", identifier)
        if name is not None and not isinstance(name, str):
            problems.append(Problem(f"{path}.name", "not a string (må være tekst)"))
            name = identifier
        if "assessment" not in entry:
            problems.append(Problem(f"{path}.assessment", "missing (mangler)"))
            continue
        try:
            assessment = parse_combined(entry["assessment"])
        except InputError as error:
            problems.extend(_prefixed(f"{path}.assessment", error))
            continue
        result.append((identifier, name, assessment))
    if problems:
        raise InputError(problems)
    return result


def _swedish(args: argparse.Namespace) -> int:
    from losen.cli.wording import language

    try:
        alternatives = _alternatives(_read_json(args.file))
    except InputError as error:
        return _fail(error)
    # The answer is built whole and written at once (nothing on stdout if it fails).
    entries = []
    with language(args.lang) as wording:
        for identifier, name, assessment in alternatives:
            ranking = swedish_rank(assessment)
            entries.append(
                {
                    "id": identifier,
                    "name": name,
                    "category": ranking.category,
                    "category_text": wording.category(ranking.category),
                    "rank": ranking.rank,
                    "steps": [
                        {
                            "step": step.step,
                            "title": wording.step_title(step.step),
                            "code": step.fact.code,
                            "params": dict(step.fact.params),
                            "rank_before": step.rank_before,
                            "rank_after": step.rank_after,
                            "text": wording.say(step.fact),
                        }
                        for step in ranking.steps
                    ],
                    "flags": [
                        {
                            "code": flag.code,
                            "params": dict(flag.params),
                            "text": wording.say(flag),
                        }
                        for flag in assessment.flags
                    ],
                    "source": ranking.source,
                }
            )
    _emit({"alternatives": entries})
    return EXIT_OK


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``criteria`` with its sub-command ``swedish``."""
    criteria = subparsers.add_parser(
        "criteria",
        help="kriteriene nytte, ressurs og alvorlighet",
        description="Kriteriene nytte, ressurs og alvorlighet fra skript.",
    )
    commands = criteria.add_subparsers(title="kommandoer", metavar="KOMMANDO")
    swedish = commands.add_parser(
        "swedish",
        help="foreslå rang 1–10, ikke-gjøre eller FoU etter den svenske modellen",
        description=(
            "Foreslår rang 1–10, ikke-gjøre eller FoU for hver samlet vurdering i fila og "
            "viser hvert steg; skriver JSON."
        ),
    )
    swedish.add_argument(
        "file",
        metavar="FILE",
        help='JSON: én samlet vurdering eller {"alternatives": [...]}; - leser fra stdin',
    )
    add_language(swedish, "tekstene")
    swedish.set_defaults(handler=_swedish)
