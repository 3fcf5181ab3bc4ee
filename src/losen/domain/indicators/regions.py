"""The municipality registry across reforms, and the crosswalk from any year's codes to today's.

Built from SSB's KLASS classification 131 change list (``/changes``: ``oldCode → newCode`` on a
date; several old codes to one new code is a merger, one old code to several new codes is a split;
https://www.ssb.no/klass/klassifikasjoner/131) and the list of today's municipalities, and checked
against SSB's KommSummer grouping
(``agg_KommSummer``, which maps every code used since 1994 to a 2024 municipality, or to ``K.Rest``
when the old unit was split). Codes are compared as strings, never by name: names differ between
SSB, FHI and KLASS (Sami double names in particular, and SSB's ISO-8859-1 CSV exports degrade
letters such as š to s).

How a code of year *Y* reaches today's codes (:meth:`MunicipalityRegistry.map_to_current`):

1. follow every change after 1 January *Y* in date order;
2. a merger or renumbering passes the whole unit on (weight 1);
3. a split passes the unit on in the stated weights (:class:`SplitWeight`, for example population
   shares), and the result is an estimate;
4. but a unit that was merged and whose merger was later split again (1534 Haram → 1507 Ålesund
   in 2020 → 1580 Haram in 2024) goes wholly to the successor KommSummer names for it, because
   SSB puts a unit wholly in one group only when it lies wholly inside it. The unit that was split
   itself (1507) is never assigned wholly this way: it needs weights.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cached_property

from losen.domain import safeinput
from losen.domain.errors import InputError
from losen.domain.errors import Problem as ErrorProblem
from losen.domain.indicators._common import parse_number
from losen.domain.indicators.model import Problem

ONE = Decimal(1)

METHOD_UNCHANGED = "uendret"
METHOD_RENUMBERED = "omnummerert"
METHOD_MERGED = "slått sammen (summert)"
METHOD_KOMMSUMMER = "hele enheten til etterfølgeren SSB KommSummer angir"


@dataclass(frozen=True, slots=True)
class CodeChange:
    """One record of KLASS 131 ``/changes``.

    A missing ``old_code`` means ``new_code`` began on ``occurred``; a missing ``new_code`` means
    ``old_code`` ended (SSB's KLASS API guide, https://data.ssb.no/api/klass/v1/api-guide.html).
    """

    old_code: str | None
    new_code: str | None
    occurred: date
    old_name: str = ""
    new_name: str = ""


@dataclass(frozen=True, slots=True)
class SplitWeight:
    """The share of a split unit that went to one successor.

    Attributes:
        old_code: The code that was split (``1850`` Tysfjord).
        new_code: One successor (``1806`` Narvik).
        weight: Its share, between 0 and 1; the shares of one split must add up to 1.
        basis: What the share rests on, shown with every harmonised figure
            (``"befolkning 1.1.2020"``, ``"csdata 0.5/0.5"``).
    """

    old_code: str
    new_code: str
    weight: Decimal
    basis: str


@dataclass(frozen=True, slots=True)
class Share:
    """Part of an old unit that lies in one of today's units."""

    target_code: str
    weight: Decimal
    method: str


@dataclass(frozen=True, slots=True)
class CodeMapping:
    """How one code of one year maps onto today's codes.

    Attributes:
        code: The old code.
        year: The year it is a code of.
        shares: Today's codes it went to, with weights and the method of each.
        unresolved: Why the mapping is incomplete (a split with no stated weights); empty if whole.
    """

    code: str
    year: int
    shares: tuple[Share, ...]
    unresolved: tuple[str, ...] = ()

    @property
    def whole(self) -> bool:
        """True when the old unit went wholly to one of today's units."""
        return not self.unresolved and len(self.shares) == 1 and self.shares[0].weight == ONE


@dataclass(frozen=True, slots=True)
class KommSummerRow:
    """One row of SSB's KommSummer grouping (``GRUPPEKODE, GRUPPETEKST, KODE, TEKST``)."""

    group_code: str
    group_name: str
    code: str
    name: str


@dataclass(frozen=True, slots=True)
class KommSummerCheck:
    """The outcome of comparing one old code's crosswalk with KommSummer.

    ``kind`` is ``agree`` (same single successor), ``rest`` (SSB puts it in ``K.Rest`` because its
    successor also got part of a split unit), ``whole`` (a split unit SSB assigns wholly to one of
    its successors) or ``conflict`` (a real disagreement).
    """

    code: str
    year: int
    ours: tuple[str, ...]
    kommsummer: str | None
    kind: str


def load_klass_changes(
    data: bytes | str, *, source: str = "KLASS-endringer"
) -> tuple[CodeChange, ...]:
    """Read a KLASS ``/changes`` JSON response (``{"codeChanges": [...]}``).

    The JSON is read through :func:`losen.domain.safeinput.load_json` (size, depth, text).

    Raises:
        InputError: the file is not such a response, naming the record that is wrong.
    """
    doc = safeinput.load_json(data, source=source)
    items = doc.get("codeChanges") if isinstance(doc, dict) else None
    if not isinstance(items, list):
        raise InputError(
            [ErrorProblem(source, "ikke en KLASS-endringsliste (codeChanges mangler)")]
        )
    out: list[CodeChange] = []
    for i, item in enumerate(items):
        try:
            out.append(
                CodeChange(
                    old_code=_text(item.get("oldCode")) or None,
                    new_code=_text(item.get("newCode")) or None,
                    occurred=date.fromisoformat(item["changeOccurred"]),
                    old_name=_text(item.get("oldName")),
                    new_name=_text(item.get("newName")),
                )
            )
        except (AttributeError, KeyError, TypeError, ValueError):
            raise InputError(
                [
                    ErrorProblem(
                        f"{source}: codeChanges[{i}]",
                        "trenger oldCode/newCode som tekst og changeOccurred som en dato",
                    )
                ]
            ) from None
    return tuple(out)


def _text(value: object) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise TypeError(value)
    return value


def _csv_records(data: bytes | str, source: str, columns: Sequence[str]) -> list[dict[str, str]]:
    """Rows of a CSV file with a header (``,``) as dicts, through ``safeinput.read_csv``."""
    rows = safeinput.read_csv(data, source=source, delimiter=",", strict=False)
    if not rows:
        raise InputError([ErrorProblem(source, "fila er tom")])
    header = [h.strip() for h in rows[0]]
    missing = [c for c in columns if c not in header]
    if missing:
        raise InputError(
            [ErrorProblem(f"{source}: linje 1", "mangler kolonne(r): " + ", ".join(missing))]
        )
    out = []
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) < len(header):
            raise InputError(
                [
                    ErrorProblem(
                        f"{source}: linje {number}",
                        f"{len(row)} felt, overskriften har {len(header)}",
                    )
                ]
            )
        out.append(dict(zip(header, row, strict=False)))
    return out


def load_kommsummer(data: bytes | str, *, source: str = "KommSummer") -> tuple[KommSummerRow, ...]:
    """Read the KommSummer grouping as CSV (UTF-8, ``,``); ``K.3103`` becomes ``3103``."""
    rows = _csv_records(data, source, ("GRUPPEKODE", "GRUPPETEKST", "KODE", "TEKST"))
    return tuple(
        KommSummerRow(
            group_code=row["GRUPPEKODE"].removeprefix("K.").removeprefix("K-"),
            group_name=row["GRUPPETEKST"],
            code=row["KODE"].strip(),
            name=row["TEKST"],
        )
        for row in rows
    )


def split_weights_from_csdata(
    data: bytes | str, basis: str, *, source: str = "vekter"
) -> tuple[SplitWeight, ...]:
    """Read split weights from FHI's csdata redistricting table (rows with a ``weighting``).

    Codes there look like ``municip_nor1850``; only rows with a weight are splits.
    """
    out: list[SplitWeight] = []
    records = _csv_records(data, source, ("weighting", "municip_code", "municip_code_end"))
    for number, row in enumerate(records, start=2):
        if not row["weighting"].strip():
            continue
        weight = parse_number(row["weighting"])
        if weight is None:
            raise InputError(
                [
                    ErrorProblem(
                        f"{source}: rad {number}", f"weighting {row['weighting']!r} er ikke et tall"
                    )
                ]
            )
        out.append(
            SplitWeight(
                old_code=row["municip_code"].removeprefix("municip_nor"),
                new_code=row["municip_code_end"].removeprefix("municip_nor"),
                weight=weight,
                basis=basis,
            )
        )
    return tuple(out)


def check_split_weights(weights: Iterable[SplitWeight]) -> tuple[Problem, ...]:
    """Each split's shares must lie in [0, 1] and add up to exactly 1."""
    totals: dict[str, Decimal] = defaultdict(Decimal)
    problems: list[Problem] = []
    for w in weights:
        if not (0 <= w.weight <= 1):
            problems.append(Problem(f"split {w.old_code}", f"weight {w.weight} is not in 0–1"))
        totals[w.old_code] += w.weight
    for code, total in sorted(totals.items()):
        if total != ONE:
            problems.append(Problem(f"split {code}", f"weights add up to {total}, not 1"))
    return tuple(problems)


@dataclass(frozen=True)
class MunicipalityRegistry:
    """Municipality codes in force in each year, and the way from each year's codes to today's.

    Attributes:
        current_codes: Today's municipality codes (357 from 2024).
        current_year: The year ``current_codes`` are in force from.
        changes: KLASS 131 change records.
        whole_successor: Old code → today's code, for units lying wholly inside one successor of a
            later split (from KommSummer; see the module docstring, rule 4).
        names: Today's names by code (display only; never joined on).
    """

    current_codes: frozenset[str]
    current_year: int
    changes: tuple[CodeChange, ...]
    whole_successor: Mapping[str, str] = field(default_factory=dict)
    names: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def build(
        cls,
        changes: Sequence[CodeChange],
        kommsummer: Sequence[KommSummerRow],
        current_year: int = 2024,
    ) -> MunicipalityRegistry:
        """Build the registry: today's codes are KommSummer groups that contain their own code."""
        current = frozenset(r.code for r in kommsummer if r.code == r.group_code)
        names = {r.code: r.group_name for r in kommsummer if r.code == r.group_code}
        whole = {r.code: r.group_code for r in kommsummer if r.group_code in current}
        return cls(current, current_year, tuple(changes), whole, names)

    @cached_property
    def _by_date(self) -> dict[date, tuple[CodeChange, ...]]:
        grouped: dict[date, list[CodeChange]] = defaultdict(list)
        for change in self.changes:
            grouped[change.occurred].append(change)
        return {d: tuple(grouped[d]) for d in sorted(grouped)}

    @cached_property
    def _moves(self) -> dict[date, dict[str, set[str]]]:
        """For each change date, old code → the new codes it went to."""
        out: dict[date, dict[str, set[str]]] = {}
        for day, records in self._by_date.items():
            moves: dict[str, set[str]] = defaultdict(set)
            for change in records:
                if change.old_code and change.new_code:
                    moves[change.old_code].add(change.new_code)
            out[day] = dict(moves)
        return out

    @cached_property
    def _valid_cache(self) -> dict[int, frozenset[str]]:
        return {}

    @cached_property
    def _mapping_cache(self) -> dict[tuple[object, ...], CodeMapping]:
        return {}

    @cached_property
    def _reach_cache(self) -> dict[tuple[str, int], frozenset[str]]:
        return {}

    @cached_property
    def _comparable_cache(self) -> dict[str, int]:
        return {}

    def change_dates(self) -> tuple[date, ...]:
        """Dates on which something changed, oldest first."""
        return tuple(self._by_date)

    def codes_valid_in(self, year: int) -> frozenset[str]:
        """Return the municipality codes in force during ``year``.

        Works back from today's codes: for each change date after 1 January ``year``, newest
        first, the new codes are taken out and the old codes put back.
        """
        cached = self._valid_cache.get(year)
        if cached is not None:
            return cached
        codes = set(self.current_codes)
        for day in reversed(self._by_date):
            if day.year <= year:
                break
            records = self._by_date[day]
            codes -= {c.new_code for c in records if c.new_code}
            codes |= {c.old_code for c in records if c.old_code}
        self._valid_cache[year] = frozenset(codes)
        return self._valid_cache[year]

    def map_to_current(
        self,
        code: str,
        year: int,
        split_weights: Iterable[SplitWeight] = (),
        *,
        use_kommsummer: bool = True,
    ) -> CodeMapping:
        """Map a code in force in ``year`` onto today's codes.

        Args:
            code: The old code, as a string (``"0104"``).
            year: The year the code is a code of.
            split_weights: Stated shares for split units.
            use_kommsummer: Apply rule 4 of the module docstring (off when checking against
                KommSummer, so that the check is of KLASS alone).

        Returns:
            A :class:`CodeMapping`; ``unresolved`` says which split had no weights.
        """
        stated = tuple(split_weights)
        key = (code, year, stated, use_kommsummer)
        if key not in self._mapping_cache:
            self._mapping_cache[key] = self._map(code, year, stated, use_kommsummer)
        return self._mapping_cache[key]

    def _map(
        self, code: str, year: int, split_weights: tuple[SplitWeight, ...], use_kommsummer: bool
    ) -> CodeMapping:
        weights: dict[str, dict[str, SplitWeight]] = defaultdict(dict)
        for w in split_weights:
            weights[w.old_code][w.new_code] = w
        shares: dict[str, tuple[Decimal, list[str]]] = {code: (ONE, [])}
        unresolved: list[str] = []
        for day in self._by_date:
            if day.year <= year:
                continue
            moves = self._moves[day]
            next_shares: dict[str, tuple[Decimal, list[str]]] = {}
            for current, (weight, methods) in shares.items():
                targets = moves.get(current)
                if not targets:
                    _add(next_shares, current, weight, methods)
                    continue
                if len(targets) == 1:
                    (target,) = targets
                    step = METHOD_RENUMBERED if target != current else METHOD_UNCHANGED
                    if self._is_merger(day, target):
                        step = METHOD_MERGED
                    _add(next_shares, target, weight, [*methods, f"{day.year}: {step}"])
                    continue
                whole = self.whole_successor.get(code) if use_kommsummer else None
                if current != code and whole is not None and whole in targets:
                    _add(next_shares, whole, weight, [*methods, f"{day.year}: {METHOD_KOMMSUMMER}"])
                    continue
                stated = weights.get(current, {})
                if set(stated) != targets:
                    unresolved.append(
                        f"{current} ble delt i {day.year} ({', '.join(sorted(targets))}) "
                        "uten oppgitte vekter"
                    )
                    continue
                for target in sorted(targets):
                    w = stated[target]
                    method = f"{day.year}: delt, {w.weight} av {current} etter {w.basis}"
                    _add(next_shares, target, weight * w.weight, [*methods, method])
            shares = next_shares
        out = tuple(
            Share(target, weight, "; ".join(methods) or METHOD_UNCHANGED)
            for target, (weight, methods) in sorted(shares.items())
        )
        return CodeMapping(code, year, out, tuple(unresolved))

    def reachable(self, code: str, year: int) -> set[str]:
        """Today's codes a unit of ``year`` reaches when every branch of every split is followed."""
        key = (code, year)
        if key not in self._reach_cache:
            reached = {code}
            for day in self._by_date:
                if day.year <= year:
                    continue
                moves = self._moves[day]
                reached = {t for c in reached for t in (moves.get(c) or {c})}
            self._reach_cache[key] = frozenset(reached)
        return set(self._reach_cache[key])

    def _is_merger(self, day: date, target: str) -> bool:
        return sum(1 for c in self._by_date[day] if c.new_code == target and c.old_code) > 1

    def crosswalk(
        self, year: int, split_weights: Iterable[SplitWeight] = ()
    ) -> dict[str, tuple[tuple[str, Share], ...]]:
        """Return, for each of today's codes, the codes of ``year`` that feed it, with shares."""
        weights = tuple(split_weights)
        into: dict[str, list[tuple[str, Share]]] = defaultdict(list)
        for code in sorted(self.codes_valid_in(year)):
            mapping = self.map_to_current(code, year, weights)
            for share in mapping.shares:
                into[share.target_code].append((code, share))
        return {target: tuple(sources) for target, sources in sorted(into.items())}

    def unresolved_in(self, year: int, split_weights: Iterable[SplitWeight] = ()) -> dict[str, str]:
        """Codes of ``year`` whose mapping is incomplete, with the reason."""
        weights = tuple(split_weights)
        out: dict[str, str] = {}
        for code in sorted(self.codes_valid_in(year)):
            mapping = self.map_to_current(code, year, weights)
            if mapping.unresolved:
                out[code] = "; ".join(mapping.unresolved)
        return out

    def comparable_from(self, current_code: str) -> int | None:
        """First year from which ``current_code`` is the same unit every year (renames allowed).

        Ratios of earlier years belong to other units and are not comparable as they stand.
        When the unit never changed, the answer is the first year the change list covers.
        ``None`` if the code is not one of today's.
        """
        if current_code not in self.current_codes:
            return None
        if current_code not in self._comparable_cache:
            self._comparable_cache[current_code] = self._comparable_from(current_code)
        return self._comparable_cache[current_code]

    def _comparable_from(self, current_code: str) -> int:
        for day in reversed(self._by_date):
            year_before = day.year - 1
            feeding = [
                code
                for code in self.codes_valid_in(year_before)
                if current_code in self.reachable(code, year_before)
            ]
            if len(feeding) != 1:
                return day.year
            mapping = self.map_to_current(feeding[0], year_before, use_kommsummer=False)
            if not mapping.whole:
                return day.year
        dates = self.change_dates()
        return dates[0].year - 1 if dates else self.current_year

    def check_against_kommsummer(
        self, kommsummer: Sequence[KommSummerRow], first_year: int = 2010
    ) -> tuple[KommSummerCheck, ...]:
        """Compare the KLASS crosswalk of every code since ``first_year`` with KommSummer.

        Each code is checked from the last year it was in force. Codes are matched as strings.
        """
        group_of = {r.code: r.group_code for r in kommsummer}
        partly_split_into: set[str] = set()
        last_year: dict[str, int] = {}
        for year in range(first_year, self.current_year + 1):
            for code in self.codes_valid_in(year):
                last_year[code] = year
        for code, year in last_year.items():
            targets = self.reachable(code, year)
            if len(targets) > 1:
                partly_split_into |= targets
        checks: list[KommSummerCheck] = []
        for code, year in sorted(last_year.items()):
            mapping = self.map_to_current(code, year, use_kommsummer=False)
            ours = tuple(s.target_code for s in mapping.shares)
            split = self.reachable(code, year)
            group = group_of.get(code)
            if group is None:
                kind = "conflict"
            elif len(split) > 1:
                kind = "whole" if group in split else ("rest" if group == "Rest" else "conflict")
            elif ours == (group,):
                kind = "agree"
            elif group == "Rest" and set(ours) & partly_split_into:
                kind = "rest"
            else:
                kind = "conflict"
            checks.append(KommSummerCheck(code, year, ours or tuple(sorted(split)), group, kind))
        current_groups = {
            r.group_code for r in kommsummer if r.group_code.isdigit() and len(r.group_code) == 4
        }
        for code in sorted(current_groups ^ set(self.current_codes)):
            checks.append(KommSummerCheck(code, self.current_year, (code,), code, "conflict"))
        return tuple(checks)


def _add(
    shares: dict[str, tuple[Decimal, list[str]]], code: str, weight: Decimal, methods: list[str]
) -> None:
    if code in shares:
        old_weight, old_methods = shares[code]
        merged = old_methods + [m for m in methods if m not in old_methods]
        shares[code] = (old_weight + weight, merged)
    else:
        shares[code] = (weight, methods)


def load_registry(klass_changes: bytes | str, kommsummer_csv: bytes | str) -> MunicipalityRegistry:
    """Build the registry from a KLASS ``/changes`` JSON and a KommSummer CSV."""
    return MunicipalityRegistry.build(
        load_klass_changes(klass_changes), load_kommsummer(kommsummer_csv)
    )
