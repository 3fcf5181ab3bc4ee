"""Pure clinical commands: instruments, pathway suggestion and FHIR export.

``losen instrument list|score|check``, ``losen pathway suggest`` and ``losen fhir
questionnaire`` call :mod:`losen.domain` directly and never touch Django. The contracts (JSON
fields, exit codes) are in ``docs/reference/instruments.md`` and ``docs/reference/pathways.md``.
Files are read through :mod:`losen.cli.inputs` and :mod:`losen.domain.safeinput` (size,
nesting depth, text and number checks); answers are written whole, after they are built.
"""

from __future__ import annotations

import json
from pathlib import Path

from losen.cli import EXIT_BAD_INPUT, EXIT_OK, CommandError
from losen.cli.inputs import emit, emit_json, load_json_input, print_problems, source_name
from losen.domain.errors import InputError as DocumentError
from losen.domain.fhir import ExportNotAllowed, build_questionnaire
from losen.domain.instruments import (
    AnswerError,
    DefinitionError,
    InstrumentDefinition,
    InstrumentRegistry,
    Sex,
    load_definition_file,
    load_registry,
    score_answers,
)
from losen.domain.instruments.loader import definition_files
from losen.domain.pathways import InputError, parse_input, suggest_pathway
from losen.domain.safeinput import JsonSyntaxError

MAX_SUMMARY_BYTES = 1024 * 1024
"""Largest assessment summary ``pathway suggest`` reads (1 MiB; a real one is under 1 KiB)."""


def _print_json(value: object) -> None:
    emit_json(value)


def _add_definitions_option(parser) -> None:
    parser.add_argument(
        "--definitions",
        action="append",
        default=[],
        type=Path,
        metavar="STI",
        help="kommunens egne instrumentdefinisjoner (JSON-fil eller mappe); kan gjentas",
    )


def register(subparsers) -> None:
    instrument = subparsers.add_parser(
        "instrument", help="standardinstrumenter (PHQ-9, GAD-7, AUDIT …): liste, skåre, kontroll"
    )
    actions = instrument.add_subparsers(title="handlinger", metavar="HANDLING")

    listing = actions.add_parser("list", help="skriv instrument-id-ene som JSON")
    _add_definitions_option(listing)
    listing.set_defaults(handler=list_command)

    score = actions.add_parser("score", help="skår ett svarsett og skriv resultatet som JSON")
    score.add_argument("instrument_id", metavar="ID", help="instrument-id, f.eks. phq-9")
    score.add_argument(
        "--answers",
        required=True,
        metavar="POENG",
        help="poeng per spørsmål slik skjemaet viser dem, kommaseparert (f.eks. 1,0,3,…)",
    )
    score.add_argument(
        "--sex",
        choices=[sex.value for sex in Sex],
        help="kjønn; påkrevd for instrumenter med kjønnsspesifikke grenseverdier",
    )
    _add_definitions_option(score)
    score.set_defaults(handler=score_command)

    check = actions.add_parser(
        "check", help="kontroller instrumentdefinisjoner (fil eller mappe) uten å ta dem i bruk"
    )
    check.add_argument("paths", nargs="+", type=Path, metavar="STI")
    check.set_defaults(handler=check_command)

    pathway = subparsers.add_parser(
        "pathway", help="forslag til hovedforløp og kontakt med spesialisthelsetjenesten"
    )
    pathway_actions = pathway.add_subparsers(title="handlinger", metavar="HANDLING")
    suggest = pathway_actions.add_parser(
        "suggest", help="les en kartleggingsoppsummering (JSON) og skriv forslaget som JSON"
    )
    suggest.add_argument("file", metavar="FIL", help="JSON-fil, eller - for standard inn")
    suggest.set_defaults(handler=suggest_command)

    fhir = subparsers.add_parser("fhir", help="FHIR R4-eksport av instrumenter")
    fhir_actions = fhir.add_subparsers(title="handlinger", metavar="HANDLING")
    questionnaire = fhir_actions.add_parser(
        "questionnaire", help="skriv et FHIR R4 Questionnaire for et instrument"
    )
    questionnaire.add_argument("instrument_id", metavar="ID", help="instrument-id, f.eks. phq-9")
    _add_definitions_option(questionnaire)
    questionnaire.set_defaults(handler=questionnaire_command)


def _registry(paths: list[Path]) -> InstrumentRegistry:
    try:
        return load_registry(paths)
    except DefinitionError as error:
        raise CommandError(str(error)) from error


def _definition(args) -> InstrumentDefinition:
    registry = _registry(args.definitions)
    try:
        return registry[args.instrument_id]
    except KeyError:
        known = ", ".join(registry.ids())
        raise CommandError(f"ukjent instrument «{args.instrument_id}»; kjente: {known}") from None


def _parse_answers(text: str, definition: InstrumentDefinition) -> list[int]:
    parts = [part.strip() for part in text.split(",")] if text.strip() else []
    answers: list[int] = []
    for position, part in enumerate(parts, start=1):
        try:
            answers.append(int(part))
        except ValueError:
            label = (
                f" ({definition.items[position - 1].label})"
                if position <= len(definition.items)
                else ""
            )
            raise CommandError(
                f"spørsmål {position}{label}: «{part}» er ikke et helt tall"
            ) from None
    return answers


def list_command(args) -> int:
    """Print the instrument ids (built-in plus ``--definitions``) as a JSON list on one line."""
    emit(json.dumps(_registry(args.definitions).ids()) + "\n")
    return EXIT_OK


def score_command(args) -> int:
    """Score one answer set; exit 2 naming the item when the answers do not fit."""
    definition = _definition(args)
    answers = _parse_answers(args.answers, definition)
    sex = Sex(args.sex) if args.sex else None
    try:
        result = score_answers(definition, answers, sex)
    except AnswerError as error:
        hint = " med --sex" if error.item is None else ""
        raise CommandError(f"{error}{hint}") from error
    _print_json(result.to_dict())
    return EXIT_OK


def check_command(args) -> int:
    """Validate definition files; print one line per valid file, every problem on stderr."""
    problems: list[str] = []
    valid: list[str] = []
    for path in args.paths:
        try:
            files = definition_files(path) if path.is_dir() else [path]
        except DefinitionError as error:
            problems.extend(str(error).splitlines())
            continue
        for file in files:
            try:
                definition = load_definition_file(file)
            except DefinitionError as error:
                problems.extend(str(error).splitlines())
                continue
            valid.append(f"{file}: {definition.id} {definition.version} er gyldig")
    if problems:
        print_problems(problems, prefix="losen: ")
        return EXIT_BAD_INPUT
    try:
        load_registry(args.paths)
    except DefinitionError as error:
        raise CommandError(str(error)) from error
    emit("".join(f"{line}\n" for line in valid))
    return EXIT_OK


def suggest_command(args) -> int:
    """Read an assessment summary and print the pathway suggestion as JSON."""
    source = source_name(args.file)
    if args.file != "-" and not Path(args.file).is_file():
        raise CommandError(f"{source}: kan ikke leses (fila finnes ikke)")
    try:
        raw = load_json_input(args.file, max_bytes=MAX_SUMMARY_BYTES)
    except JsonSyntaxError as error:
        raise CommandError(
            f"{source}: ikke gyldig JSON (linje {error.lineno}: {error.msg})"
        ) from None
    except DocumentError as error:
        raise CommandError("\nlosen: ".join(error.lines())) from None
    try:
        inputs = parse_input(raw)
    except InputError as error:
        print_problems([f"{source}: {problem}" for problem in error.problems], prefix="losen: ")
        return EXIT_BAD_INPUT
    _print_json(suggest_pathway(inputs).to_dict())
    return EXIT_OK


def questionnaire_command(args) -> int:
    """Print a FHIR R4 Questionnaire for one instrument."""
    definition = _definition(args)
    try:
        _print_json(build_questionnaire(definition))
    except ExportNotAllowed as error:
        raise CommandError(str(error)) from error
    return EXIT_OK
