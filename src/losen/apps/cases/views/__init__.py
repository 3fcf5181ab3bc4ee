"""Thin views of the cases app: fetch through ``access``, write through ``services``."""

from .applications import (
    application_detail,
    application_list,
    application_new,
    application_new_for_person,
    application_withdraw,
    preliminary_reply,
    preliminary_reply_docx,
)
from .assessments import assessment
from .complaints import complaint
from .criteria import criteria_list, criteria_new, criteria_version, public_criteria
from .decisions import decision_detail, decision_new, decision_status, give_place
from .drafts import decision_docx, decision_print, draft, draft_new, issue
from .lists import report, waiting_list, work_list

__all__ = [
    "application_detail",
    "application_list",
    "application_new",
    "application_new_for_person",
    "application_withdraw",
    "assessment",
    "complaint",
    "criteria_list",
    "criteria_new",
    "criteria_version",
    "decision_detail",
    "decision_docx",
    "decision_new",
    "decision_print",
    "decision_status",
    "draft",
    "draft_new",
    "give_place",
    "issue",
    "preliminary_reply",
    "preliminary_reply_docx",
    "public_criteria",
    "report",
    "waiting_list",
    "work_list",
]
