"""The public page of a decided case, and the check that it names nobody.

The public consultation page is checked the same way when it is opened and every time it is
shown, since the alternatives it lists can change while it is open.

The content follows the five openness items of the guideline (L2, «gode prioriteringsprosesser», https://www.helsedirektoratet.no/veiledere/prioriteringer-i-kommunale-helse-og-omsorgstjenester):
the situation, the criteria, the process, the knowledge base and the reasons, plus how those
affected took part. It is built from chosen fields only: participants' comments, user names
and anything about persons are never copied. Before publishing, every text is checked against
the names of the municipality's users and persons, e-mail addresses, phone numbers and
Norwegian national identity numbers; a hit stops publication.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from losen.apps.accounts.models import User
from losen.apps.persons import personal_data
from losen.apps.persons.models import Person

from .models import Direction, Level, PlanProcess, PrioritizationCase, Theme
from .overview import CaseOverview


class PersonalDataFound(Exception):
    """The public text contains something that looks like personal data."""

    def __init__(self, findings: list[str]):
        super().__init__(", ".join(findings))
        self.findings = findings


def _texts(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _texts(v)
    elif isinstance(value, list):
        for v in value:
            yield from _texts(v)


def find_personal_data(content: dict, municipality) -> list[str]:
    """What in *content* looks like personal data; empty when the content is clean.

    The text is normalised first (:func:`losen.apps.persons.personal_data.normalise`), so soft
    hyphens, zero-width characters, no-break spaces and full-width letters hide nothing; names
    are found also in the genitive («Hansens», «Hansen's»); identity numbers with any spaces,
    dots or dashes between groups («010170-00027», «01.01.70 00027»), checked with their
    check digits (D-numbers too); phone numbers as «912-34-567», «91.23.45.67» or with +47;
    e-mail addresses also as «navn(at)example.no», «navn [at] example dot no» or without a
    domain ending. Amounts («13 000 000») and dates are not caught.
    """
    text = "\n".join(_texts(content))
    findings = []
    names = set()
    for user in User.objects.filter(memberships__municipality=municipality).distinct():
        # Usernames are left out: in Losen they are often role words («leder»).
        names |= {user.get_full_name()}
        names |= {n for n in (user.first_name, user.last_name) if len(n) > 2}
    for person in Person.objects.filter(municipality=municipality):
        names |= {person.full_name, person.family_name}
    for name in personal_data.names_in(text, names):
        findings.append(_("et navn på en bruker eller person («%s»)") % name)
    if personal_data.email_addresses(text):
        findings.append(_("en e-postadresse"))
    for _number in personal_data.identity_numbers(text):
        findings.append(_("et fødselsnummer"))
    if personal_data.phone_numbers(text):
        findings.append(_("et telefonnummer"))
    return findings


def consultation_content(case: PrioritizationCase, introduction: str) -> dict:
    """What the public consultation page shows about the case: the text a participant sees."""
    return {
        "municipality": case.municipality.name,
        "title": case.title,
        "introduction": introduction,
        "alternatives": [
            {"name": a.name, "description": a.description} for a in case.alternatives.all()
        ],
    }


def check_consultation(case: PrioritizationCase, introduction: str) -> None:
    """Raise :class:`PersonalDataFound` if the public consultation page would name anyone."""
    findings = find_personal_data(consultation_content(case, introduction), case.municipality)
    if findings:
        raise PersonalDataFound(findings)


def _assessment(a: dict) -> dict:
    """The criteria and the Swedish rank of one alternative of a frozen basis, as published.

    Bases frozen before the criteria catalogue carry one level per criterion only.
    """
    if "criteria" not in a:
        return {
            "criteria": [
                {"name": name, "level": a[key], "reasoning": a[f"{key}_reasoning"]}
                for name, key in (
                    (_("Nytte"), "benefit"),
                    (_("Alvorlighet"), "severity"),
                    (_("Ressurser"), "resource"),
                )
            ],
            "certainty": a.get("benefit_certainty", ""),
            "swedish": None,
        }
    nytte = next(c for c in a["criteria"] if c["kind"] == "nytte")
    return {
        "criteria": [
            {
                "name": c["name"],
                "level": c["level"],
                "level_description": c.get("level_description", ""),
                "reasoning": c["reasoning"],
                "parts": [{"name": p["name"], "level": p["level"]} for p in c["parts"]],
                "suggested": c["suggested"] if c["suggested"] != c["level"] else "",
                "level_reason": c["level_reason"] if c["suggested"] != c["level"] else "",
            }
            for c in a["criteria"]
        ],
        "uncertainty": nytte["uncertainty"],
        "swedish": a.get("swedish"),
    }


def swedish_rows(alternatives: list[dict]) -> list[dict]:
    """The Swedish ranks of a published case, each step worded in the reader's language."""
    from losen.apps.criteria import wording
    from losen.domain.explain import Fact

    rows = []
    for a in alternatives:
        swedish = a.get("swedish")
        if not swedish:
            continue
        rows.append(
            {
                "name": a["name"],
                "category": swedish["category"],
                "category_label": wording.category(swedish["category"]),
                "steps": wording.sentences(
                    [Fact(s["code"], s["params"]) for s in swedish["steps"]]
                ),
            }
        )
    return rows


def public_content(case: PrioritizationCase) -> dict:
    """The public summary of a decided case, checked for personal data."""
    decision = case.decision
    snapshot = decision.basis.snapshot
    handlings = {h.theme: h for h in case.handlings.all()}
    part = CaseOverview(case).participation
    themes = dict(Theme.choices)
    content = {
        "municipality": case.municipality.name,
        "title": case.title,
        "level": str(dict(Level.choices)[case.level]),
        "direction": str(dict(Direction.choices)[case.direction]),
        "situation": case.situation,
        "plan": f"{dict(PlanProcess.choices)[case.plan_process]}. {case.plan_reference}".strip(),
        "alternatives": [
            {
                "name": a["name"],
                "target_group": a["target_group"],
                **_assessment(a),
                "evidence": a["evidence"],
            }
            for a in snapshot["alternatives"]
        ],
        "indicators": [
            {k: i[k] for k in ("name", "source", "period", "value", "status")}
            for i in snapshot["indicators"]
        ],
        "attribution": sorted(
            {line for i in snapshot["indicators"] for line in i.get("attribution", [])}
        ),
        "swedish_source": snapshot.get("catalogue", {}).get("swedish_source", ""),
        "participation": {
            "total": part.total,
            "groups": [{"label": g.label, "count": g.count} for g in part.groups],
            "handlings": [
                {"theme": str(themes[code]), "note": h.note} for code, h in handlings.items()
            ],
        },
        "decision": {
            "decided_on": decision.decided_on.strftime("%d.%m.%Y"),
            "decision_maker": decision.decision_maker,
            "case_reference": decision.case_reference,
            "outcome": decision.outcome,
            "reasons": decision.reasons,
        },
    }
    findings = find_personal_data(content, case.municipality)
    if findings:
        raise PersonalDataFound(findings)
    return content
