"""The caseworker's records: applications, assessments, decisions (vedtak) and complaints.

* :mod:`.decisions`: :class:`ServiceDecision` (grant, partial grant or refusal), its history
  (:class:`StatusChange`) and :class:`Complaint`.
* :mod:`.applications`: :class:`Application`, the services applied for, the municipality's
  allocation criteria and the versioned :class:`ServiceAssessment`.

Contract of codes and fields: docs/reference/cases.md.
"""

from .applications import (
    AllocationCriteria,
    AllocationCriterion,
    Application,
    ApplicationStatus,
    AppliedService,
    CaseworkSettings,
    Channel,
    CriterionCheck,
    CriterionMet,
    LetterLanguage,
    NecessaryHelp,
    RepresentativeKind,
    ServiceAssessment,
    Urgency,
)
from .decisions import (
    DEFAULT_COMPLAINT_WEEKS,
    DEFAULT_LEGAL_BASIS,
    GRANTING_OUTCOMES,
    RUNNING_STATUSES,
    AuthorityOutcome,
    Complaint,
    ComplaintStatus,
    DecisionStatus,
    Event,
    Outcome,
    ReviewOutcome,
    ServiceDecision,
    ServiceDecisionQuerySet,
    ServiceKind,
    StatusChange,
    in_sentence,
)

__all__ = [
    "DEFAULT_COMPLAINT_WEEKS",
    "DEFAULT_LEGAL_BASIS",
    "GRANTING_OUTCOMES",
    "RUNNING_STATUSES",
    "AllocationCriteria",
    "AllocationCriterion",
    "Application",
    "ApplicationStatus",
    "AppliedService",
    "AuthorityOutcome",
    "CaseworkSettings",
    "Channel",
    "Complaint",
    "ComplaintStatus",
    "CriterionCheck",
    "CriterionMet",
    "DecisionStatus",
    "Event",
    "LetterLanguage",
    "NecessaryHelp",
    "Outcome",
    "RepresentativeKind",
    "ReviewOutcome",
    "ServiceAssessment",
    "ServiceDecision",
    "ServiceDecisionQuerySet",
    "ServiceKind",
    "StatusChange",
    "Urgency",
    "in_sentence",
]
