"""A self-assessment as an XLSX workbook and as a DOCX report.

Both read the same :class:`~.selectors.AssessmentOverview`. Every XLSX cell goes through
:mod:`losen.domain.spreadsheet` (text stays text, never a formula), and the DOCX is a
:class:`losen.apps.common.documents.Paper`, so it is A4 with the municipality in the header
like every other printable document of Losen.
"""

from __future__ import annotations

import io

from django.utils import timezone
from django.utils.translation import gettext as _

from losen.apps.common.documents import Paper, Section, Table, long_date, paragraphs_of, to_docx
from losen.domain.spreadsheet import append_xlsx_row

from .models import PointStatus, ReasonGroup


def _status(code: str) -> str:
    return PointStatus(code).label if code else _("Ikke vurdert")


def _share(share: float | None) -> str:
    return "–" if share is None else f"{round(100 * share)} %"


def _scope(overview) -> str:
    assessment = overview.assessment
    return assessment.unit.name if assessment.unit else _("Hele kommunen")


def _assessor(point) -> str:
    if not point.assessed_at:
        return ""
    who = point.assessed_by.display_name if point.assessed_by else _("ukjent")
    return f"{who}, {timezone.localtime(point.assessed_at).strftime('%d.%m.%Y')}"


def to_xlsx(overview) -> bytes:
    """The assessment as a workbook: one sheet of points, one of results per recommendation."""
    from openpyxl import Workbook

    assessment = overview.assessment
    book = Workbook()
    sheet = book.active
    sheet.title = _("Punkter")
    append_xlsx_row(sheet, [assessment.title])
    append_xlsx_row(
        sheet,
        [f"{assessment.guideline_title} ({assessment.guideline_version})", _scope(overview)],
    )
    append_xlsx_row(sheet, [])
    append_xlsx_row(
        sheet,
        [
            _("Anbefaling"),
            _("Styrke"),
            _("Punkt"),
            _("Beskrivelse"),
            _("Status"),
            _("Dokumentasjon"),
            _("Lenker"),
            _("Forsvarlig alternativ"),
            _("Hovedgrunn"),
            _("Vurdert av"),
        ],
    )
    for block in overview.blocks:
        for row in block.rows:
            point = row.point
            append_xlsx_row(
                sheet,
                [
                    block.recommendation.id,
                    block.recommendation.strength,
                    point.point_id,
                    row.text,
                    _status(point.status),
                    point.evidence,
                    "\n".join(point.link_list),
                    point.alternative,
                    ReasonGroup(point.reason_group).label if point.reason_group else "",
                    _assessor(point),
                ],
            )
    results = book.create_sheet(_("Resultat"))
    append_xlsx_row(
        results,
        [
            _("Anbefaling"),
            _("Tittel"),
            _("Styrke"),
            *[label for _c, label in PointStatus.choices],
            _("Andel oppfylt"),
        ],
    )
    for block in overview.blocks:
        result = block.result
        append_xlsx_row(
            results,
            [
                block.recommendation.id,
                block.recommendation.title,
                block.recommendation.strength,
                *[result.counts.get(code, 0) for code in PointStatus.values],
                None if result.met_share is None else round(result.met_share, 3),
            ],
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def paper(overview) -> Paper:
    """The assessment as a printable document."""
    assessment = overview.assessment
    after = [
        f"{_('Veileder')}: {assessment.guideline_title} ({assessment.guideline_version})",
        f"{_('Vurdert')}: {_scope(overview)}",
        f"{_('Andel oppfylt')}: {_share(overview.share)}",
    ]
    if assessment.closed_at:
        after.append(f"{_('Avsluttet')}: {long_date(timezone.localdate(assessment.closed_at))}")
    sections = []
    for number, block in enumerate(overview.blocks, start=1):
        rec = block.recommendation
        paragraphs = [
            f"{_('Styrke')}: {rec.strength}. {_('Kapittel')}: {rec.chapter}. "
            f"{_('Kilde')}: {rec.url}",
        ]
        rows = []
        for row in block.rows:
            point = row.point
            rows.append(
                [point.point_id, row.text, _status(point.status), point.evidence, _assessor(point)]
            )
            if point.alternative:
                paragraphs.append(f"{_('Forsvarlig alternativ for')} {point.point_id}:")
                paragraphs.extend(paragraphs_of(point.alternative))
        sections.append(
            Section(
                number,
                f"{rec.id} {rec.title}",
                paragraphs=paragraphs,
                tables=[
                    Table(
                        [
                            _("Punkt"),
                            _("Beskrivelse"),
                            _("Status"),
                            _("Dokumentasjon"),
                            _("Vurdert av"),
                        ],
                        rows,
                    )
                ],
                key=rec.id,
            )
        )
    return Paper(
        title=assessment.title,
        municipality=assessment.municipality.name,
        sections=sections,
        after_title=after,
        subject=_("Egenvurdering mot veileder"),
        keywords=assessment.guideline_id,
    )


def to_docx_bytes(overview) -> bytes:
    return to_docx(paper(overview))
