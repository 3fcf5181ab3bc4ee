"""Forms of the guidance pages; they only collect input, the services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from losen.domain.guidance.improvement import NEXT

from .models import ActionStatus, PointStatus, ReasonGroup


def _textarea(rows: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class StartForm(forms.Form):
    guideline = forms.ChoiceField(label=_("Veileder eller sjekkliste"), widget=forms.RadioSelect)
    unit = forms.ModelChoiceField(
        label=_("Hva vurderes"),
        queryset=None,
        required=False,
        empty_label=_("Hele kommunen"),
        help_text=_("Velg en enhet, eller la stå på «Hele kommunen»."),
    )
    title = forms.CharField(
        label=_("Tittel"),
        max_length=200,
        help_text=_("For eksempel «Egenvurdering psykisk helse og rus, høsten 2026»."),
    )

    def __init__(self, *args, guidelines, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["guideline"].choices = [
            (g.id, f"{g.title} ({g.version_label})" + (_(" – lokal") if g.is_local else ""))
            for g in guidelines
        ]
        self.fields["unit"].queryset = units


class PointForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), choices=PointStatus.choices, widget=forms.RadioSelect
    )
    evidence = forms.CharField(
        label=_("Dokumentasjon"),
        required=False,
        max_length=5000,
        widget=_textarea(4),
        help_text=_("Hva vurderingen bygger på: rutiner, planer, tall, erfaringer."),
    )
    links = forms.CharField(
        label=_("Lenker"),
        required=False,
        max_length=4000,
        widget=_textarea(2),
        help_text=_("Én nettadresse per linje, for eksempel til en plan eller rutine."),
    )
    alternative = forms.CharField(
        label=_("Forsvarlig alternativ"),
        required=False,
        max_length=5000,
        widget=_textarea(4),
        help_text=_(
            "Kreves når et skal- eller bør-punkt ikke er helt oppfylt: hva kommunen gjør i "
            "stedet, og hvorfor tjenesten likevel er forsvarlig."
        ),
    )
    reason_group = forms.ChoiceField(
        label=_("Hovedgrunn til avviket"),
        required=False,
        choices=[("", _("Velg grunn")), *ReasonGroup.choices],
        help_text=_("Brukes i avviksregisteret, der grunnene telles per gruppe."),
    )


class ActionForm(forms.Form):
    title = forms.CharField(label=_("Tiltak"), max_length=200)
    owner = forms.CharField(
        label=_("Ansvarlig"),
        max_length=150,
        help_text=_("Navn eller rolle, for eksempel «Enhetsleder»."),
    )
    deadline = forms.DateField(
        label=_("Frist"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class MoveForm(forms.Form):
    status = forms.ChoiceField(label=_("Ny fase"), widget=forms.RadioSelect)
    note = forms.CharField(
        label=_("Notat"),
        required=False,
        max_length=3000,
        widget=_textarea(3),
        help_text=_("Hva ble gjort, hva viste evalueringen, hva korrigeres."),
    )
    deadline = forms.DateField(
        label=_("Ny frist"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("La stå tom for å beholde fristen."),
    )

    def __init__(self, *args, current: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [
            (code, ActionStatus(code).label) for code in NEXT.get(current, ())
        ]
