"""Reading instrument definitions: the built-in files and a municipality's own.

The built-in definitions live in ``losen/domain/instruments/data/*.json``. A municipality adds
an instrument by writing a file in the same format (``docs/reference/instruments.md``) and
handing its path, or the directory holding it, to :func:`load_registry`. Every file is validated
on load (:func:`~losen.domain.instruments.validate.parse_definition`); a malformed file stops the
load with a message naming the file and the field. An id may be defined only once, so a local
file can never silently replace a built-in instrument.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from losen.domain.instruments.model import InstrumentDefinition
from losen.domain.instruments.validate import DefinitionError, parse_definition


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


def load_definition_text(text: str, origin: str) -> InstrumentDefinition:
    """Decode and validate one definition given as JSON text.

    Raises:
        DefinitionError: When the text is not JSON or the definition is malformed.
    """
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as error:
        raise DefinitionError(
            origin, [f"(dokumentet): ikke gyldig JSON (linje {error.lineno}: {error.msg})"]
        ) from error
    return parse_definition(raw, origin)


def load_definition_file(path: Path) -> InstrumentDefinition:
    """Read and validate one definition file.

    Raises:
        DefinitionError: When the file cannot be read or is malformed.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise DefinitionError(str(path), [f"(filen): kan ikke leses ({error})"]) from error
    return load_definition_text(text, str(path))


def _files_in(path: Path) -> list[Path]:
    if path.is_dir():
        return sorted(path.glob("*.json"))
    if path.is_file():
        return [path]
    raise DefinitionError(str(path), ["(stien): finnes ikke"])


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
