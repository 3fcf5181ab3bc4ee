"""``losen rank``, ``losen smaa`` and ``losen optimize``: the decision engine from scripts.

Pure commands: they read a file, call :mod:`losen.domain`, and print JSON on stdout. Bad input
gives exit code 2, one ``path: problem`` line per problem on stderr and nothing on stdout.
Input is read through :mod:`losen.cli.inputs` (size, nesting depth, text and number checks of
:mod:`losen.domain.safeinput`); the problem-size limits are the engines' own
(:mod:`losen.domain.mcda.parse`, :mod:`losen.domain.portfolio.parse`); the answer is built
whole before a byte of it is written.
``optimize`` exits 1 (with its JSON answer on stdout) when the problem is infeasible.
``--explain`` words the domain's facts through the translated layer
(:mod:`losen.cli.wording`), in the language of ``--lang``.
Contracts: ``docs/reference/decision-engine.md``.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from losen.cli import EXIT_BAD_INPUT, EXIT_CHECK_FAILED, EXIT_OK
from losen.cli.inputs import emit_json, load_json_input, print_problems, reading_input
from losen.cli.wording import LANGUAGES, explainer
from losen.domain.errors import InputError, Problem
from losen.domain.mcda.parse import parse_problem, read_xlsx
from losen.domain.mcda.report import rank_report, smaa_report
from losen.domain.portfolio import Status, parse_portfolio, solve_portfolio
from losen.domain.portfolio.solve import DEFAULT_TIME_LIMIT_S
from losen.domain.safeinput import JsonSyntaxError, looks_like_xlsx


def _read_json(path: str) -> Any:
    """The JSON document at ``path`` (``-``: standard input), checked by safeinput."""
    if path != "-" and not Path(path).exists():
        raise InputError([Problem(path, "file not found (fila finnes ikke)")])
    try:
        # NaN and infinities reach the parsers, which refuse them as "not finite" (contract).
        return load_json_input(path, keep_non_finite=True)
    except JsonSyntaxError as error:
        raise InputError(
            [
                Problem(
                    path,
                    f"invalid JSON at line {error.lineno} column {error.colno} "
                    f"(ikke gyldig JSON: {error.msg})",
                )
            ]
        ) from None


def _read_decision(path: str) -> Any:
    """JSON, or an XLSX workbook (by suffix or content) in the same shape."""
    if path != "-":
        file = Path(path)
        if not file.exists():
            raise InputError([Problem(path, "file not found (fila finnes ikke)")])
        with reading_input(path):
            if file.suffix.lower() in (".xlsx", ".xlsm"):
                return read_xlsx(file)
            try:
                with file.open("rb") as handle:
                    if looks_like_xlsx(handle.read(4)):
                        return read_xlsx(file)
            except OSError:
                pass
    return _read_json(path)


def _fail(error: InputError) -> int:
    """The decision engine's error contract: one ``path: problem`` line each, no prefix."""
    print_problems(error.lines())
    return EXIT_BAD_INPUT


def _emit(report: dict[str, Any]) -> None:
    """Write the report whole, or nothing (see :func:`losen.cli.inputs.emit_json`)."""
    emit_json(report)


def _rank(args: argparse.Namespace) -> int:
    try:
        data = _read_decision(args.file)
        if args.method is not None and isinstance(data, dict):
            data = {**data, "method": args.method}
        problem = parse_problem(data)
        report = rank_report(problem, explain=explainer(args.lang) if args.explain else None)
        _emit(report)
    except InputError as error:
        return _fail(error)
    return EXIT_OK


def _smaa(args: argparse.Namespace) -> int:
    try:
        problem = parse_problem(_read_decision(args.file), stochastic=True)
        report = smaa_report(
            problem,
            samples=args.samples,
            seed=args.seed,
            explain=explainer(args.lang) if args.explain else None,
        )
        _emit(report)
    except InputError as error:
        return _fail(error)
    return EXIT_OK


@contextmanager
def _quiet_native_stdout() -> Iterator[None]:
    """Keep the solver's native diagnostics off stdout, which carries only our JSON.

    HiGHS (1.8 and later, inside scipy) can print progress lines straight to file descriptor
    1 even when display is off; they go to the null device while it runs.
    """
    sys.stdout.flush()
    saved = os.dup(1)
    null = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(null, 1)
        yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)
        os.close(null)


def _optimize(args: argparse.Namespace) -> int:
    try:
        problem = parse_portfolio(_read_json(args.file))
    except InputError as error:
        return _fail(error)
    with _quiet_native_stdout():
        result = solve_portfolio(problem, time_limit_s=args.time_limit)
    _emit(
        {
            "status": result.status.value,
            "selected": list(result.selected),
            "total_value": result.total_value,
            "total_cost": result.total_cost,
            "gap": result.gap,
            "next_in": list(result.next_in),
            "first_out": list(result.first_out),
            "reasons": list(result.reasons),
        }
    )
    return EXIT_CHECK_FAILED if result.status is Status.INFEASIBLE else EXIT_OK


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from error
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def _seed(text: str) -> int:
    try:
        value = int(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from error
    if value < 0:
        raise argparse.ArgumentTypeError("must be 0 or more")
    return value


def _positive_seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from error
    if not value > 0 or not math.isfinite(value):
        raise argparse.ArgumentTypeError("must be more than 0 and finite")
    return value


def add_language(parser: argparse.ArgumentParser, what: str) -> None:
    """``--lang nb|nn|en`` (default ``nb``) for commands that write sentences."""
    parser.add_argument(
        "--lang",
        choices=LANGUAGES,
        default="nb",
        help=f"språket {what} skrives på: nb (bokmål, standard), nn (nynorsk), en (engelsk)",
    )


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``rank``, ``smaa`` and ``optimize``."""
    rank = subparsers.add_parser(
        "rank",
        help="ranger alternativer (vektet sum eller TOPSIS) med vektstabilitet",
        description="Rangerer alternativer fra en JSON- eller XLSX-fil og skriver JSON.",
    )
    rank.add_argument("file", metavar="FILE", help="JSON eller XLSX; - leser JSON fra stdin")
    rank.add_argument(
        "--method",
        choices=["weighted-sum", "topsis"],
        help="overstyrer feltet method i fila",
    )
    rank.add_argument(
        "--explain", action="store_true", help="legg til setninger (feltet sentences)"
    )
    add_language(rank, "setningene")
    rank.set_defaults(handler=_rank)

    smaa = subparsers.add_parser(
        "smaa",
        help="robusthet med SMAA-2: rangakseptabilitet, sentrale vekter, konfidens",
        description="Stokastisk analyse av usikre vekter og skårer; skriver JSON.",
    )
    smaa.add_argument("file", metavar="FILE", help="JSON eller XLSX; - leser JSON fra stdin")
    smaa.add_argument("--samples", type=_positive_int, default=10_000, help="antall trekninger")
    smaa.add_argument("--seed", type=_seed, default=0, help="frø; samme frø gir samme svar")
    smaa.add_argument(
        "--explain", action="store_true", help="legg til setninger (feltet sentences)"
    )
    add_language(smaa, "setningene")
    smaa.set_defaults(handler=_smaa)

    optimize = subparsers.add_parser(
        "optimize",
        help="velg tiltak innenfor budsjett (eksakt MILP)",
        description="Velger porteføljen med størst verdi innenfor budsjett og krav; skriver JSON.",
    )
    optimize.add_argument("file", metavar="FILE", help="JSON; - leser fra stdin")
    optimize.add_argument(
        "--time-limit",
        type=_positive_seconds,
        default=DEFAULT_TIME_LIMIT_S,
        metavar="SEKUNDER",
        help="tidsgrense; da gis beste løsning funnet og gapet",
    )
    optimize.set_defaults(handler=_optimize)
