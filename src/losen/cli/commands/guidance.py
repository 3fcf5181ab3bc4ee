"""``losen guidance check`` and ``losen guidance import``: a municipality's own recommendations.

``check FILE`` validates a guideline file (format ``losen-guidance/1``) without touching the
database; ``import FILE --municipality NNNN`` validates it against the national ids too and
stores it for the municipality, so its leaders can assess themselves against it. Bad input
gives exit code 2 and one ``file: key: what to fix`` line per problem on stderr, nothing on
stdout. Contract: ``docs/reference/guidance.md``.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from losen.cli import EXIT_OK, CommandError, setup_django
from losen.cli.inputs import reading_input
from losen.domain.errors import InputError, Problem
from losen.domain.guidance.catalogue import MAX_FILE_BYTES, parse_local
from losen.domain.safeinput import read_bytes


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "guidance", help="kommunens egne anbefalinger i samme format som veilederne"
    )
    sub = parser.add_subparsers(title="kommandoer", metavar="KOMMANDO")
    check = sub.add_parser("check", help="kontroller en fil med lokale anbefalinger")
    check.add_argument("file", type=Path, help="JSON-fil i formatet losen-guidance/1")
    check.set_defaults(handler=_check)
    load = sub.add_parser("import", help="legg inn (eller erstatt) kommunens egne anbefalinger")
    load.add_argument("file", type=Path, help="JSON-fil i formatet losen-guidance/1")
    load.add_argument("--municipality", required=True, metavar="KOMMUNENUMMER", help="f.eks. 4699")
    load.set_defaults(handler=_import)


def _read(path: Path) -> bytes:
    if not path.exists():
        raise InputError([Problem(path.name, "fila finnes ikke")])
    with reading_input(path.name):
        return read_bytes(path, source=path.name, max_bytes=MAX_FILE_BYTES)


def _summary(guideline) -> dict:
    return {
        "id": guideline.id,
        "title": guideline.title,
        "version": guideline.version_label,
        "recommendations": len(guideline.recommendations),
        "check_points": sum(1 for _ in guideline.points()),
    }


def _check(args: argparse.Namespace) -> int:
    guideline = parse_local(_read(args.file), source=args.file.name)
    print(json.dumps(_summary(guideline), ensure_ascii=False))
    return EXIT_OK


def _import(args: argparse.Namespace) -> int:
    data = _read(args.file)
    parse_local(data, source=args.file.name)  # refuse before the database is opened
    setup_django()
    from losen.apps.accounts.models import Municipality
    from losen.apps.guidance import services

    municipality = Municipality.objects.filter(number=args.municipality).first()
    if municipality is None:
        raise CommandError(f"--municipality: fant ingen kommune med nummer {args.municipality}.")
    local = services.import_local_guideline(
        actor=None, municipality=municipality, data=data, source=args.file.name
    )
    print(
        json.dumps(
            {
                **_summary(parse_local(local.content, source=args.file.name)),
                "municipality": municipality.number,
            },
            ensure_ascii=False,
        )
    )
    return EXIT_OK
