"""Import templates (CSV and XLSX) for sources with no API: IS-24/8, BrukerPlan and local figures.

One long format serves all of them, and it is also the format :mod:`.export` writes, so an export
reads back to the very same observations. Columns (Norwegian, as users fill them in):

===================  ========  ==============================================================
column               required  meaning
===================  ========  ==============================================================
``kilde``            yes       publisher: ``IS-24/8``, ``BrukerPlan``, ``lokal``, ``SSB`` …
``tabell``           yes       table or report id, as text (``IS-24/8 2023``, ``07459``)
``indikatorkode``    yes       contents code (your own short code for local figures)
``indikatornavn``    no        contents label; the code when empty
``regionkode``       yes       region code as text, leading zeros kept (``0301``)
``regioninndeling``  no        year whose borders the code is on; from ``periode`` when empty
``periode``          yes       ``2024``, ``2024M03``, ``2022_2024`` …
``verdi``            *         the number; ``,`` or ``.`` as decimal mark
``status``           *         a status symbol (``..``, ``:`` …) when there is no number
``enhet``            no        unit (``årsverk``, ``antall``, ``prosent``)
``desimaler``        no        decimals to show
``oppdatert``        no        date the source updated the figure, ``YYYY-MM-DD``
``dim:<navn>``       no        any further dimension, one column each (``dim:målgruppe``)
===================  ========  ==============================================================

\\* each row needs ``verdi`` or ``status`` (or both, for a provisional ``*`` figure).
Lines starting with ``#`` are comments (exports put the attribution there). The separator may be
``;``, ``,`` or a tab. The kinds in :data:`TEMPLATE_KINDS` prescribe dimension columns and check
their values; the IS-24/8 columns follow SINTEF's yearly report for Helsedirektoratet on
municipal mental health and substance use work (årsverk by target group, measure type and
education), BrukerPlan's follow
KORFOR's aggregated results (group, domain, colour).
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from losen.domain import safeinput
from losen.domain.errors import InputError
from losen.domain.errors import Problem as ErrorProblem
from losen.domain.indicators._common import (
    ReadLimits,
    check_line_count,
    checked_text,
    parse_number,
    problems_of,
    vintage_for,
)
from losen.domain.indicators.jsonstat import MAX_LISTED
from losen.domain.indicators.model import STATUS_MEANINGS, Observation, ParseResult, Problem
from losen.domain.indicators.register import RegionRegister, default_register
from losen.domain.spreadsheet import append_xlsx_row, csv_writer, unescape_csv_cell

COLUMNS: tuple[str, ...] = (
    "kilde",
    "tabell",
    "indikatorkode",
    "indikatornavn",
    "regionkode",
    "regioninndeling",
    "periode",
    "verdi",
    "status",
    "enhet",
    "desimaler",
    "oppdatert",
)
REQUIRED: tuple[str, ...] = ("kilde", "tabell", "indikatorkode", "regionkode", "periode")
DIMENSION_PREFIX = "dim:"


@dataclass(frozen=True, slots=True)
class TemplateKind:
    """A template for one kind of source: its fixed source name, unit and dimension columns.

    Attributes:
        source: The ``kilde`` value rows of this kind carry.
        unit: The expected unit.
        dimensions: Dimension columns with their allowed values (empty tuple: any value).
        note: A short Norwegian note shown with the template.
    """

    source: str
    unit: str
    dimensions: tuple[tuple[str, tuple[str, ...]], ...]
    note: str


TEMPLATE_KINDS: dict[str, TemplateKind] = {
    "is-24-8": TemplateKind(
        source="IS-24/8",
        unit="årsverk",
        dimensions=(
            ("målgruppe", ("voksne", "barn_unge")),
            ("tiltakstype", ()),
            ("utdanningsnivå", ()),
        ),
        note=(
            "Årsverk i kommunalt psykisk helse- og rusarbeid (SINTEF/IS-24/8). SINTEF fraråder "
            "å sammenligne nivå mellom enkeltkommuner; bruk tallene til å følge utviklingen."
        ),
    ),
    "brukerplan": TemplateKind(
        source="BrukerPlan",
        unit="antall",
        dimensions=(
            ("gruppe", ()),
            (
                "domene",
                (
                    "bolig",
                    "meningsfull aktivitet",
                    "økonomi",
                    "fysisk helse",
                    "psykisk helse",
                    "rusmiddelbruk",
                    "sosial fungering",
                    "sosialt nettverk",
                ),
            ),
            ("farge", ("grønn", "gul", "rød")),
        ),
        note=(
            "Bare aggregerte antall fra BrukerPlan-rapporten, aldri opplysninger om enkeltpersoner."
        ),
    ),
    "lokal": TemplateKind(
        source="lokal",
        unit="",
        dimensions=(),
        note="Kommunens egne tall. Legg til dim:-kolonner ved behov.",
    ),
}


def template_header(kind: str) -> tuple[str, ...]:
    """Return the header row of a template kind."""
    spec = TEMPLATE_KINDS[kind]
    return COLUMNS + tuple(DIMENSION_PREFIX + name for name, _ in spec.dimensions)


def template_csv(kind: str) -> bytes:
    """Return an empty template (header row and a comment) as UTF-8 CSV with ``;``."""
    spec = TEMPLATE_KINDS[kind]
    out = io.StringIO(newline="")
    out.write(f"# {spec.note}\r\n")
    csv_writer(out, delimiter=";", lineterminator="\r\n").writerow(template_header(kind))
    return out.getvalue().encode("utf-8")


def template_xlsx(kind: str) -> bytes:
    """Return an empty template as an XLSX workbook (header in row 1, region codes as text)."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "data"
    header = template_header(kind)
    append_xlsx_row(sheet, header)
    region_letter = chr(ord("A") + header.index("regionkode"))
    for row in range(2, 1001):
        sheet[f"{region_letter}{row}"].number_format = "@"
    notes = workbook.create_sheet("veiledning")
    append_xlsx_row(notes, [TEMPLATE_KINDS[kind].note])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def looks_like_template(header: Sequence[str]) -> bool:
    """True when a header row names at least two of the template's columns.

    Two are enough, so that a template with only three columns (``regionkode;periode;verdi``)
    or one missing several is read as a template and told which columns it lacks, instead of
    being taken for an SSB export. SSB's own headers (``"region";"age";"Persons 2024"``)
    never use the template's names.
    """
    names = {h.strip().lower() for h in header}
    return sum(column in names for column in COLUMNS) >= 2


def expected_columns() -> str:
    """The template's columns in words, for messages about a header that lacks some."""
    optional = [c for c in COLUMNS if c not in REQUIRED and c not in ("verdi", "status")]
    return (
        f"en importmal har kolonnene {', '.join(REQUIRED)} og verdi eller status "
        f"(og kan ha {', '.join(optional)} og dim:-kolonner); "
        "en tom mal får du med «losen indicators template lokal»"
    )


def parse_template_csv(
    data: bytes | str,
    *,
    regions: RegionRegister | None = None,
    limits: ReadLimits | None = None,
    name: str = "",
) -> ParseResult:
    """Read a filled-in template (or an export) in CSV form.

    The rows stream through :func:`losen.domain.safeinput.iter_csv_rows` (row, column and
    field limits); the header is checked on the first row before the rest is read.
    """
    limits = limits or ReadLimits()
    try:
        text = checked_text(data, source=name) if isinstance(data, bytes) else data
        check_line_count(text, source=name, max_rows=limits.max_rows)
        if text.startswith("#") or "\n#" in text:
            # Comment lines become empty lines, so a row's number is its line in the file.
            text = "\n".join("" if line.startswith("#") else line for line in text.split("\n"))
        first = next((line for line in text[:65536].split("\n") if line.strip()), "")
        delimiter = max((";", ",", "\t"), key=first.count)
        records = safeinput.iter_csv_rows(
            text,
            source=name,
            delimiter=delimiter,
            max_bytes=max(limits.max_bytes, len(text)),
            max_rows=limits.max_rows,
            strict=False,
        )
        rows = (
            (number, [unescape_csv_cell(c) for c in record])
            for number, record in enumerate(records, start=1)
        )
        return _parse_rows(rows, "mal-csv", place_word="line", regions=regions)
    except InputError as error:
        return ParseResult("mal-csv", problems=problems_of(error))


def parse_template_xlsx(
    data: bytes,
    *,
    regions: RegionRegister | None = None,
    limits: ReadLimits | None = None,
    name: str = "",
) -> ParseResult:
    """Read a filled-in template in XLSX form (first sheet, header in the first non-empty row).

    :func:`losen.domain.safeinput.open_xlsx` checks the zip before openpyxl reads anything
    (uncompressed sizes, compression ratio: a decompression bomb is refused at once); the rows
    then stream under row and cell limits, and the header is checked on the first row.
    """
    limits = limits or ReadLimits()
    name = name or "fila"
    try:
        safeinput.check_xlsx(data, name=name, max_bytes=limits.max_bytes)
        _check_sheet_dimensions(data, name)
        with safeinput.open_xlsx(data, name=name, max_bytes=limits.max_bytes) as book:
            sheet = book.sheetnames[0]
            rows = (
                (i, list(row))
                for i, row in enumerate(
                    book.rows(
                        sheet, max_rows=limits.max_xlsx_rows, max_cells=limits.max_xlsx_cells
                    ),
                    start=1,
                )
                if not (row and isinstance(row[0], str) and row[0].startswith("#"))
            )
            return _parse_rows(rows, "mal-xlsx", place_word="row", sheet=sheet, regions=regions)
    except InputError as error:
        return ParseResult("mal-xlsx", problems=problems_of(error))


#: A worksheet part larger than this (unpacked) must say its size (``<dimension>``) up front.
UNDECLARED_SHEET_BYTES = 4 * 1024 * 1024
_SHEET_PART = re.compile(r"xl/worksheets/[^/]+\.xml")


def _check_sheet_dimensions(data: bytes, name: str) -> None:
    """Refuse a large worksheet that does not declare its size before its rows.

    openpyxl opens every sheet by looking for its ``<dimension>`` element, and when a sheet
    has none it reads the whole sheet to find that out, before the first row can be read:
    20 s for a sheet of a million rows here. Excel, LibreOffice and openpyxl always write the
    element first, so only a sheet made to be slow lacks it; a small one is let through.
    Call after :func:`losen.domain.safeinput.check_xlsx` (the zip is known to be sound).
    """
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for member in archive.infolist():
            if member.file_size <= UNDECLARED_SHEET_BYTES or not _SHEET_PART.fullmatch(
                member.filename
            ):
                continue
            with archive.open(member) as part:
                head = part.read(64 * 1024)
            rows_at = head.find(b"<sheetData")
            dimension_at = head.find(b"<dimension")
            if dimension_at < 0 or (0 <= rows_at < dimension_at):
                raise InputError(
                    [
                        ErrorProblem(
                            f"{name}: {member.filename}",
                            "arket er stort og oppgir ikke størrelsen sin (<dimension>), slik "
                            "Excel og LibreOffice gjør; åpne arbeidsboka og lagre den på nytt "
                            "der, eller bruk CSV",
                        )
                    ]
                )


def _cell_text(cell: Any) -> str:
    if cell is None:
        return ""
    if isinstance(cell, datetime):
        return cell.date().isoformat()
    if isinstance(cell, date):
        return cell.isoformat()
    if isinstance(cell, float):
        return repr(cell)
    return str(cell).strip()


def _header_name(text: str) -> str:
    """Lower-case known column names; keep the case of dimension names (``dim:KOKart0000``)."""
    if text.lower().startswith(DIMENSION_PREFIX):
        return DIMENSION_PREFIX + text[len(DIMENSION_PREFIX) :]
    return text.lower()


def _parse_rows(
    rows: Iterable[tuple[int, list[Any]]],
    fmt: str,
    place_word: str,
    sheet: str | None = None,
    regions: RegionRegister | None = None,
) -> ParseResult:
    register = regions or default_register()
    filled = ((n, r) for n, r in rows if any(_cell_text(c) for c in r))
    prefix = f"sheet {sheet}, " if sheet else ""
    first = next(filled, None)
    if first is None:
        return ParseResult(fmt, problems=(Problem("", "the file has no header row"),))
    header_no, header_cells = first
    header = [_header_name(_cell_text(c)) for c in header_cells]
    missing = [c for c in REQUIRED if c not in header]
    if "verdi" not in header and "status" not in header:
        missing.append("verdi eller status")
    if missing:
        return ParseResult(
            fmt,
            problems=(
                Problem(
                    f"{prefix}{place_word} {header_no}",
                    "mangler kolonne(r): " + ", ".join(missing) + "; " + expected_columns(),
                ),
            ),
        )
    unknown = [h for h in header if h and h not in COLUMNS and not h.startswith(DIMENSION_PREFIX)]
    problems: list[Problem] = []
    if unknown:
        problems.append(
            Problem(f"{prefix}{place_word} {header_no}", "unknown column(s): " + ", ".join(unknown))
        )
    col = {name: i for i, name in enumerate(header) if name}
    dim_cols = [
        (name[len(DIMENSION_PREFIX) :], i)
        for name, i in col.items()
        if name.startswith(DIMENSION_PREFIX)
    ]
    kinds_by_source = {spec.source: spec for spec in TEMPLATE_KINDS.values()}

    observations: list[Observation] = []
    listed = 0

    def complain(place: str, message: str) -> None:
        nonlocal listed
        listed += 1
        if listed <= MAX_LISTED:
            problems.append(Problem(place, message))

    for number, cells in filled:
        place = f"{prefix}{place_word} {number}"
        raw = {name: cells[i] if i < len(cells) else None for name, i in col.items()}
        text = {name: _cell_text(value) for name, value in raw.items()}
        absent = [c for c in REQUIRED if not text.get(c)]
        if absent:
            complain(place, "empty required field(s): " + ", ".join(absent))
            continue
        region = text["regionkode"]
        if isinstance(raw["regionkode"], float) and raw["regionkode"].is_integer():
            region = str(int(raw["regionkode"]))
        if region.isdigit() and len(region) in (1, 3, 5) and region != "0":
            complain(
                place,
                f"regionkode {region} looks like a number that lost its leading zero; "
                "write it as text (0301)",
            )
            continue
        unknown_region = register.problem(region)
        if unknown_region:
            complain(place, unknown_region)
            continue
        value: Decimal | None = None
        value_text = text.get("verdi", "")
        if value_text:
            value = parse_number(value_text)
            if value is None:
                complain(place, f"verdi {value_text!r} is not a number")
                continue
        status = text.get("status", "") or None
        if status is not None and status not in STATUS_MEANINGS:
            allowed = " ".join(STATUS_MEANINGS)
            complain(place, f"status {status!r} is not one of: {allowed}")
            continue
        if value is None and status is None:
            complain(place, "neither verdi nor status")
            continue
        decimals: int | None = None
        if text.get("desimaler"):
            if not text["desimaler"].isdigit():
                complain(place, f"desimaler {text['desimaler']!r} is not a whole number")
                continue
            decimals = int(text["desimaler"])
        updated: date | None = None
        if text.get("oppdatert"):
            try:
                updated = date.fromisoformat(text["oppdatert"][:10])
            except ValueError:
                complain(place, f"oppdatert {text['oppdatert']!r} is not a date (YYYY-MM-DD)")
                continue
        dims = tuple(
            (name, text[DIMENSION_PREFIX + name])
            for name, _ in dim_cols
            if text[DIMENSION_PREFIX + name]
        )
        spec = kinds_by_source.get(text["kilde"])
        bad = _check_kind(spec, dims) if spec else None
        if bad:
            complain(place, bad)
            continue
        period = text["periode"]
        observations.append(
            Observation(
                source=text["kilde"],
                table=text["tabell"],
                contents_code=text["indikatorkode"],
                contents_label=text.get("indikatornavn") or text["indikatorkode"],
                region_code=region,
                region_vintage=text.get("regioninndeling") or vintage_for(region, period),
                period=period,
                value=value,
                status=status,
                unit=text.get("enhet", ""),
                decimals=decimals,
                updated=updated,
                dimensions=dims,
            )
        )
    if listed > MAX_LISTED:
        problems.append(Problem("", f"{listed - MAX_LISTED} more problems like these"))
    if problems:
        return ParseResult(fmt, problems=tuple(problems))
    return ParseResult(fmt, observations=tuple(observations))


def _check_kind(spec: TemplateKind, dims: Sequence[tuple[str, str]]) -> str | None:
    """Check a row against its kind's dimension columns; return a message or ``None``."""
    given: Mapping[str, str] = dict(dims)
    for name, allowed in spec.dimensions:
        if name not in given:
            return f"{spec.source} needs a value in dim:{name}"
        if allowed and given[name] not in allowed:
            return f"dim:{name} {given[name]!r} is not one of: {', '.join(allowed)}"
    return None
