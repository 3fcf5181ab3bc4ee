"""Every write of the cases app: keyword-only, atomic, audited.

Input that breaks a rule raises :class:`django.core.exceptions.ValidationError` with Norwegian
messages keyed by form field (or ``__all__``), before anything is written: no row and no audit
entry. Audit details carry codes and external ids, never names or free text. Versioned rows
(applications, decisions, complaints) count their version on every write
(:mod:`losen.apps.common.locking`).

* :mod:`.applications`: register an application or an applicant, the preliminary reply
  (fvl § 11 a), a withdrawal.
* :mod:`.criteria`: publish the municipality's allocation criteria, one version at a time.
* :mod:`.assessments`: save the assessment of one service applied for (a new version each time).
* :mod:`.decisions`: record or draft a decision, update the draft, what it still lacks, issue
  it, change its status, give the place to someone on the waiting list.
* :mod:`.complaints`: a complaint through the municipality's review to Statsforvalteren.

Contract: docs/reference/cases.md.
"""

from losen.apps.audit.services import record

from .applications import (
    register_application,
    register_person,
    send_preliminary_reply,
    withdraw_application,
)
from .assessments import save_assessment
from .complaints import (
    complaint_deadline,
    forward_complaint,
    record_authority_outcome,
    register_complaint,
    reject_late_complaint,
    review_complaint,
)
from .criteria import criteria_in_force, publish_allocation_criteria
from .decisions import (
    DRAFT_FIELDS,
    INITIAL_STATUSES,
    MAX_HOURS_PER_WEEK,
    TRANSITIONS,
    change_status,
    draft_decision,
    give_place,
    issue_decision,
    missing_parts,
    record_decision,
    update_draft,
)

__all__ = [
    "DRAFT_FIELDS",
    "INITIAL_STATUSES",
    "MAX_HOURS_PER_WEEK",
    "TRANSITIONS",
    "change_status",
    "complaint_deadline",
    "criteria_in_force",
    "draft_decision",
    "forward_complaint",
    "give_place",
    "issue_decision",
    "missing_parts",
    "publish_allocation_criteria",
    "record",
    "record_authority_outcome",
    "record_decision",
    "register_application",
    "register_complaint",
    "register_person",
    "reject_late_complaint",
    "review_complaint",
    "save_assessment",
    "send_preliminary_reply",
    "update_draft",
    "withdraw_application",
]
