"""Reading input from outside (files, uploads, standard input) without trusting it.

Every reader of JSON, CSV or XLSX in Losen goes through this module, so that hostile or
careless input is refused *before* the work it would make expensive, always in the same way:
an :class:`~losen.domain.errors.InputError` (or its subclass
:class:`~losen.domain.errors.InputTooLarge` for a size limit), whose problems name the source
(a file name, ``standard inn``, an upload's name), the place (a JSON path such as
``alternatives[3].scores.nytte``, a line, a sheet and row) and what to do about it, in bokmål.
Nothing else escapes: no ``RecursionError``, ``UnicodeError``, ``OverflowError``,
``ValueError`` from Python's integer-string limit, ``csv.Error`` or ``zipfile.BadZipFile``.
The front ends turn the error into exit code 2 (the ``losen`` command) or a form error (the
web pages); see ``docs/security.md``, section «Hostile input: imports and exports» and its
table «Every door».

What is checked (OWASP ASVS 4.0.3 V5.1.3 and V5.1.4: input validated against an allow list
of structure, length and range; V12.1.1: a size limit on files; V12.1.2: compressed files are
checked against their uncompressed size):

* **size** in bytes, before parsing (:data:`MAX_JSON_BYTES`, :data:`MAX_CSV_BYTES`,
  :data:`MAX_XLSX_BYTES`);
* **nesting depth** of JSON (:data:`MAX_JSON_DEPTH`), found by a scan over the brackets
  outside strings, without recursion, before :func:`json.loads` runs;
* **text**: no lone surrogate (``"\\ud800"``), no NUL and no other control character than
  tab, line feed and carriage return, in any string, object keys too (:func:`check_text`);
  such characters cannot be written as UTF-8, are refused by PostgreSQL, or break XML
  exports (DOCX, XLSX);
* **numbers**: no ``NaN`` or ``Infinity``, none that overflow to infinity (``1e400``), no
  literal longer than :data:`MAX_NUMBER_CHARS` characters (Python refuses to convert integers
  of more than 4 300 digits, and converting long ones takes quadratic time), and, for a value
  the domain uses, a magnitude within :data:`MAX_NUMBER_MAGNITUDE` (:func:`safe_number`);
* **problem size**: an optional bound on the number of values in a JSON document
  (``max_items``); the engines bound their own problem sizes on top (``MAX_CRITERIA`` and
  friends in :mod:`losen.domain.mcda.parse`);
* **CSV**: bytes, rows, columns and field length (:data:`MAX_CSV_ROWS`,
  :data:`MAX_CSV_COLUMNS`, :data:`MAX_CSV_FIELD_CHARS`); bytes that are not UTF-8 text (a
  binary file, UTF-16) get a message saying so, never ``field larger than field limit``;
* **XLSX**: before openpyxl parses anything, the zip directory is read and the file refused
  when the total uncompressed size (:data:`MAX_XLSX_UNCOMPRESSED_BYTES`), one member's
  (:data:`MAX_XLSX_MEMBER_BYTES`; :data:`MAX_XLSX_SHARED_STRINGS_BYTES` for
  ``xl/sharedStrings.xml``, which openpyxl holds in memory whole), the compression ratio
  (:data:`MAX_XLSX_RATIO`) or the number of members (:data:`MAX_XLSX_MEMBERS`) is over its
  limit, or when an XML part declares a DTD (``<!DOCTYPE``, the door to entity expansion).
  The sizes come from the zip's central directory; Python's :mod:`zipfile` never returns more
  bytes than a member declares (a member that lies fails its CRC check), so a declared size is
  an upper bound openpyxl cannot exceed. Rows are then streamed with openpyxl's read-only mode
  and stop at :data:`MAX_XLSX_ROWS` rows or :data:`MAX_XLSX_CELLS` cells; a caller checks the
  header on the first row without reading the rest.

API (every function takes ``source``, the name shown to the user, and keyword limits that
default to the constants below; pass smaller ones where a door needs them):

* :func:`read_bytes` — a file's bytes (or standard input's), refused above ``max_bytes``
  without reading more than ``max_bytes + 1`` bytes;
* :func:`decode_text` — bytes to text: UTF-8 (a byte-order mark is dropped), with clear
  refusals for UTF-16/UTF-32, binary data, NUL and control characters;
* :func:`load_json` — bytes or text to the parsed document, every check above;
* :func:`read_csv` / :func:`iter_csv_rows` — CSV text or bytes to rows of strings;
* :func:`check_xlsx`, :func:`open_xlsx` and :meth:`XlsxBook.rows` — the zip guard, then a
  read-only workbook whose rows stream under limits;
* :func:`check_text` / :func:`text_problem` — one string (raise, or return the problem for
  parsers that collect every problem);
* :func:`safe_number` / :func:`number_problem` — one number (finite, within a magnitude,
  optionally not negative), ints of any size included.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
import zipfile
from collections.abc import Iterator, Sequence
from itertools import accumulate
from os import PathLike
from pathlib import Path
from typing import IO, Any

from losen.domain.errors import InputError, InputTooLarge, Problem

# --- Limits -----------------------------------------------------------------------------------

MAX_JSON_BYTES = 32 * 1024 * 1024
"""Largest JSON document read (32 MiB): a decision matrix of about 500 000 scores, far above
any municipality's real input; :func:`json.loads` needs about ten times this in memory."""

MAX_JSON_DEPTH = 64
"""Deepest nesting of arrays and objects in a JSON document; Losen's own formats need at most
six levels. Python's parser recurses once per level and fails near 1 000."""

MAX_NUMBER_CHARS = 100
"""Longest number literal in JSON (characters, sign and exponent included). A longer one is
not a measurement; Python's integer conversion is quadratic and refuses 4 300 digits."""

MAX_NUMBER_MAGNITUDE = 1e15
"""Largest absolute value :func:`safe_number` accepts by default: a quadrillion (NOK, persons,
scores). Larger values are certainly a mistake, and sums, squares and differences of values
within it stay finite and exact to well below one unit in double precision."""

MAX_TEXT_CHARS = 1_000_000
"""Longest single string :func:`check_text` accepts by default (characters)."""

MAX_CSV_BYTES = 20 * 1024 * 1024
"""Largest CSV file read (20 MiB), the same as the upload limit of the web pages."""

MAX_CSV_ROWS = 1_000_000
"""Most CSV rows (the header included)."""

MAX_CSV_COLUMNS = 1_000
"""Most fields in one CSV row."""

MAX_CSV_FIELD_CHARS = 65_536
"""Longest CSV field (characters); below :mod:`csv`'s own default limit of 131 072, so that
limit is never what the user meets."""

MAX_XLSX_BYTES = 20 * 1024 * 1024
"""Largest XLSX file (compressed, 20 MiB)."""

MAX_XLSX_UNCOMPRESSED_BYTES = 256 * 1024 * 1024
"""Largest total uncompressed size of all parts of an XLSX file (256 MiB)."""

MAX_XLSX_MEMBER_BYTES = 128 * 1024 * 1024
"""Largest uncompressed size of one part (a worksheet is streamed, so it may be large)."""

MAX_XLSX_SHARED_STRINGS_BYTES = 32 * 1024 * 1024
"""Largest uncompressed ``xl/sharedStrings.xml`` (32 MiB): openpyxl reads every shared string
into memory when the workbook opens, about ten bytes of memory per byte of XML."""

MAX_XLSX_RATIO = 100
"""Highest compression ratio (uncompressed / compressed) of a part larger than
:data:`XLSX_RATIO_FLOOR_BYTES`. Spreadsheet XML compresses 5–30 times; the workbook that took
the site down expanded 425 times."""

XLSX_RATIO_FLOOR_BYTES = 1024 * 1024
"""Parts smaller than this (1 MiB uncompressed) are not held to :data:`MAX_XLSX_RATIO`: they
cannot hurt, and tiny parts compress very well."""

MAX_XLSX_MEMBERS = 2_000
"""Most parts (zip members) in an XLSX file."""

MAX_XLSX_ROWS = 1_000_000
"""Most rows read from one sheet (the header included)."""

MAX_XLSX_COLUMNS = 1_000
"""Most cells in one row of a sheet (openpyxl fills empty cells up to the last used one)."""

MAX_XLSX_CELLS = 10_000_000
"""Most cells read from one sheet, empty ones included."""

MAX_PROBLEMS = 50
"""Most problems listed in one error; the rest are counted in a last line."""

_XLSX_MAGIC = b"PK\x03\x04"
_DTD_PROBE_BYTES = 4096

# Characters refused in text: NUL and the other C0 controls except tab, LF and CR, DEL, and
# the UTF-16 surrogates (only ever "lone" in a Python str: they cannot be encoded as UTF-8).
_BAD_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
# A JSON escape that may decode to a refused character (a false alarm only costs a walk).
_SUSPECT_ESCAPE = re.compile(r"\\u(?:00[01]|007[fF]|[dD][89a-fA-F])")
_JSON_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]', re.DOTALL)
_DEPTH_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}

Source = str | bytes | PathLike[str]


# --- Small helpers ----------------------------------------------------------------------------


def _where(source: str, place: str = "") -> str:
    """``source`` and ``place`` as one problem path (``plan.json: alternatives[0].id``)."""
    if source and place:
        return f"{source}: {place}"
    return source or place


def _limited(problems: list[Problem]) -> list[Problem]:
    if len(problems) <= MAX_PROBLEMS:
        return problems
    rest = len(problems) - MAX_PROBLEMS
    return [*problems[:MAX_PROBLEMS], Problem("", f"… og {rest} problemer til av samme slag")]


def _show(value: str, limit: int = 40) -> str:
    """``value`` safe to print: escaped when it holds refused characters, and shortened."""
    if _BAD_CHARS.search(value):
        value = json.dumps(value)[1:-1]
    return value if len(value) <= limit else value[: limit - 1] + "…"


def _line_of(text: str, index: int) -> int:
    return text.count("\n", 0, index) + 1


def _utf16_problem(data: bytes, source: str) -> InputError | None:
    """A refusal for UTF-16 or UTF-32 bytes (with or without a byte-order mark)."""
    head = data[:4]
    wide = head.startswith((b"\xff\xfe", b"\xfe\xff")) or (
        len(head) == 4 and (head[0::2] == b"\x00\x00") != (head[1::2] == b"\x00\x00")
    )
    if not wide:
        return None
    return InputError(
        [
            Problem(
                source,
                "fila er lagret som UTF-16 eller UTF-32; lagre den som UTF-8 "
                "(i Excel: «CSV UTF-8»)",
            )
        ]
    )


def _describe_char(char: str) -> str:
    code = ord(char)
    if code == 0:
        return "et NUL-tegn (U+0000)"
    if 0xD800 <= code <= 0xDFFF:
        return f"en ugyldig tegnkode (halvt surrogatpar U+{code:04X})"
    return f"et kontrolltegn (U+{code:04X})"


# --- Text and numbers -------------------------------------------------------------------------


def text_problem(
    value: str, where: str, *, max_chars: int | None = MAX_TEXT_CHARS
) -> Problem | None:
    """The problem with the text ``value`` at ``where``, or ``None`` when it is fine.

    Refused: lone surrogates, NUL and the other control characters except tab, line feed and
    carriage return, and (unless ``max_chars`` is ``None``) more than ``max_chars`` characters.
    """
    found = _BAD_CHARS.search(value)
    if found:
        return Problem(
            where,
            f"teksten inneholder {_describe_char(found.group())} ved tegn {found.start() + 1}; "
            "fjern det eller skriv teksten inn på nytt",
        )
    if max_chars is not None and len(value) > max_chars:
        return Problem(
            where, f"teksten er {len(value)} tegn; høyst {max_chars} tegn er tillatt, forkort den"
        )
    return None


def check_text(value: str, *, where: str, max_chars: int | None = MAX_TEXT_CHARS) -> str:
    """Return ``value`` when it is acceptable text (see :func:`text_problem`).

    Raises:
        InputError: naming ``where`` and the character (or the length) to fix.
    """
    if not isinstance(value, str):
        raise InputError([Problem(where, "skal være tekst")])
    problem = text_problem(value, where, max_chars=max_chars)
    if problem is not None:
        raise InputError([problem])
    return value


def _scientific(value: float) -> str:
    """``1e15`` for 10^15 (``:g`` would write ``1e+15``)."""
    return f"{value:.0e}".replace("e+", "e") if value >= 1e6 else f"{value:g}"


def number_problem(
    value: object,
    where: str,
    *,
    max_magnitude: float = MAX_NUMBER_MAGNITUDE,
    allow_negative: bool = True,
) -> Problem | None:
    """The problem with ``value`` as a number at ``where``, or ``None`` when it is fine.

    ``value`` must be an ``int`` or ``float`` (not ``bool``), finite, at most
    ``max_magnitude`` in absolute value and, unless ``allow_negative``, not negative. Ints of
    any size are compared without converting them to float first (no ``OverflowError``).
    """
    if isinstance(value, bool) or not isinstance(value, int | float):
        return Problem(where, "skal være et tall")
    if isinstance(value, float) and not math.isfinite(value):
        return Problem(where, "tallet er ikke endelig (NaN eller uendelig er ikke tillatt)")
    if abs(value) > max_magnitude:
        return Problem(
            where,
            f"tallet er for stort; høyst {_scientific(max_magnitude)} i absoluttverdi er tillatt "
            "(bruk en større enhet, f.eks. tusen kroner)",
        )
    if not allow_negative and value < 0:
        return Problem(where, "tallet kan ikke være negativt")
    return None


def safe_number(
    value: object,
    *,
    where: str,
    max_magnitude: float = MAX_NUMBER_MAGNITUDE,
    allow_negative: bool = True,
) -> float:
    """Return ``value`` as a float when it passes :func:`number_problem`.

    Raises:
        InputError: naming ``where`` and what is wrong with the number.
    """
    problem = number_problem(
        value, where, max_magnitude=max_magnitude, allow_negative=allow_negative
    )
    if problem is not None:
        raise InputError([problem])
    return float(value)  # type: ignore[arg-type]


# --- Bytes and text ---------------------------------------------------------------------------


def too_large(source: str, size: str, limit: int) -> InputTooLarge:
    """The refusal of a file of ``size`` (in words) from ``source`` over ``limit`` bytes."""
    return InputTooLarge(
        [
            Problem(
                source,
                f"fila er for stor ({size}); høyst {_bytes(limit)} er tillatt, del den opp",
            )
        ]
    )


def _bytes(count: int) -> str:
    if count >= 1024 * 1024:
        return f"{count / (1024 * 1024):.0f} MiB"
    if count >= 1024:
        return f"{count / 1024:.0f} KiB"
    return f"{count} byte"


def read_bytes(
    path: str | PathLike[str] | IO[bytes], *, source: str, max_bytes: int = MAX_JSON_BYTES
) -> bytes:
    """Read at most ``max_bytes`` bytes from a file path or an open binary file.

    Reads no more than ``max_bytes + 1`` bytes whatever the file's size, so standard input
    or a device cannot fill the memory.

    Raises:
        InputTooLarge: when there are more than ``max_bytes`` bytes.
        InputError: when the file does not exist or cannot be read.
    """
    try:
        if isinstance(path, str | PathLike):
            file = Path(path)
            if file.is_dir():
                raise InputError([Problem(source, "er en mappe, ikke en fil")])
            with file.open("rb") as handle:
                data = handle.read(max_bytes + 1)
        else:
            data = path.read(max_bytes + 1)
    except FileNotFoundError as error:
        raise InputError([Problem(source, "fila finnes ikke")]) from error
    except PermissionError as error:
        raise InputError([Problem(source, "fila kan ikke leses (ingen tilgang)")]) from error
    except OSError as error:
        raise InputError(
            [Problem(source, f"fila kan ikke leses ({error.strerror or type(error).__name__})")]
        ) from error
    if not isinstance(data, bytes):
        raise InputError([Problem(source, "fila er ikke åpnet som binær fil")])
    if len(data) > max_bytes:
        raise too_large(source, f"over {_bytes(max_bytes)}", max_bytes)
    return data


def decode_text(
    data: bytes | str, *, source: str, max_bytes: int = MAX_JSON_BYTES, what: str = "en tekstfil"
) -> str:
    """Decode ``data`` as UTF-8 text (a leading byte-order mark is dropped) and check it.

    Text given as ``str`` is checked the same way (its length in characters against
    ``max_bytes``; a character is at least one byte). ``what`` names the expected kind of
    file in the messages (``"en CSV-tekst"``).

    Raises:
        InputTooLarge: above ``max_bytes``.
        InputError: for UTF-16 or UTF-32, bytes that are not UTF-8 (a binary file), NUL or
            another control character than tab, line feed and carriage return, or a lone
            surrogate; the message names the line.
    """
    if isinstance(data, str):
        if len(data) > max_bytes:
            raise too_large(source, f"{len(data)} tegn", max_bytes)
        text = data[1:] if data.startswith("\ufeff") else data
    else:
        if len(data) > max_bytes:
            raise too_large(source, _bytes(len(data)), max_bytes)
        wide = _utf16_problem(data, source)
        if wide is not None:
            raise wide
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            line = data.count(b"\n", 0, error.start) + 1
            raise InputError(
                [
                    Problem(
                        _where(source, f"linje {line}"),
                        f"er ikke {what} i UTF-8 (ugyldig byte ved posisjon {error.start}); "
                        "lagre fila som UTF-8-tekst, eller velg riktig fil",
                    )
                ]
            ) from None
    found = _BAD_CHARS.search(text)
    if found:
        line = _line_of(text, found.start())
        raise InputError(
            [
                Problem(
                    _where(source, f"linje {line}"),
                    f"inneholder {_describe_char(found.group())}, så det er ikke {what}; "
                    "fjern tegnet eller velg riktig fil",
                )
            ]
        )
    return text


# --- JSON -------------------------------------------------------------------------------------


class JsonSyntaxError(InputError):
    """The text is not JSON; ``lineno``, ``colno`` and ``msg`` are :mod:`json`'s (English)."""

    def __init__(self, problems: list[Problem], *, lineno: int, colno: int, msg: str) -> None:
        super().__init__(problems)
        self.lineno = lineno
        self.colno = colno
        self.msg = msg


class _BadNumber:
    """Stands in for a refused number literal until the walk finds its path."""

    __slots__ = ("literal", "reason")

    def __init__(self, literal: str, reason: str) -> None:
        self.literal = literal
        self.reason = reason


def json_depth(text: str) -> int:
    """The deepest nesting of arrays and objects in ``text``, without parsing or recursion.

    Brackets inside strings do not count. For text that is not JSON the answer is a bound
    that is at least as deep as any prefix a parser could accept.
    """
    outside = _JSON_STRING.sub("", text)
    brackets = _NOT_BRACKET.sub("", outside)
    if not brackets:
        return 0
    return max(0, max(accumulate(_DEPTH_STEP[char] for char in brackets)))


def _depth_line(text: str, max_depth: int) -> int:
    depth = 0
    for match in _TOKEN.finditer(text):
        piece = match.group()
        if piece in ("[", "{"):
            depth += 1
            if depth > max_depth:
                return _line_of(text, match.start())
        elif piece in ("]", "}"):
            depth -= 1
    return 1


def _path(link: tuple | None) -> str:
    parts: list[str] = []
    while link is not None:
        link, key = link
        if isinstance(key, int):
            parts.append(f"[{key}]")
        elif _BAD_CHARS.search(key):
            parts.append(f"[{json.dumps(key[:40])}]")
        else:
            parts.append(f".{_show(key)}")
    path = "".join(reversed(parts))
    return path[1:] if path.startswith(".") else path


def load_json(
    data: bytes | str,
    *,
    source: str,
    max_bytes: int = MAX_JSON_BYTES,
    max_depth: int = MAX_JSON_DEPTH,
    max_items: int | None = None,
    max_text_chars: int | None = None,
    keep_non_finite: bool = False,
) -> Any:
    """Parse a JSON document from outside, refusing what would harm or mislead.

    Args:
        data: The document as bytes (UTF-8; a byte-order mark is dropped) or text.
        source: The name shown to the user (a file name, ``standard inn``).
        max_bytes: Size limit, checked first.
        max_depth: Nesting limit, checked before parsing without recursion.
        max_items: When given, the most values (numbers, strings, arrays, objects, keys not
            counted) the document may hold: the problem-size limit of the caller.
        max_text_chars: When given, the longest string allowed (otherwise ``max_bytes``
            is the only bound).
        keep_non_finite: Give ``NaN``, ``Infinity`` and literals that overflow (``1e400``) as
            ``float`` NaN and infinity instead of refusing them, for a caller whose own
            validation refuses them with its own contract message (the decision engine's
            ``not finite``). Over-long literals are refused all the same.

    Returns:
        The parsed document (``dict``, ``list``, ``str``, ``int``, ``float``, ``bool`` or
        ``None``); every ``int`` has at most :data:`MAX_NUMBER_CHARS` digits and every
        ``float`` is finite (unless ``keep_non_finite``).

    Raises:
        InputTooLarge: over ``max_bytes``, ``max_depth`` or ``max_items``.
        JsonSyntaxError: not JSON (with the line and column).
        InputError: not UTF-8, or a string or number refused (with its JSON path, at most
            :data:`MAX_PROBLEMS` of them).
    """
    if isinstance(data, bytes):
        if len(data) > max_bytes:
            raise too_large(source, _bytes(len(data)), max_bytes)
        text = decode_json_bytes(data, source=source)
    elif isinstance(data, str):
        if len(data) > max_bytes:
            raise too_large(source, f"{len(data)} tegn", max_bytes)
        text = data[1:] if data.startswith("\ufeff") else data
    else:
        raise TypeError("load_json takes bytes or str")

    depth = json_depth(text)
    if depth > max_depth:
        line = _depth_line(text, max_depth)
        raise InputTooLarge(
            [
                Problem(
                    _where(source, f"linje {line}"),
                    f"JSON-dokumentet er nøstet mer enn {max_depth} nivåer dypt; "
                    "bruk en flatere struktur",
                )
            ]
        )

    flagged = False

    def bad(literal: str, reason: str) -> _BadNumber:
        nonlocal flagged
        flagged = True
        return _BadNumber(literal, reason)

    def parse_int(literal: str) -> int | _BadNumber:
        if len(literal) > MAX_NUMBER_CHARS:
            return bad(literal, "long")
        return int(literal)

    def parse_float(literal: str) -> float | _BadNumber:
        if len(literal) > MAX_NUMBER_CHARS:
            return bad(literal, "long")
        value = float(literal)
        if math.isfinite(value) or keep_non_finite:
            return value
        return bad(literal, "overflow")

    def parse_constant(literal: str) -> float | _BadNumber:
        if keep_non_finite:
            return float(literal)
        return bad(literal, "constant")

    try:
        document = json.loads(
            text, parse_int=parse_int, parse_float=parse_float, parse_constant=parse_constant
        )
    except json.JSONDecodeError as error:
        raise JsonSyntaxError(
            [
                Problem(
                    _where(source, f"linje {error.lineno}, kolonne {error.colno}"),
                    f"ikke gyldig JSON ({error.msg}); rett feilen der",
                )
            ],
            lineno=error.lineno,
            colno=error.colno,
            msg=error.msg,
        ) from None
    except RecursionError:  # pragma: no cover - the depth scan runs first
        raise InputTooLarge(
            [Problem(source, "JSON-dokumentet er nøstet for dypt; bruk en flatere struktur")]
        ) from None

    # Strings need a look only if an escape or a raw character could have put a refused
    # character in one, or if the text is long enough to hold a string over the limit.
    suspect_text = (
        bool(_SUSPECT_ESCAPE.search(text))
        or bool(_BAD_CHARS.search(text))
        or (max_text_chars is not None and len(text) > max_text_chars)
    )
    if flagged or suspect_text or max_items is not None:
        _walk(
            document,
            source=source,
            check_strings=suspect_text,
            max_items=max_items,
            max_text_chars=max_text_chars,
        )
    return document


def decode_json_bytes(data: bytes, *, source: str) -> str:
    """UTF-8 bytes to text for JSON; UTF-16 and binary data get a clear refusal."""
    wide = _utf16_problem(data, source)
    if wide is not None:
        raise wide
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise InputError(
            [
                Problem(
                    _where(source, f"linje {line}"),
                    f"er ikke en tekstfil i UTF-8 (ugyldig byte ved posisjon {error.start}); "
                    "lagre fila som UTF-8, eller velg riktig fil",
                )
            ]
        ) from None


def _walk(
    document: Any,
    *,
    source: str,
    check_strings: bool,
    max_items: int | None,
    max_text_chars: int | None,
) -> None:
    """Check every value of ``document`` without recursion; raise with every problem's path."""
    problems: list[Problem] = []
    count = 0
    stack: list[tuple[Any, tuple | None]] = [(document, None)]
    while stack:
        value, link = stack.pop()
        count += 1
        if max_items is not None and count > max_items:
            raise InputTooLarge(
                [
                    Problem(
                        source,
                        f"dokumentet har mer enn {max_items} verdier; det er større enn "
                        "det som kan behandles, del det opp",
                    )
                ]
            )
        if isinstance(value, dict):
            for key, item in value.items():
                if check_strings:
                    problem = text_problem(key, "", max_chars=max_text_chars)
                    if problem is not None:
                        place = _path((link, key))
                        problems.append(
                            Problem(_where(source, place), "feltnavnet: " + problem.message)
                        )
                stack.append((item, (link, key)))
        elif isinstance(value, list):
            stack.extend((item, (link, k)) for k, item in enumerate(value))
        elif isinstance(value, str):
            if check_strings:
                problem = text_problem(value, "", max_chars=max_text_chars)
                if problem is not None:
                    problems.append(Problem(_where(source, _path(link)), problem.message))
        elif isinstance(value, _BadNumber):
            problems.append(Problem(_where(source, _path(link)), _number_message(value)))
    if problems:
        # The stack walks the document backwards; report in reading order.
        problems.reverse()
        raise InputError(_limited(problems))


def _number_message(bad: _BadNumber) -> str:
    if bad.reason == "constant":
        return f"{bad.literal} er ikke et tall som kan brukes; skriv et endelig tall"
    if bad.reason == "overflow":
        return (
            f"tallet {_show(bad.literal, 30)} er for stort til å regnes med; "
            "bruk en større enhet eller rett tallet"
        )
    return f"tallet har {len(bad.literal)} tegn; høyst {MAX_NUMBER_CHARS} er tillatt, rett tallet"


# --- CSV --------------------------------------------------------------------------------------


def iter_csv_rows(
    data: bytes | str,
    *,
    source: str,
    delimiter: str | None = None,
    max_bytes: int = MAX_CSV_BYTES,
    max_rows: int = MAX_CSV_ROWS,
    max_columns: int = MAX_CSV_COLUMNS,
    max_field_chars: int = MAX_CSV_FIELD_CHARS,
    strict: bool = True,
) -> Iterator[list[str]]:
    """Yield the rows of a CSV document as lists of strings, checking limits as it goes.

    The text is checked whole first (:func:`decode_text`: UTF-8, no NUL or control
    characters), so random bytes are refused as "not a text file" before any row is yielded.
    The delimiter is ``delimiter``, or the one of ``,``, ``;`` and tab that is most frequent
    on the first line. A caller may stop after the header row. ``strict`` (the default)
    refuses a stray quote inside a quoted field instead of guessing.

    Raises:
        InputTooLarge: over ``max_bytes``, ``max_rows``, ``max_columns`` or
            ``max_field_chars`` (naming the line).
        InputError: not UTF-8 text, or malformed CSV (naming the line).
    """
    text = decode_text(data, source=source, max_bytes=max_bytes, what="en CSV-tekst")
    if delimiter is None:
        first = text.split("\n", 1)[0]
        delimiter = max((",", ";", "\t"), key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=strict)
    rows = 0
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            line = reader.line_num
            if "field larger than field limit" in str(error):
                raise InputTooLarge(
                    [
                        Problem(
                            _where(source, f"linje {line}"),
                            f"et felt er lengre enn {max_field_chars} tegn; forkort det "
                            "(mangler det et anførselstegn?)",
                        )
                    ]
                ) from None
            raise InputError(
                [
                    Problem(
                        _where(source, f"linje {line}"),
                        f"ikke gyldig CSV ({error}); sjekk anførselstegnene der",
                    )
                ]
            ) from None
        rows += 1
        if rows > max_rows:
            raise InputTooLarge(
                [Problem(source, f"fila har mer enn {max_rows} rader; del den opp")]
            )
        if len(row) > max_columns:
            raise InputTooLarge(
                [
                    Problem(
                        _where(source, f"linje {reader.line_num}"),
                        f"raden har {len(row)} felter; høyst {max_columns} er tillatt",
                    )
                ]
            )
        for field in row:
            if len(field) > max_field_chars:
                raise InputTooLarge(
                    [
                        Problem(
                            _where(source, f"linje {reader.line_num}"),
                            f"et felt er lengre enn {max_field_chars} tegn; forkort det "
                            "(mangler det et anførselstegn?)",
                        )
                    ]
                )
        yield row


def read_csv(data: bytes | str, *, source: str, **limits: Any) -> list[list[str]]:
    """All rows of :func:`iter_csv_rows` as a list (same arguments and errors)."""
    return list(iter_csv_rows(data, source=source, **limits))


# --- XLSX -------------------------------------------------------------------------------------


def _zip_source(source: Source | IO[bytes]) -> Any:
    if isinstance(source, bytes):
        return io.BytesIO(source)
    return source


def check_xlsx(
    source: Source | IO[bytes],
    *,
    name: str,
    max_bytes: int = MAX_XLSX_BYTES,
    max_uncompressed: int = MAX_XLSX_UNCOMPRESSED_BYTES,
    max_member: int = MAX_XLSX_MEMBER_BYTES,
    max_shared_strings: int = MAX_XLSX_SHARED_STRINGS_BYTES,
    max_ratio: float = MAX_XLSX_RATIO,
    max_members: int = MAX_XLSX_MEMBERS,
) -> None:
    """Refuse an XLSX file that is not one, or that would expand beyond the limits.

    Only the zip's central directory and the first bytes of each XML part are read; nothing
    is decompressed whole, so a decompression bomb is refused in milliseconds.

    Args:
        source: A path, the file's bytes, or a seekable binary file (left at position 0).
        name: The name shown to the user.

    Raises:
        InputTooLarge: over a size, ratio or member limit (naming the part).
        NotXlsx: not a zip file, or not an XLSX workbook.
        InputError: a part with a DTD.
    """
    handle = _zip_source(source)
    try:
        if isinstance(handle, str | PathLike):
            size = Path(handle).stat().st_size
        else:
            handle.seek(0, io.SEEK_END)
            size = handle.tell()
            handle.seek(0)
    except FileNotFoundError:
        raise InputError([Problem(name, "fila finnes ikke")]) from None
    except OSError as error:
        raise InputError([Problem(name, f"fila kan ikke leses ({error})")]) from None
    if size > max_bytes:
        raise too_large(name, _bytes(size), max_bytes)
    try:
        with zipfile.ZipFile(handle) as archive:
            members = archive.infolist()
            if len(members) > max_members:
                raise InputTooLarge(
                    [
                        Problem(
                            name,
                            f"XLSX-fila har {len(members)} deler; høyst {max_members} er "
                            "tillatt, lagre arbeidsboka på nytt fra Excel",
                        )
                    ]
                )
            names = {member.filename for member in members}
            if "[Content_Types].xml" not in names or not any(
                member.startswith("xl/") for member in names
            ):
                raise NotXlsx(
                    "NotAWorkbook",
                    [
                        Problem(
                            name,
                            "er en zip-fil, men ikke en Excel-arbeidsbok (XLSX); "
                            "lagre den som .xlsx",
                        )
                    ],
                )
            total = 0
            for member in members:
                _check_member(member, name, max_member, max_shared_strings, max_ratio)
                total += member.file_size
                if total > max_uncompressed:
                    raise InputTooLarge(
                        [
                            Problem(
                                name,
                                "XLSX-fila pakker seg ut til mer enn "
                                f"{_bytes(max_uncompressed)}; den er for stor eller laget for "
                                "å skade, del opp arbeidsboka",
                            )
                        ]
                    )
            for member in members:
                if member.filename.endswith((".xml", ".rels", ".vml")):
                    with archive.open(member) as part:
                        head = part.read(_DTD_PROBE_BYTES)
                    if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                        raise InputError(
                            [
                                Problem(
                                    f"{name}: {member.filename}",
                                    "XML-delen har en DTD (<!DOCTYPE>), som en arbeidsbok fra "
                                    "Excel aldri har; fila er ikke godtatt",
                                )
                            ]
                        )
    except InputError:
        raise
    except zipfile.BadZipFile:
        raise NotXlsx(
            "BadZipFile",
            [
                Problem(
                    name,
                    "er ikke en XLSX-fil (ikke en hel zip-fil); lagre den som Excel-arbeidsbok "
                    "(.xlsx), eller velg riktig fil",
                )
            ],
        ) from None
    except (zipfile.LargeZipFile, NotImplementedError, EOFError, ValueError, OSError) as error:
        raise NotXlsx(
            type(error).__name__,
            [Problem(name, f"XLSX-fila kan ikke leses ({type(error).__name__})")],
        ) from None
    finally:
        if not isinstance(handle, str | PathLike):
            handle.seek(0)


def _check_member(
    member: zipfile.ZipInfo, name: str, max_member: int, max_shared: int, max_ratio: float
) -> None:
    where = f"{name}: {_show(member.filename, 80)}"
    limit = max_shared if member.filename.lower() == "xl/sharedstrings.xml" else max_member
    if member.file_size > limit:
        raise InputTooLarge(
            [
                Problem(
                    where,
                    f"delen pakker seg ut til {_bytes(member.file_size)}; høyst "
                    f"{_bytes(limit)} er tillatt, del opp arbeidsboka",
                )
            ]
        )
    if member.file_size > XLSX_RATIO_FLOOR_BYTES:
        ratio = member.file_size / max(member.compress_size, 1)
        if ratio > max_ratio:
            raise InputTooLarge(
                [
                    Problem(
                        where,
                        f"delen er pakket {ratio:.0f} ganger (høyst {max_ratio:g} er tillatt); "
                        "fila ser ut som en dekomprimeringsbombe og er ikke godtatt",
                    )
                ]
            )


class NotXlsx(InputError):
    """The file is not an XLSX workbook that can be read; ``reason`` names why, in one word
    (``BadZipFile``, ``NotAWorkbook``, or the exception openpyxl raised)."""

    def __init__(self, reason: str, problems: list[Problem]) -> None:
        super().__init__(problems)
        self.reason = reason


class XlsxBook:
    """A checked workbook opened read-only; use :func:`open_xlsx`, close when done."""

    def __init__(self, workbook: Any, name: str, handle: IO[bytes] | None = None) -> None:
        self._workbook = workbook
        self._handle = handle
        self.name = name

    @property
    def sheetnames(self) -> list[str]:
        """The sheet names, in workbook order."""
        return list(self._workbook.sheetnames)

    def rows(
        self,
        sheet: str,
        *,
        max_rows: int = MAX_XLSX_ROWS,
        max_columns: int = MAX_XLSX_COLUMNS,
        max_cells: int = MAX_XLSX_CELLS,
    ) -> Iterator[tuple[Any, ...]]:
        """Yield the rows of ``sheet`` as tuples of cell values, stopping at the limits.

        A row is yielded as soon as it is read, so a caller can check the header on the
        first row and stop. Text cells are checked with :func:`check_text`.

        Raises:
            KeyError: when there is no such sheet (check :attr:`sheetnames` first).
            InputTooLarge: over ``max_rows``, ``max_columns`` or ``max_cells``.
            InputError: when the sheet's XML is broken, or a cell holds refused characters.
        """
        worksheet = self._workbook[sheet]
        where = f"{self.name}: arket «{_show(sheet)}»"
        rows = cells = 0
        iterator = worksheet.iter_rows(values_only=True)
        while True:
            try:
                row = next(iterator)
            except StopIteration:
                return
            except Exception as error:  # broken XML inside the part: lxml, ElementTree, ...
                raise InputError(
                    [
                        Problem(
                            where,
                            f"arket kan ikke leses ved rad {rows + 1} ({type(error).__name__}); "
                            "lagre arbeidsboka på nytt fra Excel",
                        )
                    ]
                ) from None
            rows += 1
            cells += len(row)
            if rows > max_rows:
                raise InputTooLarge(
                    [Problem(where, f"arket har mer enn {max_rows} rader; del det opp")]
                )
            if len(row) > max_columns:
                raise InputTooLarge(
                    [
                        Problem(
                            f"{where}, rad {rows}",
                            f"raden har {len(row)} celler; høyst {max_columns} er tillatt",
                        )
                    ]
                )
            if cells > max_cells:
                raise InputTooLarge(
                    [Problem(where, f"arket har mer enn {max_cells} celler; del det opp")]
                )
            for column, value in enumerate(row, start=1):
                if isinstance(value, str):
                    problem = text_problem(value, f"{where}, rad {rows}, kolonne {column}")
                    if problem is not None:
                        raise InputError([problem])
                elif isinstance(value, float) and not math.isfinite(value):
                    raise InputError(
                        [
                            Problem(
                                f"{where}, rad {rows}, kolonne {column}", "tallet er ikke endelig"
                            )
                        ]
                    )
            yield row

    def close(self) -> None:
        """Release the file."""
        self._workbook.close()
        if self._handle is not None:
            self._handle.close()

    def __enter__(self) -> XlsxBook:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_xlsx(source: Source | IO[bytes], *, name: str, **limits: Any) -> XlsxBook:
    """Check ``source`` with :func:`check_xlsx` (``limits`` go there), then open it read-only.

    openpyxl is called only after the zip guard passed. Formulas are read as their cached
    values (``data_only``), never evaluated.

    Raises:
        InputTooLarge, InputError: as :func:`check_xlsx`, or when openpyxl cannot read it.
    """
    check_xlsx(source, name=name, **limits)
    from openpyxl import load_workbook

    handle = _zip_source(source)
    opened = None
    if isinstance(handle, str | PathLike):
        # A file object, not the path: openpyxl refuses a path whose suffix is not .xlsx.
        opened = handle = Path(handle).open("rb")  # noqa: SIM115 - closed by XlsxBook.close
    try:
        workbook = load_workbook(handle, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds on a broken workbook
        if opened is not None:
            opened.close()
        raise NotXlsx(
            type(error).__name__,
            [
                Problem(
                    name,
                    f"er ikke en Excel-arbeidsbok som kan leses ({type(error).__name__}); "
                    "lagre den på nytt som .xlsx",
                )
            ],
        ) from None
    return XlsxBook(workbook, name, opened)


def looks_like_xlsx(head: bytes) -> bool:
    """True when ``head`` (the first bytes of a file) starts like a zip file."""
    return head.startswith(_XLSX_MAGIC)


__all__: Sequence[str] = (
    "MAX_CSV_BYTES",
    "MAX_CSV_COLUMNS",
    "MAX_CSV_FIELD_CHARS",
    "MAX_CSV_ROWS",
    "MAX_JSON_BYTES",
    "MAX_JSON_DEPTH",
    "MAX_NUMBER_CHARS",
    "MAX_NUMBER_MAGNITUDE",
    "MAX_PROBLEMS",
    "MAX_TEXT_CHARS",
    "MAX_XLSX_BYTES",
    "MAX_XLSX_CELLS",
    "MAX_XLSX_COLUMNS",
    "MAX_XLSX_MEMBERS",
    "MAX_XLSX_MEMBER_BYTES",
    "MAX_XLSX_RATIO",
    "MAX_XLSX_ROWS",
    "MAX_XLSX_SHARED_STRINGS_BYTES",
    "MAX_XLSX_UNCOMPRESSED_BYTES",
    "XLSX_RATIO_FLOOR_BYTES",
    "InputError",
    "InputTooLarge",
    "JsonSyntaxError",
    "NotXlsx",
    "XlsxBook",
    "check_text",
    "check_xlsx",
    "decode_json_bytes",
    "decode_text",
    "iter_csv_rows",
    "json_depth",
    "load_json",
    "looks_like_xlsx",
    "number_problem",
    "open_xlsx",
    "read_bytes",
    "read_csv",
    "safe_number",
    "text_problem",
    "too_large",
)
