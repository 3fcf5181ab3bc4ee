"""Reading a command's input and writing its answer, the same way for every pure command.

* :func:`read_input` reads a file or standard input (``-``) with a size limit, never more
  than the limit plus one byte;
* :func:`load_json_input` adds every check of :func:`losen.domain.safeinput.load_json`
  (nesting depth, lone surrogates, NUL, number length and finiteness, problem size);
* :func:`reading_input` marks the reading and parsing of input, so that an error Python
  itself raises there (``RecursionError``, ``MemoryError``, ``UnicodeError``) ends the
  command with exit code 2 and a message instead of a traceback (:func:`losen.cli.main`);
* :func:`emit` and :func:`emit_json` write the whole answer in one piece, after it has been
  built and encoded, so a failure never leaves half an answer on standard output.

Bad input raises :class:`~losen.domain.errors.InputError`, which :func:`losen.cli.main` prints
on stderr (one problem a line) with exit code 2 and nothing on stdout.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from losen.domain.errors import InputError, Problem
from losen.domain.safeinput import MAX_JSON_BYTES, MAX_PROBLEMS, load_json, read_bytes, too_large

STDIN = "-"
STDIN_NAME = "standard inn"
INPUT_SOURCE_ATTRIBUTE = "losen_input_source"
"""Set on a ``RecursionError``, ``MemoryError`` or ``UnicodeError`` raised while reading
input: the source's name. :func:`losen.cli.main` turns only those into exit code 2."""


def source_name(path: str) -> str:
    """The name shown to the user for ``path`` (``standard inn`` for ``-``)."""
    return STDIN_NAME if path == STDIN else path


@contextmanager
def reading_input(source: str) -> Iterator[None]:
    """Mark reading and parsing ``source``: Python's own errors there are input errors."""
    try:
        yield
    except (RecursionError, MemoryError, UnicodeError) as error:
        setattr(error, INPUT_SOURCE_ATTRIBUTE, source)
        raise


def read_input(path: str, *, max_bytes: int = MAX_JSON_BYTES) -> bytes | str:
    """The bytes of ``path``, or of standard input for ``-``, at most ``max_bytes``.

    Raises:
        InputTooLarge: above ``max_bytes``.
        InputError: when the file does not exist or cannot be read.
    """
    if path != STDIN:
        return read_bytes(path, source=path, max_bytes=max_bytes)
    stream = getattr(sys.stdin, "buffer", None)
    if stream is not None:
        return read_bytes(stream, source=STDIN_NAME, max_bytes=max_bytes)
    text = sys.stdin.read(max_bytes + 1)  # a text stream without bytes (tests, embedding)
    if len(text) > max_bytes:
        raise too_large(STDIN_NAME, f"over {max_bytes} tegn", max_bytes)
    return text


def load_json_input(
    path: str,
    *,
    max_bytes: int = MAX_JSON_BYTES,
    max_items: int | None = None,
    keep_non_finite: bool = False,
) -> Any:
    """Read and parse the JSON document at ``path`` (``-``: standard input), every check on.

    ``keep_non_finite`` as in :func:`losen.domain.safeinput.load_json`.
    """
    source = source_name(path)
    with reading_input(source):
        return load_json(
            read_input(path, max_bytes=max_bytes),
            source=source,
            max_bytes=max_bytes,
            max_items=max_items,
            keep_non_finite=keep_non_finite,
        )


def print_problems(lines: list[str], *, prefix: str = "") -> None:
    """Print problems on stderr, one a line, at most :data:`~losen.domain.safeinput.MAX_PROBLEMS`
    of them and then how many more there are (a file with a million bad rows gets a readable
    answer, not a million lines)."""
    shown = lines[:MAX_PROBLEMS]
    for line in shown:
        print(f"{prefix}{line}", file=sys.stderr)
    if len(lines) > len(shown):
        print(f"{prefix}… og {len(lines) - len(shown)} problemer til", file=sys.stderr)


def _encoding() -> str:
    return getattr(sys.stdout, "encoding", None) or "utf-8"


def emit(text: str) -> None:
    """Write ``text`` to standard output in one piece.

    Characters the output's encoding cannot hold are written as backslash escapes rather
    than failing after part of the text is out.
    """
    try:
        text.encode(_encoding())
    except UnicodeEncodeError:
        text = text.encode(_encoding(), "backslashreplace").decode(_encoding())
    except LookupError:  # pragma: no cover - an unknown encoding name
        pass
    sys.stdout.write(text)
    sys.stdout.flush()


def emit_json(value: Any, *, indent: int | None = 2) -> None:
    """Write ``value`` as JSON (one document, newline-terminated) in one piece.

    Raises:
        InputError: when ``value`` holds a number that is not finite (the answer would not be
            JSON); nothing is written then.
    """
    try:
        text = json.dumps(value, ensure_ascii=False, indent=indent, allow_nan=False) + "\n"
    except ValueError:
        raise InputError(
            [
                Problem(
                    "",
                    "svaret ville inneholde tall som ikke er endelige; sjekk at tallene i "
                    "inndata ikke er ekstreme (svært store eller svært små)",
                )
            ]
        ) from None
    try:
        text.encode(_encoding())
    except UnicodeEncodeError:
        text = json.dumps(value, ensure_ascii=True, indent=indent, allow_nan=False) + "\n"
    except LookupError:  # pragma: no cover
        pass
    sys.stdout.write(text)
    sys.stdout.flush()
