"""The instrument findings the pathway table reads beside the clinician's ratings.

The table's ``findings.*`` inputs (``data/hovedforlop.json``) are filled from the scored
instruments of the assessment, so that what the instruments found reaches the suggestion:

- ``findings.substance``: ``probable-dependence`` when DUDIT is 25 or more (Berman et al. 2005,
  the manual's «sannsynlig avhengighet») or AUDIT is 20 or more (WHO zone IV, Babor et al.
  2001: possible dependence, referral for diagnostic evaluation); ``problems`` when AUDIT,
  AUDIT-C or DUDIT screens positive; ``none`` when one of them was answered without either;
  ``not-measured`` when none was answered.
- ``findings.suicidal_ideation``: ``present`` when PHQ-9 item 9 is above 0 (followed up
  whatever the total: Kroenke, Spitzer & Williams 2001), ``none`` when PHQ-9 was answered with
  item 9 at 0, ``not-measured`` otherwise.
- ``findings.measured_trend``: the worst reliable change between each instrument's previous
  measurement and this one (:func:`trend_from_changes`), ``not-measured`` without a previous
  measurement of an instrument with a change rule.
"""

from __future__ import annotations

from collections.abc import Iterable

from losen.domain.instruments.change import ChangeResult
from losen.domain.instruments.model import ScoreResult

#: The safety flags that mean probable (DUDIT) or possible (AUDIT) dependence.
DEPENDENCE_FLAGS = frozenset({("dudit", "probable-dependence"), ("audit", "possible-dependence")})

#: The substance-use instruments whose positive screen is a finding.
SUBSTANCE_INSTRUMENTS = frozenset({"audit", "audit-c", "dudit"})

#: The flag on PHQ-9 item 9.
SUICIDAL_IDEATION = ("phq-9", "suicidal-ideation")

NOT_MEASURED = "not-measured"


def substance_finding(results: Iterable[ScoreResult]) -> str:
    """``probable-dependence``, ``problems``, ``none`` or ``not-measured`` (module docstring)."""
    found = NOT_MEASURED
    for result in results:
        if result.instrument not in SUBSTANCE_INSTRUMENTS:
            continue
        if any((result.instrument, flag.code) in DEPENDENCE_FLAGS for flag in result.flags):
            return "probable-dependence"
        if result.positive_screen:
            found = "problems"
        elif found == NOT_MEASURED:
            found = "none"
    return found


def suicidal_ideation_finding(results: Iterable[ScoreResult]) -> str:
    """``present``, ``none`` or ``not-measured`` from PHQ-9 item 9."""
    found = NOT_MEASURED
    for result in results:
        if result.instrument != SUICIDAL_IDEATION[0]:
            continue
        if any(flag.code == SUICIDAL_IDEATION[1] for flag in result.flags):
            return "present"
        found = "none"
    return found


def trend_from_changes(changes: Iterable[ChangeResult]) -> str:
    """The worst of the changes: ``worsening`` if any is a reliable deterioration, else
    ``stable`` if any shows no reliable change, else ``improving``; ``not-measured`` when
    there is none to compare."""
    seen = [
        "worsening"
        if change.reliable_deterioration
        else "improving"
        if change.reliable_improvement
        else "stable"
        for change in changes
    ]
    for level in ("worsening", "stable", "improving"):
        if level in seen:
            return level
    return NOT_MEASURED


def findings_input(
    results: Iterable[ScoreResult], changes: Iterable[ChangeResult] = ()
) -> dict[str, str]:
    """The ``findings`` object of the table's input for these scored instruments."""
    scored = list(results)
    return {
        "substance": substance_finding(scored),
        "suicidal_ideation": suicidal_ideation_finding(scored),
        "measured_trend": trend_from_changes(changes),
    }
