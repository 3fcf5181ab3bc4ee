"""Creating or resetting the demo municipality."""

from __future__ import annotations

from losen.cli import CommandError, setup_django


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "demo", help="lag eller nullstill demokommunen Fjordvik (og nabokommunen Nabovik)"
    )
    parser.add_argument(
        "--password",
        help=(
            "passord for alle demobrukerne (minst 12 tegn, de samme kravene som for andre "
            "brukere); uten dette lages og skrives ett ut"
        ),
    )
    parser.set_defaults(handler=demo_command)


def demo_command(args) -> int:
    setup_django()
    from django.conf import settings
    from django.core.exceptions import ValidationError
    from django.utils import translation

    from losen.apps.demo.services import DEMO_USERNAMES, check_demo_password, load_demo
    from losen.cli.commands.ops import migrate_database

    if args.password is not None:
        with translation.override(settings.LANGUAGE_CODE):  # the validators' own words
            try:
                check_demo_password(args.password)
            except ValidationError as error:
                raise CommandError(
                    f"--password: {_password_problems(error)} Velg et annet passord (minst 12 "
                    "tegn, ikke bare tall, ikke et vanlig passord), eller la være å oppgi det, så "
                    "lages det et."
                ) from error
    migrate_database(verbosity=0)
    password, summary = load_demo(password=args.password)
    print("Demodata er klare (alt er oppdiktet):")
    for line in summary:
        print(f"  - {line}")
    print(f"Brukere: {', '.join(DEMO_USERNAMES)}")
    print(f"Passord for alle demobrukerne: {password}")
    return 0


def _password_problems(error) -> str:
    """The validators' messages in bokmål (Django's own catalogue lacks the length message)."""
    problems = []
    for item in error.error_list:
        if item.code == "password_too_short":
            minimum = (item.params or {}).get("min_length", 12)
            problems.append(f"Passordet er for kort: det må ha minst {minimum} tegn.")
        else:
            problems.extend(item.messages)
    return " ".join(problems)
