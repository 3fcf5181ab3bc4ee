from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from . import personal_data

#: A reason must hold at least this many letters once white space, invisible characters,
#: digits and punctuation are left out (Normen, «Tilgangsstyring»: emergency access is
#: documented with a reason that can be reviewed).
MIN_REASON_LETTERS = 10
MAX_REASON_LENGTH = 2000
#: What stands in the form instead of an identity number the user wrote, so they can see
#: where it was without it being sent back.
IDENTITY_NUMBER_MARK = "[…]"


def clean_reason(text: str) -> str:
    """The reason as it is stored: normalised (no invisible characters, single spaces)."""
    return personal_data.normalise(text).strip()


def reason_problem(text: str) -> str | None:
    """Why *text* cannot be an emergency-access reason, or ``None`` when it can."""
    if personal_data.eleven_digit_numbers(text):
        return str(
            _(
                "Begrunnelsen ser ut til å inneholde et fødselsnummer eller D-nummer. "
                "Ta det ut: personen er allerede valgt, og identitetsnumre skal ikke stå "
                "i loggen."
            )
        )
    if personal_data.letter_count(text) < MIN_REASON_LETTERS:
        return str(
            _(
                "Begrunnelsen må ha minst %(limit)d tegn som er bokstaver (mellomrom, tall og "
                "tegnsetting telles ikke). Skriv hva situasjonen er."
            )
            % {"limit": MIN_REASON_LETTERS}
        )
    return None


class EmergencyAccessForm(forms.Form):
    reason = forms.CharField(
        label=_("Begrunnelse for nødtilgang"),
        help_text=_(
            "Skriv hvorfor du trenger tilgang nå uten tjenstlig behov registrert. "
            "Ikke skriv fødselsnummer eller andre identitetsnumre. "
            "Tilgangen varer i to timer, logges og blir gjennomgått."
        ),
        max_length=MAX_REASON_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": _("Du må skrive en begrunnelse."),
            "max_length": _("Begrunnelsen kan ha høyst %(limit_value)d tegn."),
        },
    )

    def clean_reason(self):
        text = self.cleaned_data["reason"]
        problem = reason_problem(text)
        if problem is not None:
            if personal_data.eleven_digit_numbers(text):
                # Show the text again without the number: it is neither stored nor sent back.
                self.data = self.data.copy()
                self.data["reason"] = personal_data.mask_eleven_digit_numbers(
                    text, IDENTITY_NUMBER_MARK
                )
            raise ValidationError(problem, code="reason")
        return clean_reason(text)


class EmergencyReviewForm(forms.Form):
    comment = forms.CharField(
        label=_("Kommentar fra gjennomgangen"),
        help_text=_(
            "Skriv hva du har sjekket og hva du konkluderte med, for eksempel at tilgangen var "
            "begrunnet, eller hva som er fulgt opp. Ikke skriv fødselsnummer."
        ),
        max_length=MAX_REASON_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": _("Skriv en kommentar til gjennomgangen."),
            "max_length": _("Kommentaren kan ha høyst %(limit_value)d tegn."),
        },
    )

    def clean_comment(self):
        text = self.cleaned_data["comment"]
        if personal_data.eleven_digit_numbers(text):
            raise ValidationError(
                _("Kommentaren ser ut til å inneholde et fødselsnummer eller D-nummer. Ta det ut.")
            )
        text = clean_reason(text)
        if not text:
            raise ValidationError(_("Skriv en kommentar til gjennomgangen."))
        return text


class InnsynForm(forms.Form):
    person = forms.UUIDField(
        label=_("Personens id i Losen"),
        help_text=_(
            "Id-en står i adressen til personsiden (/personer/<id>/). Den som har tjenstlig "
            "behov for personen kan finne den."
        ),
        error_messages={
            "required": _("Skriv inn personens id."),
            "invalid": _("Dette er ikke en gyldig id. En id ser slik ut: %(example)s.")
            % {"example": "3f2b6c1e-8a4d-4e0f-9b7a-2c5d8e1f0a9b"},
        },
    )
