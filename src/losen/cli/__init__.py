"""The ``losen`` command.

Each module in :mod:`losen.cli.commands` adds its sub-commands through a ``register(subparsers)``
function; a sub-command sets ``handler`` (a callable taking the parsed arguments and returning
the exit code) with ``parser.set_defaults(handler=...)``.

Exit codes: 0 success, 1 a check failed (for example ``audit verify`` found a broken link),
2 bad input or bad usage (message on stderr, nothing on stdout).

Bad input is reported in one place, :func:`main`: a :class:`CommandError`, or any
:class:`~losen.domain.errors.LosenDomainError` a command lets through (``losen: `` and one
problem a line on stderr, exit 2). A ``RecursionError``, ``MemoryError`` or ``UnicodeError``
raised while input was read (inside :func:`losen.cli.inputs.reading_input`) is bad input too;
raised anywhere else it is a fault and keeps its traceback. Commands write their answer only
after it is complete (:func:`losen.cli.inputs.emit_json`), so a refusal leaves stdout empty.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from collections.abc import Sequence

from losen import __version__
from losen.cli.inputs import INPUT_SOURCE_ATTRIBUTE, print_problems
from losen.domain.errors import InputError, LosenDomainError

EXIT_OK = 0
EXIT_CHECK_FAILED = 1
EXIT_BAD_INPUT = 2


class CommandError(Exception):
    """A user-facing error: printed on stderr, the command exits with ``exit_code``."""

    def __init__(self, message: str, exit_code: int = EXIT_BAD_INPUT) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def build_parser() -> argparse.ArgumentParser:
    """Build the top-level parser with every registered sub-command."""
    parser = argparse.ArgumentParser(
        prog="losen",
        description="Losen – åpne prioriteringer og psykisk helse- og rusarbeid i kommunen.",
    )
    parser.add_argument("--version", action="version", version=f"losen {__version__}")
    subparsers = parser.add_subparsers(title="kommandoer", metavar="KOMMANDO")
    from losen.cli import commands

    for module_info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{commands.__name__}.{module_info.name}")
        register = getattr(module, "register", None)
        if register is not None:
            register(subparsers)
    return parser


def check_arguments(args: argparse.Namespace) -> None:
    """Refuse an argument holding a character no command can use, before any work.

    An argument that is not UTF-8 reaches Python as lone surrogates (``surrogateescape``),
    which PostgreSQL and every UTF-8 writer refuse; a control character (an escape sequence)
    would reach the terminal or the database. Paths (``type=Path``) are left alone: a file
    name is the file system's business, and it is only opened.

    Raises:
        InputError: naming the argument and the character.
    """
    from pathlib import PurePath

    from losen.domain.errors import Problem
    from losen.domain.safeinput import text_problem

    problems: list[Problem] = []
    for name, value in sorted(vars(args).items()):
        values = value if isinstance(value, list | tuple) else [value]
        for item in values:
            if isinstance(item, str) and not isinstance(item, PurePath):
                problem = text_problem(item, f"argumentet {name}", max_chars=None)
                if problem is not None:
                    problems.append(problem)
    if problems:
        raise InputError(problems)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``losen`` command and return its exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return EXIT_BAD_INPUT
    try:
        check_arguments(args)
        return int(handler(args) or EXIT_OK)
    except CommandError as error:
        print(f"losen: {error}", file=sys.stderr)
        return error.exit_code
    except LosenDomainError as error:
        # Bad input found by the domain (losen.domain.safeinput and the parsers): one problem
        # a line on stderr, nothing on stdout (commands write their answer only at the end).
        lines = error.lines() if isinstance(error, InputError) else str(error).splitlines()
        print_problems(lines or [type(error).__name__], prefix="losen: ")
        return EXIT_BAD_INPUT
    except (RecursionError, MemoryError, UnicodeError) as error:
        # Only when raised while input was read (losen.cli.inputs.reading_input); anywhere
        # else it is a fault in Losen and keeps its traceback.
        source = getattr(error, INPUT_SOURCE_ATTRIBUTE, None)
        if source is None:
            raise
        print(
            f"losen: {source}: inndata kan ikke behandles ({type(error).__name__}); "
            "sjekk at fila er en vanlig UTF-8-tekst i riktig format og ikke er for stor",
            file=sys.stderr,
        )
        return EXIT_BAD_INPUT
    except BrokenPipeError:
        # The reader went away (``losen fhir questionnaire phq-9 | head``): stop quietly, and
        # keep Python from complaining again when it flushes stdout at exit.
        import os

        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_CHECK_FAILED
    except Exception as error:
        # A setting is missing or wrong (LOSEN_SECRET_KEY, DATABASE_URL): its message says
        # what to fix; a traceback would only hide it.
        exceptions = sys.modules.get("django.core.exceptions")
        if exceptions is not None and isinstance(error, exceptions.ImproperlyConfigured):
            print(f"losen: {error}", file=sys.stderr)
            return EXIT_BAD_INPUT
        raise


def setup_django() -> None:
    """Configure Django for commands that touch stored data."""
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "losen.web.settings.local")
    django.setup()
