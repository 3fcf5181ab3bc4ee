from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from losen.apps.priorities.models import PrioritizationCase

from .models import EthicsReflection, MethodAssessment, ServiceArea

TEXTAREA = forms.Textarea(attrs={"rows": 4})
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MethodAssessmentForm(forms.ModelForm):
    class Meta:
        model = MethodAssessment
        fields = [
            "title",
            "case",
            "population",
            "intervention",
            "comparison",
            "outcomes",
            "evidence",
            "effect",
            "safety",
            "organisation",
            "economy",
            "ethics",
            "conclusion",
            "advice",
            "certainty",
            "working_group",
            "completed_on",
        ]
        widgets = {
            **{
                name: TEXTAREA
                for name in (
                    "population",
                    "intervention",
                    "comparison",
                    "outcomes",
                    "evidence",
                    "effect",
                    "safety",
                    "organisation",
                    "economy",
                    "ethics",
                    "conclusion",
                )
            },
            "completed_on": DATE,
        }

    #: The form's parts, as the mini method assessment orders them: (heading, fields).
    GROUPS = (
        (
            _("Spørsmålet (PICO)"),
            ("title", "case", "population", "intervention", "comparison", "outcomes"),
        ),
        (_("Kunnskap, effekt og sikkerhet"), ("evidence", "effect", "safety")),
        (_("Konsekvenser"), ("organisation", "economy", "ethics")),
        (_("Konklusjon"), ("conclusion", "advice", "certainty", "working_group", "completed_on")),
    )

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["case"].queryset = PrioritizationCase.objects.filter(municipality=municipality)
        self.fields["case"].help_text = _("Saken vurderingen er kunnskapsgrunnlag for.")

    def groups(self):
        return [(title, [self[name] for name in names]) for title, names in self.GROUPS]


class ReflectionForm(forms.ModelForm):
    class Meta:
        model = EthicsReflection
        fields = [
            "held_on",
            "participants",
            "situation",
            "question",
            "parties",
            "norms",
            "options",
            "choice",
        ]
        widgets = {
            **{
                name: TEXTAREA
                for name in ("situation", "question", "parties", "norms", "options", "choice")
            },
            "held_on": DATE,
        }


class OfferForm(forms.Form):
    service_area = forms.ChoiceField(label=_("Tjenesteområde"), choices=ServiceArea.choices)
    process = forms.CharField(
        label=_("Prosessen"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=20_000,
        help_text=_(
            "Hvordan saken ble forberedt, hvem som ble hørt, og hvordan innspill ble brukt."
        ),
    )
    evaluation = forms.CharField(
        label=_("Hva det førte til"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=20_000,
        help_text=_("Hva evalueringen viste, og hva kommunen lærte. Skriv uten navn."),
    )


class MembershipForm(forms.Form):
    opted_in = forms.TypedChoiceField(
        label=_("Kommunen deltar i eksempelbanken"),
        choices=(("1", _("Ja")), ("0", _("Nei"))),
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
