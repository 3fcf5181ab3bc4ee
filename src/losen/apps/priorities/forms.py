from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from losen.apps.common.locking import LOCK_FIELDS, ConflictFormMixin, LockedFormMixin
from losen.apps.criteria.forms import CriteriaFieldsMixin, FieldGroup

from .models import (
    Alternative,
    Decision,
    Detail,
    FollowUp,
    Group,
    InputHandling,
    PersonsSource,
    PrioritizationCase,
    Theme,
)

TEXTAREA = forms.Textarea(attrs={"rows": 3})


class CaseForm(LockedFormMixin, forms.ModelForm):
    class Meta:
        model = PrioritizationCase
        fields = [
            "title",
            "level",
            "direction",
            "situation",
            "legal_frame",
            "economic_frame",
            "professional_frame",
            "plan_process",
            "plan_reference",
            "coherence",
            "budget_nok",
            "recommendation",
        ]
        widgets = {
            name: TEXTAREA
            for name in (
                "situation",
                "legal_frame",
                "economic_frame",
                "professional_frame",
                "coherence",
                "recommendation",
            )
        }


class WeightsForm(LockedFormMixin, forms.ModelForm):
    class Meta:
        model = PrioritizationCase
        fields = ["weight_benefit", "weight_severity", "weight_resource"]

    def clean(self):
        data = super().clean()
        if sum(data.get(f) or 0 for f in self.Meta.fields) == 0:
            raise forms.ValidationError(_("Minst én vekt må være større enn null."))
        return data


class LegalForm(LockedFormMixin, forms.ModelForm):
    class Meta:
        model = PrioritizationCase
        fields = ["legal_forsvarlighet", "legal_necessary", "legal_individual"]
        widgets = {f: TEXTAREA for f in fields}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if name in LOCK_FIELDS:
                continue
            field.required = True
            field.error_messages["required"] = _(
                "Skriv vurderingen. Alle tre vurderingene må være skrevet før vedtaket kan "
                "registreres."
            )


GENERAL_FIELDS = [
    "name",
    "description",
    "target_group",
    "comparator",
    "unit",
    "service",
    "cost_nok",
]
PERSONS_FIELDS = ["persons_per_year", "persons_source", "persons_figure", "persons_note"]
OTHER_FIELDS = [
    "evidence",
    "proportionality",
    "children_affected",
    "children_best_interests",
    "equity",
    "local_conditions",
    "consequences",
    "mandatory",
    "exclusive_group",
    "requires",
    "current_service",
]
CRITERION_FIELDS = [
    f"{kind}_{what}"
    for kind in ("nytte", "alvorlighet", "ressurs")
    for what in ("level", "reasoning", "uncertainty", "level_reason")
]


class AlternativeForm(LockedFormMixin, CriteriaFieldsMixin, forms.ModelForm):
    """An alternative and its combined assessment on the domain's criteria catalogue.

    Each criterion shows its parts (Meld. St. 38), each with a level and its own reasoning;
    the criterion's level follows from the parts (the highest level a part is given) unless
    the leader chooses another, with a reason. Levels and descriptions are the catalogue's,
    with the municipality's own descriptions where it has them. The criteria fields, and
    their check by the domain, are the shared ones of
    :class:`losen.apps.criteria.forms.CriteriaFieldsMixin` (the caseworker's and the
    clinician's forms use the same); the alternative keeps them in its columns and its
    ``parts`` field (:mod:`losen.apps.priorities.mapping`).
    """

    #: The parts' assessments are kept in one model field, written by :meth:`save`.
    extra_update_fields = ("parts",)

    class Meta:
        model = Alternative
        fields = GENERAL_FIELDS + CRITERION_FIELDS + PERSONS_FIELDS + OTHER_FIELDS
        widgets = {
            name: TEXTAREA
            for name in (
                "description",
                "nytte_reasoning",
                "alvorlighet_reasoning",
                "ressurs_reasoning",
                "nytte_level_reason",
                "alvorlighet_level_reason",
                "ressurs_level_reason",
                "persons_note",
                "evidence",
                "proportionality",
                "children_best_interests",
                "equity",
                "local_conditions",
                "consequences",
            )
        }

    def __init__(self, *args, case: PrioritizationCase, catalogue=None, **kwargs):
        super().__init__(*args, **kwargs)
        from losen.apps.insight.models import IndicatorAttachment

        from .mapping import catalogue_for

        self.catalogue = catalogue or catalogue_for(case.municipality)
        self.case = case
        self.fields["unit"].queryset = case.municipality.units.all()
        others = case.alternatives.all()
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        self.fields["requires"].queryset = others
        self.fields["persons_figure"].queryset = IndicatorAttachment.objects.filter(
            municipality=case.municipality,
            target_type=case._meta.label_lower,
            target_id=str(case.external_id),
        )
        self.fields["persons_figure"].label_from_instance = _attachment_label
        self.fields["persons_figure"].empty_label = _("Ingen tall valgt")
        self.fields["persons_source"].widget = forms.RadioSelect()
        self.fields["persons_source"].choices = PersonsSource.choices
        if case.is_budget_case:
            self.fields["persons_per_year"].required = True
            self.fields["persons_per_year"].error_messages["required"] = _(
                "Skriv hvor mange personer tiltaket når per år. I en budsjettsak er det "
                "antallet som gjør at verdien av porteføljen teller hvor mange som får nytte."
            )
        from losen.domain.criteria.storage import to_data

        from .mapping import combined

        stored = to_data(combined(self.instance), self.catalogue) if self.instance.pk else None
        self.add_criteria_fields(self.catalogue, stored)

    def rebuild_kwargs(self) -> dict:
        return {"case": self.case, "catalogue": self.catalogue}

    def groups(self) -> list[FieldGroup]:
        """The fieldsets the alternative page shows, in order."""
        out = [FieldGroup("tiltaket", str(_("Tiltaket")), "", [self[f] for f in GENERAL_FIELDS])]
        out.extend(self.criteria_groups())
        out.append(
            FieldGroup(
                "personer",
                str(_("Hvor mange tiltaket når")),
                str(
                    _(
                        "Antall personer per år, og hvor tallet kommer fra: et tall som er lagt "
                        "ved saken, eller et anslag som er merket som anslag."
                    )
                ),
                [self[f] for f in PERSONS_FIELDS],
            )
        )
        out.append(
            FieldGroup("andre", str(_("Andre vurderinger")), "", [self[f] for f in OTHER_FIELDS])
        )
        return out

    def _clean_criteria(self, data) -> None:
        """The three criteria through the domain; the level that follows the parts and the
        parts themselves, as the alternative keeps them. (The joint reasoning of an
        alternative is its proportionality text, which the leaders may leave for later.)"""
        checked, _assessment = self.check_criteria(data)
        if checked is None:
            return
        parts = []
        for definition in self.catalogue.criteria:
            kind = definition.kind.value
            criterion = checked[kind]
            data[f"{kind}_level"] = criterion["level"]
            data[f"{kind}_level_reason"] = criterion["level_reason"]
            shown = {part.id for part in definition.deriving_parts}
            for sub in criterion["parts"]:
                if sub["part"] in shown:
                    parts.append(
                        {
                            "criterion": kind,
                            "part": sub["part"],
                            "level": sub["level"],
                            "reasoning": sub["reasoning"],
                        }
                    )
        # Parts the form does not show are kept as the alternative has them.
        shown_parts = {
            (d.kind.value, part.id) for d in self.catalogue.criteria for part in d.deriving_parts
        }
        parts.extend(
            p
            for p in (self.instance.parts or [])
            if isinstance(p, dict) and (p.get("criterion"), p.get("part")) not in shown_parts
        )
        self.cleaned_parts = parts

    def _clean_persons(self, data) -> None:
        persons = data.get("persons_per_year")
        source = data.get("persons_source") or ""
        if persons is None:
            if source or data.get("persons_figure"):
                self.add_error(
                    "persons_per_year", _("Skriv antallet, eller ta bort kilden for det.")
                )
            return
        if not source:
            self.add_error(
                "persons_source",
                _("Velg om antallet bygger på et tall som er lagt ved saken, eller er et anslag."),
            )
        elif source == PersonsSource.FIGURE and not data.get("persons_figure"):
            self.add_error(
                "persons_figure",
                _(
                    "Velg tallet antallet bygger på. Finnes det ikke, legg det ved saken under "
                    "«Legg ved styringsinformasjon», eller merk antallet som et anslag."
                ),
            )
        elif source == PersonsSource.ESTIMATE and not (data.get("persons_note") or "").strip():
            self.add_error(
                "persons_note", _("Skriv hva anslaget bygger på, så andre kan etterprøve det.")
            )

    def save(self, commit: bool = True):
        self.instance.parts = getattr(self, "cleaned_parts", self.instance.parts)
        return super().save(commit=commit)

    def clean(self):
        """The criteria and their parts, the persons reached, and constraints no portfolio
        can meet: a dependency loop or a clash with a group."""
        data = super().clean()
        self._clean_criteria(data)
        self._clean_persons(data)
        requires = data.get("requires")
        group = (data.get("exclusive_group") or "").strip()
        data["exclusive_group"] = group
        if requires is not None:
            seen = {self.instance.pk} if self.instance.pk else set()
            step = requires
            while step is not None:
                if step.pk in seen:
                    self.add_error(
                        "requires",
                        _(
                            "«%(name)s» forutsetter allerede dette tiltaket, direkte eller "
                            "gjennom andre. Velg et annet tiltak, eller la feltet stå tomt."
                        )
                        % {"name": requires.name},
                    )
                    break
                seen.add(step.pk)
                step = step.requires
            if group and requires.exclusive_group == group:
                self.add_error(
                    "requires",
                    _(
                        "Et tiltak kan ikke forutsette et tiltak i samme gjensidig utelukkende "
                        "gruppe («%(group)s»). Endre gruppen eller forutsetningen."
                    )
                    % {"group": group},
                )
        if group and data.get("mandatory"):
            clash = self.case.alternatives.filter(exclusive_group=group, mandatory=True)
            if self.instance.pk:
                clash = clash.exclude(pk=self.instance.pk)
            if clash.exists():
                self.add_error(
                    "exclusive_group",
                    _(
                        "«%(name)s» er også lovpålagt og i gruppen «%(group)s». To lovpålagte "
                        "tiltak kan ikke utelukke hverandre: bruk et annet gruppenavn."
                    )
                    % {"name": clash.first().name, "group": group},
                )
        return data


class AttachFigureForm(forms.Form):
    """Choose a figure from the indicators module to attach to a case (and an earlier period)."""

    figure = forms.ChoiceField(label=_("Tall"), widget=forms.RadioSelect)
    period = forms.CharField(
        label=_("Periode"),
        required=False,
        max_length=40,
        help_text=_("La stå tom for nyeste periode. Skriv for eksempel 2022 for et eldre tall."),
    )
    note = forms.CharField(
        label=_("Merknad"),
        required=False,
        max_length=500,
        help_text=_("Hvorfor tallet er viktig for saken, eller forbehold ved det."),
        widget=TEXTAREA,
    )

    def __init__(self, *args, municipality, figures, **kwargs):
        super().__init__(*args, **kwargs)
        self.municipality = municipality
        self.figures = {f.token: f for f in figures}
        self.fields["figure"].choices = [(f.token, _figure_label(f.snapshot)) for f in figures]
        self.snapshot = None

    def clean(self):
        from losen.apps.insight.queries import attachable_snapshot

        data = super().clean()
        token = data.get("figure")
        if not token:
            return data
        period = (data.get("period") or "").strip() or None
        snapshot = attachable_snapshot(self.municipality, token, period=period)
        if snapshot is None:
            periods = ", ".join(self.figures[token].periods[:12])
            self.add_error(
                "period",
                _(
                    "Det finnes ikke noe tall for perioden %(period)s. "
                    "Perioder med tall: %(periods)s."
                )
                % {"period": period, "periods": periods},
            )
        self.snapshot = snapshot
        return data


def _attachment_label(attachment) -> str:
    snapshot = attachment.snapshot
    return _("%(label)s, %(period)s: %(value)s %(unit)s") % {
        "label": snapshot.get("label", ""),
        "period": snapshot.get("period", ""),
        "value": snapshot.get("value") or snapshot.get("status") or "..",
        "unit": snapshot.get("unit", ""),
    }


def _figure_label(snapshot) -> str:
    return _("%(label)s: %(value)s. Kilde: %(source)s") % {
        "label": snapshot.label,
        "value": snapshot.shown,
        "source": snapshot.source,
    }


class HandlingForm(forms.ModelForm):
    class Meta:
        model = InputHandling
        fields = ["note", "changed_outcome"]
        widgets = {"note": TEXTAREA}


class ConsultationOpenForm(forms.Form):
    introduction = forms.CharField(
        label=_("Innledning til deltakerne"),
        help_text=_("Forklar saken med enkle ord. Ikke skriv navn på personer."),
        widget=TEXTAREA,
        max_length=3000,
    )


class BasisForm(forms.Form):
    detail = forms.ChoiceField(
        label=_("Detaljnivå"), choices=Detail.choices, initial=Detail.STANDARD
    )


class DecisionForm(ConflictFormMixin, forms.ModelForm):
    class Meta:
        model = Decision
        fields = ["decided_on", "decision_maker", "case_reference", "outcome", "reasons"]
        widgets = {
            "decided_on": forms.DateInput(attrs={"type": "date"}),
            "outcome": TEXTAREA,
            "reasons": TEXTAREA,
        }


class FollowUpForm(forms.ModelForm):
    class Meta:
        model = FollowUp
        fields = ["indicator", "review_on", "responsible"]
        widgets = {"review_on": forms.DateInput(attrs={"type": "date"})}


class EvaluationForm(forms.Form):
    evaluation = forms.CharField(
        label=_("Evaluering"),
        help_text=_("Hva viser indikatorene, og hva bør korrigeres?"),
        widget=TEXTAREA,
        max_length=5000,
    )


POINTS_HELP = _("Fra 0 til 100.")


class SubmissionForm(forms.Form):
    """The public consultation form: swing weighting of the three criteria, and a comment."""

    group = forms.ChoiceField(
        label=_("Jeg svarer som"), choices=Group.choices, widget=forms.RadioSelect
    )
    # Swing weighting (von Winterfeldt and Edwards, Decision Analysis and Behavioral
    # Research, 1986): how much each criterion should count. Each question asks what it means
    # that the criterion counts in the priority, in the direction the guideline gives it:
    # more benefit, more severity and fewer resources each raise a measure's priority
    # (Meld. St. 38 (2020–2021)). For severity the question is whether those worst off come
    # first, not whether severity is "improved".
    points_benefit = forms.IntegerField(
        label=_(
            "Nytte: at tiltakene hjelper mest mulig, med flere gode leveår, bedre mestring "
            "og funksjon"
        ),
        min_value=0,
        max_value=100,
        help_text=POINTS_HELP,
    )
    points_severity = forms.IntegerField(
        label=_("Alvorlighet: at de som har det mest alvorlig, kommer først"),
        min_value=0,
        max_value=100,
        help_text=POINTS_HELP,
    )
    points_resource = forms.IntegerField(
        label=_("Ressurser: at tiltakene bruker lite ressurser, så pengene rekker til flere"),
        min_value=0,
        max_value=100,
        help_text=POINTS_HELP,
    )
    theme = forms.ChoiceField(
        label=_("Kommentaren gjelder"), choices=[("", "–"), *Theme.choices], required=False
    )
    comment = forms.CharField(
        label=_("Kommentar (valgfritt)"),
        help_text=_(
            "Ikke skriv navn, fødselsnummer eller helseopplysninger om deg selv eller andre."
        ),
        widget=TEXTAREA,
        required=False,
        max_length=2000,
    )

    def clean(self):
        data = super().clean()
        points = [data.get(f) for f in ("points_benefit", "points_severity", "points_resource")]
        if all(p is not None for p in points) and max(points) != 100:
            raise forms.ValidationError(
                _("Gi det viktigste 100 poeng, og de andre færre eller like mange.")
            )
        return data
