"""Small helpers shared by the readers: dates, vintages, table ids, numbers."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

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

    SSB's ``K-`` codes are KommSummer groups on 2024 borders (data.md §4). Other codes are taken
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
