from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from losen.domain.criteria import CriteriaCatalogue, SubAssessment, parse_combined
from losen.domain.criteria.model import suggested_level
from losen.domain.criteria.storage import to_data
from losen.domain.errors import InputError, Problem


class LevelDescriptionsForm(forms.Form):
    """One text per level of every scale of the catalogue, filled with what is shown today."""

    def __init__(self, *args, catalogue, defaults, **kwargs):
        super().__init__(*args, **kwargs)
        self.catalogue = catalogue
        self.groups = []
        for scale in catalogue.scales:
            names = []
            default = defaults.scale(scale.id)
            for level in scale.levels:
                name = f"{scale.id}__{level.label}"
                self.fields[name] = forms.CharField(
                    label=level.label.capitalize(),
                    initial=level.description,
                    required=False,
                    max_length=1000,
                    widget=forms.Textarea(attrs={"rows": 2}),
                    help_text=_("Standard: %(text)s")
                    % {"text": default.level(level.label).description},
                )
                names.append(name)
            self.groups.append((scale, [self[n] for n in names]))

    def descriptions(self) -> dict[str, dict[str, str]]:
        out: dict[str, dict[str, str]] = {}
        for name, value in self.cleaned_data.items():
            scale, label = name.split("__", 1)
            out.setdefault(scale, {})[label] = value
        return out


# The combined assessment (samlet vurdering) of nytte, ressurs and alvorlighet as form fields.
#
# One builder for every level that assesses on the criteria catalogue: the leaders'
# alternatives, the caseworker's assessment per service, the clinician's pathway choice.
# The domain decides what is valid (losen.domain.criteria.parse_combined); this layer only
# lays the catalogue out as fields and puts each of the domain's problems next to the field it
# concerns, in Norwegian. Helsedirektoratet: nytte, ressurs and alvorlighet used together at
# every level, «Prioriteringer i kommunale helse- og omsorgstjenester»,
# https://www.helsedirektoratet.no/veiledere/prioriteringer-i-kommunale-helse-og-omsorgstjenester

CRITERION_FIELDS = ("level", "level_reason", "reasoning", "uncertainty")
"""The fields of one criterion, in the order a group shows them (``<kind>_<what>``)."""

REASONING_FIELD = "reasoning"
"""The joint reasoning (samlet begrunnelse) of :class:`CombinedAssessmentForm`."""


def criterion_field(kind: str, what: str) -> str:
    """The name of a criterion's field: ``nytte_level``, ``ressurs_reasoning`` …"""
    return f"{kind}_{what}"


def part_field(kind: str, part: str, what: str) -> str:
    """The name of a part's field: ``part_nytte_overlevelse_level`` …"""
    return f"part_{kind}_{part}_{what}"


@dataclass
class FieldGroup:
    """A fieldset: a criterion with its parts, or other fields of the page.

    ``fields`` are bound fields shown under the legend (for a criterion: level, level
    reason, reasoning, uncertainty); ``part_fields`` are (level, reasoning) pairs of bound
    fields, one per part.
    """

    id: str
    legend: str
    intro: str
    fields: list
    part_fields: list = dataclass_field(default_factory=list)
    level_fields: list = dataclass_field(default_factory=list)

    @property
    def parts_started(self) -> bool:
        """Whether any part has a level, a reasoning or an error (a page that folds the parts
        away shows them open then)."""
        return any(
            bool(field.value()) or bool(field.errors) for pair in self.part_fields for field in pair
        )


def level_choices(scale) -> list[tuple[str, str]]:
    """``(label, "Label: description")`` for every level of *scale*, lowest first."""
    return [
        (level.label, f"{level.label.capitalize()}: {level.description}") for level in scale.levels
    ]


def _mapping(value: object) -> Mapping:
    return value if isinstance(value, Mapping) else {}


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _stored_parts(stored: Mapping, kind: str) -> list[Mapping]:
    parts = _mapping(stored.get(kind)).get("parts")
    return [p for p in parts if isinstance(p, Mapping)] if isinstance(parts, list) else []


class CriteriaFieldsMixin:
    """Builds the fields of the three criteria into a Django form, and checks them through the
    domain.

    Use :meth:`add_criteria_fields` in ``__init__``, :meth:`criteria_groups` for the
    fieldsets, and :meth:`clean_criteria` in ``clean``. Field names follow
    :func:`criterion_field` and :func:`part_field`; a form prefix is applied by Django as for
    any field.

    Each criterion has its level (``""`` means «Følg delene»: the level the parts give,
    :func:`~losen.domain.criteria.model.suggested_level`), the reason for another level, its
    reasoning and its uncertainty; each of the criterion's own parts (``derives``) has a level
    and its own reasoning. A part takes the criterion's uncertainty. Parts the form does not
    show (amounts, the knowledge base) and a part's amount are kept as they were stored.
    """

    catalogue: CriteriaCatalogue

    def add_criteria_fields(
        self, catalogue: CriteriaCatalogue, stored: Mapping[str, Any] | None = None
    ) -> None:
        """Add the criteria fields to ``self.fields``, with initial values from *stored* (the
        data of :func:`losen.domain.criteria.storage.to_data`, or None for a new assessment)."""
        self.catalogue = catalogue
        self.stored_assessment: Mapping[str, Any] = _mapping(stored)
        self.part_names: dict[str, tuple[str, str]] = {}
        uncertainty = catalogue.scale("usikkerhet")
        for definition in catalogue.criteria:
            kind = definition.kind.value
            name = definition.name.lower()
            scale = catalogue.scale(definition.scale)
            saved = _mapping(self.stored_assessment.get(kind))
            saved_parts = {_text(p.get("part")): p for p in _stored_parts(stored or {}, kind)}
            follows = suggested_level(
                catalogue,
                definition.kind,
                [
                    SubAssessment(part_id, _text(p.get("level")), "", "")
                    for part_id, p in saved_parts.items()
                ],
            )
            follow_label = (
                _("Følg delene (de gir nå «%(level)s»)") % {"level": follows.label}
                if follows is not None
                else _("Følg delene")
            )
            level = _text(saved.get("level"))
            self.fields[criterion_field(kind, "level")] = forms.ChoiceField(
                label=_("Nivå for %(criterion)s") % {"criterion": name},
                choices=[("", follow_label), *level_choices(scale)],
                required=False,
                widget=forms.RadioSelect,
                help_text=_(
                    "«Følg delene» gir det høyeste nivået en del er gitt. Velger du et annet "
                    "nivå, skriv hvorfor."
                ),
            )
            self.fields[criterion_field(kind, "level_reason")] = forms.CharField(
                label=_("Hvorfor et annet nivå enn delene gir"),
                required=False,
                max_length=3000,
                widget=forms.Textarea(attrs={"rows": 3}),
                help_text=_("Kreves når nivået er et annet enn det delene gir."),
            )
            self.fields[criterion_field(kind, "reasoning")] = forms.CharField(
                label=_("Begrunnelse for %(criterion)s") % {"criterion": name},
                required=False,
                max_length=5000,
                widget=forms.Textarea(attrs={"rows": 3}),
            )
            self.fields[criterion_field(kind, "uncertainty")] = forms.ChoiceField(
                label=_("Usikkerhet i vurderingen"),
                choices=level_choices(uncertainty),
                required=False,
                widget=forms.RadioSelect,
            )
            if saved:
                shown_level = "" if follows is not None and level == follows.label else level
                self.initial[criterion_field(kind, "level")] = shown_level
                self.initial[criterion_field(kind, "level_reason")] = _text(
                    saved.get("level_reason")
                )
                self.initial[criterion_field(kind, "reasoning")] = _text(saved.get("reasoning"))
                self.initial[criterion_field(kind, "uncertainty")] = _text(saved.get("uncertainty"))
            for part in definition.deriving_parts:
                part_scale = catalogue.scale(part.scale)
                self.part_names[f"part_{kind}_{part.id}"] = (kind, part.id)
                old = saved_parts.get(part.id, {})
                self.fields[part_field(kind, part.id, "level")] = forms.ChoiceField(
                    label=part.name,
                    choices=[("", _("Ikke vurdert")), *level_choices(part_scale)],
                    required=False,
                    help_text=part.description,
                )
                self.fields[part_field(kind, part.id, "reasoning")] = forms.CharField(
                    label=_("Begrunnelse: %(part)s") % {"part": part.name.lower()},
                    required=False,
                    max_length=3000,
                    widget=forms.Textarea(attrs={"rows": 2}),
                )
                if old:
                    self.initial[part_field(kind, part.id, "level")] = _text(old.get("level"))
                    self.initial[part_field(kind, part.id, "reasoning")] = _text(
                        old.get("reasoning")
                    )

    def criteria_groups(self) -> list[FieldGroup]:
        """One fieldset per criterion, in the catalogue's order: legend, rule, parts, fields."""
        out = []
        for definition in self.catalogue.criteria:
            kind = definition.kind.value
            out.append(
                FieldGroup(
                    kind,
                    definition.name,
                    definition.rule,
                    [self[criterion_field(kind, w)] for w in CRITERION_FIELDS],
                    part_fields=[
                        (
                            self[part_field(kind, part.id, "level")],
                            self[part_field(kind, part.id, "reasoning")],
                        )
                        for part in definition.deriving_parts
                    ],
                )
            )
        return out

    def criteria_data(self, cleaned: Mapping[str, Any]) -> dict[str, Any]:
        """The three criteria from *cleaned* in the shape
        :func:`~losen.domain.criteria.parse_combined` reads (without the joint reasoning).

        A criterion left at «Følg delene» gets the level its parts give. A part with a
        reasoning but no level is refused here (the domain never sees it); a part with neither
        is not assessed.
        """
        out: dict[str, Any] = {}
        for definition in self.catalogue.criteria:
            kind = definition.kind.value
            uncertainty = cleaned.get(criterion_field(kind, "uncertainty")) or ""
            stored = {_text(p.get("part")): p for p in _stored_parts(self.stored_assessment, kind)}
            shown = {part.id for part in definition.deriving_parts}
            # Stored parts keep their stored order (a round trip changes nothing); new parts
            # follow in the catalogue's order.
            order = {part_id: k for k, part_id in enumerate(stored)}
            parts: list[dict[str, Any]] = []
            for part in definition.deriving_parts:
                level = cleaned.get(part_field(kind, part.id, "level")) or ""
                reasoning = (cleaned.get(part_field(kind, part.id, "reasoning")) or "").strip()
                if not level:
                    if reasoning:
                        self.add_error(
                            part_field(kind, part.id, "level"),
                            _("Velg et nivå for delen, eller ta bort begrunnelsen."),
                        )
                    continue
                sub: dict[str, Any] = {
                    "part": part.id,
                    "level": level,
                    "reasoning": reasoning,
                    "uncertainty": uncertainty,
                }
                for key in ("amount", "breakdown"):
                    if key in stored.get(part.id, {}):
                        sub[key] = stored[part.id][key]
                parts.append(sub)
            parts.extend(dict(p) for part_id, p in stored.items() if part_id not in shown)
            parts.sort(key=lambda p: order.get(p["part"], len(order)))
            level = cleaned.get(criterion_field(kind, "level")) or ""
            if not level:
                suggestion = suggested_level(
                    self.catalogue,
                    definition.kind,
                    [SubAssessment(p["part"], p["level"], "", "") for p in parts],
                )
                level = suggestion.label if suggestion is not None else ""
            out[kind] = {
                "level": level,
                "reasoning": (cleaned.get(criterion_field(kind, "reasoning")) or "").strip(),
                "uncertainty": uncertainty,
                "parts": parts,
                "level_reason": (cleaned.get(criterion_field(kind, "level_reason")) or "").strip(),
            }
        return out

    def problem_field(self, problem: Problem, data: Mapping[str, Any]) -> tuple[str | None, str]:
        """The field a domain *problem* belongs to (None: the form as a whole) and the message
        to show there, for *data* as given to the domain."""
        return field_for_problem(self.catalogue, problem, data)

    def add_problems(self, problems: list[Problem], data: Mapping[str, Any]) -> None:
        """Put every domain problem on its field (a field with an error already keeps it)."""
        for problem in problems:
            name, message = self.problem_field(problem, data)
            if name is not None and name in self.errors:
                continue
            self.add_error(name, message)

    def check_criteria(self, cleaned: Mapping[str, Any], reasoning: str | None = None):
        """Build the assessment from *cleaned* and let the domain check it.

        *reasoning* is the joint reasoning; None when the page keeps it elsewhere (the
        leaders' alternative keeps it in its own field), so only the three criteria are
        checked. Returns ``(data, assessment)``: *data* in the shape
        :func:`~losen.domain.criteria.parse_combined` reads (None when the domain refused
        it), *assessment* the :class:`~losen.domain.criteria.CombinedAssessment` (None when
        refused or when *reasoning* is None). Every problem is put on its field.
        """
        data = self.criteria_data(cleaned)
        data[REASONING_FIELD] = "" if reasoning is None else reasoning
        try:
            return data, parse_combined(data, self.catalogue)
        except InputError as error:
            problems = [
                problem
                for problem in error.problems
                if reasoning is not None or problem.path != REASONING_FIELD
            ]
            self.add_problems(problems, data)
            return (None if problems else data), None

    def clean_criteria(self, cleaned: Mapping[str, Any], reasoning: str):
        """The combined assessment with its joint *reasoning*, checked by the domain.

        Returns the :class:`~losen.domain.criteria.CombinedAssessment`, or None with every
        problem put on its field.
        """
        return self.check_criteria(cleaned, reasoning)[1]


_PART_PATH = re.compile(r"^parts\[(\d+)\]\.(\w+)$")


def field_for_problem(
    catalogue: CriteriaCatalogue, problem: Problem, data: Mapping[str, Any]
) -> tuple[str | None, str]:
    """Where a problem of :func:`~losen.domain.criteria.parse_combined` goes in the form, and
    its Norwegian message.

    *data* is what the domain was given (the shape of
    :func:`~losen.domain.criteria.storage.to_data`): a part's index in the path is read back
    to the part there. A problem no field shows (a stored amount, an unknown path) goes to
    the form as a whole.
    """
    head, _dot, rest = problem.path.partition(".")
    if problem.path == REASONING_FIELD:
        return REASONING_FIELD, str(_("Skriv den samlede begrunnelsen for vurderingen."))
    try:
        definition = catalogue.criterion(head)
    except KeyError:
        return None, str(_("Vurderingen kan ikke lagres slik den er. Kontroller feltene."))
    kind = definition.kind.value
    name = definition.name.lower()
    criterion = _mapping(data.get(kind))
    parts = criterion.get("parts") if isinstance(criterion.get("parts"), list) else []
    if rest == "level":
        if not parts:
            return criterion_field(kind, "level"), str(
                _("Vurder minst én av delene, eller velg nivået for %(criterion)s selv.")
                % {"criterion": name}
            )
        return criterion_field(kind, "level"), str(
            _("Velg et av nivåene for %(criterion)s.") % {"criterion": name}
        )
    if rest == "reasoning":
        return criterion_field(kind, "reasoning"), str(
            _("Skriv begrunnelsen for %(criterion)s.") % {"criterion": name}
        )
    if rest == "uncertainty":
        return criterion_field(kind, "uncertainty"), str(_("Velg hvor usikker vurderingen er."))
    if rest == "level_reason":
        suggestion = suggested_level(
            catalogue,
            definition.kind,
            [
                SubAssessment(_text(p.get("part")), _text(p.get("level")), "", "")
                for p in parts
                if isinstance(p, Mapping)
            ],
        )
        return criterion_field(kind, "level_reason"), str(
            _(
                "Delene gir «%(suggested)s», men du har valgt «%(level)s». Skriv hvorfor, "
                "eller velg «Følg delene»."
            )
            % {
                "suggested": suggestion.label if suggestion else "",
                "level": _text(criterion.get("level")),
            }
        )
    match = _PART_PATH.match(rest)
    if match is None:
        return None, str(
            _("Vurderingen av %(criterion)s kan ikke lagres slik den er.") % {"criterion": name}
        )
    index, what = int(match.group(1)), match.group(2)
    raw = parts[index] if index < len(parts) and isinstance(parts[index], Mapping) else {}
    part_id = _text(raw.get("part"))
    shown = {part.id: part for part in definition.deriving_parts}
    if part_id not in shown:
        return None, str(
            _("Den lagrede vurderingen av en del av %(criterion)s er ugyldig.")
            % {"criterion": name}
        )
    part_name = shown[part_id].name.lower()
    if what == "level":
        return part_field(kind, part_id, "level"), str(_("Velg et av nivåene for delen."))
    if what == "reasoning":
        return part_field(kind, part_id, "reasoning"), str(
            _("Skriv hvorfor delen får nivået «%(level)s».") % {"level": _text(raw.get("level"))}
        )
    if what == "uncertainty":
        return criterion_field(kind, "uncertainty"), str(_("Velg hvor usikker vurderingen er."))
    return None, str(_("Det lagrede beløpet for «%(part)s» er ugyldig.") % {"part": part_name})


class CombinedAssessmentForm(CriteriaFieldsMixin, forms.Form):
    """The combined assessment of nytte, ressurs and alvorlighet on a municipality's catalogue.

    Args:
        catalogue: ``losen.apps.criteria.selectors.catalogue_for(municipality)``.
        stored: the stored assessment (``losen.domain.criteria.storage.to_data``), or None.

    After ``is_valid()``, :attr:`assessment` is the domain's
    :class:`~losen.domain.criteria.CombinedAssessment` (with its flags) and
    :meth:`data_for_storage` its JSON data; both are None / refused when the form is invalid.
    Embed it in a page with ``prefix=`` and render :meth:`groups` with
    ``criteria/_combined_assessment.html``.
    """

    def __init__(self, *args, catalogue: CriteriaCatalogue, stored=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.assessment = None
        self.add_criteria_fields(catalogue, stored)
        self.fields[REASONING_FIELD] = forms.CharField(
            label=_("Samlet begrunnelse"),
            required=False,
            max_length=5000,
            widget=forms.Textarea(attrs={"rows": 4}),
            help_text=_(
                "Hvordan nytte, ressurs og alvorlighet sammen gir vurderingen. Den skrevne "
                "begrunnelsen avgjør."
            ),
        )
        if self.stored_assessment:
            self.initial[REASONING_FIELD] = _text(self.stored_assessment.get("reasoning"))

    def groups(self) -> list[FieldGroup]:
        """The criteria, then the joint reasoning."""
        return [
            *self.criteria_groups(),
            FieldGroup("samlet", str(_("Samlet vurdering")), "", [self[REASONING_FIELD]]),
        ]

    def clean(self):
        data = super().clean()
        reasoning = (data.get(REASONING_FIELD) or "").strip()
        assessment = self.clean_criteria(data, reasoning)
        self.assessment = None if self._errors else assessment
        return data

    def data_for_storage(self) -> dict[str, Any]:
        """The valid assessment as JSON data (``storage.to_data``, with the catalogue version).

        Raises:
            ValueError: when the form is not valid.
        """
        if not self.is_valid() or self.assessment is None:
            raise ValueError("the combined assessment is not valid")
        return to_data(self.assessment, self.catalogue)
