"""The shape of an instrument definition and of a scored answer set.

An instrument (PHQ-9, GAD-7, AUDIT, AUDIT-C, DUDIT, or one a municipality adds) is data: a
definition file in the format described in ``docs/reference/instruments.md`` is read by
:mod:`losen.domain.instruments.loader`, checked by :mod:`losen.domain.instruments.validate` and
turned into the frozen values below. One engine (:mod:`losen.domain.instruments.scoring`) scores
every instrument from these values alone, so no instrument has code of its own.

Item labels are short topic labels written for Losen, never the official item wording; the
validator caps their length (:data:`MAX_LABEL_CHARS`) so that whole questions cannot be pasted in.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

#: The format tag every definition file carries; bumped when the format changes incompatibly.
DEFINITION_FORMAT = "losen-instrument/1"

#: Longest item label accepted. Long enough for a topic ("Tanker om død eller selvskading"),
#: too short for an item's official wording.
MAX_LABEL_CHARS = 60

#: How urgent a raised flag's follow-up is, most urgent first: the same day, within days, at
#: the next ordinary contact (the three levels of urgency proposed for municipal mental-health
#: and substance work; Losen's notices carry them).
FLAG_LEVELS = ("akutt", "snarlig", "rutine")
DEFAULT_FLAG_LEVEL = "snarlig"


class Sex(StrEnum):
    """Sex as used by the instruments' sex-specific cut-offs (the published studies use two)."""

    FEMALE = "female"
    MALE = "male"


class SeverityHint(StrEnum):
    """The severity a band *suggests* to the clinician; it never decides on its own.

    The bands are the instruments' published ones (PHQ-9: Kroenke, Spitzer & Williams 2001;
    GAD-7: Spitzer et al. 2006; AUDIT: Babor et al. 2001; DUDIT: Berman et al. 2005); which band
    suggests which severity is Losen's own reading, shown as a suggestion. The clinician sets
    severity in the assessment.
    """

    NONE = "none"
    MILD = "mild"
    MODERATE = "moderate"
    SEVERE = "severe"


class LicenceCode(StrEnum):
    """How freely an instrument may be used inside Losen (its owner's licence)."""

    PUBLIC_DOMAIN = "public_domain"
    FREE_ATTRIBUTION = "free_attribution"
    FREE_NONCOMMERCIAL = "free_noncommercial"
    RESTRICTED = "restricted"


@dataclass(frozen=True, slots=True)
class Item:
    """One scored item.

    Attributes:
        number: Position on the form, 1-based.
        code: Stable English identifier (``"interest"``), used as FHIR ``linkId`` suffix.
        label: Short Norwegian topic label in our own words.
        scores: The scores the form prints for this item, ascending (``(0, 2, 4)`` for AUDIT
            items 9 and 10).
    """

    number: int
    code: str
    label: str
    scores: tuple[int, ...]

    @property
    def min_score(self) -> int:
        """Lowest allowed score."""
        return self.scores[0]

    @property
    def max_score(self) -> int:
        """Highest allowed score."""
        return self.scores[-1]


@dataclass(frozen=True, slots=True)
class Band:
    """A closed range of totals with a code and a Norwegian label.

    Attributes:
        code: English code as published (``"moderately-severe"``, ``"zone-2"``).
        label: Norwegian label shown to users.
        min_total: Lowest total in the band (inclusive).
        max_total: Highest total in the band (inclusive).
        severity_hint: The severity the band suggests, or ``None`` when the band says nothing
            about severity.
    """

    code: str
    label: str
    min_total: int
    max_total: int
    severity_hint: SeverityHint | None = None

    def contains(self, total: int) -> bool:
        """Return whether ``total`` lies in the band."""
        return self.min_total <= total <= self.max_total


@dataclass(frozen=True, slots=True)
class Screen:
    """A screening cut-off: a total at or above it is a positive screen.

    Attributes:
        cutoff: One cut-off for everyone, or ``None`` when it depends on sex.
        cutoff_by_sex: Cut-off per sex when the literature gives sex-specific ones.
        label: Norwegian meaning of a positive screen.
        source: Where the cut-off is published.
    """

    cutoff: int | None
    cutoff_by_sex: tuple[tuple[Sex, int], ...]
    label: str
    source: str

    def cutoff_for(self, sex: Sex | None) -> int | None:
        """Return the cut-off for ``sex``: the sex-specific one when both are known, else the
        common one (``None`` when only sex-specific cut-offs exist and ``sex`` is missing)."""
        for candidate, cutoff in self.cutoff_by_sex:
            if candidate == sex:
                return cutoff
        return self.cutoff


@dataclass(frozen=True, slots=True)
class ChangeRule:
    """What counts as reliable and as clinically significant change on this instrument.

    Attributes:
        reliable_change_points: The smallest change in total that is reliable (exceeds
            measurement error), e.g. 6 on PHQ-9 and 4 on GAD-7 as used in IAPT services.
        clinical_cutoff: The first total that counts as a clinical case ("caseness"), e.g. 10 on
            PHQ-9 and 8 on GAD-7 in IAPT.
        source: Where the two numbers are published.
    """

    reliable_change_points: float
    clinical_cutoff: int
    source: str


@dataclass(frozen=True, slots=True)
class SafetyRule:
    """A rule that raises a flag whatever the total.

    Exactly one condition applies: ``item`` with ``at_least`` or ``equals``, or
    ``total_at_least`` alone.

    Attributes:
        code: Flag code (``"suicidal-ideation"``).
        message: Norwegian message naming what the guideline expects next.
        item: Item number the rule looks at, or ``None`` for a rule on the total.
        at_least: The item raises the flag at this score or higher.
        equals: The item raises the flag at exactly this score.
        total_at_least: The total raises the flag at this value or higher.
        source: Citation for the rule.
        level: How urgent the follow-up is: ``akutt`` (the same day), ``snarlig`` (within
            days) or ``rutine`` (at the next ordinary contact).
    """

    code: str
    message: str
    item: int | None
    at_least: int | None
    equals: int | None
    total_at_least: int | None
    source: str
    level: str = "snarlig"

    def is_raised(self, answers: tuple[int, ...], total: int) -> bool:
        """Return whether the rule fires for these answers and this total."""
        if self.total_at_least is not None:
            return total >= self.total_at_least
        assert self.item is not None  # guaranteed by the validator
        score = answers[self.item - 1]
        if self.at_least is not None:
            return score >= self.at_least
        return score == self.equals


@dataclass(frozen=True, slots=True)
class Licence:
    """Licence terms of an instrument.

    Attributes:
        code: One of :class:`LicenceCode`.
        holder: The copyright holder or publisher.
        note: Norwegian summary of the terms as we understand them.
        url: Where the terms are stated, or ``""``.
    """

    code: LicenceCode
    holder: str
    note: str
    url: str


@dataclass(frozen=True, slots=True)
class SourceRef:
    """A citation for the instrument, its scoring or its bands."""

    citation: str
    url: str


@dataclass(frozen=True, slots=True)
class InstrumentDefinition:
    """A validated instrument definition.

    Attributes:
        id: Stable lower-case id (``"phq-9"``).
        version: Version of this definition file (not of the instrument).
        name: Short name as published (``"PHQ-9"``).
        title: Norwegian title in our own words.
        construct: What the instrument measures, in Norwegian.
        recall_period: The period the questions ask about, in Norwegian.
        items: The scored items in form order.
        scoring_method: How item scores combine; ``"sum"`` is the only method today.
        higher_is_worse: Whether a higher total means more problems (true for all built-ins).
        bands: Bands for everyone, or empty when they depend on sex.
        bands_by_sex: Bands per sex when the literature gives sex-specific ones.
        screen: The screening cut-off, or ``None`` when the instrument has none.
        change: Reliable and clinically significant change, or ``None``.
        safety_rules: Rules that raise flags whatever the total.
        licence: Licence terms.
        sources: Citations.
        notes: Free Norwegian notes (caveats, alternatives), or ``""``.
        origin: The file the definition was read from (for error messages), or ``""``.
    """

    id: str
    version: str
    name: str
    title: str
    construct: str
    recall_period: str
    items: tuple[Item, ...]
    scoring_method: str
    higher_is_worse: bool
    bands: tuple[Band, ...]
    bands_by_sex: tuple[tuple[Sex, tuple[Band, ...]], ...]
    screen: Screen | None
    change: ChangeRule | None
    safety_rules: tuple[SafetyRule, ...]
    licence: Licence
    sources: tuple[SourceRef, ...]
    notes: str = ""
    origin: str = ""
    levels_without_sex: str = ""

    @property
    def min_total(self) -> int:
        """Lowest possible total."""
        return sum(item.min_score for item in self.items)

    @property
    def max_total(self) -> int:
        """Highest possible total."""
        return sum(item.max_score for item in self.items)

    @property
    def requires_sex(self) -> bool:
        """Whether scoring needs the person's sex: sex-specific bands or cut-off without
        common ones to fall back on."""
        has_sex_bands = bool(self.bands_by_sex) and not self.bands
        has_sex_screen = self.screen is not None and self.screen.cutoff is None
        return has_sex_bands or has_sex_screen

    @property
    def uses_sex(self) -> bool:
        """Whether any band or cut-off differs by sex (with or without common fallbacks)."""
        return bool(self.bands_by_sex) or (
            self.screen is not None and bool(self.screen.cutoff_by_sex)
        )

    def bands_for(self, sex: Sex | None) -> tuple[Band, ...]:
        """Return the bands that apply to ``sex``: the sex-specific ones when both are known,
        else the common ones (empty when only sex-specific bands exist and sex is unknown)."""
        for candidate, bands in self.bands_by_sex:
            if candidate == sex:
                return bands
        return self.bands

    def levels_used(self, sex: Sex | None) -> str:
        """Which levels a result with ``sex`` was judged by, in Norwegian; empty when the
        instrument's levels are the same for everyone."""
        if not self.uses_sex:
            return ""
        if sex is Sex.FEMALE:
            return "grenseverdier for kvinner"
        if sex is Sex.MALE:
            return "grenseverdier for menn"
        return self.levels_without_sex


@dataclass(frozen=True, slots=True)
class Flag:
    """A raised safety flag, carrying the item that raised it (so the clinician sees why)."""

    code: str
    item: int | None
    message: str
    level: str = "snarlig"

    def to_dict(self) -> dict[str, object]:
        """Return the JSON shape of the scoring contract."""
        return {"code": self.code, "item": self.item, "message": self.message, "level": self.level}


@dataclass(frozen=True, slots=True)
class ScoreResult:
    """The scored answer set: total, band, screen and flags, with what they rest on.

    Attributes:
        instrument: Instrument id.
        version: Version of the definition used.
        answers: The item scores as given, in form order.
        sex: The sex used for sex-specific cut-offs, or ``None``.
        total: Sum of the item scores.
        band: The band the total falls in.
        positive_screen: ``True``/``False`` by the screening cut-off, ``None`` without one.
        flags: Raised safety flags, in the order of the definition's rules.
    """

    instrument: str
    version: str
    answers: tuple[int, ...]
    sex: Sex | None
    total: int
    band: Band
    positive_screen: bool | None
    flags: tuple[Flag, ...]

    def to_dict(self) -> dict[str, object]:
        """Return the JSON shape printed by ``losen instrument score``."""
        return {
            "instrument": self.instrument,
            "total": self.total,
            "band": self.band.code,
            "band_label": self.band.label,
            "flags": [flag.to_dict() for flag in self.flags],
            "positive_screen": self.positive_screen,
        }
