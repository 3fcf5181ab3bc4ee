"""The example file: one example of the bank as JSON, to carry it to another installation.

The format is a contract (docs/reference/knowledge.md, «Eksempelfila»): ``format`` names it,
``version`` is :data:`VERSION`, and ``example`` holds what the bank shows. A reader refuses a
file of another format or a newer version, unknown fields, wrong types, codes outside their
lists, over-long texts and too many list entries, and names each problem by its JSON path and
what to fix (in bokmål). The bytes go through :func:`losen.domain.safeinput.load_json` first,
with the limits below, so a hostile file is refused before any work (size, nesting, NUL and
lone surrogates, long numbers).
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Mapping
from typing import Any

from losen.domain import safeinput
from losen.domain.errors import InputError, Problem

FORMAT = "losen-eksempelbank"
VERSION = 1
MAX_BYTES = 512 * 1024
MAX_DEPTH = 8
MAX_ITEMS = 5_000
MAX_TEXT = 20_000
MAX_SHORT = 200
MAX_LIST = 50

SERVICE_AREAS = (
    "psykisk-helse-rus",
    "hjemmetjenester",
    "institusjon",
    "dagtilbud",
    "rehabilitering",
    "bolig",
    "legetjenester",
    "forebygging",
    "barn-unge",
    "annet",
)
LEVELS = ("politisk", "administrativ", "klinisk")
DIRECTIONS = ("opp", "ned", "om")

_NUMBER = re.compile(r"^\d{4}$")


class _Checker:
    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, path: str, message: str) -> None:
        """One problem per path: a missing field is not also reported as of the wrong type."""
        if all(p.path != path for p in self.problems):
            self.problems.append(Problem(path, message))

    def obj(self, value: Any, path: str, fields: dict[str, bool]) -> Mapping | None:
        """*value* as an object with *fields* (name → required); unknown fields refused."""
        if not isinstance(value, Mapping):
            self.add(path, "må være et objekt ({…})")
            return None
        for key in value:
            if key not in fields:
                self.add(f"{path}.{key}", "ukjent felt; fjern det (se docs/reference/knowledge.md)")
        for key, required in fields.items():
            if required and key not in value:
                self.add(f"{path}.{key}", "mangler; feltet må være med")
        return value

    def text(self, value: Any, path: str, *, limit: int = MAX_TEXT, required: bool = True) -> str:
        if value is None and not required:
            return ""
        if not isinstance(value, str):
            self.add(path, "må være tekst")
            return ""
        if required and not value.strip():
            self.add(path, "er tom; skriv en tekst")
        if len(value) > limit:
            self.add(path, f"er for lang ({len(value)} tegn; høyst {limit})")
        return value

    def code(self, value: Any, path: str, allowed: tuple[str, ...]) -> str:
        if value not in allowed:
            self.add(path, f"ukjent kode {str(value)[:40]!r}; bruk en av {', '.join(allowed)}")
            return ""
        return value

    def count(self, value: Any, path: str) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 1_000_000:
            self.add(path, "må være et helt tall fra 0 til 1 000 000")
            return 0
        return value

    def items(self, value: Any, path: str) -> list:
        if not isinstance(value, list):
            self.add(path, "må være en liste ([…])")
            return []
        if len(value) > MAX_LIST:
            self.add(path, f"har for mange oppføringer ({len(value)}; høyst {MAX_LIST})")
            return []
        return value


def validate(document: Any) -> dict:
    """The example of a parsed file, checked against the contract; a clean copy.

    Raises:
        InputError: with every problem found, each naming its JSON path.
    """
    c = _Checker()
    top = c.obj(
        document, "", {"format": True, "version": True, "exported_at": False, "example": True}
    )
    if top is None:
        raise InputError(c.problems)
    if top.get("format") != FORMAT:
        c.add("format", f"må være {FORMAT!r}: fila er ikke en eksempelfil fra Losen")
    version = top.get("version")
    if isinstance(version, bool) or not isinstance(version, int):
        c.add("version", f"må være et helt tall (denne Losen leser versjon {VERSION})")
    elif version > VERSION:
        c.add(
            "version",
            f"versjon {version} er nyere enn denne Losen kan lese ({VERSION}); oppdater Losen",
        )
    elif version < 1:
        c.add("version", f"ukjent versjon {version}; denne Losen leser versjon {VERSION}")
    if c.problems and "example" not in top:
        raise InputError(c.problems)
    if "exported_at" in top:
        c.text(top["exported_at"], "exported_at", limit=40, required=False)
    example = c.obj(
        top.get("example"),
        "example",
        {
            "id": True,
            "municipality": True,
            "title": True,
            "service_area": True,
            "level": True,
            "direction": True,
            "situation": True,
            "alternatives": False,
            "decision": True,
            "process": True,
            "participation": False,
            "evaluation": True,
        },
    )
    if example is None:
        raise InputError(c.problems)
    out: dict = {}
    raw_id = example.get("id")
    try:
        out["id"] = str(uuid.UUID(str(raw_id))) if isinstance(raw_id, str) else None
    except ValueError:
        out["id"] = None
    if out["id"] is None and "id" in example:
        c.add("example.id", "må være en UUID, for eksempel 3f0c…-…")
    m = c.obj(example.get("municipality"), "example.municipality", {"number": True, "name": True})
    if m is not None:
        number = m.get("number")
        if not isinstance(number, str) or not _NUMBER.match(number):
            c.add("example.municipality.number", "må være et kommunenummer med fire sifre")
        out["municipality"] = {
            "number": number if isinstance(number, str) else "",
            "name": c.text(m.get("name"), "example.municipality.name", limit=MAX_SHORT),
        }
    out["title"] = c.text(example.get("title"), "example.title", limit=MAX_SHORT)
    out["service_area"] = c.code(example.get("service_area"), "example.service_area", SERVICE_AREAS)
    out["level"] = c.code(example.get("level"), "example.level", LEVELS)
    out["direction"] = c.code(example.get("direction"), "example.direction", DIRECTIONS)
    out["situation"] = c.text(example.get("situation"), "example.situation")
    out["alternatives"] = []
    for k, item in enumerate(c.items(example.get("alternatives", []), "example.alternatives")):
        path = f"example.alternatives[{k}]"
        a = c.obj(item, path, {"name": True, "target_group": False})
        if a is not None:
            out["alternatives"].append(
                {
                    "name": c.text(a.get("name"), f"{path}.name", limit=MAX_SHORT),
                    "target_group": c.text(
                        a.get("target_group"),
                        f"{path}.target_group",
                        limit=MAX_SHORT,
                        required=False,
                    ),
                }
            )
    d = c.obj(
        example.get("decision"),
        "example.decision",
        {"decided_on": True, "decision_maker": True, "outcome": True, "reasons": True},
    )
    if d is not None:
        decided_on = d.get("decided_on")
        valid = False
        if isinstance(decided_on, str) and len(decided_on) == 10:
            try:
                dt.date.fromisoformat(decided_on)
                valid = True
            except ValueError:
                pass
        if not valid:
            c.add("example.decision.decided_on", "må være en dato som ÅÅÅÅ-MM-DD")
        out["decision"] = {
            "decided_on": decided_on if valid else "",
            "decision_maker": c.text(
                d.get("decision_maker"), "example.decision.decision_maker", limit=MAX_SHORT
            ),
            "outcome": c.text(d.get("outcome"), "example.decision.outcome"),
            "reasons": c.text(d.get("reasons"), "example.decision.reasons"),
        }
    out["process"] = c.text(example.get("process"), "example.process")
    p = c.obj(
        example.get("participation", {"total": 0, "groups": []}),
        "example.participation",
        {"total": True, "groups": True},
    )
    if p is not None:
        groups = []
        for k, item in enumerate(c.items(p.get("groups"), "example.participation.groups")):
            path = f"example.participation.groups[{k}]"
            g = c.obj(item, path, {"label": True, "count": True})
            if g is not None:
                groups.append(
                    {
                        "label": c.text(g.get("label"), f"{path}.label", limit=MAX_SHORT),
                        "count": c.count(g.get("count"), f"{path}.count"),
                    }
                )
        out["participation"] = {
            "total": c.count(p.get("total"), "example.participation.total"),
            "groups": groups,
        }
    e = c.obj(
        example.get("evaluation"), "example.evaluation", {"summary": True, "follow_ups": False}
    )
    if e is not None:
        follow_ups = []
        for k, item in enumerate(c.items(e.get("follow_ups", []), "example.evaluation.follow_ups")):
            path = f"example.evaluation.follow_ups[{k}]"
            f = c.obj(item, path, {"indicator": True, "evaluation": True})
            if f is not None:
                follow_ups.append(
                    {
                        "indicator": c.text(
                            f.get("indicator"), f"{path}.indicator", limit=MAX_SHORT
                        ),
                        "evaluation": c.text(f.get("evaluation"), f"{path}.evaluation"),
                    }
                )
        out["evaluation"] = {
            "summary": c.text(e.get("summary"), "example.evaluation.summary"),
            "follow_ups": follow_ups,
        }
    if c.problems:
        raise InputError(c.problems)
    return out


def parse(data: bytes | str, *, source: str) -> dict:
    """Read an example file's bytes (every check of :mod:`losen.domain.safeinput`), then
    :func:`validate` it. Problems are prefixed with *source*.

    Raises:
        InputError: naming the file, the JSON path and what to fix.
    """
    document = safeinput.load_json(
        data,
        source=source,
        max_bytes=MAX_BYTES,
        max_depth=MAX_DEPTH,
        max_items=MAX_ITEMS,
        max_text_chars=MAX_TEXT,
    )
    try:
        return validate(document)
    except InputError as error:
        raise InputError(
            [
                Problem(f"{source}: {p.path}" if p.path else source, p.message)
                for p in error.problems
            ]
        ) from None


def document(example: dict, *, exported_at: str) -> dict:
    """The whole file for *example* (the content an :class:`~.models.Example` holds)."""
    return {"format": FORMAT, "version": VERSION, "exported_at": exported_at, "example": example}
