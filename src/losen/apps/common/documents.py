"""Printable documents: one structure, rendered as DOCX (A4) and as a printable page.

A document (:class:`Paper`) is a title, some lines before and after it, numbered or unnumbered
:class:`Section` s of paragraphs and simple :class:`Table` s, and closing lines. The leaders'
decision basis (``priorities.basis``) and the caseworker's letters (``cases.letters``) build a
``Paper`` and hand it to :func:`to_docx`, or show the same sections on a page, so the two
renderings cannot drift.

Every DOCX is A4 (210 × 297 mm) with the margins of :data:`A4_MARGINS_MM`, the municipality's
name in the page header, «Side X av Y» in the footer as Word fields (PAGE, NUMPAGES, so Word
counts the pages), the document's language set both as a core property and as the default
proofing language of the text, and the title, subject, keywords and author in the core
properties. Text is written as text: nothing is read as a field, a formula or markup, and
characters XML cannot hold are left out.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass, field

from django.utils import timezone, translation
from django.utils.translation import gettext as _

#: Page size in millimetres (ISO 216 A4).
A4_MM = (210, 297)
#: Top, right, bottom and left margin in millimetres.
A4_MARGINS_MM = (25, 25, 25, 25)
#: Distance of the page header and footer from the edge of the page, in millimetres.
HEADER_FOOTER_MM = 12

#: The language tag (BCP 47) written into a document for each interface language.
LANGUAGE_TAGS = {"nb": "nb-NO", "nn": "nn-NO", "en": "en-GB"}

#: Month names, the same in bokmål and nynorsk.
MONTHS = (
    "januar",
    "februar",
    "mars",
    "april",
    "mai",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "desember",
)

# Characters XML 1.0 cannot hold (C0 controls but tab, newline and return; lone surrogates;
# U+FFFE and U+FFFF). python-docx refuses them, so they are dropped from any text.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def clean(text) -> str:
    """``text`` as a string XML can hold."""
    return _NOT_XML.sub("", str(text))


def long_date(day: dt.date) -> str:
    """A date as written in Norwegian letters: «3. desember 2026»."""
    return f"{day.day}. {MONTHS[day.month - 1]} {day.year}"


def paragraphs_of(text: str) -> list[str]:
    """Free text split into paragraphs at blank lines; single line breaks are kept."""
    parts = re.split(r"\n\s*\n", str(text).replace("\r\n", "\n").strip())
    return [p.strip() for p in parts if p.strip()]


def language_tag(language: str | None = None) -> str:
    """The BCP 47 tag for ``language`` (default: the active language)."""
    code = (language or translation.get_language() or "nb").split("-")[0].lower()
    return LANGUAGE_TAGS.get(code, LANGUAGE_TAGS["nb"])


@dataclass
class Table:
    headers: list[str]
    rows: list[list[str]]


@dataclass
class Section:
    """One part of a document: a heading (``number. title`` when numbered), text and tables.

    ``key`` names the part for code and tests (e.g. ``"complaint"``); it is never shown.
    """

    number: int | None
    title: str
    paragraphs: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    key: str = ""

    @property
    def heading(self) -> str:
        return self.title if self.number is None else f"{self.number}. {self.title}"


@dataclass
class Paper:
    """Everything a printable document says, in the order it is printed.

    ``before_title`` are paragraphs above the title (a letter's address and reference lines),
    ``after_title`` those right below it, ``closing`` those after the last section (a
    letter's greeting). ``header_lines`` follow the municipality's name in the page header.
    ``language`` is an interface language code (``nb``, ``nn``, ``en``); empty means the
    active one. ``document_title`` is the title in the core properties (default ``title``).
    """

    title: str
    municipality: str
    sections: list[Section] = field(default_factory=list)
    language: str = ""
    header_lines: list[str] = field(default_factory=list)
    before_title: list[str] = field(default_factory=list)
    after_title: list[str] = field(default_factory=list)
    closing: list[str] = field(default_factory=list)
    document_title: str = ""
    subject: str = ""
    keywords: str = ""
    created: dt.datetime | None = None

    @property
    def tag(self) -> str:
        return language_tag(self.language)

    @property
    def html_lang(self) -> str:
        return self.tag.split("-")[0]


# --- DOCX -------------------------------------------------------------------------------------


def _page_setup(document) -> None:
    from docx.enum.section import WD_ORIENT
    from docx.shared import Mm

    for section in document.sections:
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = (Mm(x) for x in A4_MM)
        top, right, bottom, left = (Mm(x) for x in A4_MARGINS_MM)
        section.top_margin, section.right_margin = top, right
        section.bottom_margin, section.left_margin = bottom, left
        section.header_distance = section.footer_distance = Mm(HEADER_FOOTER_MM)


def _set_language(document, tag: str) -> None:
    """The default proofing language of all text (docDefaults) and the core property."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is None:
        defaults = OxmlElement("w:docDefaults")
        styles.insert(0, defaults)
    rpr_default = defaults.find(qn("w:rPrDefault"))
    if rpr_default is None:
        rpr_default = OxmlElement("w:rPrDefault")
        defaults.insert(0, rpr_default)
    rpr = rpr_default.find(qn("w:rPr"))
    if rpr is None:
        rpr = OxmlElement("w:rPr")
        rpr_default.append(rpr)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), tag)
    lang.set(qn("w:eastAsia"), tag)
    # Styles of the template that name a language of their own follow the document.
    for element in styles.iter(qn("w:lang")):
        if element.get(qn("w:val")):
            element.set(qn("w:val"), tag)
    document.core_properties.language = tag


def _field(paragraph, instruction: str) -> None:
    """A Word field (``PAGE``, ``NUMPAGES``) in ``paragraph``; Word fills in its value."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    def run_with(child):
        run = paragraph.add_run()
        run._r.append(child)

    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    run_with(begin)
    text = OxmlElement("w:instrText")
    text.set(qn("xml:space"), "preserve")
    text.text = f" {instruction} \\* MERGEFORMAT "
    run_with(text)
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    run_with(separate)
    paragraph.add_run("1")  # shown until Word updates the field
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run_with(end)


def _header_and_footer(document, paper: Paper) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    for section in document.sections:
        header = section.header
        first = header.paragraphs[0]
        first.add_run(clean(paper.municipality)).bold = True
        for line in paper.header_lines:
            header.add_paragraph(clean(line))
        footer = section.footer.paragraphs[0]
        footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
        # «Side %(page)s av %(pages)s»: the text around the two placeholders, with the fields.
        pattern = _("Side %(page)s av %(pages)s")
        for piece in re.split(r"(%\(pages?\)s)", pattern):
            if piece == "%(page)s":
                _field(footer, "PAGE")
            elif piece == "%(pages)s":
                _field(footer, "NUMPAGES")
            elif piece:
                footer.add_run(piece)


def _table(document, table: Table) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    grid = document.add_table(rows=1, cols=len(table.headers))
    grid.style = "Table Grid"
    head = grid.rows[0]
    repeat = OxmlElement("w:tblHeader")  # the header row is repeated on every page
    repeat.set(qn("w:val"), "true")
    head._tr.get_or_add_trPr().append(repeat)
    for cell, header in zip(head.cells, table.headers, strict=True):
        cell.text = ""
        cell.paragraphs[0].add_run(clean(header)).bold = True
    for row in table.rows:
        for cell, value in zip(grid.add_row().cells, row, strict=True):
            cell.text = clean(value)


def to_docx(paper: Paper) -> bytes:
    """The document as DOCX bytes (A4, header, page numbers, language, core properties)."""
    from docx import Document

    document = Document()
    _page_setup(document)
    _set_language(document, paper.tag)
    properties = document.core_properties
    properties.title = clean(paper.document_title or paper.title)
    properties.subject = clean(paper.subject)
    properties.keywords = clean(paper.keywords)
    properties.author = properties.last_modified_by = clean(paper.municipality)
    properties.comments = ""
    properties.category = ""
    properties.revision = 1
    properties.created = properties.modified = paper.created or timezone.now()
    _header_and_footer(document, paper)
    for text in paper.before_title:
        document.add_paragraph(clean(text))
    document.add_heading(clean(paper.title), level=0)
    for text in paper.after_title:
        document.add_paragraph(clean(text))
    for section in paper.sections:
        document.add_heading(clean(section.heading), level=1)
        for text in section.paragraphs:
            document.add_paragraph(clean(text))
        for table in section.tables:
            if table.rows:
                _table(document, table)
    for text in paper.closing:
        document.add_paragraph(clean(text))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
