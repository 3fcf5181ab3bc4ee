"""Who may open which page of Losen: one row per URL name, the rule every view must follow.

This table is the access rule of the site. The views enforce it (through
``losen.apps.accounts.access.member_required`` and the ``access_*`` functions of each app);
``tests/web/test_access_matrix.py`` walks every URL pattern of the site with every role, with
objects of the user's own and of another municipality, with and without a care relation, by
GET and by POST, and fails when a page answers otherwise than its row says, and when a URL
pattern has no row here. A new page therefore needs a row before its tests pass.

What a denial looks like is the same everywhere (OWASP ASVS 4.0.3 V4.1.1, V4.1.3, V4.2.1):

* an anonymous visitor on a page that needs login is sent to the login page (302, with
  ``next`` set to the page asked for);
* a logged-in user whose roles in the current municipality do not include one the page
  requires, or who has no role in any municipality, gets 403 — except on the caseworker's
  pages (applications, assessments, decisions, drafts, letters, complaints and the allocation
  office's lists), whose rows say ``wrong_role=HIDDEN``: there the answer is the same 404 as
  for another municipality's case, so nobody without the role learns that a page about a
  person exists;
* an object that does not exist, belongs to another municipality, or belongs to a person the
  user has no active care relation to (tjenstlig behov, pasientjournalloven § 16 and
  helsepersonelloven § 21 a) gets 404, the same answer for all three, so nobody can learn that
  an id exists;
* the machine interfaces (the FHIR endpoint under ``/fhir/``, the CDS Hooks service under
  ``/cds-services``) answer an anonymous caller, or one without a valid token, with 401
  instead of the redirect, and their errors as JSON (an OperationOutcome for FHIR);
* a method the page does not serve gets 405, or one of the denials above when the access check
  runs first; it never does anything.

Roles are those of :class:`losen.apps.accounts.models.Role`, held per municipality; the
rule applies to the municipality the user works in now (``request.municipality``).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from losen.apps.accounts.models import Role
from losen.domain.instruments import builtin_definitions


class Who(StrEnum):
    """Who may use a method of a page, besides a set of roles."""

    #: Everyone, also without logging in (public pages).
    ANYONE = "anyone"
    #: Every logged-in user with a role, any role, in the municipality they work in.
    MEMBERS = "members"
    #: The page has no form: a POST is answered as a GET would be (for the same user, to the
    #: same object) or with 405, and writes nothing.
    NO_FORM = "no-form"
    #: Another system that proves itself with a signed token (the EHR's JWT on a CDS Hooks
    #: call), never a session: every logged-in or anonymous browser gets 401.
    SYSTEM = "system"


class Scope(StrEnum):
    """Which objects a page named by an id in its URL may show to the user."""

    #: The URL names no object; what the page shows is the current municipality's.
    NONE = "none"
    #: An object of the user's current municipality; any other id gives 404.
    MUNICIPALITY = "municipality"
    #: An object of the user's current municipality, or a shared one (national statistics,
    #: stored without a municipality); any other id gives 404.
    MUNICIPALITY_OR_SHARED = "municipality-or-shared"
    #: An object of the user's municipality about a person the user has an active care
    #: relation to (ordinary or emergency); any other id gives 404, and the read is audited.
    CARE_RELATION = "care-relation"
    #: The page answers the same for every id, of the municipality, of another or of none, so
    #: it tells nobody whether an id exists (a form that names no one until it is sent).
    ANY_ID = "any-id"
    #: A public object found by an unguessable token or a public number, whatever municipality
    #: it belongs to; an unknown token gives 404.
    PUBLIC = "public"


class Denial(StrEnum):
    """What a logged-in user gets whose roles the row does not allow (the status code)."""

    #: 403, the message that the role gives no access to the page.
    FORBIDDEN = "403"
    #: 404, the answer for an object of another municipality: the page does not say it exists.
    NOT_FOUND = "404"


Roles = frozenset[str] | Who | None


@dataclass(frozen=True)
class AccessRule:
    """The rule of one URL name.

    ``get`` and ``post`` say who may use each method: ``Who.ANYONE``, ``Who.MEMBERS``, a set
    of role codes, ``Who.NO_FORM`` (POST only) or ``None`` for a method the page does not
    serve. ``model`` names the kind of object the URL's id or token refers to
    (``"app_label.ModelName"``), ``scope`` which of those the user may reach.
    """

    get: Roles
    post: Roles
    scope: Scope = Scope.NONE
    model: str | None = None
    #: Which objects a POST may act on, when that differs from what the page shows.
    post_scope: Scope | None = None
    #: Only in the URL configuration when this setting is true (optional integrations).
    only_with_setting: str | None = None
    note: str = ""
    #: What a logged-in user without one of the roles gets (also one without any role).
    wrong_role: Denial = Denial.FORBIDDEN

    def roles_for(self, method: str) -> Roles:
        """Who may use *method* (``"GET"`` or ``"POST"``); ``NO_FORM`` means as for GET."""
        method = method.upper()
        if method == "GET":
            return self.get
        if method == "POST":
            return self.get if self.post is Who.NO_FORM else self.post
        return None

    def scope_for(self, method: str) -> Scope:
        """Which objects *method* may reach: ``post_scope`` for a POST when it is set."""
        if method.upper() == "POST" and self.post_scope is not None:
            return self.post_scope
        return self.scope

    @property
    def is_public(self) -> bool:
        return Who.ANYONE in (self.get, self.post)


def _roles(*roles: Role) -> frozenset[str]:
    return frozenset(str(role) for role in roles)


PERSONS = _roles(Role.KLINIKER, Role.SAKSBEHANDLER)
CLINICIAN = _roles(Role.KLINIKER)
CASEWORKER = _roles(Role.SAKSBEHANDLER)
ADMIN = _roles(Role.ADMIN)
INSIGHT = _roles(Role.LEDER, Role.ANALYTIKER)
CASE_READ = _roles(Role.LEDER, Role.ANALYTIKER, Role.LESER, Role.ADMIN)
CASE_EDIT = _roles(Role.LEDER, Role.ANALYTIKER)
CASE_DECIDE = _roles(Role.LEDER)
LEADER = _roles(Role.LEDER)
CRITERIA_EDIT = _roles(Role.LEDER, Role.ADMIN)
CATALOGUE = _roles(Role.KLINIKER, Role.LEDER, Role.ANALYTIKER)

ANYONE, MEMBERS, NO_FORM = Who.ANYONE, Who.MEMBERS, Who.NO_FORM
SYSTEM = Who.SYSTEM
#: The caseworker's pages: the wrong role gets 404, as another municipality does.
HIDDEN = Denial.NOT_FOUND
MUNICIPALITY, SHARED, CARE, PUBLIC = (
    Scope.MUNICIPALITY,
    Scope.MUNICIPALITY_OR_SHARED,
    Scope.CARE_RELATION,
    Scope.PUBLIC,
)

# fmt: off
#: URL name -> rule. Keep the rows in the order of the URL configuration.
ACCESS_RULES: dict[str, AccessRule] = {
    # --- Pages of no single module
    "home": AccessRule(MEMBERS, NO_FORM),
    "healthz": AccessRule(ANYONE, None, note="Health check for the load balancer; GET only."),
    "about": AccessRule(ANYONE, NO_FORM),
    "accessibility": AccessRule(ANYONE, NO_FORM),
    "set_language": AccessRule(ANYONE, ANYONE, note="A GET only redirects back."),
    # --- Login and the user's municipality
    "accounts:login": AccessRule(ANYONE, ANYONE, note="A logged-in user is sent on."),
    "accounts:logout": AccessRule(None, ANYONE),
    "accounts:choose_municipality": AccessRule(
        None, MEMBERS, note="Only a municipality the user holds a role in can be chosen."
    ),
    "accounts:units": AccessRule(MEMBERS, NO_FORM),
    "accounts:unit": AccessRule(MEMBERS, NO_FORM, MUNICIPALITY, "accounts.Unit"),
    "accounts:users": AccessRule(ADMIN, NO_FORM),
    "accounts:user": AccessRule(
        ADMIN, NO_FORM, MUNICIPALITY, "accounts.User",
        note="A user is of the municipality they hold a role in.",
    ),
    # --- Persons (personal health data)
    "persons:list": AccessRule(
        PERSONS, NO_FORM, note="Lists only persons the user has a care relation to."
    ),
    "persons:detail": AccessRule(PERSONS, NO_FORM, CARE, "persons.Person"),
    "persons:emergency": AccessRule(
        PERSONS, PERSONS, Scope.ANY_ID, "persons.Person", post_scope=MUNICIPALITY,
        note="The form is the same for every id; a valid reason grants access (a care "
        "relation flagged for review) to a person of the municipality only, else 404.",
    ),
    # --- Audit log
    "audit:log": AccessRule(ADMIN, NO_FORM),
    "audit:emergency_reviews": AccessRule(ADMIN, NO_FORM),
    "audit:emergency_review": AccessRule(
        ADMIN, ADMIN, MUNICIPALITY, "persons.EmergencyAccessReview",
        note="A POST marks the emergency access reviewed, once.",
    ),
    "audit:innsyn": AccessRule(ADMIN, NO_FORM, note="Its form is sent by GET."),
    "audit:innsyn_report": AccessRule(
        ADMIN, NO_FORM, MUNICIPALITY, "persons.Person",
        note="The person's access log; showing it writes an audit entry.",
    ),
    "audit:innsyn_csv": AccessRule(
        ADMIN, NO_FORM, MUNICIPALITY, "persons.Person",
        note="The same as CSV; the download writes an audit entry.",
    ),
    # --- Clinical work
    "clinical:assessment_new": AccessRule(CLINICIAN, CLINICIAN, CARE, "persons.Person"),
    "clinical:measurement_new": AccessRule(CLINICIAN, CLINICIAN, CARE, "persons.Person"),
    "clinical:plan": AccessRule(CLINICIAN, CLINICIAN, CARE, "persons.Person"),
    "clinical:outcomes": AccessRule(CLINICIAN, NO_FORM, CARE, "persons.Person"),
    "clinical:assessment": AccessRule(CLINICIAN, CLINICIAN, CARE, "clinical.Assessment"),
    "clinical:measurement_fhir": AccessRule(CLINICIAN, NO_FORM, CARE, "clinical.Measurement"),
    "clinical:notice": AccessRule(CLINICIAN, CLINICIAN, CARE, "clinical.SafetyNotice"),
    "clinical:work_list": AccessRule(
        CLINICIAN, NO_FORM, note="Open safety notices of the clinician's own persons, by urgency."
    ),
    "clinical:plan_item_end": AccessRule(
        CLINICIAN, CLINICIAN, CARE, "clinical.PlanItem", note="A GET redirects to the plan."
    ),
    "clinical:catalogue": AccessRule(CATALOGUE, NO_FORM),
    "clinical:leader_outcomes": AccessRule(
        INSIGHT, NO_FORM, note="Aggregates only, groups below the minimum size hidden."
    ),
    "clinical:step_policy": AccessRule(LEADER, LEADER),
    # --- Management information (styringsinformasjon)
    "insight:dashboard": AccessRule(INSIGHT, NO_FORM),
    "insight:demand": AccessRule(INSIGHT, NO_FORM, note="Its form is sent by GET."),
    "insight:imports": AccessRule(INSIGHT, INSIGHT),
    "insight:import_detail": AccessRule(INSIGHT, NO_FORM, SHARED, "insight.ImportBatch"),
    "insight:import_job": AccessRule(
        INSIGHT,
        NO_FORM,
        SHARED,
        "jobs.Job",
        note="A background import or fetch: progress and result, polled by HTMX or reloaded.",
    ),
    "insight:import_job_retry": AccessRule(
        None,
        INSIGHT,
        SHARED,
        "jobs.Job",
        note="Runs an interrupted or failed job again; a finished one is left as it is.",
    ),
    "insight:export": AccessRule(
        INSIGHT, NO_FORM, note="The table is chosen by query; an empty export gives 404."
    ),
    # --- Prioritisation cases
    "priorities:case_list": AccessRule(CASE_READ, NO_FORM),
    "priorities:case_create": AccessRule(CASE_EDIT, CASE_EDIT),
    "priorities:case_detail": AccessRule(
        CASE_READ, NO_FORM, MUNICIPALITY, "priorities.PrioritizationCase"
    ),
    "priorities:case_edit": AccessRule(
        CASE_EDIT, CASE_EDIT, MUNICIPALITY, "priorities.PrioritizationCase"
    ),
    "priorities:case_phase": AccessRule(
        None, CASE_DECIDE, MUNICIPALITY, "priorities.PrioritizationCase"
    ),
    "priorities:case_weights": AccessRule(
        CASE_EDIT, CASE_EDIT, MUNICIPALITY, "priorities.PrioritizationCase"
    ),
    "priorities:case_legal": AccessRule(
        CASE_DECIDE, CASE_DECIDE, MUNICIPALITY, "priorities.PrioritizationCase"
    ),
    "priorities:alternative_create": AccessRule(
        CASE_EDIT, CASE_EDIT, MUNICIPALITY, "priorities.PrioritizationCase"
    ),
    "priorities:alternative_edit": AccessRule(
        CASE_EDIT, CASE_EDIT, MUNICIPALITY, "priorities.Alternative"
    ),
    "priorities:indicator_add": AccessRule(
        CASE_EDIT, CASE_EDIT, MUNICIPALITY, "priorities.PrioritizationCase"
    ),
    "priorities:matrix": AccessRule(
        CASE_READ, NO_FORM, MUNICIPALITY, "priorities.PrioritizationCase"
    ),
    "priorities:portfolio": AccessRule(
        CASE_READ, NO_FORM, MUNICIPALITY, "priorities.PrioritizationCase",
        note="404 also for a case without a budget: it has no portfolio.",
    ),
    "priorities:participation": AccessRule(
        CASE_READ, CASE_EDIT, MUNICIPALITY, "priorities.PrioritizationCase",
        note="Everyone who reads the case sees the answers; editors record how they were used.",
    ),
    "priorities:consultation_open": AccessRule(
        None, CASE_DECIDE, MUNICIPALITY, "priorities.PrioritizationCase"
    ),
    "priorities:basis_create": AccessRule(
        None, CASE_EDIT, MUNICIPALITY, "priorities.PrioritizationCase"
    ),
    "priorities:basis_detail": AccessRule(
        CASE_READ, NO_FORM, MUNICIPALITY, "priorities.DecisionBasis"
    ),
    "priorities:basis_docx": AccessRule(
        CASE_READ, NO_FORM, MUNICIPALITY, "priorities.DecisionBasis"
    ),
    "priorities:decision_record": AccessRule(
        CASE_DECIDE, CASE_DECIDE, MUNICIPALITY, "priorities.PrioritizationCase"
    ),
    "priorities:publish": AccessRule(
        None, CASE_DECIDE, MUNICIPALITY, "priorities.PrioritizationCase"
    ),
    "priorities:followup_add": AccessRule(
        CASE_DECIDE, CASE_DECIDE, MUNICIPALITY, "priorities.PrioritizationCase"
    ),
    "priorities:followup_evaluate": AccessRule(
        CASE_DECIDE, CASE_DECIDE, MUNICIPALITY, "priorities.FollowUp"
    ),
    "priorities:followup_indicator_add": AccessRule(
        CASE_EDIT, CASE_EDIT, MUNICIPALITY, "priorities.FollowUp"
    ),
    # --- Living up to the guidelines: self-assessment, deviations register, improvement
    "guidance:index": AccessRule(CASE_READ, NO_FORM),
    "guidance:assessment_new": AccessRule(LEADER, LEADER),
    "guidance:results": AccessRule(
        CASE_READ, NO_FORM, note="The guideline is chosen by query; an unknown one gives 404."
    ),
    "guidance:register": AccessRule(
        INSIGHT, NO_FORM, note="Anonymous counts only: no person, no free text, no record id."
    ),
    "guidance:actions": AccessRule(CASE_READ, NO_FORM),
    "guidance:action": AccessRule(
        CASE_READ, LEADER, MUNICIPALITY, "guidance.ImprovementAction"
    ),
    "guidance:assessment": AccessRule(
        CASE_READ, NO_FORM, MUNICIPALITY, "guidance.SelfAssessment"
    ),
    "guidance:assessment_close": AccessRule(
        None, LEADER, MUNICIPALITY, "guidance.SelfAssessment",
        note="A refused close shows the assessment with every gap listed.",
    ),
    "guidance:assessment_xlsx": AccessRule(
        CASE_READ, NO_FORM, MUNICIPALITY, "guidance.SelfAssessment"
    ),
    "guidance:assessment_docx": AccessRule(
        CASE_READ, NO_FORM, MUNICIPALITY, "guidance.SelfAssessment"
    ),
    "guidance:point": AccessRule(LEADER, LEADER, MUNICIPALITY, "guidance.PointAssessment"),
    "guidance:point_figure": AccessRule(
        LEADER, LEADER, MUNICIPALITY, "guidance.PointAssessment"
    ),
    "guidance:action_new": AccessRule(LEADER, LEADER, MUNICIPALITY, "guidance.PointAssessment"),
    # --- Service decisions (vedtak; personal data)
    #     A wrong role gets 404 here too, like on the caseworker's pages below (HIDDEN).
    "cases:decision_new": AccessRule(
        CASEWORKER, CASEWORKER, CARE, "persons.Person", wrong_role=HIDDEN
    ),
    "cases:decision": AccessRule(
        PERSONS, NO_FORM, CARE, "cases.ServiceDecision", wrong_role=HIDDEN
    ),
    "cases:decision_status": AccessRule(
        CASEWORKER, CASEWORKER, CARE, "cases.ServiceDecision", wrong_role=HIDDEN
    ),
    # --- The caseworker's work (personal data): applications, assessments, drafts, letters,
    #     complaints; the saksbehandler role and a care relation to the applicant. On these
    #     pages and the lists below, a wrong role gets 404 like another municipality (HIDDEN):
    #     «a user of another municipality, or without the role, gets 404».
    "cases:applications": AccessRule(
        CASEWORKER, NO_FORM, wrong_role=HIDDEN,
        note="Lists and finds only persons the caseworker has a care relation to; the search "
        "is sent by GET.",
    ),
    "cases:application_new": AccessRule(
        CASEWORKER, CASEWORKER, wrong_role=HIDDEN,
        note="Registers a new person with the application.",
    ),
    "cases:application_new_for_person": AccessRule(
        CASEWORKER, CASEWORKER, CARE, "persons.Person", wrong_role=HIDDEN
    ),
    "cases:application": AccessRule(
        CASEWORKER, NO_FORM, CARE, "cases.Application", wrong_role=HIDDEN
    ),
    "cases:application_withdraw": AccessRule(
        None, CASEWORKER, CARE, "cases.Application", wrong_role=HIDDEN,
        note="POST only, from the application page: the withdrawal with a note and a "
        "confirmation; an invalid one shows the application page with the errors.",
    ),
    "cases:preliminary_reply": AccessRule(
        CASEWORKER, CASEWORKER, CARE, "cases.Application", wrong_role=HIDDEN
    ),
    "cases:preliminary_reply_docx": AccessRule(
        CASEWORKER, NO_FORM, CARE, "cases.Application", wrong_role=HIDDEN,
        note="Without a reason written yet it redirects to the form.",
    ),
    "cases:assessment": AccessRule(
        CASEWORKER, CASEWORKER, CARE, "cases.Application", wrong_role=HIDDEN,
        note="The service is chosen by ?tjeneste=; one the application lacks gives 404.",
    ),
    "cases:draft_new": AccessRule(
        CASEWORKER, CASEWORKER, CARE, "cases.Application", wrong_role=HIDDEN,
        note="The service is chosen by ?tjeneste=; a drafted one redirects to its draft.",
    ),
    "cases:draft": AccessRule(
        CASEWORKER, CASEWORKER, CARE, "cases.ServiceDecision", wrong_role=HIDDEN,
        note="A decision no longer a draft redirects to its page.",
    ),
    "cases:issue": AccessRule(
        CASEWORKER, CASEWORKER, CARE, "cases.ServiceDecision", wrong_role=HIDDEN,
        note="A decision no longer a draft redirects to its page.",
    ),
    "cases:give_place": AccessRule(
        None, CASEWORKER, CARE, "cases.ServiceDecision", wrong_role=HIDDEN,
        note="POST only, from the decision page: the place or service given from a date "
        "(the decision leaves the waiting list); an invalid one shows the decision page with "
        "the errors.",
    ),
    "cases:decision_docx": AccessRule(
        CASEWORKER, NO_FORM, CARE, "cases.ServiceDecision", wrong_role=HIDDEN,
        note="A letter missing a part it needs redirects with the message instead.",
    ),
    "cases:decision_print": AccessRule(
        CASEWORKER, NO_FORM, CARE, "cases.ServiceDecision", wrong_role=HIDDEN,
        note="A letter missing a part it needs redirects with the message instead.",
    ),
    "cases:complaint": AccessRule(
        CASEWORKER, CASEWORKER, CARE, "cases.ServiceDecision", wrong_role=HIDDEN,
        note="One page for each step of the complaint; a post for another step redirects.",
    ),
    "cases:work_list": AccessRule(
        CASEWORKER, NO_FORM, wrong_role=HIDDEN,
        note="Only what concerns persons the caseworker has a care relation to; the read is "
        "audited.",
    ),
    "cases:waiting_list": AccessRule(
        _roles(Role.SAKSBEHANDLER, Role.LEDER), NO_FORM, wrong_role=HIDDEN,
        note="Without names; the service is chosen by ?tjeneste= (an unknown one gives 404).",
    ),
    "cases:report": AccessRule(
        LEADER, NO_FORM, wrong_role=HIDDEN,
        note="Counts only; the period is chosen by ?fra=&til=.",
    ),
    # --- The allocation criteria per service (no personal data): leaders edit them
    "cases:criteria": AccessRule(LEADER, NO_FORM, wrong_role=HIDDEN),
    "cases:criteria_new": AccessRule(
        LEADER, LEADER, wrong_role=HIDDEN,
        note="The service is chosen by ?tjeneste=; an unknown code gives 404.",
    ),
    "cases:criteria_version": AccessRule(
        LEADER, NO_FORM, MUNICIPALITY, "cases.AllocationCriteria", wrong_role=HIDDEN
    ),
    # --- Criteria
    "criteria:catalogue": AccessRule(MEMBERS, NO_FORM),
    "criteria:descriptions": AccessRule(CRITERIA_EDIT, CRITERIA_EDIT),
    # --- Knowledge base, ethics and the example bank (losen.apps.knowledge)
    "knowledge:method_new": AccessRule(
        CASE_EDIT, CASE_EDIT, MUNICIPALITY, "priorities.PrioritizationCase"
    ),
    "knowledge:method": AccessRule(CASE_READ, NO_FORM, MUNICIPALITY, "knowledge.MethodAssessment"),
    "knowledge:method_edit": AccessRule(
        CASE_EDIT, CASE_EDIT, MUNICIPALITY, "knowledge.MethodAssessment"
    ),
    "knowledge:reflection_new": AccessRule(
        CASE_EDIT, CASE_EDIT, MUNICIPALITY, "priorities.PrioritizationCase"
    ),
    "knowledge:reflection": AccessRule(
        CASE_READ, NO_FORM, MUNICIPALITY, "knowledge.EthicsReflection",
        note="A reflection on a case; one on a service decision gives 404 here.",
    ),
    "knowledge:reflection_edit": AccessRule(
        CASE_EDIT, CASE_EDIT, MUNICIPALITY, "knowledge.EthicsReflection",
        note="A reflection on a case; one on a service decision gives 404 here.",
    ),
    "knowledge:decision_reflections": AccessRule(
        CASEWORKER, CASEWORKER, CARE, "cases.ServiceDecision", wrong_role=HIDDEN,
        note="The reflections on one decision (personal data) and the form for a new one.",
    ),
    "knowledge:bank": AccessRule(LEADER, LEADER),
    "knowledge:example_offer": AccessRule(
        LEADER, LEADER, MUNICIPALITY, "priorities.PrioritizationCase",
        note="A case not yet decided and published shows what is missing.",
    ),
    "knowledge:example_withdraw": AccessRule(None, LEADER, MUNICIPALITY, "knowledge.Example"),
    # --- Public pages (no login): published cases and open consultations
    "public:index": AccessRule(
        ANYONE, NO_FORM, PUBLIC, "accounts.Municipality", note="Found by municipality number."
    ),
    "public:case": AccessRule(
        ANYONE, NO_FORM, PUBLIC, "priorities.Publication",
        note="Only a publication that has not been taken down.",
    ),
    "public:consultation": AccessRule(ANYONE, ANYONE, PUBLIC, "priorities.Consultation"),
    "public:consultation_thanks": AccessRule(ANYONE, NO_FORM, PUBLIC, "priorities.Consultation"),
    "public_cases:criteria": AccessRule(
        ANYONE, NO_FORM, PUBLIC, "accounts.Municipality",
        note="The allocation criteria in force; found by municipality number; no personal data.",
    ),
    "public_examples:list": AccessRule(
        ANYONE, NO_FORM, note="The example bank; its search is sent by GET."
    ),
    "public_examples:detail": AccessRule(
        ANYONE, NO_FORM, PUBLIC, "knowledge.Example",
        note="Only an example not withdrawn, of a municipality that takes part.",
    ),
    "public_examples:file": AccessRule(
        ANYONE, NO_FORM, PUBLIC, "knowledge.Example", note="The example file (JSON)."
    ),
    # --- Login through the municipality's identity provider (when configured)
    # --- Losen beside the EHR (losen.apps.interop)
    "interop:fhir_import": AccessRule(
        CLINICIAN, CLINICIAN, CARE, "persons.Person",
        note="A QuestionnaireResponse from an EHR into the person's measurements.",
    ),
    # --- FHIR R4, read only (losen.apps.interop.fhir; docs/reference/fhir.md)
    "fhir:metadata": AccessRule(ANYONE, None, note="The CapabilityStatement."),
    "fhir:questionnaire_search": AccessRule(MEMBERS, None),
    **{
        f"fhir:questionnaire_{definition.id}": AccessRule(
            MEMBERS, None, note="One instrument's Questionnaire (a URL per instrument)."
        )
        for definition in builtin_definitions()
    },
    "fhir:plandefinition_search": AccessRule(MEMBERS, None),
    "fhir:plandefinition": AccessRule(MEMBERS, None, note="The pathway table."),
    "fhir:questionnaireresponse_search": AccessRule(
        CLINICIAN, None, note="By patient identifier; a person not in care gives an empty Bundle."
    ),
    "fhir:questionnaireresponse": AccessRule(CLINICIAN, None, CARE, "clinical.Measurement"),
    "fhir:observation_search": AccessRule(
        CLINICIAN, None, note="By patient identifier; a person not in care gives an empty Bundle."
    ),
    "fhir:observation": AccessRule(CLINICIAN, None, CARE, "clinical.Measurement"),
    # --- CDS Hooks (losen.apps.interop.cds; docs/reference/cds-hooks.md)
    "cds:discovery": AccessRule(ANYONE, None),
    "cds:patient_view": AccessRule(
        None, SYSTEM, note="The EHR's JWT; the mapped clinician's care relation decides."
    ),
    "cds:feedback": AccessRule(None, SYSTEM, note="The EHR's JWT; only cards it was given."),
    "oidc_authentication_callback": AccessRule(ANYONE, None, only_with_setting="OIDC_ENABLED"),
    "oidc_authentication_init": AccessRule(ANYONE, None, only_with_setting="OIDC_ENABLED"),
    "oidc_logout": AccessRule(ANYONE, ANYONE, only_with_setting="OIDC_ENABLED"),
}
# fmt: on


def rule_for(url_name: str) -> AccessRule:
    """The rule of *url_name* (``namespace:name``); ``KeyError`` if the page has no row."""
    return ACCESS_RULES[url_name]


def may(rule: AccessRule, method: str, roles: frozenset[str], *, authenticated: bool) -> bool:
    """Whether a user with *roles* in the current municipality may use *method* on the page.

    This says nothing about objects: the rule's ``scope`` decides which ids are reachable.
    """
    allowed = rule.roles_for(method)
    if allowed is None:
        return False
    if allowed is Who.ANYONE:
        return True
    if allowed is Who.SYSTEM:
        return False  # a session never passes; only the system's own token does
    if not authenticated or not roles:
        return False
    if allowed is Who.MEMBERS:
        return True
    return bool(allowed & roles)
