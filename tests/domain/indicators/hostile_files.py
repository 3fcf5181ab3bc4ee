"""Hostile files made on the fly, streaming, in a temporary folder or in memory (no fixtures).

Each maker is fast: the large ones are highly compressible, or written in blocks.
"""

from __future__ import annotations

import io
import random
import zipfile
from pathlib import Path

from losen.domain.indicators import template_xlsx

_SHEET_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
)


def _workbook_with(path: Path, replaced: str, write_part) -> Path:
    """An XLSX made by Losen's template writer, with one part replaced by *write_part*."""
    base = zipfile.ZipFile(io.BytesIO(template_xlsx("lokal")))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as out:
        for item in base.infolist():
            if item.filename != replaced:
                out.writestr(item, base.read(item.filename))
        with out.open(replaced, "w") as part:
            write_part(part)
    return path


def shared_strings_bomb(path: Path, megabytes: int) -> Path:
    """A small XLSX whose ``xl/sharedStrings.xml`` unpacks to *megabytes* MB (the probe's
    1.2 MB file unpacked to 510 MB)."""

    def write(part) -> None:
        part.write(
            b'<?xml version="1.0"?>'
            b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        )
        block = (b"<si><t>" + b"A" * 1000 + b"</t></si>") * 1000
        for _ in range(megabytes):
            part.write(block)
        part.write(b"</sst>")

    return _workbook_with(path, "xl/sharedStrings.xml", write)


def many_rows_sheet(path: Path, rows: int, header: list[str], *, dimension: bool = True) -> Path:
    """An XLSX whose first sheet has *header* and then *rows* rows of one random number.

    The numbers are random so that the sheet compresses like real data (about 5:1), under the
    zip guard's ratio limit. With ``dimension=False`` the sheet does not declare its size.
    """
    rng = random.Random(rows)

    def write(part) -> None:
        part.write(_SHEET_HEAD)
        if dimension:
            part.write(
                b'<dimension ref="A1:%s%d"/>'
                % (b"ABCDEFGHIJKLMN"[len(header) - 1 : len(header)], rows + 1)
            )
        part.write(b"<sheetData>")
        cells = b"".join(b'<c t="inlineStr"><is><t>%s</t></is></c>' % h.encode() for h in header)
        part.write(b'<row r="1">' + cells + b"</row>")
        block: list[bytes] = []
        for _ in range(rows):
            block.append(b"<row><c><v>%d</v></c></row>" % rng.randrange(10**9))
            if len(block) == 20_000:
                part.write(b"".join(block))
                block = []
        part.write(b"".join(block))
        part.write(b"</sheetData></worksheet>")

    return _workbook_with(path, "xl/worksheets/sheet1.xml", write)


def random_bytes(size: int, seed: int = 11) -> bytes:
    return random.Random(seed).randbytes(size)
