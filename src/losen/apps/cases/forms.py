"""Forms of the cases app. The rules themselves are checked in :mod:`.services`."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from losen.apps.accounts.models import Unit
from losen.apps.common.forms import DecimalNumberField
from losen.apps.common.locking import LockedFormMixin
from losen.apps.persons.services import normalise_national_id

from .models import (
    DEFAULT_LEGAL_BASIS,
    AuthorityOutcome,
    Channel,
    CriterionMet,
    DecisionStatus,
    LetterLanguage,
    NecessaryHelp,
    Outcome,
    RepresentativeKind,
    ReviewOutcome,
    ServiceKind,
    Urgency,
)
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
    hours_per_week = DecimalNumberField(
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


# --- The caseworker's work ------------------------------------------------------------------

SHORT_TEXTAREA = forms.Textarea(attrs={"rows": 3})


def scope_field_name(service: str) -> str:
    return f"omfang_{service}"


class ApplicationForm(forms.Form):
    """Register an application (søknad) for one or more services of the catalogue.

    The services are checkboxes; each has a field for the scope asked for
    (:func:`scope_field_name`), rendered beside its checkbox.
    """

    services = forms.MultipleChoiceField(
        label=_("Tjenester det søkes om"),
        choices=ServiceKind.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Velg minst én tjeneste det søkes om."),
            "invalid_choice": _("Velg tjenester fra listen."),
        },
    )
    received_on = forms.DateField(
        label=_("Mottatt"),
        widget=DateInput(),
        help_text=_("Dagen kommunen mottok søknaden. Fristene regnes fra denne dagen."),
        error_messages={**DATE_ERRORS, "required": _("Skriv datoen søknaden ble mottatt.")},
    )
    channel = forms.ChoiceField(
        label=_("Kom inn som"),
        choices=Channel.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Velg hvordan søknaden kom inn."),
            "invalid_choice": _("Velg hvordan søknaden kom inn."),
        },
    )
    in_own_words = forms.CharField(
        label=_("Hva det søkes om, med søkerens egne ord"),
        widget=TEXTAREA,
        max_length=5000,
        help_text=_("Skriv det søkeren ber om slik søkeren sa eller skrev det."),
        error_messages=_required(_("Skriv hva søkeren ber om, med søkerens egne ord.")),
    )
    representative_kind = forms.ChoiceField(
        label=_("Representant"),
        choices=RepresentativeKind.choices,
        required=False,
        error_messages={"invalid_choice": _("Velg hvem som representerer søkeren.")},
    )
    representative_name = forms.CharField(
        label=_("Representantens navn"), max_length=200, required=False
    )
    representative_contact = forms.CharField(
        label=_("Representantens kontaktinformasjon"), max_length=300, required=False
    )
    postal_address = forms.CharField(
        label=_("Postadresse for brev"),
        widget=SHORT_TEXTAREA,
        max_length=1000,
        required=False,
        help_text=_("Adressen brevene sendes til."),
    )
    letter_language = forms.ChoiceField(
        label=_("Målform i brev"),
        choices=LetterLanguage.choices,
        initial=LetterLanguage.NB,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Velg bokmål eller nynorsk for brevene."),
            "invalid_choice": _("Velg bokmål eller nynorsk for brevene."),
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for code, label in ServiceKind.choices:
            self.fields[scope_field_name(code)] = forms.CharField(
                label=_("Omfang det søkes om: %(service)s") % {"service": label},
                max_length=200,
                required=False,
            )

    def clean(self):
        data = super().clean()
        if data.get("representative_kind") and not (data.get("representative_name") or "").strip():
            self.add_error("representative_name", _("Skriv navnet på representanten."))
        return data

    def service_rows(self):
        """(code, label, checked, scope field) per service of the catalogue, for the page."""
        chosen = set(self["services"].value() or ())
        return [
            (code, label, code in chosen, self[scope_field_name(code)])
            for code, label in ServiceKind.choices
        ]

    def requested_services(self) -> list[tuple[str, str]]:
        """(service code, requested scope) of the chosen services, in catalogue order."""
        chosen = set(self.cleaned_data["services"])
        return [
            (code, (self.cleaned_data.get(scope_field_name(code)) or "").strip())
            for code, _label in ServiceKind.choices
            if code in chosen
        ]

    def application_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "services": self.requested_services(),
            "received_on": data["received_on"],
            "channel": data["channel"],
            "in_own_words": data["in_own_words"],
            "representative_kind": data.get("representative_kind") or "",
            "representative_name": data.get("representative_name") or "",
            "representative_contact": data.get("representative_contact") or "",
            "postal_address": data.get("postal_address") or "",
            "letter_language": data["letter_language"],
        }


class NewPersonForm(forms.Form):
    """A person not yet in Losen, registered with the application."""

    given_name = forms.CharField(
        label=_("Fornavn"),
        max_length=100,
        error_messages=_required(_("Skriv søkerens fornavn.")),
    )
    family_name = forms.CharField(
        label=_("Etternavn"),
        max_length=100,
        error_messages=_required(_("Skriv søkerens etternavn.")),
    )
    national_id = forms.CharField(
        label=_("Fødselsnummer eller D-nummer"),
        max_length=20,
        help_text=_("11 sifre."),
        error_messages=_required(_("Skriv søkerens fødselsnummer eller D-nummer.")),
    )

    def clean_national_id(self):
        return normalise_national_id(self.cleaned_data["national_id"])


class PersonSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Søk etter person"),
        max_length=100,
        required=False,
        help_text=_(
            "Navn eller fødselsnummer. Du finner bare personer du har tjenstlig behov for."
        ),
    )


class PreliminaryReplyForm(forms.Form):
    """A preliminary reply when the case takes more than a month (forvaltningsloven § 11 a)."""

    reason = forms.CharField(
        label=_("Hvorfor saken tar tid"),
        widget=TEXTAREA,
        max_length=3000,
        error_messages=_required(_("Skriv hvorfor saken tar tid.")),
    )
    expected_decision_on = forms.DateField(
        label=_("Forventet vedtaksdato"),
        widget=DateInput(),
        error_messages={**DATE_ERRORS, "required": _("Skriv når vedtaket er ventet.")},
    )
    sent_on = forms.DateField(
        label=_("Sendt"),
        widget=DateInput(),
        required=False,
        help_text=_("La stå tom for i dag."),
        error_messages=DATE_ERRORS,
    )


class WithdrawForm(forms.Form):
    """The applicant withdraws the application: a note on how and when, and a confirmation
    (the application is closed; services already decided keep their decisions)."""

    note = forms.CharField(
        label=_("Hvordan og når søkeren trakk søknaden"),
        widget=TEXTAREA,
        max_length=3000,
        error_messages=_required(_("Skriv hvordan og når søkeren trakk søknaden.")),
    )
    confirm = forms.BooleanField(
        label=_("Jeg bekrefter at søkeren har trukket søknaden"),
        help_text=_("Søknaden avsluttes. Vedtak som alt er fattet, gjelder fortsatt."),
        error_messages=_required(_("Kryss av for å bekrefte at søknaden er trukket.")),
    )


class GivePlaceForm(forms.Form):
    """The service or place is given from a date: the decision leaves the waiting list
    (helse- og omsorgstjenesteloven § 3-2 a, https://lovdata.no/lov/2011-06-24-30)."""

    served_from = forms.DateField(
        label=_("Tjenesten gis fra"),
        widget=DateInput(),
        error_messages={**DATE_ERRORS, "required": _("Skriv datoen tjenesten gis fra.")},
    )
    confirm = forms.BooleanField(
        label=_("Jeg bekrefter at plassen eller tjenesten er gitt fra denne datoen"),
        help_text=_("Vedtaket tas av ventelisten."),
        error_messages=_required(_("Kryss av for å bekrefte at plassen er gitt.")),
    )


SCORE_CHOICES = [(str(n), str(n)) for n in (1, 2, 3, 4, 5, 9)]


def function_field_name(code: str) -> str:
    return f"funksjon_{code}"


def met_field_name(pk: int) -> str:
    return f"kriterium_{pk}_oppfylt"


def why_field_name(pk: int) -> str:
    return f"kriterium_{pk}_hvorfor"


class AssessmentForm(forms.Form):
    """The assessment of one service applied for, without the combined assessment (that is
    the shared :class:`losen.apps.criteria.forms.CombinedAssessmentForm`, with a prefix)."""

    what_matters = forms.CharField(
        label=_("Hva er viktig for deg?"),
        widget=TEXTAREA,
        max_length=5000,
        required=False,
        help_text=_("Med personens egne ord."),
    )
    user_view = forms.CharField(
        label=_("Personens syn på tjenestetilbudet"),
        widget=SHORT_TEXTAREA,
        max_length=5000,
        required=False,
        help_text=_("Pasient- og brukerrettighetsloven § 3-1: medvirkning."),
    )
    urgency = forms.ChoiceField(
        label=_("Hastegrad"),
        choices=Urgency.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Velg hvor raskt hjelpen trengs."),
            "invalid_choice": _("Velg hvor raskt hjelpen trengs."),
        },
    )
    necessary_help = forms.ChoiceField(
        label=_("Behov for nødvendige helse- og omsorgstjenester"),
        choices=NecessaryHelp.choices,
        widget=forms.RadioSelect,
        help_text=_("Pasient- og brukerrettighetsloven § 2-1 a."),
        error_messages={
            "required": _("Velg om personen har behov for nødvendige tjenester."),
            "invalid_choice": _("Velg om personen har behov for nødvendige tjenester."),
        },
    )
    necessary_help_reasoning = forms.CharField(
        label=_("Begrunnelse for behovet"),
        widget=TEXTAREA,
        max_length=5000,
        error_messages=_required(_("Skriv hvorfor personen har eller ikke har behovet.")),
    )
    forsvarlighet = forms.CharField(
        label=_("Forsvarlighet"),
        widget=TEXTAREA,
        max_length=5000,
        help_text=_("Helse- og omsorgstjenesteloven § 4-1: hvorfor tilbudet er forsvarlig."),
        error_messages=_required(_("Skriv hvorfor tilbudet er forsvarlig.")),
    )
    right_basis = forms.CharField(
        label=_("Rettighet"),
        max_length=300,
        initial="pasient- og brukerrettighetsloven § 2-1 a",
        error_messages=_required(_("Skriv hvilken rettighet loven gir.")),
    )
    alternatives = forms.CharField(
        label=_("Alternativer som er vurdert"),
        widget=TEXTAREA,
        max_length=5000,
        required=False,
        help_text=_(
            "Andre tjenester eller løsninger som ble vurdert, og hvorfor de ikke ble valgt."
        ),
    )

    #: The version the form was opened on (0: none yet); a save on an older one is refused.
    based_on = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)

    def __init__(self, *args, variables, criteria=None, stored=None, **kwargs):
        """*variables*: the function variables (objects with ``code`` and ``label``);
        *criteria*: the allocation criteria in force (or None); *stored*: the current
        assessment version, whose values fill the form."""
        super().__init__(*args, **kwargs)
        self.fields["based_on"].initial = stored.version if stored is not None else 0
        self.variables = list(variables)
        self.criterion_items = list(criteria.items.all()) if criteria is not None else []
        for variable in self.variables:
            self.fields[function_field_name(variable.code)] = forms.ChoiceField(
                label=variable.label,
                choices=SCORE_CHOICES,
                widget=forms.RadioSelect,
                required=False,
                error_messages={"invalid_choice": _("Velg 1–5, eller 9 for ikke relevant.")},
            )
        for item in self.criterion_items:
            self.fields[met_field_name(item.pk)] = forms.ChoiceField(
                label=item.text,
                choices=CriterionMet.choices,
                widget=forms.RadioSelect,
                error_messages={
                    "required": _("Velg om kriteriet er oppfylt."),
                    "invalid_choice": _("Velg om kriteriet er oppfylt."),
                },
            )
            self.fields[why_field_name(item.pk)] = forms.CharField(
                label=_("Hvorfor"),
                widget=SHORT_TEXTAREA,
                max_length=3000,
                error_messages=_required(_("Skriv hvorfor kriteriet er eller ikke er oppfylt.")),
            )
        if stored is not None and not self.is_bound:
            for name in (
                "what_matters",
                "user_view",
                "urgency",
                "necessary_help",
                "necessary_help_reasoning",
                "forsvarlighet",
                "right_basis",
                "alternatives",
            ):
                self.initial[name] = getattr(stored, name)
            for code, score in (stored.function or {}).items():
                self.initial[function_field_name(code)] = str(score)
            for check in stored.criterion_checks.all():
                self.initial[met_field_name(check.criterion_id)] = check.met
                self.initial[why_field_name(check.criterion_id)] = check.why

    def function_rows(self):
        """(variable, bound field) per function variable, for the table of radio groups."""
        return [(v, self[function_field_name(v.code)]) for v in self.variables]

    def function_groups(self, groups):
        """[(group, [(variable, bound field), …]), …] in the catalogue's groups (objects with
        ``code`` and ``label``) and order; variables of no group listed come last, without a
        group (None)."""
        rows = self.function_rows()
        result = []
        for group in groups:
            in_group = [(v, f) for v, f in rows if getattr(v, "group", None) == group.code]
            if in_group:
                result.append((group, in_group))
        listed = {group.code for group in groups}
        rest = [(v, f) for v, f in rows if getattr(v, "group", None) not in listed]
        if rest:
            result.append((None, rest))
        return result

    def criterion_rows(self):
        return [
            (item, self[met_field_name(item.pk)], self[why_field_name(item.pk)])
            for item in self.criterion_items
        ]

    def main_fields(self, *names):
        return [self[name] for name in names]

    def function_scores(self) -> dict[str, int]:
        return {
            v.code: int(self.cleaned_data[function_field_name(v.code)])
            for v in self.variables
            if self.cleaned_data.get(function_field_name(v.code))
        }

    def checks(self) -> list[tuple[int, str, str]]:
        return [
            (
                item.pk,
                self.cleaned_data[met_field_name(item.pk)],
                self.cleaned_data[why_field_name(item.pk)],
            )
            for item in self.criterion_items
        ]

    def assessment_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "function": self.function_scores(),
            "what_matters": data.get("what_matters") or "",
            "user_view": data.get("user_view") or "",
            "urgency": data["urgency"],
            "necessary_help": data["necessary_help"],
            "necessary_help_reasoning": data["necessary_help_reasoning"],
            "forsvarlighet": data["forsvarlighet"],
            "right_basis": data["right_basis"],
            "alternatives": data.get("alternatives") or "",
            "checks": self.checks(),
            "based_on": data.get("based_on"),
        }

    def rebase(self, version: int) -> None:
        """After a refusal for a newer version: the next save is based on *version* (the
        caseworker has now been told what changed)."""
        self.data = self.data.copy()
        self.data[self.add_prefix("based_on")] = str(version)


HOURS_ERRORS = {
    "invalid": _("Skriv et tall, for eksempel 6 eller 2,5."),
    "min_value": _("Timer per uke må være mellom 0 og 168."),
    "max_value": _("Timer per uke må være mellom 0 og 168."),
    "max_digits": _("Timer per uke må være mellom 0 og 168."),
    "max_decimal_places": _("Skriv timer med høyst to desimaler."),
}

#: The draft's fields, in the order of the form, as :func:`services.update_draft` takes them.
DRAFT_FIELDS = (
    "outcome",
    "unit",
    "scope",
    "hours_per_week",
    "valid_from",
    "valid_to",
    "review_on",
    "refused_part",
    "legal_basis",
    "facts",
    "reasons",
    "contact_person",
)


class DraftForm(LockedFormMixin, forms.Form):
    """A decision draft (vedtak, utkast): new from an assessed service, or edited.

    New: facts and main considerations left empty are written from the assessment in plain
    language by the service; edited: they are shown pre-filled and can be changed.
    """

    outcome = forms.ChoiceField(
        label=_("Utfall"),
        choices=Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Velg om søknaden innvilges, delvis innvilges eller avslås."),
            "invalid_choice": _("Velg om søknaden innvilges, delvis innvilges eller avslås."),
        },
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
    scope = forms.CharField(
        label=_("Omfang"),
        max_length=200,
        required=False,
        help_text=_("For eksempel «6 timer per uke» eller «to dager per uke»."),
    )
    hours_per_week = DecimalNumberField(
        label=_("Timer per uke"),
        required=False,
        min_value=0,
        max_value=168,
        max_digits=5,
        decimal_places=2,
        error_messages=HOURS_ERRORS,
    )
    valid_from = forms.DateField(
        label=_("Gjelder fra"), widget=DateInput(), required=False, error_messages=DATE_ERRORS
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
    refused_part = forms.CharField(
        label=_("Det som ikke innvilges"),
        widget=SHORT_TEXTAREA,
        required=False,
        help_text=_("Ved delvis innvilgelse eller avslag: hva som ikke innvilges, og hvorfor."),
    )
    legal_basis = forms.CharField(
        label=_("Hjemmel"), max_length=300, required=False, initial=DEFAULT_LEGAL_BASIS
    )
    facts = forms.CharField(
        label=_("Faktiske forhold"),
        widget=TEXTAREA,
        required=False,
        help_text=_("Forvaltningsloven § 25 andre ledd. Tom: skrives ut fra vurderingen."),
    )
    reasons = forms.CharField(
        label=_("Hovedhensyn"),
        widget=TEXTAREA,
        required=False,
        help_text=_("Forvaltningsloven § 25 tredje ledd. Tom: skrives ut fra vurderingen."),
    )
    contact_person = forms.CharField(label=_("Kontaktperson"), max_length=200, required=False)

    def __init__(self, *args, municipality, decision=None, service=None, **kwargs):
        if decision is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                name: (decision.unit_id if name == "unit" else getattr(decision, name))
                for name in DRAFT_FIELDS
            }
        super().__init__(*args, lock_record=decision, **kwargs)
        if decision is None and service:
            from .services.drafting import legal_basis_for

            # The legal basis of the service applied for, not the general one.
            self.fields["legal_basis"].initial = legal_basis_for(service)
        self.fields["unit"].queryset = Unit.objects.filter(municipality=municipality).order_by(
            "name"
        )
        if decision is None:
            del self.fields["lock_version"]
            del self.fields["lock_values"]

    def tracked_values(self, record) -> dict[str, object]:
        return {
            name: (record.unit_id if name == "unit" else getattr(record, name))
            for name in DRAFT_FIELDS
        }

    def draft_kwargs(self, *, new: bool) -> dict:
        data = {name: self.cleaned_data.get(name) for name in DRAFT_FIELDS}
        for name in ("scope", "refused_part", "contact_person", "legal_basis", "facts", "reasons"):
            data[name] = (data[name] or "").strip()
        if new:
            for name in ("legal_basis", "facts", "reasons"):
                if not data[name]:
                    data[name] = None
        return data


class IssueForm(forms.Form):
    """Issue (fatte) a draft: the reason for departing from like cases, when it departs."""

    like_case_reason = forms.CharField(
        label=_("Begrunnelse for avvik fra like saker"),
        widget=TEXTAREA,
        max_length=5000,
        required=False,
        help_text=_("Kreves når utfallet eller omfanget avviker fra lignende saker."),
    )
    notified_on = forms.DateField(
        label=_("Sendt til parten"),
        widget=DateInput(),
        required=False,
        help_text=_("La stå tom hvis vedtaket ikke er sendt ennå."),
        error_messages=DATE_ERRORS,
    )
    on_waiting_list = forms.BooleanField(
        label=_("Sett på venteliste"),
        required=False,
        help_text=_(
            "Når tjenesten er innvilget, men ikke kan gis ennå. Langtidsopphold settes alltid "
            "på venteliste til plassen er gitt (helse- og omsorgstjenesteloven § 3-2 a)."
        ),
    )


class ComplaintForm(forms.Form):
    received_on = forms.DateField(
        label=_("Klagen mottatt"),
        widget=DateInput(),
        error_messages={**DATE_ERRORS, "required": _("Skriv datoen klagen ble mottatt.")},
    )
    from_whom = forms.CharField(
        label=_("Klager"),
        max_length=200,
        help_text=_("Parten selv, eller navnet på verge, fullmektig eller pårørende."),
        error_messages=_required(_("Skriv hvem som klager.")),
    )
    summary = forms.CharField(
        label=_("Hva klagen gjelder"),
        widget=TEXTAREA,
        max_length=5000,
        error_messages=_required(_("Skriv kort hva klagen gjelder.")),
    )
    late_reason = forms.CharField(
        label=_("Hvorfor klagen tas opp likevel"),
        widget=SHORT_TEXTAREA,
        max_length=3000,
        required=False,
        help_text=_(
            "Bare når klagen kom etter fristen og likevel tas opp (forvaltningsloven § 31)."
        ),
    )


class ComplaintReviewForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Kommunens vurdering"),
        choices=ReviewOutcome.choices,
        widget=forms.RadioSelect,
        help_text=_("Forvaltningsloven § 33: kommunen vurderer klagen før den sendes videre."),
        error_messages={
            "required": _("Velg utfallet av kommunens vurdering."),
            "invalid_choice": _("Velg utfallet av kommunens vurdering."),
        },
    )
    reasons = forms.CharField(
        label=_("Begrunnelse for vurderingen"),
        widget=TEXTAREA,
        max_length=5000,
        error_messages=_required(_("Skriv begrunnelsen for vurderingen.")),
    )
    reviewed_on = forms.DateField(
        label=_("Vurdert"),
        widget=DateInput(),
        error_messages={**DATE_ERRORS, "required": _("Skriv datoen klagen ble vurdert.")},
    )


class ComplaintRejectForm(forms.Form):
    reasons = forms.CharField(
        label=_("Hvorfor klagen avvises"),
        widget=TEXTAREA,
        max_length=5000,
        error_messages=_required(_("Skriv hvorfor klagen avvises.")),
    )


class ComplaintForwardForm(forms.Form):
    forwarded_on = forms.DateField(
        label=_("Sendt til Statsforvalteren"),
        widget=DateInput(),
        error_messages={**DATE_ERRORS, "required": _("Skriv datoen klagen ble sendt.")},
    )


class AuthorityOutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Statsforvalterens avgjørelse"),
        choices=AuthorityOutcome.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Velg Statsforvalterens avgjørelse."),
            "invalid_choice": _("Velg Statsforvalterens avgjørelse."),
        },
    )
    decided_on = forms.DateField(
        label=_("Statsforvalteren avgjorde"),
        widget=DateInput(),
        error_messages={**DATE_ERRORS, "required": _("Skriv datoen for avgjørelsen.")},
    )
    note = forms.CharField(
        label=_("Merknad om avgjørelsen"), widget=SHORT_TEXTAREA, max_length=3000, required=False
    )


class AllocationCriteriaForm(forms.Form):
    """A new version of the allocation criteria for one service (tildelingskriterier)."""

    title = forms.CharField(
        label=_("Tittel"),
        max_length=200,
        error_messages=_required(_("Skriv en tittel.")),
    )
    introduction = forms.CharField(
        label=_("Innledning"), widget=SHORT_TEXTAREA, max_length=5000, required=False
    )
    regulation = forms.CharField(
        label=_("Lokal forskrift"),
        max_length=300,
        required=False,
        help_text=_(
            "For langtidsopphold: kommunens forskrift etter helse- og omsorgstjenesteloven "
            "§ 3-2 a, med navn og lenke."
        ),
    )
    valid_from = forms.DateField(
        label=_("Gjelder fra"),
        widget=DateInput(),
        error_messages={**DATE_ERRORS, "required": _("Skriv datoen kriteriene gjelder fra.")},
    )
    items = forms.CharField(
        label=_("Kriterier"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=20000,
        help_text=_("Ett kriterium per linje."),
        error_messages=_required(_("Skriv minst ett kriterium.")),
    )

    def criteria_items(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["items"].splitlines() if line.strip()]
