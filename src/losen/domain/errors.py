"""Errors shared by the pure domain.

Every engine in :mod:`losen.domain` reports bad input the same way: it collects *all* the
problems it can find, each tied to the field path it concerns (``alternatives[3].scores.nytte``),
and raises one :class:`InputError` carrying them. Front ends then print one line per problem
(the CLI on stderr, the web forms next to the field), so a user can fix a whole file in one
round instead of one error at a time.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple


class LosenDomainError(Exception):
    """Root of every error raised on purpose by :mod:`losen.domain`."""


class Problem(NamedTuple):
    """One thing wrong with an input.

    Attributes:
        path: Where in the input, as dotted names and ``[index]``, e.g.
            ``candidates[7].cost``. The empty string means the input as a whole.
        message: What is wrong, short and in the user's language.
    """

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class InputError(LosenDomainError, ValueError):
    """The input cannot be used; ``problems`` lists every reason found, in input order."""

    def __init__(self, problems: Iterable[Problem | tuple[str, str]]) -> None:
        self.problems: list[Problem] = [Problem(*problem) for problem in problems]
        if not self.problems:
            self.problems = [Problem("", "ugyldig inndata")]
        super().__init__("\n".join(str(problem) for problem in self.problems))

    def lines(self) -> list[str]:
        """One ``path: message`` line per problem, ready to print."""
        return [str(problem) for problem in self.problems]


class InputTooLarge(InputError):
    """The input is over a size limit (bytes, nesting, rows, cells, problem size).

    Raised *before* the work the limit protects, so a refusal costs no more than reading the
    part of the input needed to see it is too large. The limits are the named constants of
    :mod:`losen.domain.safeinput` and of the engines that set their own.
    """
