"""The indicator catalogue: which stored figures the dashboard shows, and how.

Each :class:`IndicatorDef` names a source, table and contents code (and values of the table's
other dimensions), says whether the figure is a count or a ratio, and for counts gives the age
band of the population (SSB table 07459) it is divided by to give a rate per 1 000 inhabitants.
Ratios (percentages, hours per user) are shown as published and never recomputed from sums.

The table ids are SSB's (Statistikkbanken, https://www.ssb.no/statbank: KOSTRA 12003 users of
care services, 12209 care key figures, 12367 accounts by function; function 243 is "tilbud til
personer med rusproblemer" in KOSTRA's function list, KLASS 277,
https://www.ssb.no/klass/klassifikasjoner/277), and the IS-24/8 survey's årsverk and BrukerPlan
counts (https://www.ressursportal.no/kommunalt-psykisk-helse--og-rusarbeid/is-248/). SSB's API
guide (https://www.ssb.no/api/api-mot-statistikkbanken--brukerveiledning) describes ``GET
/tables/{id}/metadata``; every contents code should be checked there before it is relied on; no
live API can be reached from where this was written, so entries whose codes were not seen in a
real response carry ``codes_checked=False`` and the page says so. An operator corrects a code
here after checking it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from losen.domain.indicators import AgeBand

POPULATION_TABLE = "07459"
POPULATION_CONTENTS = "Personer1"


class Area:
    MENTAL_HEALTH = "psykisk-helse-rus"
    HOME_CARE = "hjemmetjenester"


AREA_LABELS = {
    Area.MENTAL_HEALTH: _("Psykisk helse og rus"),
    Area.HOME_CARE: _("Hjemmetjenester"),
}


@dataclass(frozen=True)
class IndicatorDef:
    """One indicator of the catalogue.

    Attributes:
        key: Stable short name, used in URLs and by other modules.
        area: Service area (:class:`Area`).
        label: What it measures, in Norwegian.
        source: Publisher (``SSB``, ``IS-24/8``, ``BrukerPlan`` …).
        table: Table or report id.
        contents_code: Contents code in the table.
        dimensions: Values the other dimensions must have, e.g. ``(("KOKfunksjon0000", "243"),)``.
        unit: Unit of the published figure.
        kind: ``count`` (summable, may become a rate) or ``ratio`` (shown as published).
        per_1000: For counts: the age band whose population divides the count.
        population_year_offset: 1 for counts at 31 December, divided by the population on
            1 January the year after, as KOSTRA does.
        codes_checked: Whether the contents code was seen in a real response of the table.
        note: A caveat shown with the figure.
    """

    key: str
    area: str
    label: str
    source: str
    table: str
    contents_code: str
    unit: str
    kind: str
    dimensions: tuple[tuple[str, str], ...] = ()
    per_1000: AgeBand | None = None
    population_year_offset: int = 1
    codes_checked: bool = False
    note: str = ""

    @property
    def shown_unit(self) -> str:
        if self.per_1000 is None:
            return self.unit
        return f"{self.unit} per 1 000 innbyggere {self.per_1000.label}"


CATALOGUE: tuple[IndicatorDef, ...] = (
    IndicatorDef(
        key="rus-netto-243",
        area=Area.MENTAL_HEALTH,
        label="Netto driftsutgifter til tilbud til personer med rusproblemer (funksjon 243)",
        source="SSB",
        table="12367",
        contents_code="KOSbelop0000",
        dimensions=(
            ("KOKregnskapsomfa0000", "B"),
            ("KOKfunksjon0000", "243"),
            ("KOKart0000", "AGD2"),
        ),
        unit="1000 kr",
        kind="count",
        per_1000=AgeBand(18, 66),
        codes_checked=True,
        note="Psykisk helse har ingen egen KOSTRA-funksjon; den ligger i 241, 242 og 254.",
    ),
    IndicatorDef(
        key="is248-arsverk-voksne",
        area=Area.MENTAL_HEALTH,
        label="Årsverk i psykisk helse- og rusarbeid for voksne (IS-24/8)",
        source="IS-24/8",
        table="IS-24/8",
        contents_code="arsverk",
        dimensions=(("målgruppe", "voksne"),),
        unit="årsverk",
        kind="count",
        per_1000=AgeBand(18),
        population_year_offset=0,
        note="SINTEF fraråder å sammenligne nivå mellom enkeltkommuner; følg utviklingen.",
    ),
    IndicatorDef(
        key="brukerplan-rus-bolig-rod",
        area=Area.MENTAL_HEALTH,
        label="Personer i BrukerPlan med rusproblemer og rød score på bolig",
        source="BrukerPlan",
        table="BrukerPlan",
        contents_code="antall",
        dimensions=(("gruppe", "rus"), ("domene", "bolig"), ("farge", "rød")),
        unit="antall",
        kind="count",
        per_1000=AgeBand(18, 66),
        population_year_offset=0,
        note="Bare sammenstilte tall; under 5 personer vises som prikket.",
    ),
    IndicatorDef(
        key="hjemmetjenester-67-79",
        area=Area.HOME_CARE,
        label="Mottakere av hjemmetjenester 67–79 år",
        source="SSB",
        table="12003",
        contents_code="KOSmottakerehjem0000",
        dimensions=(("KOKalder0000", "F067-079"),),
        unit="personer",
        kind="count",
        per_1000=AgeBand(67, 79),
    ),
    IndicatorDef(
        key="hjemmetjenester-80",
        area=Area.HOME_CARE,
        label="Mottakere av hjemmetjenester 80 år og eldre",
        source="SSB",
        table="12003",
        contents_code="KOSmottakerehjem0000",
        dimensions=(("KOKalder0000", "F080+"),),
        unit="personer",
        kind="count",
        per_1000=AgeBand(80),
    ),
    IndicatorDef(
        key="hjemmesykepleie-timer",
        area=Area.HOME_CARE,
        label="Tildelte timer hjemmesykepleie per uke, gjennomsnitt per mottaker",
        source="SSB",
        table="12209",
        contents_code="KOStimerhjemmesyk0000",
        unit="timer per uke",
        kind="ratio",
    ),
)

BY_KEY = {indicator.key: indicator for indicator in CATALOGUE}


def indicators_in(area: str) -> tuple[IndicatorDef, ...]:
    return tuple(i for i in CATALOGUE if i.area == area)
