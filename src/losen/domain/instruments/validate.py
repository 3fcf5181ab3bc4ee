"""Validation of instrument definition files, in our own code, with messages naming the field.

The format is described in ``docs/reference/instruments.md``. Validation collects every problem
in a file (not only the first), each as ``<field path>: <problem>`` in Norwegian, and raises
:class:`DefinitionError` naming the file. A definition that passes is turned into an
:class:`~losen.domain.instruments.model.InstrumentDefinition`; nothing else may build one from
a file, so the scoring engine can trust what it gets:

- item numbers run 1..n in form order; every item has at least one allowed score;
- bands cover every total from the lowest to the highest possible, without gaps or overlaps;
- cut-offs, thresholds and safety-rule values lie inside what the items can produce.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from losen.domain.errors import LosenDomainError
from losen.domain.instruments.model import (
    DEFAULT_FLAG_LEVEL,
    DEFINITION_FORMAT,
    FLAG_LEVELS,
    MAX_LABEL_CHARS,
    Band,
    ChangeRule,
    InstrumentDefinition,
    Item,
    Licence,
    LicenceCode,
    SafetyRule,
    Screen,
    SeverityHint,
    Sex,
    SourceRef,
)

SCORING_METHODS = ("sum",)
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_TOP_LEVEL_KEYS = {
    "format",
    "id",
    "version",
    "name",
    "title",
    "construct",
    "recall_period",
    "items",
    "scoring",
    "higher_is_worse",
    "bands",
    "bands_by_sex",
    "screen",
    "change",
    "safety_rules",
    "levels_without_sex",
    "licence",
    "sources",
    "notes",
}


class DefinitionError(LosenDomainError, ValueError):
    """An instrument definition file is malformed.

    Attributes:
        origin: The file (or other origin) the definition came from.
        problems: One Norwegian message per problem, each starting with the field path.
    """

    def __init__(self, origin: str, problems: Sequence[str]) -> None:
        self.origin = origin
        self.problems = tuple(problems)
        lines = "\n".join(f"{origin}: {problem}" for problem in self.problems)
        super().__init__(lines)


class _Problems:
    """Collects problems while walking a definition."""

    def __init__(self) -> None:
        self.items: list[str] = []

    def add(self, path: str, message: str) -> None:
        self.items.append(f"{path}: {message}")


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _object(raw: object, path: str, problems: _Problems) -> Mapping[str, object] | None:
    if not isinstance(raw, Mapping):
        problems.add(path, "skal være et objekt")
        return None
    return raw


def _text(
    raw: Mapping[str, object],
    key: str,
    path: str,
    problems: _Problems,
    *,
    required: bool = True,
    max_chars: int | None = None,
) -> str:
    field_path = f"{path}.{key}" if path else key
    if key not in raw:
        if required:
            problems.add(field_path, "mangler")
        return ""
    value = raw[key]
    if not isinstance(value, str) or (required and not value.strip()):
        problems.add(field_path, "skal være en tekst som ikke er tom")
        return ""
    if max_chars is not None and len(value) > max_chars:
        problems.add(
            field_path,
            f"er {len(value)} tegn; korte etiketter med egne ord, høyst {max_chars} tegn "
            "(den offisielle ordlyden skal ikke inn i Losen)",
        )
    return value


def _int(raw: Mapping[str, object], key: str, path: str, problems: _Problems) -> int | None:
    field_path = f"{path}.{key}" if path else key
    if key not in raw:
        problems.add(field_path, "mangler")
        return None
    value = raw[key]
    if not _is_int(value):
        problems.add(field_path, f"skal være et heltall, fikk {value!r}")
        return None
    return int(value)  # type: ignore[call-overload]


def _unknown_keys(
    raw: Mapping[str, object], allowed: set[str], path: str, problems: _Problems
) -> None:
    for key in sorted(set(raw) - allowed):
        field_path = f"{path}.{key}" if path else key
        problems.add(field_path, f"ukjent felt; tillatt her: {', '.join(sorted(allowed))}")


def _items(raw: object, problems: _Problems) -> tuple[Item, ...]:
    if not isinstance(raw, list) or not raw:
        problems.add("items", "skal være en liste med minst ett spørsmål")
        return ()
    items: list[Item] = []
    seen_codes: set[str] = set()
    for index, raw_item in enumerate(raw):
        path = f"items[{index}]"
        entry = _object(raw_item, path, problems)
        if entry is None:
            continue
        _unknown_keys(entry, {"number", "code", "label", "scores"}, path, problems)
        number = _int(entry, "number", path, problems)
        if number is not None and number != index + 1:
            problems.add(f"{path}.number", f"skal være {index + 1} (spørsmålene nummereres 1..n)")
        code = _text(entry, "code", path, problems)
        if code and not _SLUG.match(code):
            problems.add(f"{path}.code", "bare små bokstaver, sifre og bindestrek")
        if code in seen_codes:
            problems.add(f"{path}.code", f"«{code}» er brukt før")
        seen_codes.add(code)
        label = _text(entry, "label", path, problems, max_chars=MAX_LABEL_CHARS)
        scores = _scores(entry.get("scores"), f"{path}.scores", problems)
        if number is not None and code and label and scores:
            items.append(Item(number=number, code=code, label=label, scores=scores))
    if len(items) != len(raw):
        return ()
    return tuple(items)


def _scores(raw: object, path: str, problems: _Problems) -> tuple[int, ...]:
    if not isinstance(raw, list) or not raw:
        problems.add(path, "skal være en liste med minst én tillatt poengverdi")
        return ()
    if not all(_is_int(value) for value in raw):
        problems.add(path, "skal bare inneholde heltall")
        return ()
    values = [int(value) for value in raw]
    if any(value < 0 for value in values):
        problems.add(path, "poengverdiene kan ikke være negative")
        return ()
    if values != sorted(set(values)):
        problems.add(path, "skal være stigende uten gjentakelser")
        return ()
    return tuple(values)


def _band_list(
    raw: object, path: str, min_total: int, max_total: int, problems: _Problems
) -> tuple[Band, ...]:
    if not isinstance(raw, list) or not raw:
        problems.add(path, "skal være en liste med minst ett bånd")
        return ()
    bands: list[Band] = []
    seen: set[str] = set()
    for index, raw_band in enumerate(raw):
        band_path = f"{path}[{index}]"
        entry = _object(raw_band, band_path, problems)
        if entry is None:
            return ()
        _unknown_keys(entry, {"code", "label", "min", "max", "severity_hint"}, band_path, problems)
        code = _text(entry, "code", band_path, problems)
        if code and not _SLUG.match(code):
            problems.add(f"{band_path}.code", "bare små bokstaver, sifre og bindestrek")
        if code in seen:
            problems.add(f"{band_path}.code", f"«{code}» er brukt før")
        seen.add(code)
        label = _text(entry, "label", band_path, problems)
        low = _int(entry, "min", band_path, problems)
        high = _int(entry, "max", band_path, problems)
        hint: SeverityHint | None = None
        if "severity_hint" in entry:
            try:
                hint = SeverityHint(entry["severity_hint"])  # type: ignore[arg-type]
            except ValueError:
                allowed = ", ".join(member.value for member in SeverityHint)
                problems.add(f"{band_path}.severity_hint", f"skal være en av {allowed}")
        if low is None or high is None or not code or not label:
            return ()
        if low > high:
            problems.add(band_path, f"min ({low}) er større enn max ({high})")
            return ()
        bands.append(Band(code, label, low, high, hint))
    expected_start = min_total
    for index, band in enumerate(bands):
        if band.min_total != expected_start:
            kind = "hull" if band.min_total > expected_start else "overlapp"
            problems.add(
                f"{path}[{index}].min",
                f"er {band.min_total}, ventet {expected_start} ({kind} mellom båndene; "
                f"båndene skal dekke {min_total}–{max_total} i stigende rekkefølge)",
            )
            return ()
        expected_start = band.max_total + 1
    if bands[-1].max_total != max_total:
        problems.add(
            f"{path}[{len(bands) - 1}].max",
            f"er {bands[-1].max_total}, men høyeste mulige sum er {max_total}",
        )
        return ()
    return tuple(bands)


def _bands(
    raw: Mapping[str, object], min_total: int, max_total: int, problems: _Problems
) -> tuple[tuple[Band, ...], tuple[tuple[Sex, tuple[Band, ...]], ...]]:
    has_common = "bands" in raw
    has_by_sex = "bands_by_sex" in raw
    if not has_common and not has_by_sex:
        problems.add("bands", "oppgi «bands», «bands_by_sex» eller begge")
        return (), ()
    common = _band_list(raw["bands"], "bands", min_total, max_total, problems) if has_common else ()
    if not has_by_sex:
        return common, ()
    by_sex = _object(raw["bands_by_sex"], "bands_by_sex", problems)
    if by_sex is None:
        return (), ()
    if set(by_sex) != {sex.value for sex in Sex}:
        problems.add("bands_by_sex", "skal ha nøyaktig nøklene «female» og «male»")
        return (), ()
    result = tuple(
        (
            sex,
            _band_list(
                by_sex[sex.value], f"bands_by_sex.{sex.value}", min_total, max_total, problems
            ),
        )
        for sex in Sex
    )
    return common, result


def _cutoff_in_range(
    value: int, path: str, min_total: int, max_total: int, problems: _Problems
) -> None:
    if not min_total < value <= max_total:
        problems.add(path, f"er {value}, men skal ligge i {min_total + 1}–{max_total}")


def _screen(raw: object, min_total: int, max_total: int, problems: _Problems) -> Screen | None:
    entry = _object(raw, "screen", problems)
    if entry is None:
        return None
    _unknown_keys(entry, {"cutoff", "cutoff_by_sex", "label", "source"}, "screen", problems)
    label = _text(entry, "label", "screen", problems)
    source = _text(entry, "source", "screen", problems)
    if "cutoff" not in entry and "cutoff_by_sex" not in entry:
        problems.add("screen", "oppgi «cutoff», «cutoff_by_sex» eller begge")
        return None
    common: int | None = None
    if "cutoff" in entry:
        common = _int(entry, "cutoff", "screen", problems)
        if common is None:
            return None
        _cutoff_in_range(common, "screen.cutoff", min_total, max_total, problems)
        if "cutoff_by_sex" not in entry:
            return Screen(cutoff=common, cutoff_by_sex=(), label=label, source=source)
    by_sex = _object(entry["cutoff_by_sex"], "screen.cutoff_by_sex", problems)
    if by_sex is None:
        return None
    if set(by_sex) != {sex.value for sex in Sex}:
        problems.add("screen.cutoff_by_sex", "skal ha nøyaktig nøklene «female» og «male»")
        return None
    pairs: list[tuple[Sex, int]] = []
    for sex in Sex:
        value = _int(by_sex, sex.value, "screen.cutoff_by_sex", problems)
        if value is None:
            return None
        _cutoff_in_range(value, f"screen.cutoff_by_sex.{sex.value}", min_total, max_total, problems)
        pairs.append((sex, value))
    return Screen(cutoff=common, cutoff_by_sex=tuple(pairs), label=label, source=source)


def _change(raw: object, min_total: int, max_total: int, problems: _Problems) -> ChangeRule | None:
    entry = _object(raw, "change", problems)
    if entry is None:
        return None
    allowed = {"reliable_change_points", "clinical_cutoff", "source"}
    _unknown_keys(entry, allowed, "change", problems)
    points = entry.get("reliable_change_points")
    if not _is_number(points) or not 0 < float(points) <= max_total - min_total:  # type: ignore[arg-type]
        problems.add(
            "change.reliable_change_points",
            f"skal være et tall større enn 0 og høyst {max_total - min_total}, fikk {points!r}",
        )
        points = None
    cutoff = _int(entry, "clinical_cutoff", "change", problems)
    if cutoff is not None:
        _cutoff_in_range(cutoff, "change.clinical_cutoff", min_total, max_total, problems)
    source = _text(entry, "source", "change", problems)
    if points is None or cutoff is None:
        return None
    return ChangeRule(float(points), cutoff, source)  # type: ignore[arg-type]


def _safety_rules(
    raw: object, items: tuple[Item, ...], min_total: int, max_total: int, problems: _Problems
) -> tuple[SafetyRule, ...]:
    if not isinstance(raw, list):
        problems.add(
            "safety_rules", "skal være en liste (tom liste når instrumentet ikke har noen)"
        )
        return ()
    rules: list[SafetyRule] = []
    seen: set[str] = set()
    for index, raw_rule in enumerate(raw):
        path = f"safety_rules[{index}]"
        entry = _object(raw_rule, path, problems)
        if entry is None:
            continue
        _unknown_keys(entry, {"code", "when", "message", "source", "level"}, path, problems)
        level = entry.get("level", DEFAULT_FLAG_LEVEL)
        if level not in FLAG_LEVELS:
            problems.add(f"{path}.level", f"skal være en av {', '.join(FLAG_LEVELS)}")
            level = DEFAULT_FLAG_LEVEL
        code = _text(entry, "code", path, problems)
        if code and not _SLUG.match(code):
            problems.add(f"{path}.code", "bare små bokstaver, sifre og bindestrek")
        if code in seen:
            problems.add(f"{path}.code", f"«{code}» er brukt før")
        seen.add(code)
        message = _text(entry, "message", path, problems)
        source = _text(entry, "source", path, problems)
        when = _object(entry.get("when"), f"{path}.when", problems)
        if when is None:
            continue
        rule = _condition(when, f"{path}.when", items, min_total, max_total, problems)
        if rule is None or not code or not message:
            continue
        item, at_least, equals, total_at_least = rule
        rules.append(
            SafetyRule(code, message, item, at_least, equals, total_at_least, source, str(level))
        )
    return tuple(rules)


def _condition(
    when: Mapping[str, object],
    path: str,
    items: tuple[Item, ...],
    min_total: int,
    max_total: int,
    problems: _Problems,
) -> tuple[int | None, int | None, int | None, int | None] | None:
    shapes = ({"item", "at_least"}, {"item", "equals"}, {"total_at_least"})
    if set(when) not in shapes:
        problems.add(
            path,
            "skal være {item, at_least}, {item, equals} eller {total_at_least}; "
            f"fikk {{{', '.join(sorted(when))}}}",
        )
        return None
    if "total_at_least" in when:
        value = _int(when, "total_at_least", path, problems)
        if value is None:
            return None
        _cutoff_in_range(value, f"{path}.total_at_least", min_total, max_total, problems)
        return None, None, None, value
    number = _int(when, "item", path, problems)
    if number is None:
        return None
    if not 1 <= number <= len(items):
        problems.add(f"{path}.item", f"spørsmål {number} finnes ikke (1–{len(items)})")
        return None
    item = items[number - 1]
    if "at_least" in when:
        value = _int(when, "at_least", path, problems)
        if value is None:
            return None
        if not item.min_score < value <= item.max_score:
            problems.add(
                f"{path}.at_least",
                f"er {value}, men spørsmål {number} kan gi {item.min_score + 1}–{item.max_score}",
            )
            return None
        return number, value, None, None
    value = _int(when, "equals", path, problems)
    if value is None:
        return None
    if value not in item.scores:
        allowed = ", ".join(str(score) for score in item.scores)
        problems.add(f"{path}.equals", f"er {value}, men spørsmål {number} tillater {allowed}")
        return None
    return number, None, value, None


def _licence(raw: object, problems: _Problems) -> Licence | None:
    entry = _object(raw, "licence", problems)
    if entry is None:
        return None
    _unknown_keys(entry, {"code", "holder", "note", "url"}, "licence", problems)
    try:
        code = LicenceCode(entry.get("code"))  # type: ignore[arg-type]
    except ValueError:
        allowed = ", ".join(member.value for member in LicenceCode)
        problems.add("licence.code", f"skal være en av {allowed}")
        return None
    holder = _text(entry, "holder", "licence", problems)
    note = _text(entry, "note", "licence", problems)
    url = _text(entry, "url", "licence", problems, required=False)
    return Licence(code, holder, note, url)


def _sources(raw: object, problems: _Problems) -> tuple[SourceRef, ...]:
    if not isinstance(raw, list) or not raw:
        problems.add("sources", "skal være en liste med minst én kilde")
        return ()
    sources: list[SourceRef] = []
    for index, raw_source in enumerate(raw):
        path = f"sources[{index}]"
        entry = _object(raw_source, path, problems)
        if entry is None:
            continue
        _unknown_keys(entry, {"citation", "url"}, path, problems)
        citation = _text(entry, "citation", path, problems)
        url = _text(entry, "url", path, problems, required=False)
        sources.append(SourceRef(citation, url))
    return tuple(sources)


def parse_definition(raw: object, origin: str) -> InstrumentDefinition:
    """Validate a decoded definition file and return the definition.

    Args:
        raw: The decoded JSON document.
        origin: Where it came from (a file path), used in every message.

    Returns:
        The validated, frozen definition.

    Raises:
        DefinitionError: With one message per problem, each naming the field path.
    """
    problems = _Problems()
    top = _object(raw, "(dokumentet)", problems)
    if top is None:
        raise DefinitionError(origin, problems.items)
    _unknown_keys(top, _TOP_LEVEL_KEYS, "", problems)
    if top.get("format") != DEFINITION_FORMAT:
        problems.add("format", f"skal være «{DEFINITION_FORMAT}», fikk {top.get('format')!r}")
    identifier = _text(top, "id", "", problems)
    if identifier and not _SLUG.match(identifier):
        problems.add("id", "bare små bokstaver, sifre og bindestrek (f.eks. «phq-9»)")
    version = _text(top, "version", "", problems)
    name = _text(top, "name", "", problems)
    title = _text(top, "title", "", problems)
    construct = _text(top, "construct", "", problems)
    recall_period = _text(top, "recall_period", "", problems)
    notes = _text(top, "notes", "", problems, required=False)
    levels_without_sex = _text(top, "levels_without_sex", "", problems, required=False)
    higher_is_worse = top.get("higher_is_worse", True)
    if not isinstance(higher_is_worse, bool):
        problems.add("higher_is_worse", "skal være true eller false")
        higher_is_worse = True
    items = _items(top.get("items"), problems)
    scoring = _object(top.get("scoring"), "scoring", problems)
    method = ""
    if scoring is not None:
        _unknown_keys(scoring, {"method"}, "scoring", problems)
        method = str(scoring.get("method", ""))
        if method not in SCORING_METHODS:
            problems.add(
                "scoring.method",
                f"{method!r} er ikke støttet; støttet: {', '.join(SCORING_METHODS)}",
            )
    licence = _licence(top.get("licence"), problems)
    sources = _sources(top.get("sources"), problems)
    if not items:
        raise DefinitionError(origin, problems.items)
    min_total = sum(item.min_score for item in items)
    max_total = sum(item.max_score for item in items)
    bands, bands_by_sex = _bands(top, min_total, max_total, problems)
    screen = _screen(top["screen"], min_total, max_total, problems) if "screen" in top else None
    change = _change(top["change"], min_total, max_total, problems) if "change" in top else None
    safety_rules = _safety_rules(top.get("safety_rules"), items, min_total, max_total, problems)
    fallback = (bool(bands) and bool(bands_by_sex)) or (
        screen is not None and screen.cutoff is not None and bool(screen.cutoff_by_sex)
    )
    if fallback and not levels_without_sex:
        problems.add(
            "levels_without_sex",
            "skal si hvilke grenser som brukes når kjønn ikke er oppgitt (definisjonen har både "
            "felles og kjønnsspesifikke grenser)",
        )
    if problems.items or licence is None:
        raise DefinitionError(origin, problems.items or ["licence: mangler"])
    return InstrumentDefinition(
        id=identifier,
        version=version,
        name=name,
        title=title,
        construct=construct,
        recall_period=recall_period,
        items=items,
        scoring_method=method,
        higher_is_worse=higher_is_worse,
        bands=bands,
        bands_by_sex=bands_by_sex,
        screen=screen,
        change=change,
        safety_rules=safety_rules,
        licence=licence,
        sources=sources,
        notes=notes,
        origin=origin,
        levels_without_sex=levels_without_sex,
    )
