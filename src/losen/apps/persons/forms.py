from django import forms
from django.utils.translation import gettext_lazy as _


class EmergencyAccessForm(forms.Form):
    reason = forms.CharField(
        label=_("Begrunnelse for nødtilgang"),
        help_text=_(
            "Skriv hvorfor du trenger tilgang nå uten tjenstlig behov registrert. "
            "Tilgangen varer i to timer, logges og blir gjennomgått."
        ),
        min_length=10,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": _("Du må skrive en begrunnelse."),
            "min_length": _("Begrunnelsen må ha minst %(limit_value)d tegn."),
        },
    )
