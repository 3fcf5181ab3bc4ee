"""Improvement actions follow plan → do → evaluate → correct (the cycle of continuous
improvement the prioritisation guideline's leadership recommendation builds on, and that
forskrift om ledelse og kvalitetsforbedring §§ 6–9 asks of the service's leaders,
https://lovdata.no/forskrift/2016-10-28-1250).

An action is *planned*, *carried out* (do), *evaluated*, then either *corrected* (and carried
out again) or *done*. It is overdue when it is not done and its deadline has passed; the
caller passes the day (the domain never reads the clock).
"""

from __future__ import annotations

import datetime as dt

PLAN, DO, EVALUATE, CORRECT, DONE = "plan", "do", "evaluate", "correct", "done"
PHASES = (PLAN, DO, EVALUATE, CORRECT, DONE)
NEXT = {PLAN: (DO,), DO: (EVALUATE,), EVALUATE: (CORRECT, DONE), CORRECT: (DO,), DONE: ()}


def can_move(current: str, target: str) -> bool:
    """Whether an action in phase *current* may move to *target*."""
    return target in NEXT.get(current, ())


def is_overdue(*, status: str, deadline: dt.date | None, today: dt.date) -> bool:
    """Whether an action still open has passed its deadline."""
    return status != DONE and deadline is not None and deadline < today
