"""Forms of the cases app. The rules themselves are checked in :mod:`.services`."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from losen.apps.accounts.models import Unit
from losen.apps.common.locking import LockedFormMixin

from .models import DEFAULT_LEGAL_BASIS, DecisionStatus, ServiceKind
from .services import INITIAL_STATUSES, TRANSITIONS

TEXTAREA = forms.Textarea(attrs={"rows": 4})


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def _required(message):
    return {"required": message}


DATE_ERRORS = {"invalid": _("Skriv en gyldig dato.")}


class DecisionForm(forms.Form):
    """Register a decision for one person."""

    reference = forms.CharField(
        label=_("Saksnummer"),
        max_length=40,
        help_text=_("For eksempel 2025/1234."),
        error_messages=_required(_("Skriv saksnummeret, for eksempel 2025/1234.")),
    )
    service = forms.ChoiceField(
        label=_("Tjeneste"),
        choices=[("", _("Velg tjeneste")), *ServiceKind.choices],
        error_messages=_required(_("Velg hvilken tjeneste vedtaket gjelder.")),
    )
    unit = forms.ModelChoiceField(
        label=_("Enhet som gir tjenesten"),
        queryset=Unit.objects.none(),
        empty_label=_("Velg enhet"),
        error_messages={
            "required": _("Velg enheten som skal gi tjenesten."),
            "invalid_choice": _("Velg en enhet i kommunen."),
        },
    )
    applied_for = forms.CharField(label=_("Hva det ble søkt om"), widget=TEXTAREA, required=False)
    scope = forms.CharField(
        label=_("Omfang"),
        max_length=200,
        help_text=_("For eksempel «6 timer per uke» eller «to dager per uke»."),
        error_messages=_required(_("Skriv omfanget, for eksempel «6 timer per uke».")),
    )
    hours_per_week = forms.DecimalField(
        label=_("Timer per uke"),
        required=False,
        min_value=0,
        max_value=168,
        max_digits=5,
        decimal_places=2,
        help_text=_("Valgfritt. Brukes til å summere omfang."),
        error_messages={
            "invalid": _("Skriv et tall, for eksempel 6 eller 2,5."),
            "min_value": _("Timer per uke må være mellom 0 og 168."),
            "max_value": _("Timer per uke må være mellom 0 og 168."),
            "max_digits": _("Timer per uke må være mellom 0 og 168."),
            "max_decimal_places": _("Skriv timer med høyst to desimaler."),
        },
    )
    valid_from = forms.DateField(
        label=_("Gjelder fra"),
        widget=DateInput(),
        error_messages={**DATE_ERRORS, "required": _("Skriv datoen vedtaket gjelder fra.")},
    )
    valid_to = forms.DateField(
        label=_("Gjelder til"),
        widget=DateInput(),
        required=False,
        help_text=_("La stå tom hvis vedtaket ikke er tidsbegrenset."),
        error_messages=DATE_ERRORS,
    )
    review_on = forms.DateField(
        label=_("Dato for ny vurdering"),
        widget=DateInput(),
        required=False,
        error_messages=DATE_ERRORS,
    )
    legal_basis = forms.CharField(
        label=_("Hjemmel"),
        max_length=300,
        initial=DEFAULT_LEGAL_BASIS,
        error_messages=_required(_("Skriv hvilken hjemmel vedtaket bygger på.")),
    )
    facts = forms.CharField(
        label=_("Faktiske forhold"),
        widget=TEXTAREA,
        required=False,
        help_text=_("Hva vedtaket bygger på, for eksempel kartlegging og funksjonsvurdering."),
    )
    reasons = forms.CharField(
        label=_("Hovedhensyn"),
        widget=TEXTAREA,
        required=False,
        help_text=_("Hensynene som avgjorde skjønnet (forvaltningsloven § 25)."),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[(s.value, s.label) for s in INITIAL_STATUSES],
        initial=DecisionStatus.UTKAST,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Velg om vedtaket er et utkast eller er fattet."),
            "invalid_choice": _("Velg om vedtaket er et utkast eller er fattet."),
        },
    )

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(municipality=municipality).order_by(
            "name"
        )


class StatusForm(LockedFormMixin, forms.Form):
    """Change a decision's status, with a note.

    It locks the decision: a change posted from a page loaded before someone else changed
    the decision is refused and shows the status it has now.
    """

    #: The field is the *new* status; the one saved now is shown, not filled in.
    merge_on_conflict = False

    status = forms.ChoiceField(
        label=_("Ny status"),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Velg ny status."),
            "invalid_choice": _("Velg ny status."),
        },
    )
    note = forms.CharField(
        label=_("Begrunnelse"),
        widget=TEXTAREA,
        required=False,
        help_text=_(
            "Hvorfor statusen endres. Omgjøring eller avslutning av et vedtak som gjelder, "
            "er en endring etter forvaltningsloven § 35."
        ),
    )

    def __init__(self, *args, decision, **kwargs):
        super().__init__(*args, lock_record=decision, **kwargs)
        allowed = TRANSITIONS.get(decision.status, frozenset())
        self.fields["status"].choices = [
            (s.value, s.label) for s in DecisionStatus if s.value in allowed
        ]

    def tracked_values(self, record) -> dict[str, object]:
        return {"status": record.status}

    def label_for(self, name: str) -> str:
        return str(_("Status"))

    def display_value(self, name: str, value) -> str:
        return DecisionStatus(value).label if value in DecisionStatus.values else str(value or "")
