"""The form that takes a QuestionnaireResponse from an EHR: a file or the JSON pasted in."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from losen.domain.instruments import Sex

from .services import MAX_BYTES


class ImportForm(forms.Form):
    document = forms.FileField(
        label=_("Fil med QuestionnaireResponse (FHIR R4, JSON)"), required=False
    )
    text = forms.CharField(
        label=_("Eller lim inn JSON"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false"}),
        max_length=MAX_BYTES,
    )
    sex = forms.ChoiceField(
        label=_("Kjønn (bare for AUDIT-C og DUDIT, når Losen ikke vet det fra før)"),
        required=False,
        choices=[
            ("", _("Ikke oppgitt")),
            (Sex.FEMALE.value, _("Kvinne")),
            (Sex.MALE.value, _("Mann")),
        ],
    )

    def clean(self):
        cleaned = super().clean()
        upload, text = cleaned.get("document"), (cleaned.get("text") or "").strip()
        if upload is None and not text:
            raise forms.ValidationError(_("Velg en fil eller lim inn JSON."), code="empty")
        if upload is not None and upload.size > MAX_BYTES:
            raise forms.ValidationError(_("Filen er for stor (høyst 1 MB)."), code="too_large")
        cleaned["data"] = upload.read() if upload is not None else text
        cleaned["source"] = upload.name if upload is not None else "innlimt tekst"
        return cleaned
