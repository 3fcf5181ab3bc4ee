"""A complete, neutral assessment to vary in pathway tests."""

from __future__ import annotations

import copy

BASE: dict[str, object] = {
    "severity": "mild",
    "expected_duration": "short",
    "function_loss": "none",
    "trend": "stable",
    "newly_arisen": True,
    "first_contact": True,
    "risk": {"suicide": "none", "violence": "none", "overdose": "none"},
}


def assessment(**changes: object) -> dict[str, object]:
    """Return the base assessment with fields replaced; ``risk_suicide="high"`` sets a risk."""
    document = copy.deepcopy(BASE)
    for key, value in changes.items():
        if key.startswith("risk_"):
            document["risk"][key.removeprefix("risk_")] = value  # type: ignore[index]
        else:
            document[key] = value
    return document
