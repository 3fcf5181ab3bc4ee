"""Forms of styringsinformasjon: demand projection and file import."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from losen.domain.indicators.projection import MAX_HORIZON_YEARS, MIN_HORIZON_YEARS

from .projection import RATE_SOURCES, SERVICES

#: The largest file the web import takes; larger national tables go through the command line.
MAX_UPLOAD_BYTES = 20 * 1024 * 1024


class DemandForm(forms.Form):
    service = forms.ChoiceField(label=_("Tjeneste"), choices=[(s.key, s.label) for s in SERVICES])
    rate_source = forms.ChoiceField(
        label=_("Bruksrater fra"),
        choices=list(RATE_SOURCES.items()),
        help_text=_("Kommunens egne tall, eller en referanse å sammenligne med."),
    )
    horizon_years = forms.TypedChoiceField(
        label=_("Antall år fram"),
        coerce=int,
        choices=[(n, str(n)) for n in range(MIN_HORIZON_YEARS, MAX_HORIZON_YEARS + 1)],
        initial=10,
    )
    scenario = forms.ChoiceField(
        label=_("Befolkningsscenario"),
        choices=[
            ("konstant", _("Fast årlig endring per aldersgruppe")),
            ("egen", _("Egen befolkningsframskriving")),
        ],
        initial="konstant",
        widget=forms.RadioSelect,
    )
    growth_percent = forms.DecimalField(
        label=_("Årlig endring i befolkningen, prosent"),
        required=False,
        initial=Decimal("2.5"),
        min_value=Decimal(-20),
        max_value=Decimal(20),
        decimal_places=2,
        help_text=_("Brukes i scenarioet med fast endring; 0 betyr dagens befolkning."),
    )
    projection_name = forms.CharField(
        label=_("Navn på framskrivingen"),
        required=False,
        max_length=120,
        help_text=_("For eksempel «SSB 13536, hovedalternativet»."),
    )
    projection_text = forms.CharField(
        label=_("Egen framskriving"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Én linje per år: år og antall personer i hver aldersgruppe, skilt med semikolon, "
            "for eksempel 2026;2100;1450."
        ),
    )
    capacity = forms.DecimalField(
        label=_("Dagens kapasitet"),
        required=False,
        min_value=Decimal(0),
        max_digits=12,
        decimal_places=2,
        help_text=_("Tom: dagens beregnede behov brukes som kapasitet."),
    )

    def clean(self):
        data = super().clean()
        if data.get("scenario") == "egen" and not (data.get("projection_text") or "").strip():
            self.add_error(
                "projection_text", _("Skriv inn framskrivingen, eller velg fast endring.")
            )
        return data


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Fil"),
        help_text=_(
            "JSON-stat fra SSB eller FHI, CSV-eksport fra Statistikkbanken, eller utfylt mal "
            "(CSV eller XLSX). Tallene lagres som kommunens egne."
        ),
    )
    source = forms.CharField(
        label=_("Kilde"),
        required=False,
        max_length=60,
        help_text=_("Bare når fila ikke sier det selv, for eksempel FHI."),
    )
    table = forms.CharField(
        label=_("Tabell"),
        required=False,
        max_length=40,
        help_text=_("Bare når fila ikke sier det selv."),
    )

    def __init__(self, *args, upload_too_large: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.upload_too_large = upload_too_large

    def clean(self):
        data = super().clean()
        if self.upload_too_large:
            # The upload was cut off as it arrived (see .uploads); the file is not here.
            self.errors.pop("file", None)
            self.add_error("file", self.too_large_message())
        return data

    @staticmethod
    def too_large_message() -> str:
        return _(
            "Fila er større enn 20 MB. Store nasjonale tabeller importeres "
            "med kommandoen «losen indicators import»."
        )

    def clean_file(self):
        from .uploads import check_upload

        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(self.too_large_message())
        problem = check_upload(upload, MAX_UPLOAD_BYTES)
        if problem:
            raise forms.ValidationError(
                _("Fila kan ikke importeres: %(problem)s") % {"problem": problem}
            )
        return upload
