"""Small helpers shared by the readers: dates, vintages, table ids, numbers, and reading files
from outside through :mod:`losen.domain.safeinput` with the readers' limits."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from losen.domain import safeinput
from losen.domain.errors import InputError, InputTooLarge
from losen.domain.errors import Problem as ErrorProblem
from losen.domain.indicators.model import Problem

OSLO = ZoneInfo("Europe/Oslo")

_TABLE_IN_LABEL = re.compile(r"^\s*(\d{5})\s*:")
_YEAR_AT_START = re.compile(r"^(\d{4})")

#: Source names as datasets spell them, mapped to the short names we store.
SOURCE_ALIASES: dict[str, str] = {
    "statistisk sentralbyrå": "SSB",
    "statistics norway": "SSB",
    "ssb": "SSB",
    "folkehelseinstituttet": "FHI",
    "norwegian institute of public health": "FHI",
    "fhi": "FHI",
}


def short_source(name: str | None) -> str | None:
    """Map a published source name to our short name (``SSB``, ``FHI``), or ``None``."""
    if not name:
        return None
    return SOURCE_ALIASES.get(name.strip().lower(), name.strip())


def table_from_label(label: str | None) -> str | None:
    """SSB labels start with the table id (``"12367: Detaljerte …"``); return it, or ``None``."""
    if not label:
        return None
    match = _TABLE_IN_LABEL.match(label)
    return match.group(1) if match else None


def vintage_for(region_code: str, period: str) -> str:
    """Return the year whose borders a region code refers to.

    SSB's ``K-`` codes are KommSummer groups on 2024 borders (the ``agg_KommSummer`` code list of
    table 07459, https://www.ssb.no/statbank/table/07459). Other codes are taken
    to be the codes in force in the observation's own year, which is how SSB and FHI publish
    (a 2019 figure for 0104 Moss is on 2019 borders).
    """
    if region_code.startswith("K-") or region_code.startswith("K."):
        return "2024"
    match = _YEAR_AT_START.match(period)
    return match.group(1) if match else ""


def updated_date(stamp: object) -> date | None:
    """Turn a published ``updated`` stamp into the Norwegian calendar day, or ``None``.

    SSB writes midnight Oslo time as the UTC instant before it (``2021-06-13T22:00:00Z`` is
    14 June in Oslo), so the day is taken in Europe/Oslo.
    """
    if not isinstance(stamp, str) or not stamp.strip():
        return None
    text = stamp.strip()
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        try:
            return date.fromisoformat(text[:10])
        except ValueError:
            return None
    if moment.tzinfo is None:
        return moment.date()
    return moment.astimezone(OSLO).date()


def parse_number(text: str) -> Decimal | None:
    """Parse a published number (``1234``, ``-12.5``, ``12,5``, ``1 234``) exactly, or ``None``."""
    cleaned = text.strip().replace("\u00a0", "").replace(" ", "")
    if not cleaned:
        return None
    if "," in cleaned and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")
    try:
        number = Decimal(cleaned)
    except InvalidOperation:
        return None
    if not number.is_finite():
        return None
    return number


# --- Reading files from outside -----------------------------------------------------------------
#
# The checks themselves are :mod:`losen.domain.safeinput`'s (the one guard for every door); what
# is here only fits them to the statistics readers: SSB's CSV exports may be ISO-8859-1, and
# numbers in JSON are read as exact decimals (``12.30`` stays ``12.30``).


@dataclass(frozen=True, slots=True)
class ReadLimits:
    """How much of a statistics file is read before it is refused as too large.

    The defaults are the web import's; :data:`COMMAND_LINE_LIMITS` are the command line's,
    where national tables are imported.

    Attributes:
        max_bytes: The file's size.
        max_rows: Rows of a CSV file (the header and comment lines included).
        max_xlsx_rows: Rows of the template's sheet; a larger one belongs in CSV.
        max_xlsx_cells: Cells of the template's sheet, empty ones included.
        max_observations: Cells of a JSON-stat cube (the product of its sizes) or observations
            of a file, checked before they are made.
    """

    max_bytes: int = 20 * 1024 * 1024
    max_rows: int = 1_000_000
    max_xlsx_rows: int = 50_000
    max_xlsx_cells: int = 1_000_000
    max_observations: int = 2_000_000


#: The command line imports national tables (SSB's largest are a few million cells).
COMMAND_LINE_LIMITS = ReadLimits(
    max_bytes=512 * 1024 * 1024,
    max_rows=10_000_000,
    max_xlsx_rows=1_000_000,
    max_xlsx_cells=10_000_000,
    max_observations=10_000_000,
)


def wide_encoding(data: bytes) -> str | None:
    """``"UTF-16"`` or ``"UTF-32"`` when the bytes are text in one of those, else ``None``.

    Told by the byte-order mark, or, without one, by the zero bytes every other (or three of
    every four) byte of ASCII text has in them. Excel's «Unicode-tekst» is UTF-16.
    """
    head = data[:4]
    if head.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return "UTF-32"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "UTF-16"
    if len(head) == 4 and head.count(0) == 3 and (head[0] or head[3]):
        return "UTF-32"
    if len(head) == 4 and (head[0] == head[2] == 0) != (head[1] == head[3] == 0):
        return "UTF-16"
    return None


def wide_encoding_message(encoding: str) -> str:
    """What to tell a user whose file is UTF-16 or UTF-32."""
    return (
        f"fila er lagret som {encoding}; lagre den som UTF-8 og prøv igjen (i Excel: "
        "«Lagre som» → «CSV UTF-8 (kommadelt)»; en JSON-fil lagres som UTF-8 uten BOM)"
    )


def check_line_count(text: str, *, source: str, max_rows: int) -> None:
    """Refuse at once a text with more lines than rows allowed (counting is instant; reading
    a million rows to find out is not).

    Raises:
        InputTooLarge: naming the count and the limit.
    """
    lines = text.count("\n") + (0 if text.endswith("\n") else 1)
    if lines > max_rows:
        raise InputTooLarge(
            [
                ErrorProblem(
                    source,
                    f"fila har {lines} linjer; høyst {max_rows} kan importeres her, del den opp",
                )
            ]
        )


def problems_of(error: InputError) -> tuple[Problem, ...]:
    """The problems of a :mod:`~losen.domain.safeinput` refusal, as the readers' problems."""
    return tuple(Problem(p.path, p.message) for p in error.problems)


def checked_text(data: bytes, *, source: str, what: str = "en CSV-tekst") -> str:
    """Decode a text file (UTF-8, else ISO-8859-1 as SSB's exports) and refuse what is not text.

    Raises:
        InputError: UTF-16 or UTF-32 (say to save as UTF-8), or a NUL or control character
            (random bytes, a binary file), naming the line.
    """
    wide = wide_encoding(data)
    if wide is not None:
        raise InputError([ErrorProblem(source, wide_encoding_message(wide))])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("iso-8859-1")
    found = _BAD_TEXT.search(text)
    if found is not None:
        line = text.count("\n", 0, found.start()) + 1
        problem = safeinput.text_problem(found.group(), "")
        reason = problem.message.split(" ved tegn")[0] if problem else "et ugyldig tegn"
        raise InputError(
            [
                ErrorProblem(
                    f"{source}: linje {line}" if source else f"linje {line}",
                    f"{reason.removeprefix('teksten ')}, så det er ikke {what}; fjern tegnet "
                    "eller velg riktig fil",
                )
            ]
        )
    return text


#: What :func:`losen.domain.safeinput.text_problem` refuses, found in a whole file at once.
_BAD_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def _exact_number(literal: str) -> Decimal:
    if len(literal) > safeinput.MAX_NUMBER_CHARS:
        raise _LongNumber(literal)
    return Decimal(literal)


def _exact_int(literal: str) -> int:
    if len(literal) > safeinput.MAX_NUMBER_CHARS:
        raise _LongNumber(literal)
    return int(literal)


def _no_constant(literal: str) -> Decimal:
    raise _LongNumber(literal)


class _LongNumber(Exception):
    def __init__(self, literal: str) -> None:
        super().__init__(literal)
        self.literal = literal


def load_exact_json(text: str, *, source: str) -> Any:
    """Parse JSON from outside with exact decimals, after :mod:`~losen.domain.safeinput`'s checks.

    The nesting depth is measured first without recursion (``safeinput.json_depth``); a
    document with an escape that could hold a lone surrogate or a NUL is checked whole by
    ``safeinput.load_json`` (strings, keys and numbers); then it is parsed with numbers as
    :class:`~decimal.Decimal`. ``NaN``, ``Infinity`` and number literals longer than
    ``safeinput.MAX_NUMBER_CHARS`` characters are refused.

    Raises:
        InputError: every refusal, naming the line or the JSON path.
    """
    if safeinput.json_depth(text) > safeinput.MAX_JSON_DEPTH:
        safeinput.load_json(text, source=source, max_bytes=len(text) + 1)  # raises, with the line
    if "\\u" in text:
        safeinput.load_json(text, source=source, max_bytes=len(text) + 1)
    try:
        return json.loads(
            text, parse_float=_exact_number, parse_int=_exact_int, parse_constant=_no_constant
        )
    except _LongNumber as bad:
        literal = bad.literal
        shown = literal if len(literal) <= 30 else literal[:29] + "…"
        message = (
            f"{shown} er ikke et tall som kan brukes; skriv et endelig tall"
            if literal in ("NaN", "Infinity", "-Infinity")
            else f"tallet {shown} har {len(literal)} tegn; høyst "
            f"{safeinput.MAX_NUMBER_CHARS} er tillatt, rett tallet"
        )
        raise InputError([ErrorProblem(source, message)]) from None
    except json.JSONDecodeError as error:
        raise InputError(
            [ErrorProblem(f"line {error.lineno}", f"not valid JSON: {error.msg}")]
        ) from None
    except RecursionError:  # pragma: no cover - the depth is measured first
        raise InputError([ErrorProblem(source, "JSON-dokumentet er nøstet for dypt")]) from None
