"""Reading instrument definitions: the built-in files and a municipality's own.

The built-in definitions live in ``losen/domain/instruments/data/*.json``. A municipality adds
an instrument by writing a file in the same format (``docs/reference/instruments.md``) and
handing its path, or the directory holding it, to :func:`load_registry`. Every file is validated
on load (:func:`~losen.domain.instruments.validate.parse_definition`); a malformed file stops the
load with a message naming the file and the field. An id may be defined only once, so a local
file can never silently replace a built-in instrument.

Files are read through :mod:`losen.domain.safeinput` (at most :data:`MAX_DEFINITION_BYTES`,
nesting depth, lone surrogates, NUL, number length and finiteness), and a directory is read
only up to :data:`MAX_DEFINITION_FILES` definition files.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from losen.domain.errors import InputError
from losen.domain.instruments.model import InstrumentDefinition
from losen.domain.instruments.validate import DefinitionError, parse_definition
from losen.domain.safeinput import JsonSyntaxError, load_json, read_bytes

MAX_DEFINITION_BYTES = 1024 * 1024
"""Largest definition file (1 MiB; the built-in ones are 2–6 KiB)."""

MAX_DEFINITION_FILES = 1_000
"""Most definition files read from one directory."""


@dataclass(frozen=True, slots=True)
class InstrumentRegistry(Mapping[str, InstrumentDefinition]):
    """The instruments available, by id, in a stable (sorted) order."""

    definitions: tuple[InstrumentDefinition, ...]

    def __getitem__(self, instrument_id: str) -> InstrumentDefinition:
        for definition in self.definitions:
            if definition.id == instrument_id:
                return definition
        raise KeyError(instrument_id)

    def __iter__(self) -> Iterator[str]:
        return iter(definition.id for definition in self.definitions)

    def __len__(self) -> int:
        return len(self.definitions)

    def ids(self) -> list[str]:
        """Return the instrument ids, sorted."""
        return [definition.id for definition in self.definitions]


def _lines(error: InputError, whole: str) -> list[str]:
    return [
        str(problem) if problem.path else f"{whole}: {problem.message}"
        for problem in error.problems
    ]


def load_definition_text(text: str | bytes, origin: str) -> InstrumentDefinition:
    """Decode and validate one definition given as JSON text (or its UTF-8 bytes).

    Raises:
        DefinitionError: When the text is not JSON, is refused by
            :func:`losen.domain.safeinput.load_json`, or the definition is malformed.
    """
    try:
        raw = load_json(text, source="", max_bytes=MAX_DEFINITION_BYTES)
    except JsonSyntaxError as error:
        raise DefinitionError(
            origin, [f"(dokumentet): ikke gyldig JSON (linje {error.lineno}: {error.msg})"]
        ) from None
    except InputError as error:
        raise DefinitionError(origin, _lines(error, "(dokumentet)")) from None
    return parse_definition(raw, origin)


def load_definition_file(path: Path) -> InstrumentDefinition:
    """Read and validate one definition file.

    Raises:
        DefinitionError: When the file cannot be read, is too large, or is malformed.
    """
    try:
        data = read_bytes(path, source="", max_bytes=MAX_DEFINITION_BYTES)
    except InputError as error:
        raise DefinitionError(str(path), _lines(error, "(filen)")) from None
    return load_definition_text(data, str(path))


def definition_files(path: Path) -> list[Path]:
    """The definition files ``path`` names: itself, or a directory's ``*.json`` files.

    Raises:
        DefinitionError: When the path does not exist or the directory holds more than
            :data:`MAX_DEFINITION_FILES` definition files.
    """
    if path.is_dir():
        files = []
        for file in path.glob("*.json"):
            files.append(file)
            if len(files) > MAX_DEFINITION_FILES:
                raise DefinitionError(
                    str(path),
                    [f"(mappen): mer enn {MAX_DEFINITION_FILES} definisjonsfiler; del dem opp"],
                )
        return sorted(files)
    if path.is_file():
        return [path]
    raise DefinitionError(str(path), ["(stien): finnes ikke"])


_files_in = definition_files


@cache
def builtin_definitions() -> tuple[InstrumentDefinition, ...]:
    """Return the built-in definitions shipped with Losen, validated, sorted by id."""
    data = resources.files("losen.domain.instruments") / "data"
    definitions = [
        load_definition_text(entry.read_text(encoding="utf-8"), f"innebygd:{entry.name}")
        for entry in sorted(data.iterdir(), key=lambda e: e.name)
        if entry.name.endswith(".json")
    ]
    return _unique(definitions)


def _unique(definitions: Iterable[InstrumentDefinition]) -> tuple[InstrumentDefinition, ...]:
    by_id: dict[str, InstrumentDefinition] = {}
    for definition in definitions:
        earlier = by_id.get(definition.id)
        if earlier is not None:
            raise DefinitionError(
                definition.origin,
                [f"id: «{definition.id}» er allerede definert i {earlier.origin}"],
            )
        by_id[definition.id] = definition
    return tuple(by_id[key] for key in sorted(by_id))


def load_registry(extra_paths: Iterable[Path] = ()) -> InstrumentRegistry:
    """Return the built-in instruments plus those in ``extra_paths``.

    Args:
        extra_paths: Definition files, or directories whose ``*.json`` files are definitions
            (a municipality's own instruments).

    Raises:
        DefinitionError: When a file is malformed, a path does not exist, or an id is taken.
    """
    definitions = list(builtin_definitions())
    for path in extra_paths:
        definitions.extend(load_definition_file(file) for file in _files_in(Path(path)))
    return InstrumentRegistry(_unique(definitions))
