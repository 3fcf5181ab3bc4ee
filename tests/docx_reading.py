"""Read a DOCX back in tests: text, headings and their parts, tables, page set-up, header,
footer fields and language.

    from tests.docx_reading import read_docx

    doc = read_docx(response.content)
    assert doc.page_mm == (210, 297)
    assert "Fjordvik kommune" in doc.header_text
    assert doc.footer_fields == ["PAGE", "NUMPAGES"]
    assert "Du kan klage" in doc.parts()
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import cached_property

from docx import Document
from docx.oxml.ns import qn
from lxml import etree


def _mm(length) -> float:
    return round(length.mm, 1)


def _fields(paragraphs) -> list[str]:
    """The field instructions (first word) of complex and simple fields, in order."""
    out = []
    for paragraph in paragraphs:
        p = paragraph._p
        for element in p.iter(qn("w:instrText"), qn("w:fldSimple")):
            text = element.text if element.tag == qn("w:instrText") else element.get(qn("w:instr"))
            if text and text.split():
                out.append(text.split()[0])
    return out


@dataclass
class DocxView:
    document: object

    # --- body ---
    @property
    def paragraphs(self) -> list[str]:
        return [p.text for p in self.document.paragraphs]

    @property
    def title(self) -> str:
        return next((p.text for p in self.document.paragraphs if p.style.name == "Title"), "")

    def headings(self, level: int | None = None) -> list[str]:
        name = "Heading" if level is None else f"Heading {level}"
        return [
            p.text
            for p in self.document.paragraphs
            if p.style.name == name or (level is None and p.style.name.startswith("Heading "))
        ]

    def parts(self, level: int = 1) -> dict[str, list[str]]:
        """Each heading of ``level`` with the paragraphs under it, up to the next heading."""
        out: dict[str, list[str]] = {}
        current = None
        for p in self.document.paragraphs:
            if p.style.name == f"Heading {level}":
                current = out.setdefault(p.text, [])
            elif p.style.name.startswith("Heading ") or p.style.name == "Title":
                current = None
            elif current is not None:
                current.append(p.text)
        return out

    @property
    def tables(self) -> list[list[list[str]]]:
        return [[[c.text for c in row.cells] for row in t.rows] for t in self.document.tables]

    @property
    def text(self) -> str:
        cells = [cell for table in self.tables for row in table for cell in row]
        return "\n".join(self.paragraphs + cells)

    @property
    def body_fields(self) -> list[str]:
        return _fields(self.document.paragraphs)

    @cached_property
    def body_xml(self) -> str:
        return etree.tostring(self.document.element.body, encoding="unicode")

    # --- page ---
    @property
    def page_mm(self) -> tuple[float, float]:
        s = self.document.sections[0]
        return (_mm(s.page_width), _mm(s.page_height))

    @property
    def margins_mm(self) -> tuple[float, float, float, float]:
        """Top, right, bottom, left."""
        s = self.document.sections[0]
        return tuple(_mm(x) for x in (s.top_margin, s.right_margin, s.bottom_margin, s.left_margin))

    @property
    def header_text(self) -> str:
        return "\n".join(p.text for p in self.document.sections[0].header.paragraphs)

    @property
    def footer_text(self) -> str:
        return "\n".join(p.text for p in self.document.sections[0].footer.paragraphs)

    @property
    def footer_fields(self) -> list[str]:
        return _fields(self.document.sections[0].footer.paragraphs)

    # --- properties ---
    @property
    def core(self):
        return self.document.core_properties

    @property
    def language(self) -> str:
        """The core property ``dc:language``."""
        return self.document.core_properties.language

    @property
    def default_language(self) -> str:
        """The default proofing language of the text (styles' docDefaults)."""
        lang = self.document.styles.element.find(
            f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:lang')}"
        )
        return "" if lang is None else lang.get(qn("w:val"), "")


def read_docx(data: bytes) -> DocxView:
    return DocxView(Document(io.BytesIO(data)))
