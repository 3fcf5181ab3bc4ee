"""Guideline recommendations as data: the file format, its validation and the built-in files.

A guideline file (format ``losen-guidance/1``, described in ``docs/reference/guidance.md``)
holds one guideline or checklist: its recommendations, each with an id, a short title in Losen's
own words, its strength (``skal``, ``bør``, ``kan``), audience, chapter, source URL and version
date, and the check points a municipality assesses itself against (Losen's own short summaries,
never the guideline's text). The built-in files are

* ``psykisk-helse-rus.json``: the nine recommendations of Helsedirektoratet's *Nasjonal veileder
  i lokalt psykisk helse- og rusarbeid for voksne* (26.02.2025),
  https://www.helsedirektoratet.no/veiledere/psykisk-helse-og-rusarbeid-for-voksne;
* ``prioriteringer.json``: the five of *Prioriteringer i kommunale helse- og omsorgstjenester*,
  https://www.helsedirektoratet.no/veiledere/prioriteringer-i-kommunale-helse-og-omsorgstjenester;
* ``lavterskel.json``: the marks of a knowledge-based low-threshold service as a checklist of
  its own (part of recommendation 5 of the first).

A municipality adds local recommendations in the same format (:func:`parse_local`); their ids
may not reuse a national one, so a local recommendation is never counted as the guideline's.

Validation collects every problem before it refuses (:class:`~losen.domain.errors.InputError`),
each naming the file and the key (``lokal.json: recommendations[1].strength``) and saying what
to write instead; a file that is not JSON is refused with its line and column.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources

from losen.domain.errors import InputError, Problem
from losen.domain.safeinput import load_json

FORMAT = "losen-guidance/1"
STRENGTHS = ("skal", "bør", "kan")
KINDS = ("guideline", "checklist")
#: How far the recommendation's content was checked against the published guideline.
CONTENT_STATUSES = ("verified", "draft", "title-only", "unverified", "local")
MAX_TITLE_CHARS = 120
MAX_POINT_CHARS = 300
MAX_FILE_BYTES = 512 * 1024
BUILT_IN = ("psykisk-helse-rus", "prioriteringer", "lavterskel")

_GUIDELINE_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
_ITEM_ID = re.compile(r"^[A-Z0-9][A-Z0-9-]{0,39}$")
_TOP_KEYS = ("format", "id", "kind", "title", "publisher", "url", "version", "recommendations")
_REC_KEYS = (
    "id",
    "title",
    "strength",
    "audience",
    "chapter",
    "url",
    "version_date",
    "status",
    "part_of",
    "check_points",
)
_POINT_KEYS = ("id", "text")


@dataclass(frozen=True, slots=True)
class CheckPoint:
    """One thing a municipality assesses itself against (Losen's own summary)."""

    id: str
    text: str


@dataclass(frozen=True, slots=True)
class Recommendation:
    """One recommendation of a guideline (or one group of a checklist).

    Attributes:
        id: Upper-case id, stable across versions (``R5``, ``P-L1``, ``LT-L``).
        title: Short title in Losen's own words.
        strength: ``skal``, ``bør`` or ``kan`` (Helsedirektoratet's wording scale,
            https://www.helsedirektoratet.no/produkter/om-helsedirektoratets-normerende-produkter).
        audience: Who the recommendation speaks to.
        chapter: The guideline's chapter or part.
        url: The public page of the recommendation (or of the guideline).
        version_date: The date of the guideline version the entry was written from.
        status: How far the content was checked (:data:`CONTENT_STATUSES`).
        part_of: ``guideline/recommendation`` this one belongs to, or empty.
        check_points: What is assessed, in order.
    """

    id: str
    title: str
    strength: str
    audience: str
    chapter: str
    url: str
    version_date: dt.date
    status: str
    part_of: str
    check_points: tuple[CheckPoint, ...]

    @property
    def is_normative(self) -> bool:
        """Whether a point not fully met needs a documented alternative (``skal``, ``bør``)."""
        return self.strength in ("skal", "bør")


@dataclass(frozen=True, slots=True)
class Guideline:
    """A validated guideline or checklist file."""

    id: str
    kind: str
    title: str
    publisher: str
    url: str
    version: dt.date
    recommendations: tuple[Recommendation, ...]
    origin: str = ""
    is_local: bool = False

    def recommendation(self, recommendation_id: str) -> Recommendation:
        """Return the recommendation with this id (``KeyError`` if none)."""
        for recommendation in self.recommendations:
            if recommendation.id == recommendation_id:
                return recommendation
        raise KeyError(recommendation_id)

    def points(self) -> Iterator[tuple[Recommendation, CheckPoint]]:
        """Every check point with its recommendation, in file order."""
        for recommendation in self.recommendations:
            for point in recommendation.check_points:
                yield recommendation, point

    def point(self, point_id: str) -> tuple[Recommendation, CheckPoint]:
        """Return the check point with this id and its recommendation (``KeyError`` if none)."""
        for recommendation, point in self.points():
            if point.id == point_id:
                return recommendation, point
        raise KeyError(point_id)

    @property
    def version_label(self) -> str:
        return self.version.isoformat()


def _text(raw: Mapping, key: str, where: str, problems: list[Problem], limit: int = 500) -> str:
    value = raw.get(key)
    if not isinstance(value, str) or not value.strip():
        problems.append(Problem(f"{where}{key}", "mangler; skriv en tekst som ikke er tom"))
        return ""
    if len(value) > limit:
        problems.append(
            Problem(f"{where}{key}", f"er {len(value)} tegn; korte den ned til høyst {limit}")
        )
    return value.strip()


def _url(raw: Mapping, key: str, where: str, problems: list[Problem]) -> str:
    value = _text(raw, key, where, problems)
    if value and not value.startswith("https://"):
        problems.append(
            Problem(f"{where}{key}", "skal være en offentlig adresse som begynner med https://")
        )
    return value


def _date(raw: Mapping, key: str, where: str, problems: list[Problem]) -> dt.date | None:
    value = raw.get(key)
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    problems.append(
        Problem(f"{where}{key}", "skal være en dato på formen ÅÅÅÅ-MM-DD, f.eks. 2025-02-26")
    )
    return None


def _unknown(raw: Mapping, allowed: tuple[str, ...], where: str, problems: list[Problem]) -> None:
    for key in raw:
        if key not in allowed:
            problems.append(
                Problem(f"{where}{key}", f"ukjent felt; tillatte felt er {', '.join(allowed)}")
            )


def _points(
    raw: object, where: str, seen: set[str], problems: list[Problem]
) -> tuple[CheckPoint, ...]:
    if not isinstance(raw, list) or not raw:
        problems.append(Problem(f"{where}check_points", "skal være en liste med minst ett punkt"))
        return ()
    points = []
    for index, entry in enumerate(raw):
        at = f"{where}check_points[{index}]."
        if not isinstance(entry, Mapping):
            problems.append(Problem(at[:-1], 'skal være et objekt med "id" og "text"'))
            continue
        _unknown(entry, _POINT_KEYS, at, problems)
        point_id = entry.get("id")
        if not isinstance(point_id, str) or not _ITEM_ID.match(point_id):
            problems.append(
                Problem(f"{at}id", "skal være store bokstaver, sifre og bindestrek, f.eks. R5-1")
            )
            point_id = ""
        elif point_id in seen:
            problems.append(Problem(f"{at}id", f"«{point_id}» er brukt før i filen; velg en ny id"))
        else:
            seen.add(point_id)
        text = _text(entry, "text", at, problems, MAX_POINT_CHARS)
        points.append(CheckPoint(point_id, text))
    return tuple(points)


def _recommendation(
    entry: object, index: int, seen: set[str], points_seen: set[str], problems: list[Problem]
) -> Recommendation | None:
    where = f"recommendations[{index}]."
    if not isinstance(entry, Mapping):
        problems.append(Problem(where[:-1], "skal være et objekt"))
        return None
    _unknown(entry, _REC_KEYS, where, problems)
    rec_id = entry.get("id")
    if not isinstance(rec_id, str) or not _ITEM_ID.match(rec_id):
        problems.append(
            Problem(f"{where}id", "skal være store bokstaver, sifre og bindestrek, f.eks. R5")
        )
        rec_id = ""
    elif rec_id in seen:
        problems.append(Problem(f"{where}id", f"«{rec_id}» er brukt før i filen; velg en ny id"))
    else:
        seen.add(rec_id)
    title = _text(entry, "title", where, problems, MAX_TITLE_CHARS)
    strength = entry.get("strength")
    if strength not in STRENGTHS:
        problems.append(Problem(f"{where}strength", "skal være «skal», «bør» eller «kan»"))
    status = entry.get("status", "local")
    if status not in CONTENT_STATUSES:
        problems.append(Problem(f"{where}status", f"skal være en av {', '.join(CONTENT_STATUSES)}"))
    part_of = entry.get("part_of", "")
    if not isinstance(part_of, str):
        problems.append(
            Problem(f"{where}part_of", "skal være en tekst, f.eks. psykisk-helse-rus/R5")
        )
        part_of = ""
    recommendation = Recommendation(
        id=rec_id,
        title=title,
        strength=str(strength),
        audience=_text(entry, "audience", where, problems),
        chapter=_text(entry, "chapter", where, problems),
        url=_url(entry, "url", where, problems),
        version_date=_date(entry, "version_date", where, problems) or dt.date.min,
        status=str(status),
        part_of=part_of,
        check_points=_points(entry.get("check_points"), where, points_seen, problems),
    )
    return recommendation


_WS = " \t\r\n"


def line_map(text: str) -> dict[str, int]:
    """The line (1-based) where each key path of a valid JSON text starts.

    Paths are written as the problems name them: ``recommendations[1].strength``. Only used
    to tell the user which line a problem is on, so the text is assumed to be valid JSON
    (it has passed :func:`~losen.domain.safeinput.load_json`).
    """
    lines: dict[str, int] = {}
    position = 0
    line = 1

    def skip() -> None:
        nonlocal position, line
        while position < len(text) and text[position] in _WS:
            if text[position] == "\n":
                line += 1
            position += 1

    def string() -> str:
        nonlocal position
        start = position
        position += 1
        while text[position] != '"':
            position += 2 if text[position] == "\\" else 1
        position += 1
        return text[start + 1 : position - 1]

    def value(path: str) -> None:
        nonlocal position, line
        skip()
        if path and path not in lines:
            lines[path] = line
        char = text[position]
        if char == "{":
            position += 1
            skip()
            while text[position] != "}":
                key = string()
                skip()
                position += 1  # the colon
                child = f"{path}.{key}" if path else key
                skip()
                lines.setdefault(child, line)
                value(child)
                skip()
                if text[position] == ",":
                    position += 1
                    skip()
            position += 1
        elif char == "[":
            position += 1
            skip()
            index = 0
            while text[position] != "]":
                value(f"{path}[{index}]")
                index += 1
                skip()
                if text[position] == ",":
                    position += 1
                    skip()
            position += 1
        elif char == '"':
            string()
        else:
            while position < len(text) and text[position] not in ",]}" + _WS:
                position += 1

    try:
        value("")
    except IndexError:  # not valid JSON after all: no lines, the problems still stand
        return lines
    return lines


def _with_line(problem: Problem, lines: Mapping[str, int]) -> Problem:
    path = problem.path
    while path and path not in lines:
        cut = max(path.rfind("."), path.rfind("["))
        path = path[:cut] if cut > 0 else ""
    if not path:
        return problem
    return Problem(problem.path, f"{problem.message} (linje {lines[path]})")


def parse_guideline(
    data: bytes | str | Mapping, *, source: str, is_local: bool = False
) -> Guideline:
    """Validate a guideline file and return it.

    Args:
        data: The file's bytes or text, or the parsed JSON object.
        source: The file's name, put in front of every problem.
        is_local: Whether the file is a municipality's own (recorded on the result).

    Raises:
        InputError: every problem found, each ``source: key: what to fix``.
    """
    text = None
    if isinstance(data, Mapping):
        raw = data
    else:
        raw = load_json(data, source=source, max_bytes=MAX_FILE_BYTES)
        text = data.decode("utf-8-sig") if isinstance(data, bytes) else data
    problems: list[Problem] = []
    if not isinstance(raw, Mapping):
        raise InputError([Problem(source, "skal være et JSON-objekt { … }")])
    _unknown(raw, _TOP_KEYS, "", problems)
    if raw.get("format") != FORMAT:
        problems.append(Problem("format", f"skal være «{FORMAT}»"))
    guideline_id = raw.get("id")
    if not isinstance(guideline_id, str) or not _GUIDELINE_ID.match(guideline_id):
        problems.append(
            Problem(
                "id", "skal være små bokstaver, sifre og bindestrek, f.eks. lokal-psykisk-helse"
            )
        )
        guideline_id = ""
    kind = raw.get("kind")
    if kind not in KINDS:
        problems.append(Problem("kind", "skal være «guideline» eller «checklist»"))
    title = _text(raw, "title", "", problems, 200)
    publisher = _text(raw, "publisher", "", problems, 200)
    url = _url(raw, "url", "", problems)
    version = _date(raw, "version", "", problems)
    entries = raw.get("recommendations")
    recommendations: list[Recommendation] = []
    if not isinstance(entries, list) or not entries:
        problems.append(Problem("recommendations", "skal være en liste med minst én anbefaling"))
    else:
        seen: set[str] = set()
        points_seen: set[str] = set()
        for index, entry in enumerate(entries):
            recommendation = _recommendation(entry, index, seen, points_seen, problems)
            if recommendation is not None:
                recommendations.append(recommendation)
    if problems:
        if text is not None:
            lines = line_map(text)
            problems = [_with_line(p, lines) for p in problems]
        raise InputError(
            Problem(f"{source}: {p.path}" if p.path else source, p.message) for p in problems
        )
    return Guideline(
        id=str(guideline_id),
        kind=str(kind),
        title=title,
        publisher=publisher,
        url=url,
        version=version or dt.date.min,
        recommendations=tuple(recommendations),
        origin=source,
        is_local=is_local,
    )


def parse_local(data: bytes | str | Mapping, *, source: str) -> Guideline:
    """Validate a municipality's own guideline file against the format and the national ids.

    The id of the file and of each recommendation and check point may not be one of the
    built-in guidelines' ids: a local recommendation must never pass for a national one.

    Raises:
        InputError: every problem found, as :func:`parse_guideline` names them.
    """
    guideline = parse_guideline(data, source=source, is_local=True)
    national = builtin_guidelines()
    taken_items = {
        item
        for other in national.values()
        for rec in other.recommendations
        for item in (rec.id, *(p.id for p in rec.check_points))
    }
    problems: list[Problem] = []
    if guideline.id in national:
        problems.append(
            Problem(
                "id",
                f"«{guideline.id}» er en nasjonal veileder; gi filen en egen id, "
                f"f.eks. lokal-{guideline.id}",
            )
        )
    for index, rec in enumerate(guideline.recommendations):
        if rec.id in taken_items:
            problems.append(
                Problem(
                    f"recommendations[{index}].id",
                    f"«{rec.id}» er en nasjonal id; bruk for eksempel LOKAL-{rec.id}",
                )
            )
        for p_index, point in enumerate(rec.check_points):
            if point.id in taken_items:
                problems.append(
                    Problem(
                        f"recommendations[{index}].check_points[{p_index}].id",
                        f"«{point.id}» er en nasjonal id; bruk for eksempel LOKAL-{point.id}",
                    )
                )
    if problems:
        if isinstance(data, bytes | str):
            text = data.decode("utf-8-sig") if isinstance(data, bytes) else data
            lines = line_map(text)
            problems = [_with_line(p, lines) for p in problems]
        raise InputError(Problem(f"{source}: {p.path}", p.message) for p in problems)
    return guideline


@cache
def builtin_guidelines() -> dict[str, Guideline]:
    """The guideline files shipped with Losen, by id, validated once per process."""
    found: dict[str, Guideline] = {}
    folder = resources.files("losen.domain.guidance") / "data"
    for name in BUILT_IN:
        data = (folder / f"{name}.json").read_bytes()
        guideline = parse_guideline(data, source=f"{name}.json")
        found[guideline.id] = guideline
    return found


def national_recommendation_ids(guideline_id: str = "psykisk-helse-rus") -> tuple[str, ...]:
    """The recommendation ids of one built-in guideline, in order."""
    return tuple(rec.id for rec in builtin_guidelines()[guideline_id].recommendations)


def builtin_content(guideline_id: str) -> dict:
    """The raw JSON object of a built-in guideline file (what an assessment copies in)."""
    import json

    folder = resources.files("losen.domain.guidance") / "data"
    return json.loads((folder / f"{guideline_id}.json").read_text(encoding="utf-8"))
