"""Creating users from the command line."""

from __future__ import annotations

import getpass
import sys

from losen.cli import CommandError, setup_django
from losen.cli.inputs import STDIN_NAME, reading_input
from losen.domain.safeinput import check_text

MAX_PASSWORD_CHARS = 4096
"""Longest password read from standard input (Argon2 hashes any length; this bounds the read)."""

ROLE_CODES = ["leder", "saksbehandler", "kliniker", "analytiker", "admin", "leser"]


def register(subparsers) -> None:
    parser = subparsers.add_parser("createuser", help="lag en bruker med roller i en kommune")
    parser.add_argument("username", help="brukernavn")
    parser.add_argument(
        "--municipality", required=True, metavar="KOMMUNENUMMER", help="f.eks. 4699"
    )
    parser.add_argument(
        "--role",
        action="append",
        choices=ROLE_CODES,
        required=True,
        help="rolle i kommunen; kan gis flere ganger",
    )
    parser.add_argument("--first-name", default="")
    parser.add_argument("--last-name", default="")
    parser.add_argument("--email", default="")
    parser.add_argument(
        "--password-stdin",
        action="store_true",
        help="les passordet fra standard inn (for skript) i stedet for å spørre",
    )
    parser.set_defaults(handler=createuser_command)


def createuser_command(args) -> int:
    setup_django()
    from django.core.exceptions import ValidationError

    from losen.apps.accounts.models import Municipality, User
    from losen.apps.accounts.services import create_user

    municipality = Municipality.objects.filter(number=args.municipality).first()
    if municipality is None:
        raise CommandError(f"--municipality: fant ingen kommune med nummer {args.municipality}.")
    if User.objects.filter(username=args.username).exists():
        raise CommandError(f"brukernavnet «{args.username}» er allerede i bruk.")
    if args.password_stdin:
        # One line, at most MAX_PASSWORD_CHARS: a stream without a line break cannot fill
        # the memory, and a password with NUL or a lone surrogate is refused with a message.
        with reading_input(STDIN_NAME):
            line = sys.stdin.readline(MAX_PASSWORD_CHARS + 2)
        password = line.rstrip("\n").rstrip("\r")
        if len(password) > MAX_PASSWORD_CHARS:
            raise CommandError(f"{STDIN_NAME}: passordet er lengre enn {MAX_PASSWORD_CHARS} tegn.")
        check_text(password, where=f"{STDIN_NAME}: passordet", max_chars=None)
    else:
        password = getpass.getpass("Passord: ")
        if password != getpass.getpass("Gjenta passordet: "):
            raise CommandError("passordene er ikke like.")
    try:
        create_user(
            actor=None,
            username=args.username,
            password=password,
            municipality=municipality,
            roles=args.role,
            first_name=args.first_name,
            last_name=args.last_name,
            email=args.email,
        )
    except ValidationError as error:
        raise CommandError("; ".join(error.messages)) from error
    print(
        f"Laget brukeren {args.username} i {municipality.name} med rollene {', '.join(args.role)}."
    )
    return 0
