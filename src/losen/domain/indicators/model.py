"""The tidy observation and the result of reading a file.

One :class:`Observation` is one published cell: one source, table, contents code, region, period
and (for tables with more dimensions, such as KOSTRA's function × art) one combination of the
other dimensions. The value is kept exactly as published, as a :class:`~decimal.Decimal`, and a
status symbol is kept beside it, never turned into a number. See ``docs/reference/indicators.md``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

#: SSB's standard symbols ("standardtegn"), with short Norwegian meanings written here.
#: Source: SSB, "Standardtegn i tabeller" (https://www.ssb.no), as shown under every StatBank table.
#: ``-`` means the figure is exactly nil; it is still kept as a status, not turned into 0,
#: so an export writes back what was read.
STATUS_MEANINGS: dict[str, str] = {
    ".": "kan ikke forekomme",
    "..": "mangler",
    "...": "mangler foreløpig",
    ":": "prikket (personvern)",
    "-": "null",
    "*": "foreløpig tall",
}

#: Attribution that must follow SSB and FHI data on every view and export (CC BY 4.0).
ATTRIBUTION: dict[str, str] = {
    "SSB": "Kilde: Statistisk sentralbyrå (SSB), lisens CC BY 4.0",
    "FHI": "Kilde: Folkehelseinstituttet (FHI), lisens CC BY 4.0",
}


def attribution_for(sources: set[str] | frozenset[str]) -> tuple[str, ...]:
    """Return the attribution lines owed for a set of sources, in a stable order.

    Sources we do not know (IS-24/8, BrukerPlan, local figures) are named as user-provided data.
    """
    lines = [ATTRIBUTION[s] for s in sorted(sources) if s in ATTRIBUTION]
    others = sorted(s for s in sources if s not in ATTRIBUTION)
    if others:
        lines.append("Brukerleverte data: " + ", ".join(others))
    return tuple(lines)


@dataclass(frozen=True, slots=True)
class Observation:
    """One published cell, tidy.

    Attributes:
        source: Who published it (``SSB``, ``FHI``, ``IS-24/8``, ``BrukerPlan``, ``lokal`` …).
        table: Table id as a string (``"07459"``, keeps leading zeros).
        contents_code: Contents code (``KOSbelop0000``, ``Personer1``); for CSV exports that carry
            only labels, the label.
        contents_label: The contents label as published.
        region_code: Region code as published, always a string (``"0301"``,
            ``"K-3103"``, ``"EAK"``).
        region_vintage: The year whose borders ``region_code`` refers to (``"2019"``); ``""`` when
            unknown. ``K-`` codes from SSB's KommSummer grouping are on 2024 borders.
        period: The period code as published (``"2024"``, ``"2020_2020"``, ``"2023M12"``).
        value: The number, exactly as published, or ``None`` when there is none.
        status: The status symbol as published (``":"``, ``".."`` …) or ``None``.
        unit: Unit base as published (``"1000 kr"``, ``"antall"``); ``""`` when the file has none.
        decimals: Decimals as published, or ``None``.
        updated: The day the source says the table was last updated (Norwegian date), or ``None``.
        dimensions: The other dimensions, as ``(dimension id, category code)`` pairs in the
            order the source gave them.
    """

    source: str
    table: str
    contents_code: str
    contents_label: str
    region_code: str
    region_vintage: str
    period: str
    value: Decimal | None
    status: str | None
    unit: str
    decimals: int | None
    updated: date | None
    dimensions: tuple[tuple[str, str], ...] = ()

    def dimension(self, dimension_id: str) -> str | None:
        """Return the category code of another dimension, or ``None`` if absent."""
        for key, code in self.dimensions:
            if key == dimension_id:
                return code
        return None


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a file, with the place it is found in the message."""

    place: str
    message: str

    def __str__(self) -> str:
        return f"{self.place}: {self.message}" if self.place else self.message


@dataclass(frozen=True, slots=True)
class ParseResult:
    """What a reader returns: every observation, or every problem (never half of each).

    Attributes:
        format: The detected format (``jsonstat2``, ``ssb-csv``, ``mal-csv``, ``mal-xlsx``,
            ``losen-json``).
        observations: The observations; empty when ``problems`` is not.
        problems: Every problem found; the file should be rejected as a whole when there is one.
    """

    format: str
    observations: tuple[Observation, ...] = ()
    problems: tuple[Problem, ...] = field(default=())

    @property
    def ok(self) -> bool:
        """True when the file was read without problems."""
        return not self.problems
