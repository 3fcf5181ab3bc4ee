"""Suggesting a hovedforløp (main pathway 1–3) and specialist contact from an assessment.

The decision is an explicit, versioned, cited table (``data/hovedforlop.json``) evaluated by one
engine; the result carries its reasons in words and the recommendations they rest on. See
``docs/reference/pathways.md``.
"""

from __future__ import annotations

from losen.domain.pathways.engine import (
    MIN_DEVIATION_REASON_CHARS,
    NOTE_NONE,
    NOTE_OPTIONAL,
    NOTE_REQUIRED,
    ConfirmationDue,
    Deviation,
    Evaluation,
    InputError,
    PathwayInput,
    PathwaySuggestion,
    Reason,
    apply_lifts,
    confirmations_due,
    deviation_problems,
    deviation_requirement,
    evaluate_table,
    is_deviation,
    is_less_intensive,
    parse_input,
    severity_suggested_by,
    suggest_pathway,
)
from losen.domain.pathways.findings import findings_input
from losen.domain.pathways.table import (
    SPECIALIST_LEVELS,
    DecisionTable,
    TableError,
    default_table,
    load_table_file,
    parse_table,
)

__all__ = [
    "MIN_DEVIATION_REASON_CHARS",
    "NOTE_NONE",
    "NOTE_OPTIONAL",
    "NOTE_REQUIRED",
    "SPECIALIST_LEVELS",
    "ConfirmationDue",
    "DecisionTable",
    "Deviation",
    "Evaluation",
    "InputError",
    "PathwayInput",
    "PathwaySuggestion",
    "Reason",
    "TableError",
    "apply_lifts",
    "confirmations_due",
    "default_table",
    "deviation_problems",
    "deviation_requirement",
    "evaluate_table",
    "findings_input",
    "is_deviation",
    "is_less_intensive",
    "load_table_file",
    "parse_input",
    "parse_table",
    "severity_suggested_by",
    "suggest_pathway",
]
