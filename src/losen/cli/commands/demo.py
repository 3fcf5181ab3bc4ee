"""Creating or resetting the demo municipality."""

from __future__ import annotations

from losen.cli import setup_django


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "demo", help="lag eller nullstill demokommunen Fjordvik (og nabokommunen Nabovik)"
    )
    parser.add_argument(
        "--password", help="passord for alle demobrukerne; uten dette lages og skrives ett ut"
    )
    parser.set_defaults(handler=demo_command)


def demo_command(args) -> int:
    setup_django()
    from losen.apps.demo.services import DEMO_USERNAMES, load_demo
    from losen.cli.commands.ops import migrate_database

    migrate_database(verbosity=0)
    password, summary = load_demo(password=args.password)
    print("Demodata er klare (alt er oppdiktet):")
    for line in summary:
        print(f"  - {line}")
    print(f"Brukere: {', '.join(DEMO_USERNAMES)}")
    print(f"Passord for alle demobrukerne: {password}")
    return 0
