"""The KPR/IPLOS function variables as data, and a person's function profile.

Every municipality records the function of a person who applies for or receives health and
care services on a fixed set of variables (Kommunalt pasient- og brukerregister, KPR, formerly
IPLOS). Each variable is scored 1–5, where 1 is no difficulty and 5 is a need for help with
the whole activity, and 9 means the variable is not relevant for the person now (Helsedirektoratet,
«Registrering av helse- og omsorgsdata i kommunen», funksjonsvariablene,
https://www.helsedirektoratet.no/veiledere/registrering-av-iplos-data-i-kommunen/funksjonsvariablene;
the scoring method:
https://www.helsedirektoratet.no/iplos-registeret/iplos-sporsmal-og-svar/vurdere-bistandsbehov-skarmetodikk).

The variables live in ``data/function_variables.json``: a stable ``code`` per variable, its
``group``, and a short label in Losen's own words (not the guideline's item texts: score by
the guideline). Codes are a contract: stored profiles use them.

A :class:`FunctionProfile` maps variable codes to scores; :func:`parse_profile` checks one
and reports every unknown variable and every score outside 1–5 and 9 at once
(:class:`~losen.domain.errors.InputError`). :func:`summarise` counts the variables at 4–5
("high need": help with someone present all the time, or with everything) and takes the
mean over the relevant ones (9 left out); :func:`summary_fact` states that as a
:class:`~losen.domain.explain.Fact` (code ``function.summary``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources

from losen.domain.errors import InputError, Problem
from losen.domain.explain import Fact

SCORES = (1, 2, 3, 4, 5)
"""The scores of a relevant variable, from no difficulty (1) to help with everything (5)."""

NOT_RELEVANT = 9
"""The score of a variable that is not relevant for the person now."""

HIGH_NEED_FROM = 4
"""Scores from here up count as a high need in :func:`summarise`."""


@dataclass(frozen=True)
class FunctionVariable:
    """One function variable: stable code, group code, and Losen's short label (bokmål)."""

    code: str
    group: str
    label: str


@dataclass(frozen=True)
class FunctionGroup:
    """A group of variables (sosial fungering, egenomsorg, …)."""

    code: str
    label: str


@dataclass(frozen=True)
class FunctionCatalogue:
    """The variables, their groups and the scale, with the source they follow."""

    version: str
    source: str
    groups: tuple[FunctionGroup, ...]
    variables: tuple[FunctionVariable, ...]
    score_labels: tuple[tuple[int, str], ...]

    @property
    def codes(self) -> tuple[str, ...]:
        """Variable codes in the catalogue's order."""
        return tuple(variable.code for variable in self.variables)

    def variable(self, code: str) -> FunctionVariable:
        """The variable with ``code``.

        Raises:
            KeyError: if there is none.
        """
        for variable in self.variables:
            if variable.code == code:
                return variable
        raise KeyError(code)

    def in_group(self, group: str) -> tuple[FunctionVariable, ...]:
        """The variables of ``group``, in order."""
        return tuple(variable for variable in self.variables if variable.group == group)


@cache
def function_catalogue() -> FunctionCatalogue:
    """The built-in catalogue of ``data/function_variables.json``."""
    text = (
        resources.files("losen.domain.casework")
        .joinpath("data/function_variables.json")
        .read_text(encoding="utf-8")
    )
    data = json.loads(text)
    return FunctionCatalogue(
        version=data["version"],
        source=data["source"],
        groups=tuple(FunctionGroup(g["code"], g["label"]) for g in data["groups"]),
        variables=tuple(
            FunctionVariable(v["code"], v["group"], v["label"]) for v in data["variables"]
        ),
        score_labels=tuple((int(k), v) for k, v in data["scale"]["labels"].items()),
    )


@dataclass(frozen=True)
class FunctionProfile:
    """Scores by variable code; a variable left out is not assessed.

    Build one with :func:`parse_profile`, which validates; the constructor trusts its input.
    """

    scores: tuple[tuple[str, int], ...]

    def as_dict(self) -> dict[str, int]:
        """``{code: score}``, ready for JSON."""
        return dict(self.scores)

    def score(self, code: str) -> int | None:
        """The score of ``code``, or None when it is not assessed."""
        return dict(self.scores).get(code)

    @property
    def relevant(self) -> dict[str, int]:
        """The assessed variables scored 1–5."""
        return {code: score for code, score in self.scores if score != NOT_RELEVANT}


def _shown(value: object) -> str:
    """A key for a message: printable ASCII escapes, at most 60 characters."""
    text = str(value).encode("ascii", "backslashreplace").decode("ascii")
    text = "".join(ch if ch.isprintable() else f"\\x{ord(ch):02x}" for ch in text)
    return text if len(text) <= 60 else text[:59] + "…"


def parse_profile(
    data: object, catalogue: FunctionCatalogue | None = None, path: str = "function"
) -> FunctionProfile:
    """A :class:`FunctionProfile` from ``{code: score}``, in the catalogue's order.

    Raises:
        InputError: naming every unknown variable and every score that is not 1–5 or 9
            (``function.syn: …``).
    """
    catalogue = catalogue or function_catalogue()
    if isinstance(data, FunctionProfile):
        data = data.as_dict()
    if not isinstance(data, Mapping):
        raise InputError([Problem(path, "not an object of variable: score")])
    problems: list[Problem] = []
    known = set(catalogue.codes)
    for code, score in data.items():
        where = f"{path}.{_shown(code)}"
        if code not in known:
            problems.append(Problem(where, "unknown function variable (ukjent funksjonsvariabel)"))
        elif isinstance(score, bool) or not isinstance(score, int):
            problems.append(Problem(where, "not a whole number 1–5 or 9 (ikke en gyldig skår)"))
        elif score not in SCORES and score != NOT_RELEVANT:
            problems.append(Problem(where, f"score {score} is not 1–5 or 9 (ugyldig skår)"))
    if problems:
        raise InputError(problems)
    return FunctionProfile(tuple((code, data[code]) for code in catalogue.codes if code in data))


@dataclass(frozen=True)
class FunctionSummary:
    """How a profile reads at a glance.

    Attributes:
        assessed: Variables scored (including 9).
        relevant: Variables scored 1–5.
        not_relevant: Variables scored 9.
        high_need: Variables scored 4 or 5.
        high_need_codes: Their codes, in the catalogue's order.
        mean: Mean score over the relevant variables; None when there are none.
    """

    assessed: int
    relevant: int
    not_relevant: int
    high_need: int
    high_need_codes: tuple[str, ...]
    mean: float | None


def summarise(profile: FunctionProfile) -> FunctionSummary:
    """Counts and the mean over relevant variables (9 is left out of the mean)."""
    relevant = profile.relevant
    high = tuple(code for code, score in relevant.items() if score >= HIGH_NEED_FROM)
    mean = sum(relevant.values()) / len(relevant) if relevant else None
    return FunctionSummary(
        assessed=len(profile.scores),
        relevant=len(relevant),
        not_relevant=len(profile.scores) - len(relevant),
        high_need=len(high),
        high_need_codes=high,
        mean=mean,
    )


def summary_fact(profile: FunctionProfile) -> Fact:
    """``function.summary``: ``relevant``, ``not_relevant``, ``high_need`` (counts),
    ``high_need_codes`` (list of variable codes) and ``mean`` (None when nothing relevant)."""
    summary = summarise(profile)
    return Fact(
        "function.summary",
        {
            "relevant": summary.relevant,
            "not_relevant": summary.not_relevant,
            "high_need": summary.high_need,
            "high_need_codes": list(summary.high_need_codes),
            "mean": None if summary.mean is None else round(summary.mean, 2),
        },
    )
