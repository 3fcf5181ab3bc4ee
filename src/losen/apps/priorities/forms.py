from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import (
    Alternative,
    Decision,
    Detail,
    FollowUp,
    Group,
    InputHandling,
    PrioritizationCase,
    Theme,
)

TEXTAREA = forms.Textarea(attrs={"rows": 3})


class CaseForm(forms.ModelForm):
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
            "ethics",
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
                "ethics",
                "recommendation",
            )
        }


class WeightsForm(forms.ModelForm):
    class Meta:
        model = PrioritizationCase
        fields = ["weight_benefit", "weight_severity", "weight_resource"]

    def clean(self):
        data = super().clean()
        if sum(data.get(f) or 0 for f in self.Meta.fields) == 0:
            raise forms.ValidationError(_("Minst én vekt må være større enn null."))
        return data


class LegalForm(forms.ModelForm):
    class Meta:
        model = PrioritizationCase
        fields = ["legal_forsvarlighet", "legal_necessary", "legal_individual"]
        widgets = {f: TEXTAREA for f in fields}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = True
            field.error_messages["required"] = _(
                "Skriv vurderingen. Alle tre vurderingene må være skrevet før vedtaket kan "
                "registreres."
            )


class AlternativeForm(forms.ModelForm):
    class Meta:
        model = Alternative
        fields = [
            "name",
            "description",
            "target_group",
            "comparator",
            "unit",
            "service",
            "cost_nok",
            "benefit",
            "benefit_reasoning",
            "benefit_certainty",
            "severity",
            "severity_reasoning",
            "severity_certainty",
            "resource",
            "resource_reasoning",
            "resource_certainty",
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
        widgets = {
            name: TEXTAREA
            for name in (
                "description",
                "benefit_reasoning",
                "severity_reasoning",
                "resource_reasoning",
                "evidence",
                "proportionality",
                "children_best_interests",
                "equity",
                "local_conditions",
                "consequences",
            )
        }

    def __init__(self, *args, case: PrioritizationCase, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = case.municipality.units.all()
        others = case.alternatives.all()
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        self.fields["requires"].queryset = others
        self.case = case

    def clean(self):
        """Refuse constraints no portfolio can meet: a dependency loop or a clash with a group."""
        data = super().clean()
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


class DecisionForm(forms.ModelForm):
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
    points_benefit = forms.IntegerField(
        label=_("Nytte: hvor mye tiltaket hjelper"),
        min_value=0,
        max_value=100,
        help_text=POINTS_HELP,
    )
    points_severity = forms.IntegerField(
        label=_("Alvorlighet: hvor alvorlig situasjonen er for dem det gjelder"),
        min_value=0,
        max_value=100,
        help_text=POINTS_HELP,
    )
    points_resource = forms.IntegerField(
        label=_("Ressurser: hvor lite tiltaket koster"),
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
