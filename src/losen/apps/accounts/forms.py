from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    """Django's login form with Norwegian labels and the autocomplete hints WCAG asks for."""

    username = forms.CharField(
        label=_("Brukernavn"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    password = forms.CharField(
        label=_("Passord"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    error_messages = {
        "invalid_login": _(
            "Feil brukernavn eller passord. Sjekk at du skrev riktig; store og små bokstaver "
            "regnes som forskjellige."
        ),
        "inactive": _("Kontoen er deaktivert. Kontakt administratoren i kommunen."),
    }
