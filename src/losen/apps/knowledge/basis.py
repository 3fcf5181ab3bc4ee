"""What the decision basis of a prioritisation case says about its knowledge base and ethics.

:func:`snapshot` freezes the case's mini method assessments and ethical reflections into the
basis (``priorities.basis.build_snapshot``); :func:`fill_ethics` and :func:`fill_knowledge` put
them in the basis's sections, so the page and the DOCX show the same. A basis frozen before
these existed has neither key and keeps showing the case's one free-text field.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from losen.apps.common.documents import Section, Table

from .models import Advice, Certainty, EthicsReflection, MethodAssessment


def _date(value) -> str:
    return value.strftime("%d.%m.%Y") if value else ""


def snapshot_method(m: MethodAssessment) -> dict:
    """One mini method assessment as plain JSON."""
    return {
        "title": m.title,
        "population": m.population,
        "intervention": m.intervention,
        "comparison": m.comparison,
        "outcomes": m.outcomes,
        "evidence": m.evidence,
        "effect": m.effect,
        "safety": m.safety,
        "organisation": m.organisation,
        "economy": m.economy,
        "ethics": m.ethics,
        "conclusion": m.conclusion,
        "advice": m.advice,
        "advice_label": str(dict(Advice.choices).get(m.advice, m.advice)),
        "certainty": m.certainty,
        "certainty_label": str(dict(Certainty.choices).get(m.certainty, m.certainty)),
        "working_group": m.working_group,
        "completed_on": _date(m.completed_on),
    }


def snapshot_reflection(r: EthicsReflection) -> dict:
    """One ethical reflection as plain JSON."""
    return {
        "situation": r.situation,
        "question": r.question,
        "parties": r.parties,
        "norms": r.norms,
        "options": r.options,
        "choice": r.choice,
        "participants": r.participants,
        "held_on": _date(r.held_on),
        "legacy_text": r.legacy_text,
    }


def snapshot(case) -> dict:
    """The case's method assessments and reflections as plain JSON, frozen now."""
    methods = MethodAssessment.objects.filter(case=case).order_by("created_at", "id")
    reflections = EthicsReflection.objects.filter(case=case).order_by("held_on", "created_at", "id")
    return {
        "method_assessments": [snapshot_method(m) for m in methods],
        "reflections": [snapshot_reflection(r) for r in reflections],
    }


def step_titles() -> list[tuple[str, str]]:
    """The six steps of the reflection: (key, title), in the reader's language."""
    return [
        ("situation", _("1. Situasjonen")),
        ("question", _("2. Det etiske spørsmålet")),
        ("parties", _("3. Partene og deres interesser")),
        ("norms", _("4. Lover, retningslinjer og verdier")),
        ("options", _("5. Handlingsalternativene")),
        ("choice", _("6. Valget og begrunnelsen")),
    ]


def method_rows(m: dict) -> list[list[str]]:
    """The parts of one frozen method assessment, as (part, text) rows."""
    rows = [
        [_("Metoden eller tiltaket"), m["title"]],
        [_("Populasjon (P)"), m["population"]],
        [_("Tiltak (I)"), m["intervention"]],
        [_("Sammenligning (C)"), m["comparison"]],
        [_("Utfall (O)"), m["outcomes"]],
        [_("Kunnskapsgrunnlag"), m["evidence"]],
        [_("Effekt"), m["effect"]],
        [_("Sikkerhet"), m["safety"]],
        [_("Organisatoriske konsekvenser"), m["organisation"]],
        [_("Økonomiske konsekvenser"), m["economy"]],
        [_("Etiske vurderinger"), m["ethics"]],
        [_("Konklusjon"), m["conclusion"]],
        [_("Anbefaling"), m["advice_label"]],
        [_("Sikkerhet i konklusjonen"), m["certainty_label"]],
    ]
    done = ", ".join(x for x in (m["working_group"], m["completed_on"]) if x)
    if done:
        rows.append([_("Arbeidsgruppe og dato"), done])
    return [r for r in rows if str(r[1]).strip()]


def reflection_rows(r: dict) -> list[list[str]]:
    """One frozen reflection as (step, text) rows; a migrated free text as one row."""
    rows = []
    when = ", ".join(x for x in (r["held_on"], r["participants"]) if x)
    if when:
        rows.append([_("Dato og deltakere"), when])
    rows += [[title, r[key]] for key, title in step_titles() if r.get(key, "").strip()]
    if r.get("legacy_text", "").strip():
        rows.append([_("Tidligere fritekst om etikk"), r["legacy_text"]])
    return rows


def fill_ethics(section: Section, snap: dict) -> None:
    """Section «Etisk refleksjon»: each reflection by its six steps, or the old free text."""
    case = snap["case"]
    if "reflections" not in snap:  # a basis frozen before reflections existed
        section.paragraphs.append(case["ethics"].strip() or _("Ingen etisk refleksjon er skrevet."))
        return
    reflections = snap["reflections"]
    if not reflections:
        section.paragraphs.append(_("Ingen etisk refleksjon er lagt ved saken."))
    else:
        section.paragraphs.append(
            _(
                "Refleksjonen følger seks-trinnsmodellen for etisk refleksjon (KS og Senter "
                "for medisinsk etikk)."
            )
        )
    for r in reflections:
        section.tables.append(Table([_("Trinn"), _("Refleksjon")], reflection_rows(r)))
    if case.get("ethics", "").strip():  # free text written outside the forms
        section.paragraphs.append(_("Tidligere fritekst om etikk: %s") % case["ethics"].strip())


def fill_knowledge(section: Section, snap: dict) -> None:
    """Section «Kunnskapsgrunnlag og usikkerhet»: the mini method assessments after the table."""
    methods = snap.get("method_assessments")
    if not methods:
        return
    for m in methods:
        section.paragraphs.append(
            _("Mini-metodevurdering: %(title)s. Anbefaling: %(advice)s (sikkerhet: %(c)s).")
            % {"title": m["title"], "advice": m["advice_label"], "c": m["certainty_label"]}
        )
        section.tables.append(Table([_("Del"), _("Vurdering")], method_rows(m)))
