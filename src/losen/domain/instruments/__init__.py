"""Standard instruments as data, one scoring engine, safety flags and change.

Public API (everything a front end needs):

- :func:`load_registry` / :func:`builtin_definitions`: the instruments, validated on load;
- :func:`score_answers`: total, band, screen and safety flags for one answer set;
- :func:`criteria_for`, :func:`classify_change`, :func:`combine_outcomes`: reliable and
  clinically significant change;
- :class:`DefinitionError`, :class:`AnswerError`: the two ways input can be wrong.

See ``docs/reference/instruments.md`` for the file format and the CLI contract.
"""

from __future__ import annotations

from losen.domain.instruments.change import (
    CATEGORY_LABELS,
    ChangeCategory,
    ChangeCriteria,
    ChangeResult,
    EpisodeOutcome,
    classify_change,
    clinical_cutoff_c,
    combine_outcomes,
    criteria_for,
    reliable_change_threshold,
)
from losen.domain.instruments.loader import (
    InstrumentRegistry,
    builtin_definitions,
    load_definition_file,
    load_definition_text,
    load_registry,
)
from losen.domain.instruments.model import (
    Band,
    Flag,
    InstrumentDefinition,
    Item,
    LicenceCode,
    SafetyRule,
    ScoreResult,
    SeverityHint,
    Sex,
)
from losen.domain.instruments.scoring import (
    AnswerError,
    band_for_total,
    check_answers,
    score_answers,
)
from losen.domain.instruments.validate import DefinitionError, parse_definition

__all__ = [
    "CATEGORY_LABELS",
    "AnswerError",
    "Band",
    "ChangeCategory",
    "ChangeCriteria",
    "ChangeResult",
    "DefinitionError",
    "EpisodeOutcome",
    "Flag",
    "InstrumentDefinition",
    "InstrumentRegistry",
    "Item",
    "LicenceCode",
    "SafetyRule",
    "ScoreResult",
    "SeverityHint",
    "Sex",
    "band_for_total",
    "builtin_definitions",
    "check_answers",
    "classify_change",
    "clinical_cutoff_c",
    "combine_outcomes",
    "criteria_for",
    "load_definition_file",
    "load_definition_text",
    "load_registry",
    "parse_definition",
    "reliable_change_threshold",
    "score_answers",
]
