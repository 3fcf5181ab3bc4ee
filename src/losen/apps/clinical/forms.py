"""Forms of the clinical app. Choices come from the domain (instrument items, table levels)."""

from __future__ import annotations

from django import forms
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from losen.apps.common.locking import LockedFormMixin
from losen.domain.instruments import AnswerError, InstrumentDefinition
from losen.domain.pathways import SPECIALIST_LEVELS, default_table

from .models import Intervention, RiskLevel
from .services import (
    REVIEW_DAYS_RANGE,
    RISKS,
    AssessmentInput,
    InstrumentAnswers,
    date_problems,
    registry,
    score,
)

#: Life areas of the assessment (recommendation 4, kartlegging; BrukerPlan's life areas).
LIFE_AREAS = (
    ("housing", _("Bolig")),
    ("finances", _("Økonomi")),
    ("work", _("Arbeid eller aktivitet")),
    ("social", _("Sosialt nettverk")),
    ("physical", _("Fysisk helse")),
    ("mental", _("Psykisk helse")),
    ("substances", _("Rusmiddelbruk")),
    ("violence", _("Vold og trygghet")),
    ("relatives", _("Barn og andre pårørende som trenger oppmerksomhet")),
)

AREA_RATINGS = (
    ("", _("Ikke kartlagt")),
    ("green", _("Ingen hjelpebehov")),
    ("yellow", _("Noe hjelpebehov")),
    ("red", _("Stort hjelpebehov")),
)

RISK_LABELS = {
    "suicide": _("Selvmordsrisiko"),
    "violence": _("Voldsrisiko"),
    "overdose": _("Overdoserisiko"),
}

#: Form labels for the table's levels; the levels themselves are read from the table.
LEVEL_LABELS = {
    "severity": {"mild": _("Milde"), "moderate": _("Moderate"), "severe": _("Alvorlige")},
    "expected_duration": {"short": _("Kortvarige"), "long": _("Langvarige")},
    "function_loss": {
        "none": _("Intet funksjonsfall"),
        "some": _("Noe funksjonsfall"),
        "significant": _("Betydelig funksjonsfall"),
    },
    "trend": {"improving": _("Bedring"), "stable": _("Uendret"), "worsening": _("Forverring")},
    "psychosis": {
        "none": _("Ingen psykose"),
        "first-episode": _("Førstegangs psykose"),
        "serious-or-repeated": _("Alvorlig eller gjentatt rusutløst psykose"),
    },
}

PATHWAY_FIELDS = {
    "severity": _("Hvor alvorlige er problemene?"),
    "expected_duration": _("Forventet varighet"),
    "function_loss": _("Funksjonsfall"),
    "trend": _("Utvikling"),
    "psychosis": _("Psykose"),
}

BOOLEAN_FIELDS = {
    "newly_arisen": _("Er problemene nyoppståtte?"),
    "first_contact": _("Er dette første kontakt med tjenesten?"),
    "existing_specialist_follow_up": _("Følges personen allerede av spesialisthelsetjenesten?"),
}

YES_NO = (("yes", _("Ja")), ("no", _("Nei")))

SEX_CHOICES = (("", _("Ikke oppgitt")), ("female", _("Kvinne")), ("male", _("Mann")))

SCALE_HELP = _("0 er svært dårlig, 10 er svært godt.")


def _levels(path: str) -> list[tuple[str, str]]:
    spec = default_table().input(path)
    labels = LEVEL_LABELS.get(path, {})
    return [(level, labels.get(level, spec.label(level))) for level in spec.levels]


def item_field_name(instrument_id: str, number: int) -> str:
    return f"{instrument_id}__{number}"


def _item_field(definition: InstrumentDefinition, item, required: bool) -> forms.Field:
    return forms.TypedChoiceField(
        label=f"{item.number}. {item.label}",
        choices=[(str(value), str(value)) for value in item.scores],
        coerce=int,
        required=required,
        widget=forms.RadioSelect,
        error_messages={"required": _("Velg en skår.")},
    )


class ErrorLinksMixin:
    """Error summary links that point at the first radio button of a radio group."""

    def error_links(self) -> list[tuple[str, str, str]]:
        links = []
        for name, errors in self.errors.items():
            if name == "__all__":
                links.extend(("", "", str(error)) for error in errors)
                continue
            field = self[name]
            anchor = field.auto_id
            if isinstance(field.field.widget, forms.RadioSelect):
                anchor = f"{anchor}_0"
            links.extend((anchor, str(field.label), str(error)) for error in errors)
        return links


class InstrumentFieldsMixin:
    """Adds one radio group per item of each instrument and scores them in ``clean``."""

    def add_instrument_fields(self, instrument_ids, required: bool) -> None:
        self.instruments: list[InstrumentDefinition] = []
        instruments = registry()
        for instrument_id in instrument_ids:
            definition = instruments[instrument_id]
            self.instruments.append(definition)
            for item in definition.items:
                self.fields[item_field_name(definition.id, item.number)] = _item_field(
                    definition, item, required
                )
        if any(d.uses_sex for d in self.instruments):
            self.fields["sex"] = forms.ChoiceField(
                label=_("Kjønn (for kjønnsspesifikke grenseverdier)"),
                choices=SEX_CHOICES,
                required=False,
                help_text=_(
                    "DUDIT trenger kjønn. AUDIT bruker de norske grensene for kvinner og menn "
                    "når kjønn er oppgitt, ellers WHOs soner, og resultatet sier hvilke."
                ),
            )

    def instrument_groups(self):
        """``(definition, [bound fields])`` for the template's fieldsets."""
        return [
            (d, [self[item_field_name(d.id, item.number)] for item in d.items])
            for d in self.instruments
        ]

    def clean_instruments(self, cleaned) -> list[InstrumentAnswers]:
        answered: list[InstrumentAnswers] = []
        sex = cleaned.get("sex", "") or ""
        for definition in self.instruments:
            names = [item_field_name(definition.id, item.number) for item in definition.items]
            values = [cleaned.get(name) for name in names]
            given = [v for v in values if v not in (None, "")]
            if not given:
                continue
            if len(given) < len(values):
                for name, value in zip(names, values, strict=True):
                    if value in (None, "") and name not in self.errors:
                        self.add_error(
                            name,
                            _(
                                "Svar på alle spørsmålene i %(name)s, eller la hele skjemaet stå "
                                "tomt."
                            )
                            % {"name": definition.name},
                        )
                continue
            if definition.requires_sex and not sex:
                self.add_error(
                    "sex", _("%(name)s trenger kjønn for å skåres.") % {"name": definition.name}
                )
                continue
            used_sex = sex if definition.uses_sex else ""
            try:
                score(definition.id, values, used_sex)
            except AnswerError as error:
                name = names[error.item - 1] if error.item else names[0]
                self.add_error(name, str(error))
                continue
            answered.append(InstrumentAnswers(definition.id, tuple(values), used_sex))
        return answered


class DateOfPersonMixin:
    """Refuses a date in the future or before the person's first contact (the service
    refuses it too; the form says it beside the field)."""

    date_field = ""
    before_first_contact = True

    def check_date(self, day):
        person = getattr(self, "person", None)
        if day is None or person is None:
            return day
        problems = date_problems(
            day, person, self.date_field, before_first_contact=self.before_first_contact
        )
        if problems:
            raise forms.ValidationError(problems[0].partition(": ")[2])
        return day


class AssessmentForm(ErrorLinksMixin, InstrumentFieldsMixin, DateOfPersonMixin, forms.Form):
    """The kartlegging: reason, life areas, own words and scales, risks, pathway inputs, goals."""

    date_field = "assessed_on"
    before_first_contact = False

    assessed_on = forms.DateField(
        label=_("Dato for kartleggingen"), widget=forms.DateInput(attrs={"type": "date"})
    )
    reason_for_contact = forms.CharField(
        label=_("Årsak til kontakt"), widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, instrument_ids=("phq-9", "gad-7", "audit-c"), person=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.person = person
        for code, label in LIFE_AREAS:
            self.fields[f"area_{code}"] = forms.ChoiceField(
                label=label, choices=AREA_RATINGS, required=False
            )
            self.fields[f"area_{code}_note"] = forms.CharField(
                label=_("Notat: %(area)s") % {"area": label},
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        for code, label in (
            ("function", _("Funksjon")),
            ("coping", _("Mestring")),
            ("quality_of_life", _("Livskvalitet")),
        ):
            self.fields[f"{code}_text"] = forms.CharField(
                label=_("%(what)s med personens egne ord") % {"what": label},
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.fields[f"{code}_scale"] = forms.IntegerField(
                label=_("%(what)s på en skala fra 0 til 10") % {"what": label},
                min_value=0,
                max_value=10,
                required=False,
                help_text=SCALE_HELP,
            )
        self.fields["goals"] = forms.CharField(
            label=_("Personens mål"), widget=forms.Textarea(attrs={"rows": 3})
        )
        for name in RISKS:
            self.fields[f"risk_{name}"] = forms.ChoiceField(
                label=RISK_LABELS[name],
                choices=RiskLevel.choices,
                widget=forms.RadioSelect,
                error_messages={
                    "required": _(
                        "Risikovurderingen kan ikke hoppes over. Velg et nivå, eller «Ikke "
                        "vurdert» med en begrunnelse."
                    )
                },
            )
            self.fields[f"risk_{name}_reason"] = forms.CharField(
                label=_("Hvorfor er %(risk)s ikke vurdert?")
                % {"risk": str(RISK_LABELS[name]).lower()},
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        for path, label in PATHWAY_FIELDS.items():
            self.fields[path] = forms.ChoiceField(
                label=label,
                choices=_levels(path),
                widget=forms.RadioSelect,
                initial="none" if path == "psychosis" else None,
            )
        for path, label in BOOLEAN_FIELDS.items():
            self.fields[path] = forms.ChoiceField(
                label=label,
                choices=YES_NO,
                widget=forms.RadioSelect,
                initial="no" if path == "existing_specialist_follow_up" else None,
            )
        self.add_instrument_fields(instrument_ids, required=False)
        self.fields["confirmation_reason"] = forms.CharField(
            label=_("Begrunnelse når kartleggingsverktøyene peker mot høyere risiko"),
            required=False,
            widget=forms.Textarea(attrs={"rows": 3}),
            help_text=_(
                "Kreves når for eksempel PHQ-9 spørsmål 9 er besvart over 0 mens "
                "selvmordsrisikoen er vurdert som ingen kjent eller ikke vurdert: skriv hva "
                "som ble spurt om, og hvorfor risikoen ikke er forhøyet."
            ),
        )

    def clean_assessed_on(self):
        return self.check_date(self.cleaned_data.get("assessed_on"))

    def area_fields(self):
        return [(self[f"area_{code}"], self[f"area_{code}_note"]) for code, _label in LIFE_AREAS]

    def scale_fields(self):
        return [
            (self[f"{code}_text"], self[f"{code}_scale"])
            for code in ("function", "coping", "quality_of_life")
        ]

    def risk_fields(self):
        return [(self[f"risk_{name}"], self[f"risk_{name}_reason"]) for name in RISKS]

    def pathway_fields(self):
        return [self[name] for name in (*PATHWAY_FIELDS, *BOOLEAN_FIELDS)]

    def clean(self):
        cleaned = super().clean()
        for name in RISKS:
            if (
                cleaned.get(f"risk_{name}") == RiskLevel.NOT_ASSESSED
                and not (cleaned.get(f"risk_{name}_reason") or "").strip()
            ):
                self.add_error(
                    f"risk_{name}_reason",
                    _("Skriv hvorfor risikoen ikke er vurdert, og når den skal vurderes."),
                )
        self.answered = self.clean_instruments(cleaned)
        return cleaned

    def to_input(self) -> AssessmentInput:
        data = self.cleaned_data
        return AssessmentInput(
            assessed_on=data["assessed_on"],
            reason_for_contact=data["reason_for_contact"],
            life_areas={
                code: {"rating": data[f"area_{code}"], "note": data[f"area_{code}_note"]}
                for code, _label in LIFE_AREAS
                if data[f"area_{code}"] or data[f"area_{code}_note"]
            },
            goals=data["goals"],
            risks={name: data[f"risk_{name}"] for name in RISKS},
            risk_reasons={name: data[f"risk_{name}_reason"] for name in RISKS},
            pathway={
                **{path: data[path] for path in PATHWAY_FIELDS},
                **{path: data[path] == "yes" for path in BOOLEAN_FIELDS},
            },
            function_text=data["function_text"],
            function_scale=data["function_scale"],
            coping_text=data["coping_text"],
            coping_scale=data["coping_scale"],
            quality_of_life_text=data["quality_of_life_text"],
            quality_of_life_scale=data["quality_of_life_scale"],
            instruments=tuple(self.answered),
            confirmation_reason=data.get("confirmation_reason", ""),
        )


class MeasurementForm(ErrorLinksMixin, InstrumentFieldsMixin, DateOfPersonMixin, forms.Form):
    """A follow-up measurement with one instrument; every item must be answered."""

    date_field = "taken_on"
    taken_on = forms.DateField(label=_("Dato"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, instrument_id: str, person=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.person = person
        self.add_instrument_fields([instrument_id], required=True)
        if "sex" in self.fields:
            self.fields["sex"].required = any(d.requires_sex for d in self.instruments)

    def clean_taken_on(self):
        return self.check_date(self.cleaned_data.get("taken_on"))

    def clean(self):
        cleaned = super().clean()
        self.answered = self.clean_instruments(cleaned)
        return cleaned


SPECIALIST_CHOICES = list(
    zip(SPECIALIST_LEVELS, (_("Ingen"), _("Konferer"), _("Henvis")), strict=True)
)


class PathwayChoiceForm(ErrorLinksMixin, LockedFormMixin, forms.Form):
    """The clinician's choice of pathway and specialist contact, with a deviation note.

    It locks the assessment (``lock_record``): a choice posted from a page loaded before
    someone else's choice is refused and shows what they chose.
    """

    pathway = forms.TypedChoiceField(
        label=_("Valgt hovedforløp"),
        choices=[(1, _("Hovedforløp 1")), (2, _("Hovedforløp 2")), (3, _("Hovedforløp 3"))],
        coerce=int,
        widget=forms.RadioSelect,
    )
    specialist = forms.ChoiceField(
        label=_("Kontakt med spesialisthelsetjenesten"),
        choices=SPECIALIST_CHOICES,
        widget=forms.RadioSelect,
    )
    deviation_recommendation = forms.ChoiceField(
        label=_("Anbefalingen valget avviker fra"), required=False
    )
    deviation_reason = forms.CharField(
        label=_("Begrunnelse for avviket"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Kreves når valget er mindre omfattende enn forslaget, eller avviker fra en "
            "anbefaling med styrke «skal» (journalforskriften § 6 g). Når valget er mer "
            "omfattende, kan du skrive en begrunnelse, men det er ikke påkrevd."
        ),
    )

    def __init__(self, *args, recommendations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["deviation_recommendation"].choices = [("", _("Ikke avvik"))] + [
            (rec_id, f"{rec_id}: {title}") for rec_id, title in recommendations
        ]

    tracked_labels = {"chosen": _("Valg registrert av")}

    def tracked_values(self, record) -> dict[str, object]:
        """The choice in force on the assessment *record* (its suggestion before any), and
        who recorded it when: a choice equal to the suggestion is a choice too."""
        latest = record.latest_choice
        if latest is None:
            return {
                "pathway": record.suggested_pathway,
                "specialist": record.suggested_specialist,
                "deviation_recommendation": "",
                "deviation_reason": "",
                "chosen": "",
            }
        chooser = latest.chosen_by
        name = (chooser.get_full_name() or chooser.username) if chooser else "–"
        when = formats.date_format(timezone.localtime(latest.chosen_at), "j.n.Y H:i:s")
        return {
            "pathway": latest.pathway,
            "specialist": latest.specialist,
            "deviation_recommendation": latest.deviation_recommendation,
            "deviation_reason": latest.deviation_reason,
            "chosen": f"{name}, {when}",
        }


class AcknowledgeForm(ErrorLinksMixin, forms.Form):
    reason = forms.CharField(
        label=_("Hva er gjort?"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Varselet forsvinner bare med en begrunnelse, som lagres."),
    )

    def __init__(self, *args, acute: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if acute:
            self.fields["reason"].help_text = _(
                "Et akutt varsel kvitteres ut bare med hva som ble gjort samme dag (minst 20 "
                "tegn), for eksempel hvem som vurderte risikoen, og hva som ble avtalt."
            )


class InterventionChoiceField(forms.ModelChoiceField):
    """Offers by their names and kinds, as the clinician knows them (not by catalogue code)."""

    def label_from_instance(self, obj: Intervention) -> str:
        return f"{obj.name} ({obj.get_kind_display()})"


class PlanItemForm(ErrorLinksMixin, forms.Form):
    intervention = InterventionChoiceField(
        label=_("Tiltak fra kommunens katalog"), queryset=Intervention.objects.none()
    )
    started_on = forms.DateField(
        label=_("Startdato"), widget=forms.DateInput(attrs={"type": "date"})
    )
    goal = forms.CharField(
        label=_("Mål for tiltaket"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["intervention"].queryset = Intervention.objects.filter(
            municipality=municipality, is_active=True
        )
        self.fields["intervention"].to_field_name = "external_id"
        self.fields["started_on"].initial = timezone.localdate()


class EndItemForm(forms.Form):
    ended_on = forms.DateField(label=_("Sluttdato"), widget=forms.DateInput(attrs={"type": "date"}))


def change_field_name(instrument_id: str) -> str:
    return f"rc__{instrument_id}"


class StepPolicyForm(ErrorLinksMixin, forms.Form):
    """A municipality's stepping rules: review period and reliable change per instrument."""

    review_after_days = forms.IntegerField(
        label=_("Dager før manglende bedring gir forslag om å trappe opp"),
        min_value=REVIEW_DAYS_RANGE[0],
        max_value=REVIEW_DAYS_RANGE[1],
        help_text=_("Regnes fra første måling i tiltaksforløpet. Mellom 7 og 365 dager."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.instruments = [d for d in registry().definitions if d.change is not None]
        for definition in self.instruments:
            span = definition.max_total - definition.min_total
            self.fields[change_field_name(definition.id)] = forms.DecimalField(
                label=_("Pålitelig endring for %(name)s (poeng)") % {"name": definition.name},
                required=False,
                min_value=0.5,
                max_value=span,
                decimal_places=1,
                help_text=_(
                    "Tomt felt: %(points)s poeng fra definisjonen av verktøyet (klinisk grense "
                    "%(cutoff)s)."
                )
                % {
                    "points": f"{definition.change.reliable_change_points:g}",
                    "cutoff": f"{definition.change.clinical_cutoff:g}",
                },
            )

    def change_fields(self):
        return [self[change_field_name(d.id)] for d in self.instruments]

    def reliable_change_points(self) -> dict[str, float]:
        """The thresholds the leader set; instruments left empty use their definition."""
        return {
            d.id: float(self.cleaned_data[change_field_name(d.id)])
            for d in self.instruments
            if self.cleaned_data.get(change_field_name(d.id)) is not None
        }
