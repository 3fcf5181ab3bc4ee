"""The one place explanations are worded: facts from the domain as sentences for people.

The domain states facts (:class:`losen.domain.explain.Fact`: a code and plain params, every
code listed in :data:`losen.domain.explain.CODES`); this module turns them into sentences in
the active Django language (bokmål, the source language; nynorsk; English). The web pages and
the ``losen`` command both call it, so a ranking, a weight interval, an SMAA result, a step of
the Swedish ranking helper, a flag or a budget portfolio reads the same everywhere.

* :func:`say` words one fact; :func:`sentences` words a list. An unknown code raises
  :class:`KeyError`.
* Numbers follow the active locale (Django's formats): bokmål and nynorsk write a decimal
  comma, a non-breaking space between thousands and before the per cent sign («0,83»,
  «6 000 000», «87 %»); English a decimal point, a comma between thousands and no space
  before the per cent sign («0.83», «6,000,000», «87%»). Negative numbers get a true minus.
* Level labels of the criteria catalogue are translated by scale (``pgettext`` with the
  scale as context), so English reads «very large»; a label the catalogue added locally is
  shown as it is.

Use it in a view as ``wording.sentences(facts)`` (the request's language is active), and
elsewhere inside ``django.utils.translation.override(language)``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from django.utils import formats
from django.utils.translation import get_language, npgettext, pgettext, pgettext_lazy

from losen.domain.explain import Fact

# --- Numbers ------------------------------------------------------------------------------

_NBSP = "\u00a0"


def number(value: float, decimals: int = 2, *, trim: bool = False) -> str:
    """``value`` in the active locale with ``decimals`` decimals.

    With ``trim`` the decimals that are zero are left out («1,5», «54»). Examples in bokmål:
    ``number(0.3125)`` → «0,31»; ``number(6_000_000, 0)`` → «6 000 000» (non-breaking space).
    """
    value = float(value)
    if trim:
        rounded = round(value, decimals)
        decimals = next(d for d in range(decimals + 1) if round(value, d) == rounded)
    # Django's number_format cuts the decimals of a float off; round them here instead.
    value = round(value, decimals)
    if value == 0:
        value = 0.0  # no «−0,00»
    text = formats.number_format(value, decimal_pos=decimals, use_l10n=True, force_grouping=True)
    return text.replace("-", "\u2212")


def _english() -> bool:
    return (get_language() or "nb").split("-")[0] == "en"


def _with_percent_sign(text: str) -> str:
    return f"{text}%" if _english() else f"{text}{_NBSP}%"


def percent(share: float) -> str:
    """A share of 1 as a whole per cent: ``0.4`` → «40 %» (bokmål), «40%» (English)."""
    return _with_percent_sign(number(100 * float(share), 0))


def share(value: float) -> str:
    """A probability as per cent that never rounds to 0 or 100 unless it is.

    ``0.874`` → «87 %»; ``0.001`` → «under 1 %»; ``0.999`` → «over 99 %» (bokmål).
    """
    value = float(value)
    if value <= 0:
        return percent(0)
    if value >= 1:
        return percent(1)
    if value < 0.005:
        return pgettext("andel", "under %(percent)s") % {"percent": percent(0.01)}
    if value >= 0.995:
        return pgettext("andel", "over %(percent)s") % {"percent": percent(0.99)}
    return percent(value)


def amount(value: float) -> str:
    """An amount of money in kroner: «7 500 000 kr» (bokmål), «NOK 7,500,000» (English)."""
    return pgettext("beløp i kroner", "%(amount)s kr") % {"amount": number(value, 0)}


def names(items: Iterable[str]) -> str:
    """«A», «A og B», «A, B og C» (English: «A, B and C»)."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return pgettext("liste", "%(items)s og %(last)s") % {
        "items": ", ".join(items[:-1]),
        "last": items[-1],
    }


# --- Labels -------------------------------------------------------------------------------

_LEVELS: dict[str, dict[str, Any]] = {
    "alvorlighet": {
        "liten": pgettext_lazy("nivå på skalaen alvorlighet", "liten"),
        "moderat": pgettext_lazy("nivå på skalaen alvorlighet", "moderat"),
        "stor": pgettext_lazy("nivå på skalaen alvorlighet", "stor"),
        "svært stor": pgettext_lazy("nivå på skalaen alvorlighet", "svært stor"),
    },
    "nytte": {
        "ingen": pgettext_lazy("nivå på skalaen nytte", "ingen"),
        "liten": pgettext_lazy("nivå på skalaen nytte", "liten"),
        "moderat": pgettext_lazy("nivå på skalaen nytte", "moderat"),
        "stor": pgettext_lazy("nivå på skalaen nytte", "stor"),
        "svært stor": pgettext_lazy("nivå på skalaen nytte", "svært stor"),
    },
    "ressurs": {
        "lav": pgettext_lazy("nivå på skalaen ressurs", "lav"),
        "moderat": pgettext_lazy("nivå på skalaen ressurs", "moderat"),
        "høy": pgettext_lazy("nivå på skalaen ressurs", "høy"),
        "svært høy": pgettext_lazy("nivå på skalaen ressurs", "svært høy"),
    },
    "usikkerhet": {
        "lav": pgettext_lazy("nivå på skalaen usikkerhet", "lav"),
        "moderat": pgettext_lazy("nivå på skalaen usikkerhet", "moderat"),
        "høy": pgettext_lazy("nivå på skalaen usikkerhet", "høy"),
        "svært høy": pgettext_lazy("nivå på skalaen usikkerhet", "svært høy"),
    },
    "hastegrad": {
        "kan planlegges": pgettext_lazy("nivå på skalaen hastegrad", "kan planlegges"),
        "innen uker": pgettext_lazy("nivå på skalaen hastegrad", "innen uker"),
        "innen dager": pgettext_lazy("nivå på skalaen hastegrad", "innen dager"),
        "akutt": pgettext_lazy("nivå på skalaen hastegrad", "akutt"),
    },
    "omfang": {
        "liten": pgettext_lazy("nivå på skalaen omfang", "liten"),
        "moderat": pgettext_lazy("nivå på skalaen omfang", "moderat"),
        "stor": pgettext_lazy("nivå på skalaen omfang", "stor"),
        "svært stor": pgettext_lazy("nivå på skalaen omfang", "svært stor"),
    },
}

_CATEGORIES = {
    "ikke-gjøre": pgettext_lazy("kategori i den svenske rangeringen", "ikke-gjøre"),
    "FoU": pgettext_lazy("kategori i den svenske rangeringen", "FoU"),
}

_CRITERIA = {
    "nytte": pgettext_lazy("kriterium, inne i en setning", "nytte"),
    "ressurs": pgettext_lazy("kriterium, inne i en setning", "ressurs"),
    "alvorlighet": pgettext_lazy("kriterium, inne i en setning", "alvorlighet"),
}

_METHODS = {
    "weighted-sum": pgettext_lazy("rangeringsmetode", "vektet sum"),
    "topsis": pgettext_lazy("rangeringsmetode", "TOPSIS"),
}

_STEP_TITLES = {
    "a": pgettext_lazy("steg i den svenske rangeringen", "Utgangspunkt i alvorlighet"),
    "b": pgettext_lazy("steg i den svenske rangeringen", "Nytte"),
    "c": pgettext_lazy("steg i den svenske rangeringen", "Ressurs i forhold til nytte"),
    "d": pgettext_lazy("steg i den svenske rangeringen", "Kunnskapsgrunnlag"),
    "kategori": pgettext_lazy("steg i den svenske rangeringen", "Kategori"),
}


def level(scale: str, label: str) -> str:
    """The label of a level on ``scale`` (a scale id of the catalogue) in the active language."""
    translated = _LEVELS.get(scale, {}).get(label)
    return label if translated is None else str(translated)


def category(code: str) -> str:
    """A category of the Swedish ranking: «1»–«10» as they are, «ikke-gjøre», «FoU»."""
    translated = _CATEGORIES.get(code)
    return code if translated is None else str(translated)


def criterion(kind: str) -> str:
    """``nytte``, ``ressurs`` or ``alvorlighet`` as a word inside a sentence."""
    translated = _CRITERIA.get(kind)
    return kind if translated is None else str(translated)


def method(code: str) -> str:
    """``weighted-sum`` → «vektet sum»; ``topsis`` → «TOPSIS»."""
    translated = _METHODS.get(code)
    return code if translated is None else str(translated)


def step_title(step: str) -> str:
    """The short title of a step of the Swedish ranking (``a``–``d``, ``kategori``).

    Raises:
        KeyError: for another step.
    """
    return str(_STEP_TITLES[step])


# --- Sentences ----------------------------------------------------------------------------

Params = Mapping[str, Any]
_SENTENCES: dict[str, Callable[[Params], str]] = {}


def _sentence(code: str) -> Callable[[Callable[[Params], str]], Callable[[Params], str]]:
    def register(function: Callable[[Params], str]) -> Callable[[Params], str]:
        _SENTENCES[code] = function
        return function

    return register


def _count(value: Any) -> int:
    return round(float(value))


# Rankings.


@_sentence("ranking.top")
def _ranking_top(p: Params) -> str:
    return pgettext("forklaring", "%(name)s er rangert først med skår %(score)s (%(method)s).") % {
        "name": p["name"],
        "score": number(p["score"]),
        "method": method(p["method"]),
    }


@_sentence("ranking.top_shared")
def _ranking_top_shared(p: Params) -> str:
    return pgettext(
        "forklaring", "%(names)s deler førsteplassen med skår %(score)s (%(method)s)."
    ) % {"names": names(p["names"]), "score": number(p["score"]), "method": method(p["method"])}


@_sentence("ranking.first")
def _ranking_first(p: Params) -> str:
    return pgettext("forklaring", "Med vektene som er satt, kommer «%(name)s» først.") % {
        "name": p["name"]
    }


# Weights.


def _threshold_params(p: Params) -> dict[str, str]:
    return {
        "leader": p["leader"],
        "rival": p["rival"],
        "criterion": p["criterion"],
        "threshold": number(p["threshold"]),
        "weight": number(p["weight"]),
    }


@_sentence("weight.swap")
def _weight_swap(p: Params) -> str:
    if p["direction"] == "above":
        text = pgettext(
            "forklaring",
            "%(leader)s og %(rival)s bytter plass hvis vekten på %(criterion)s stiger over "
            "%(threshold)s (nå %(weight)s).",
        )
    else:
        text = pgettext(
            "forklaring",
            "%(leader)s og %(rival)s bytter plass hvis vekten på %(criterion)s faller under "
            "%(threshold)s (nå %(weight)s).",
        )
    return text % _threshold_params(p)


@_sentence("weight.overtake")
def _weight_overtake(p: Params) -> str:
    if p["direction"] == "above":
        text = pgettext(
            "forklaring",
            "%(rival)s går forbi %(leader)s hvis vekten på %(criterion)s stiger over "
            "%(threshold)s (nå %(weight)s).",
        )
    else:
        text = pgettext(
            "forklaring",
            "%(rival)s går forbi %(leader)s hvis vekten på %(criterion)s faller under "
            "%(threshold)s (nå %(weight)s).",
        )
    return text % _threshold_params(p)


@_sentence("weight.steady")
def _weight_steady(p: Params) -> str:
    return npgettext(
        "forklaring",
        "%(leader)s forblir først uansett hvor stor vekt %(criteria)s får "
        "(de andre vektene skaleres forholdsmessig).",
        "%(leader)s forblir først uansett hvor stor vekt %(criteria)s får "
        "(de andre vektene skaleres forholdsmessig).",
        len(p["criteria"]),
    ) % {"leader": p["leader"], "criteria": names(p["criteria"])}


@_sentence("weight.interval")
def _weight_interval(p: Params) -> str:
    return pgettext(
        "forklaring",
        "Vekten på %(criterion)s kan ligge mellom %(lower)s og %(upper)s (i dag %(weight)s) "
        "uten at førsteplassen endres.",
    ) % {
        "criterion": p["criterion"],
        "lower": percent(p["lower"]),
        "upper": percent(p["upper"]),
        "weight": percent(p["weight"]),
    }


# SMAA.


@_sentence("smaa.first")
def _smaa_first(p: Params) -> str:
    return pgettext("forklaring", "%(name)s er først i %(share)s av de plausible vektingene.") % {
        "name": p["name"],
        "share": share(p["share"]),
    }


@_sentence("smaa.first_rest")
def _smaa_first_rest(p: Params) -> str:
    count = _count(p["count"])
    return npgettext(
        "forklaring",
        "%(count)s annet alternativ er først i til sammen %(share)s av vektingene.",
        "%(count)s andre alternativer er først i til sammen %(share)s av vektingene.",
        count,
    ) % {"count": number(count, 0), "share": share(p["share"])}


@_sentence("smaa.never_first")
def _smaa_never_first(p: Params) -> str:
    return npgettext(
        "forklaring",
        "%(names)s er ikke først i noen av de plausible vektingene.",
        "%(names)s er ikke først i noen av de plausible vektingene.",
        len(p["names"]),
    ) % {"names": names(p["names"])}


@_sentence("smaa.never_first_count")
def _smaa_never_first_count(p: Params) -> str:
    count = _count(p["count"])
    return npgettext(
        "forklaring",
        "%(count)s alternativ er ikke først i noen av de plausible vektingene.",
        "%(count)s alternativer er ikke først i noen av de plausible vektingene.",
        count,
    ) % {"count": number(count, 0)}


@_sentence("smaa.confidence")
def _smaa_confidence(p: Params) -> str:
    return pgettext(
        "forklaring",
        "Med vektene som typisk gjør %(name)s best, er %(name)s først i %(share)s av "
        "trekningene av usikre skårer.",
    ) % {"name": p["name"], "share": share(p["share"])}


@_sentence("smaa.centre_first")
def _smaa_centre_first(p: Params) -> str:
    return pgettext("forklaring", "Med vekter midt i det plausible området er %(name)s først.") % {
        "name": p["name"]
    }


@_sentence("smaa.first_share")
def _smaa_first_share(p: Params) -> str:
    return pgettext(
        "forklaring",
        "Prøver vi alle mulige vektinger, kommer «%(name)s» først i %(share)s av dem.",
    ) % {"name": p["name"], "share": share(p["share"])}


# The Swedish ranking helper.


def _severity(p: Params) -> str:
    return level("alvorlighet", p["severity"])


def _benefit(p: Params) -> str:
    return level("nytte", p["benefit"])


def _uncertainty(p: Params) -> str:
    return level("usikkerhet", p["uncertainty"])


@_sentence("swedish.a")
def _swedish_a(p: Params) -> str:
    return pgettext(
        "forklaring", "Alvorligheten er «%(severity)s», som gir rang %(rank)s som utgangspunkt."
    ) % {"severity": _severity(p), "rank": p["rank"]}


@_sentence("swedish.b.kept")
def _swedish_b_kept(p: Params) -> str:
    return pgettext(
        "forklaring",
        "Nytten «%(benefit)s» er minst så stor som alvorligheten «%(severity)s» gir rom for; "
        "rangen beholdes.",
    ) % {"benefit": _benefit(p), "severity": _severity(p)}


@_sentence("swedish.b.down")
def _swedish_b_down(p: Params) -> str:
    shortfall = _count(p["shortfall"])
    return npgettext(
        "forklaring",
        "Nytten «%(benefit)s» er %(shortfall)s nivå under det alvorligheten «%(severity)s» "
        "gir rom for; rangen flyttes ned til %(rank)s.",
        "Nytten «%(benefit)s» er %(shortfall)s nivåer under det alvorligheten «%(severity)s» "
        "gir rom for; rangen flyttes ned til %(rank)s.",
        shortfall,
    ) % {
        "benefit": _benefit(p),
        "severity": _severity(p),
        "shortfall": shortfall,
        "rank": p["rank"],
    }


@_sentence("swedish.c.kept")
def _swedish_c_kept(p: Params) -> str:
    return pgettext(
        "forklaring", "Ressursbruken i forhold til nytten er «%(cost)s»; rangen beholdes."
    ) % {"cost": level("ressurs", p["cost"])}


@_sentence("swedish.c.down")
def _swedish_c_down(p: Params) -> str:
    steps = _count(p["steps"])
    return npgettext(
        "forklaring",
        "Ressursbruken i forhold til nytten er «%(cost)s»; rangen flyttes ned %(steps)s trinn, "
        "til %(rank)s.",
        "Ressursbruken i forhold til nytten er «%(cost)s»; rangen flyttes ned %(steps)s trinn, "
        "til %(rank)s.",
        steps,
    ) % {"cost": level("ressurs", p["cost"]), "steps": steps, "rank": p["rank"]}


@_sentence("swedish.d.kept")
def _swedish_d_kept(p: Params) -> str:
    return pgettext(
        "forklaring",
        "Usikkerheten i kunnskapsgrunnlaget er «%(uncertainty)s»; rangen beholdes.",
    ) % {"uncertainty": _uncertainty(p)}


@_sentence("swedish.d.down")
def _swedish_d_down(p: Params) -> str:
    steps = _count(p["steps"])
    return npgettext(
        "forklaring",
        "Usikkerheten i kunnskapsgrunnlaget er «%(uncertainty)s»; rangen flyttes ned "
        "%(steps)s trinn, til %(rank)s.",
        "Usikkerheten i kunnskapsgrunnlaget er «%(uncertainty)s»; rangen flyttes ned "
        "%(steps)s trinn, til %(rank)s.",
        steps,
    ) % {"uncertainty": _uncertainty(p), "steps": steps, "rank": p["rank"]}


@_sentence("swedish.category.rank")
def _swedish_category_rank(p: Params) -> str:
    return pgettext(
        "forklaring", "Tiltaket foreslås på rang %(rank)s av 10 (1 er høyest prioritet)."
    ) % {"rank": p["rank"]}


@_sentence("swedish.category.ikke_gjore")
def _swedish_category_ikke_gjore(p: Params) -> str:
    return pgettext(
        "forklaring",
        "Nytten er «%(benefit)s», og kunnskapen om det er god nok (usikkerhet "
        "«%(uncertainty)s»): tiltaket foreslås som ikke-gjøre, til utfasing.",
    ) % {"benefit": _benefit(p), "uncertainty": _uncertainty(p)}


@_sentence("swedish.category.fou")
def _swedish_category_fou(p: Params) -> str:
    return pgettext(
        "forklaring",
        "Kunnskapsgrunnlaget er for usikkert (usikkerhet «%(uncertainty)s») til å rangere "
        "tiltaket: det foreslås bare brukt i forskning eller systematisk utprøving (FoU).",
    ) % {"uncertainty": _uncertainty(p)}


# Flags on a samlet vurdering.


@_sentence("nytte_over_alvorlighet")
def _nytte_over_alvorlighet(p: Params) -> str:
    return pgettext(
        "forklaring",
        "Nytten er vurdert som «%(benefit)s», høyere enn alvorligheten «%(severity)s». Nytten "
        "kan ikke være større enn alvorligheten gir rom for (ved liten alvorlighet kan nytten "
        "bare være liten). Se over begge vurderingene.",
    ) % {"benefit": _benefit(p), "severity": _severity(p)}


@_sentence("usikkert_grunnlag")
def _usikkert_grunnlag(p: Params) -> str:
    return pgettext(
        "forklaring",
        "Vurderingen av %(criterion)s er usikker (usikkerhet «%(uncertainty)s»); beskriv hva "
        "som mangler.",
    ) % {"criterion": criterion(p["criterion"]), "uncertainty": _uncertainty(p)}


# Budget portfolios.


@_sentence("portfolio.chosen")
def _portfolio_chosen(p: Params) -> str:
    count = _count(p["count"])
    return npgettext(
        "forklaring",
        "%(count)s tiltak er valgt for til sammen %(total)s av budsjettet på %(budget)s; "
        "%(leftover)s står igjen.",
        "%(count)s tiltak er valgt for til sammen %(total)s av budsjettet på %(budget)s; "
        "%(leftover)s står igjen.",
        count,
    ) % {
        "count": number(count, 0),
        "total": amount(p["total_cost"]),
        "budget": amount(p["budget"]),
        "leftover": amount(p["leftover"]),
    }


@_sentence("portfolio.next_in")
def _portfolio_next_in(p: Params) -> str:
    return npgettext(
        "forklaring",
        "Med %(extra)s mer i budsjettet kommer også %(names)s med (koster %(cost)s).",
        "Med %(extra)s mer i budsjettet kommer også %(names)s med (koster %(cost)s til sammen).",
        len(p["names"]),
    ) % {
        "extra": amount(p["extra_cost"]),
        "names": names(p["names"]),
        "cost": amount(p["added_cost"]),
    }


@_sentence("portfolio.first_out")
def _portfolio_first_out(p: Params) -> str:
    return npgettext(
        "forklaring",
        "Krymper budsjettet, går %(names)s ut først.",
        "Krymper budsjettet, går %(names)s ut først.",
        len(p["names"]),
    ) % {"names": names(p["names"])}


@_sentence("portfolio.infeasible")
def _portfolio_infeasible(p: Params) -> str:
    return pgettext("forklaring", "Ingen portefølje oppfyller alle kravene: %(reasons)s") % {
        "reasons": " ".join(p["reasons"])
    }


@_sentence("portfolio.time_limit")
def _portfolio_time_limit(p: Params) -> str:
    return pgettext("forklaring", "Porteføljen er kanskje ikke den beste mulige: %(reasons)s") % {
        "reasons": " ".join(p["reasons"])
    }


@_sentence("portfolio.value")
def _portfolio_value(p: Params) -> str:
    persons = _count(p["persons"])
    return npgettext(
        "forklaring",
        "Verdien er %(persons)s person × nytte «%(benefit)s» (%(benefit_value)s) × vekt "
        "%(weight)s for alvorlighet «%(severity)s» = %(value)s.",
        "Verdien er %(persons)s personer × nytte «%(benefit)s» (%(benefit_value)s) × vekt "
        "%(weight)s for alvorlighet «%(severity)s» = %(value)s.",
        persons,
    ) % {
        "persons": number(persons, 0),
        "benefit": _benefit(p),
        "benefit_value": number(p["benefit_value"], 0),
        "weight": number(p["severity_weight"], 2, trim=True),
        "severity": _severity(p),
        "value": number(p["value"], 2, trim=True),
    }


# The caseworker's work (losen.domain.casework).

_FUNCTION_VARIABLES = {
    "sosial_deltakelse": pgettext_lazy("funksjonsvariabel", "delta sosialt"),
    "beslutninger": pgettext_lazy("funksjonsvariabel", "ta hverdagsbeslutninger"),
    "atferd": pgettext_lazy("funksjonsvariabel", "styre egen atferd"),
    "husarbeid": pgettext_lazy("funksjonsvariabel", "gjøre husarbeid"),
    "innkjop": pgettext_lazy("funksjonsvariabel", "handle og skaffe det en trenger"),
    "matlaging": pgettext_lazy("funksjonsvariabel", "lage mat"),
    "hygiene": pgettext_lazy("funksjonsvariabel", "personlig stell"),
    "pakledning": pgettext_lazy("funksjonsvariabel", "kle på og av seg"),
    "spise": pgettext_lazy("funksjonsvariabel", "spise"),
    "toalett": pgettext_lazy("funksjonsvariabel", "toalettbesøk"),
    "egen_helse": pgettext_lazy("funksjonsvariabel", "ta vare på egen helse"),
    "hukommelse": pgettext_lazy("funksjonsvariabel", "huske"),
    "kommunikasjon": pgettext_lazy("funksjonsvariabel", "forstå og gjøre seg forstått"),
    "innendors": pgettext_lazy("funksjonsvariabel", "bevege seg inne"),
    "utendors": pgettext_lazy("funksjonsvariabel", "bevege seg ute"),
    "syn": pgettext_lazy("funksjonsvariabel", "se"),
    "horsel": pgettext_lazy("funksjonsvariabel", "høre"),
}

_DAYS_OFF = {
    "lordag": pgettext_lazy("dag som ikke er virkedag", "lørdag"),
    "sondag": pgettext_lazy("dag som ikke er virkedag", "søndag"),
    "nyttarsdag": pgettext_lazy("dag som ikke er virkedag", "nyttårsdag"),
    "skjaertorsdag": pgettext_lazy("dag som ikke er virkedag", "skjærtorsdag"),
    "langfredag": pgettext_lazy("dag som ikke er virkedag", "langfredag"),
    "paskedag": pgettext_lazy("dag som ikke er virkedag", "påskedag"),
    "andre_paskedag": pgettext_lazy("dag som ikke er virkedag", "2. påskedag"),
    "arbeidernes_dag": pgettext_lazy("dag som ikke er virkedag", "1. mai"),
    "grunnlovsdag": pgettext_lazy("dag som ikke er virkedag", "17. mai"),
    "kristi_himmelfartsdag": pgettext_lazy("dag som ikke er virkedag", "Kristi himmelfartsdag"),
    "pinsedag": pgettext_lazy("dag som ikke er virkedag", "pinsedag"),
    "andre_pinsedag": pgettext_lazy("dag som ikke er virkedag", "2. pinsedag"),
    "juledag": pgettext_lazy("dag som ikke er virkedag", "juledag"),
    "andre_juledag": pgettext_lazy("dag som ikke er virkedag", "2. juledag"),
}

_DEADLINE_KINDS = {
    "preliminary_reply": pgettext_lazy("frist for", "foreløpig svar"),
    "complaint": pgettext_lazy("frist for", "klage"),
    "reevaluation": pgettext_lazy("frist for", "ny vurdering"),
    "decision": pgettext_lazy("frist for", "vedtak"),
}

_OUTCOMES = {
    "innvilget": pgettext_lazy("utfall av vedtak", "innvilget"),
    "delvis_innvilget": pgettext_lazy("utfall av vedtak", "delvis innvilget"),
    "avslag": pgettext_lazy("utfall av vedtak", "avslag"),
}


def _from(table: Mapping[str, Any], code: str) -> str:
    translated = table.get(code)
    return code if translated is None else str(translated)


def function_variable(code: str) -> str:
    """A KPR/IPLOS function variable by its code, as a phrase inside a sentence."""
    return _from(_FUNCTION_VARIABLES, code)


def outcome(code: str) -> str:
    """``innvilget``, ``delvis_innvilget`` or ``avslag`` in the active language."""
    return _from(_OUTCOMES, code)


def day(value: str) -> str:
    """An ISO date (``2026-04-07``) in the active locale: «7. april 2026»."""
    return formats.date_format(date.fromisoformat(value), "DATE_FORMAT", use_l10n=True)


def _hours(value: Any) -> str:
    return number(value, 1, trim=True)


@_sentence("function.summary")
def _function_summary(p: Params) -> str:
    relevant = _count(p["relevant"])
    if p["mean"] is None:
        return pgettext("forklaring", "Ingen funksjonsvariabler er relevante for personen nå.")
    text = npgettext(
        "forklaring",
        "%(relevant)s funksjonsvariabel er relevant, med gjennomsnittlig skår %(mean)s.",
        "%(relevant)s funksjonsvariabler er relevante, med gjennomsnittlig skår %(mean)s.",
        relevant,
    ) % {"relevant": number(relevant, 0), "mean": number(p["mean"], 2, trim=True)}
    high = _count(p["high_need"])
    if high:
        text += " " + npgettext(
            "forklaring",
            "%(count)s har skår 4 eller 5 (stort eller fullt bistandsbehov): %(names)s.",
            "%(count)s har skår 4 eller 5 (stort eller fullt bistandsbehov): %(names)s.",
            high,
        ) % {
            "count": number(high, 0),
            "names": names(function_variable(code) for code in p["high_need_codes"]),
        }
    return text


@_sentence("complaint.deadline")
def _complaint_deadline(p: Params) -> str:
    weeks = _count(p["weeks"])
    return npgettext(
        "forklaring",
        "Klagefristen er %(weeks)s uke fra vedtaket ble mottatt %(received)s: siste dag er "
        "%(deadline)s (pasient- og brukerrettighetsloven § 7-2).",
        "Klagefristen er %(weeks)s uker fra vedtaket ble mottatt %(received)s: siste dag er "
        "%(deadline)s (pasient- og brukerrettighetsloven § 7-2).",
        weeks,
    ) % {
        "weeks": number(weeks, 0),
        "received": day(p["decision_received"]),
        "deadline": day(p["deadline"]),
    }


@_sentence("complaint.in_time")
def _complaint_in_time(p: Params) -> str:
    return pgettext("forklaring", "Klagen kom %(received)s, innen klagefristen %(deadline)s.") % {
        "received": day(p["received"]),
        "deadline": day(p["deadline"]),
    }


@_sentence("complaint.late")
def _complaint_late(p: Params) -> str:
    late = _count(p["days_late"])
    return npgettext(
        "forklaring",
        "Klagen kom %(received)s, %(days)s dag etter klagefristen %(deadline)s. Den kan "
        "likevel behandles (forvaltningsloven § 31).",
        "Klagen kom %(received)s, %(days)s dager etter klagefristen %(deadline)s. Den kan "
        "likevel behandles (forvaltningsloven § 31).",
        late,
    ) % {"received": day(p["received"]), "days": number(late, 0), "deadline": day(p["deadline"])}


@_sentence("deadline.moved")
def _deadline_moved(p: Params) -> str:
    skipped = list(p["skipped"])
    return npgettext(
        "forklaring",
        "Fristen ville gått ut %(nominal)s, men forlenges til %(deadline)s fordi %(days)s "
        "ikke er virkedag (domstolloven § 149).",
        "Fristen ville gått ut %(nominal)s, men forlenges til %(deadline)s fordi %(days)s "
        "ikke er virkedager (domstolloven § 149).",
        len(skipped),
    ) % {
        "nominal": day(p["nominal"]),
        "deadline": day(p["deadline"]),
        "days": names(_from(_DAYS_OFF, code) for code in skipped),
    }


@_sentence("deadline.coming_up")
def _deadline_coming_up(p: Params) -> str:
    left = _count(p["days_left"])
    values = {"kind": _from(_DEADLINE_KINDS, p["kind"]), "deadline": day(p["deadline"])}
    if left == 0:
        return pgettext("forklaring", "Fristen for %(kind)s går ut i dag, %(deadline)s.") % values
    return npgettext(
        "forklaring",
        "Fristen for %(kind)s går ut %(deadline)s, om %(days)s dag.",
        "Fristen for %(kind)s går ut %(deadline)s, om %(days)s dager.",
        left,
    ) % {**values, "days": number(left, 0)}


@_sentence("deadline.passed")
def _deadline_passed(p: Params) -> str:
    over = _count(p["days_over"])
    return npgettext(
        "forklaring",
        "Fristen for %(kind)s gikk ut %(deadline)s, for %(days)s dag siden.",
        "Fristen for %(kind)s gikk ut %(deadline)s, for %(days)s dager siden.",
        over,
    ) % {
        "kind": _from(_DEADLINE_KINDS, p["kind"]),
        "deadline": day(p["deadline"]),
        "days": number(over, 0),
    }


_MISSING = {
    "outcome": pgettext_lazy(
        "mangel i vedtak", "Utfallet mangler: innvilget, delvis innvilget eller avslag."
    ),
    "service": pgettext_lazy("mangel i vedtak", "Det står ikke hvilken tjeneste vedtaket gjelder."),
    "scope": pgettext_lazy(
        "mangel i vedtak", "Omfanget av det som innvilges mangler (for eksempel timer per uke)."
    ),
    "period": pgettext_lazy(
        "mangel i vedtak", "Vedtaket mangler periode eller dato for ny vurdering."
    ),
    "refused_part": pgettext_lazy(
        "mangel i vedtak", "Ved delvis innvilgelse må det stå hva som ikke innvilges."
    ),
    "refusal_reasons": pgettext_lazy(
        "mangel i vedtak",
        "Ved delvis innvilgelse må det begrunnes hvorfor resten ikke innvilges "
        "(forvaltningsloven §§ 24–25).",
    ),
    "legal_basis": pgettext_lazy(
        "mangel i vedtak",
        "Reglene vedtaket bygger på, mangler (forvaltningsloven § 25 første ledd).",
    ),
    "facts": pgettext_lazy(
        "mangel i vedtak",
        "Faktum vedtaket bygger på, mangler (forvaltningsloven § 25 andre ledd).",
    ),
    "main_considerations": pgettext_lazy(
        "mangel i vedtak",
        "Hovedhensynene i skjønnet mangler (forvaltningsloven § 25 tredje ledd).",
    ),
    "complaint_right": pgettext_lazy(
        "mangel i vedtak", "Opplysning om retten til å klage mangler (forvaltningsloven § 27)."
    ),
    "complaint_deadline": pgettext_lazy(
        "mangel i vedtak",
        "Klagefristen mangler (forvaltningsloven § 27, pasient- og brukerrettighetsloven § 7-2).",
    ),
    "complaint_instance": pgettext_lazy(
        "mangel i vedtak",
        "Det står ikke hvor klagen skal sendes og hvem som avgjør den (forvaltningsloven § 27).",
    ),
    "complaint_procedure": pgettext_lazy(
        "mangel i vedtak",
        "Framgangsmåten ved klage mangler, blant annet at kommunen vurderer klagen først "
        "(forvaltningsloven §§ 27 og 33).",
    ),
    "access_to_documents": pgettext_lazy(
        "mangel i vedtak",
        "Opplysning om retten til å se sakens dokumenter mangler (forvaltningsloven §§ 18, 19 "
        "og 27).",
    ),
    "contact_person": pgettext_lazy("mangel i vedtak", "Kontaktperson i kommunen mangler."),
    "departure_reason": pgettext_lazy(
        "mangel i vedtak",
        "Vedtaket avviker fra like saker og må begrunne hvorfor (like saker skal behandles likt).",
    ),
}


def _missing(part: str) -> Callable[[Params], str]:
    def word(p: Params) -> str:
        return str(_MISSING[part])

    return word


for _part in _MISSING:
    _SENTENCES[f"vedtak.missing.{_part}"] = _missing(_part)


@_sentence("similarity.too_few")
def _similarity_too_few(p: Params) -> str:
    count = _count(p["count"])
    return npgettext(
        "forklaring",
        "Bare %(count)s tidligere sak ligner nok til å sammenligne med; minst %(needed)s trengs.",
        "Bare %(count)s tidligere saker ligner nok til å sammenligne med; minst %(needed)s trengs.",
        count,
    ) % {"count": number(count, 0), "needed": number(_count(p["needed"]), 0)}


@_sentence("similarity.in_line")
def _similarity_in_line(p: Params) -> str:
    count = _count(p["count"])
    return npgettext(
        "forklaring",
        "Utkastet er i tråd med den %(count)s mest like tidligere saken (%(cases)s).",
        "Utkastet er i tråd med de %(count)s mest like tidligere sakene (%(cases)s).",
        count,
    ) % {"count": number(count, 0), "cases": names(p["cases"])}


@_sentence("similarity.outcome_differs")
def _similarity_outcome_differs(p: Params) -> str:
    return pgettext(
        "forklaring",
        "%(count)s av %(total)s like tidligere saker endte med «%(majority)s» (%(cases)s), men "
        "utkastet er «%(outcome)s». Begrunn avviket.",
    ) % {
        "count": number(_count(p["count"]), 0),
        "total": number(_count(p["total"]), 0),
        "majority": outcome(p["majority"]),
        "cases": names(p["cases"]),
        "outcome": outcome(p["outcome"]),
    }


def _hours_params(p: Params) -> dict[str, str]:
    return {
        "hours": _hours(p["hours"]),
        "low": _hours(p["low"]),
        "high": _hours(p["high"]),
        "limit": _hours(p["limit"]),
        "cases": names(p["cases"]),
    }


@_sentence("similarity.hours_above")
def _similarity_hours_above(p: Params) -> str:
    return pgettext(
        "forklaring",
        "Utkastet gir %(hours)s timer per uke; like saker fikk %(low)s–%(high)s timer "
        "(%(cases)s). Mer enn %(limit)s timer er et avvik som må begrunnes.",
    ) % _hours_params(p)


@_sentence("similarity.hours_below")
def _similarity_hours_below(p: Params) -> str:
    return pgettext(
        "forklaring",
        "Utkastet gir %(hours)s timer per uke; like saker fikk %(low)s–%(high)s timer "
        "(%(cases)s). Mindre enn %(limit)s timer er et avvik som må begrunnes.",
    ) % _hours_params(p)


def _urgency(label: str) -> str:
    return level("hastegrad", label)


@_sentence("waiting.place")
def _waiting_place(p: Params) -> str:
    days = _count(p["days"])
    return npgettext(
        "forklaring",
        "Plass %(place)s: hastegrad «%(urgency)s», alvorlighet «%(severity)s», har ventet "
        "%(days)s dag (innvilget %(granted)s).",
        "Plass %(place)s: hastegrad «%(urgency)s», alvorlighet «%(severity)s», har ventet "
        "%(days)s dager (innvilget %(granted)s).",
        days,
    ) % {
        "place": number(_count(p["place"]), 0),
        "urgency": _urgency(p["urgency"]),
        "severity": _severity(p),
        "days": number(days, 0),
        "granted": day(p["granted_on"]),
    }


@_sentence("waiting.after.urgency")
def _waiting_after_urgency(p: Params) -> str:
    return pgettext(
        "forklaring",
        "Står etter %(other)s, som har høyere hastegrad («%(other_urgency)s» mot «%(urgency)s»).",
    ) % {
        "other": p["other"],
        "other_urgency": _urgency(p["other_urgency"]),
        "urgency": _urgency(p["urgency"]),
    }


@_sentence("waiting.after.severity")
def _waiting_after_severity(p: Params) -> str:
    return pgettext(
        "forklaring",
        "Står etter %(other)s: samme hastegrad, men større alvorlighet («%(other_severity)s» "
        "mot «%(severity)s»).",
    ) % {
        "other": p["other"],
        "other_severity": level("alvorlighet", p["other_severity"]),
        "severity": _severity(p),
    }


@_sentence("waiting.after.waited")
def _waiting_after_waited(p: Params) -> str:
    return pgettext(
        "forklaring",
        "Står etter %(other)s: samme hastegrad og alvorlighet, men %(other)s har ventet lenger "
        "(%(other_days)s mot %(days)s dager).",
    ) % {
        "other": p["other"],
        "other_days": number(_count(p["other_days"]), 0),
        "days": number(_count(p["days"]), 0),
    }


@_sentence("waiting.after.tie")
def _waiting_after_tie(p: Params) -> str:
    return pgettext(
        "forklaring",
        "Lik %(other)s i hastegrad, alvorlighet og ventetid; rekkefølgen mellom dem følger id-en.",
    ) % {"other": p["other"]}


@_sentence("waiting.left")
def _waiting_left(p: Params) -> str:
    return pgettext("forklaring", "%(id)s er ikke lenger på listen (var på plass %(place)s).") % {
        "id": p["id"],
        "place": number(_count(p["place"]), 0),
    }


@_sentence("waiting.joined")
def _waiting_joined(p: Params) -> str:
    return pgettext(
        "forklaring",
        "%(id)s er ny på listen, på plass %(place)s (hastegrad «%(urgency)s», alvorlighet "
        "«%(severity)s»).",
    ) % {
        "id": p["id"],
        "place": number(_count(p["place"]), 0),
        "urgency": _urgency(p["urgency"]),
        "severity": _severity(p),
    }


@_sentence("waiting.urgency_changed")
def _waiting_urgency_changed(p: Params) -> str:
    return pgettext(
        "forklaring",
        "Hastegraden for %(id)s er endret fra «%(old)s» til «%(new)s» ved ny vurdering.",
    ) % {"id": p["id"], "old": _urgency(p["old"]), "new": _urgency(p["new"])}


@_sentence("waiting.severity_changed")
def _waiting_severity_changed(p: Params) -> str:
    return pgettext(
        "forklaring",
        "Alvorligheten for %(id)s er endret fra «%(old)s» til «%(new)s» ved ny vurdering.",
    ) % {
        "id": p["id"],
        "old": level("alvorlighet", p["old"]),
        "new": level("alvorlighet", p["new"]),
    }


@_sentence("waiting.moved")
def _waiting_moved(p: Params) -> str:
    text = pgettext("forklaring", "%(id)s er flyttet fra plass %(old)s til plass %(new)s.") % {
        "id": p["id"],
        "old": number(_count(p["old_place"]), 0),
        "new": number(_count(p["new_place"]), 0),
    }
    clauses = (
        (
            "left_above",
            pgettext_lazy("flytting på venteliste", "Gått ut av listen foran: %(ids)s."),
        ),
        ("joined_above", pgettext_lazy("flytting på venteliste", "Nye på listen foran: %(ids)s.")),
        ("overtaken_by", pgettext_lazy("flytting på venteliste", "Gått forbi: %(ids)s.")),
        ("fell_below", pgettext_lazy("flytting på venteliste", "Kommet bak: %(ids)s.")),
    )
    for key, clause in clauses:
        if p[key]:
            text += " " + str(clause) % {"ids": names(p[key])}
    return text


CODES: frozenset[str] = frozenset(_SENTENCES)
"""Every code this layer words."""


def say(fact: Fact) -> str:
    """The sentence for ``fact`` in the active language.

    Raises:
        KeyError: when the layer has no sentence for ``fact.code``.
    """
    try:
        word = _SENTENCES[fact.code]
    except KeyError:
        raise KeyError(f"no sentence for the fact code {fact.code!r}") from None
    return word(fact.params)


def sentences(facts: Sequence[Fact] | Iterable[Fact]) -> list[str]:
    """:func:`say` for each fact, in order."""
    return [say(fact) for fact in facts]
