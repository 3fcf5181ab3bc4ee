"""Checking the audit log's hash chain."""

from __future__ import annotations

from losen.cli import EXIT_CHECK_FAILED, EXIT_OK, setup_django


def register(subparsers) -> None:
    parser = subparsers.add_parser("audit", help="revisjonsloggen: kontroller hash-kjeden")
    actions = parser.add_subparsers(title="handlinger", metavar="HANDLING")
    verify = actions.add_parser(
        "verify", help="kontroller kjeden; exit 0 når den er hel, 1 ved første brudd"
    )
    verify.set_defaults(handler=verify_command)


def verify_command(args) -> int:
    setup_django()
    from losen.apps.audit.services import verify_chain

    result = verify_chain()
    if result.ok:
        print(f"Revisjonskjeden er hel: {result.entries_checked} poster kontrollert.")
        return EXIT_OK
    print(
        f"Revisjonskjeden er brutt ved post {result.broken_sequence}: {result.problem} "
        f"({result.entries_checked} poster før bruddet er hele)."
    )
    return EXIT_CHECK_FAILED
