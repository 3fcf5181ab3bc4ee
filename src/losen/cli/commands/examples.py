"""``losen examples``: carry an example of the example bank between installations.

``losen examples export ID`` writes one example (its id from the example bank's list, or the
public page's token) as the example file; ``losen examples import FILE`` (``-`` for standard
input) stores an example file from another installation, attributed to the municipality it
names, whole or not at all. A file that breaks the contract, is too large, nested too deep,
holds NUL or a lone surrogate, is already imported, or looks like it holds personal data is
refused with exit code 2 and one ``file: path: problem`` line per problem on stderr; nothing
is stored and nothing is written on stdout. Contract: ``docs/reference/knowledge.md``.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path

from losen.cli import EXIT_OK, CommandError, setup_django
from losen.cli.inputs import emit, read_input, reading_input, source_name


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "examples", help="eksempelbanken: eksporter og importer eksempler (JSON)"
    )
    actions = parser.add_subparsers(title="handlinger", metavar="HANDLING")
    exp = actions.add_parser("export", help="skriv ett eksempel som eksempelfil (JSON)")
    exp.add_argument("example", metavar="ID", help="eksempelets id eller token")
    exp.add_argument("--output", "-o", type=Path, help="fil å skrive til (ellers standard ut)")
    exp.set_defaults(handler=export_command)
    imp = actions.add_parser(
        "import", help="importer en eksempelfil fra en annen installasjon; alt eller ingenting"
    )
    imp.add_argument("file", metavar="FIL", help="eksempelfila, eller - for standard inn")
    imp.set_defaults(handler=import_command)


def _find(identifier: str):
    from losen.apps.knowledge.models import Example

    example = None
    try:
        key = uuid.UUID(identifier)
    except ValueError:
        example = Example.objects.filter(token=identifier).first()
    else:
        example = Example.objects.filter(external_id=key).first()
    if example is None:
        raise CommandError(f"fant ikke noe eksempel med id eller token {identifier}")
    return example


def export_command(args) -> int:
    setup_django()
    from losen.apps.audit.models import Action
    from losen.apps.audit.services import record
    from losen.apps.knowledge.services import export_document

    example = _find(args.example)
    text = json.dumps(export_document(example), ensure_ascii=False, indent=2) + "\n"
    if args.output is not None:
        try:
            args.output.write_text(text, encoding="utf-8")
        except OSError as error:
            raise CommandError(
                f"kan ikke skrive {args.output}: {error.strerror or error}"
            ) from error
    record(
        actor=None,
        action=Action.EXPORT,
        target=example,
        municipality=example.municipality,
        details={"example_bank": "file", "via": "cli"},
    )
    if args.output is None:
        emit(text)
    else:
        print(f"Skrev eksempelet «{example.title}» til {args.output}.")
    return EXIT_OK


def import_command(args) -> int:
    setup_django()
    from losen.apps.knowledge import exchange
    from losen.apps.knowledge.services import import_example

    source = source_name(args.file)
    with reading_input(source):
        data = read_input(args.file, max_bytes=exchange.MAX_BYTES)
        example = import_example(actor=None, data=data, source=source)
    print(
        f"Importerte «{example.title}» fra {example.municipality_name} "
        f"({example.municipality_number}) som eksempel {example.external_id}."
    )
    return EXIT_OK
