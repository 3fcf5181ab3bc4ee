"""Applications (søknader), the municipality's allocation criteria, and the assessments.

An :class:`Application` asks for one or more services (:class:`AppliedService`); each service
applied for is assessed (:class:`ServiceAssessment`, every save a new version, so the history is
kept) and decided by one :class:`~losen.apps.cases.models.decisions.ServiceDecision`.

The assessment keeps the combined assessment of nytte, ressurs and alvorlighet in the shared
criteria model (:mod:`losen.domain.criteria.storage`), the same model the leaders and the
clinicians use (Helsedirektoratet, «Prioriteringer i kommunale helse- og omsorgstjenester»,
the recommendation to caseworkers:
https://www.helsedirektoratet.no/veiledere/prioriteringer-i-kommunale-helse-og-omsorgstjenester).

The criteria a municipality applies to each service (:class:`AllocationCriteria`, tildelings-
kriterier; for long-term places the local regulation under helse- og omsorgstjenesteloven
§ 3-2 a) are versioned data a leader edits: an assessment records the version in force and, per
criterion, whether it is met and why (:class:`CriterionCheck`).

Everything here except the allocation criteria is personal data: read it through
:mod:`losen.apps.cases.access`.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from losen.apps.common.locking import Versioned

from .decisions import DEFAULT_COMPLAINT_WEEKS, ServiceKind


class Channel(models.TextChoices):
    """How an application came in. The codes are a contract."""

    DIGITAL = "digital", _("Digitalt skjema")
    PAPIR = "papir", _("Brev eller papirskjema")
    TELEFON = "telefon", _("Telefon")
    MOTE = "mote", _("Møte eller samtale")
    HENVISNING = "henvisning", _("Henvisning fra fastlege, sykehus eller annen tjeneste")
    ANNET = "annet", _("Annet")


class RepresentativeKind(models.TextChoices):
    """Who acts for the applicant, if anyone. The codes are a contract."""

    INGEN = "", _("Ingen")
    VERGE = "verge", _("Verge")
    FULLMEKTIG = "fullmektig", _("Fullmektig")
    PARORENDE = "parorende", _("Pårørende")


class ApplicationStatus(models.TextChoices):
    """Where an application stands. The codes are a contract."""

    MOTTATT = "mottatt", _("Mottatt")
    UNDER_BEHANDLING = "under-behandling", _("Under behandling")
    AVGJORT = "avgjort", _("Avgjort")
    TRUKKET = "trukket", _("Trukket")


class LetterLanguage(models.TextChoices):
    """The written standard the applicant asks for (språklova). The codes are a contract."""

    NB = "nb", _("Bokmål")
    NN = "nn", _("Nynorsk")


class Urgency(models.TextChoices):
    """How soon help is needed (hastegrad); orders the waiting list first. A contract."""

    AKUTT = "akutt", _("Akutt")
    DAGER = "innen-dager", _("Innen dager")
    UKER = "innen-uker", _("Innen uker")
    PLANLEGGES = "kan-planlegges", _("Kan planlegges")


class NecessaryHelp(models.TextChoices):
    """The legal test: does the person need the help (pasient- og brukerrettighetsloven § 2-1 a)?"""

    JA = "ja", _("Ja, har behov for nødvendige helse- og omsorgstjenester")
    DELVIS = "delvis", _("Delvis")
    NEI = "nei", _("Nei")


class CriterionMet(models.TextChoices):
    """Whether one of the municipality's allocation criteria is met. A contract."""

    OPPFYLT = "oppfylt", _("Oppfylt")
    DELVIS = "delvis", _("Delvis oppfylt")
    IKKE_OPPFYLT = "ikke-oppfylt", _("Ikke oppfylt")
    IKKE_RELEVANT = "ikke-relevant", _("Ikke relevant")


class CaseworkSettings(models.Model):
    """A municipality's settings for its allocation office (tildelingskontor)."""

    municipality = models.OneToOneField(
        "accounts.Municipality", on_delete=models.CASCADE, related_name="casework_settings"
    )
    office_name = models.CharField(
        _("tildelingskontorets navn"), max_length=200, default="Tildelingskontoret"
    )
    complaint_weeks = models.PositiveSmallIntegerField(
        _("klagefrist i uker"),
        default=DEFAULT_COMPLAINT_WEEKS,
        help_text=_("Pasient- og brukerrettighetsloven § 7-2: fire uker."),
    )
    complaint_to = models.CharField(
        _("klagen sendes til"), max_length=300, blank=True, help_text=_("Adresse for klager.")
    )
    decision_within_days = models.PositiveSmallIntegerField(
        _("forventet saksbehandlingstid i dager"),
        default=28,
        help_text=_("Brukes for forventet vedtaksdato når saken registreres."),
    )

    class Meta:
        verbose_name = _("innstillinger for tildeling")
        verbose_name_plural = _("innstillinger for tildeling")

    def __str__(self) -> str:
        return f"casework settings {self.municipality_id}"


class Application(Versioned):
    """One application (søknad or henvendelse) from one person for one or more services."""

    external_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    municipality = models.ForeignKey(
        "accounts.Municipality", on_delete=models.CASCADE, related_name="applications"
    )
    person = models.ForeignKey(
        "persons.Person",
        on_delete=models.CASCADE,
        related_name="applications",
        verbose_name=_("søker"),
    )
    reference = models.CharField(
        _("saksnummer"), max_length=40, help_text=_("For eksempel 2026/1234.")
    )
    received_on = models.DateField(_("mottatt"))
    channel = models.CharField(_("kom inn som"), max_length=20, choices=Channel.choices)
    in_own_words = models.TextField(
        _("hva det søkes om, med søkerens egne ord"),
        help_text=_("Skriv det søkeren ber om slik søkeren sa eller skrev det."),
    )
    representative_kind = models.CharField(
        _("representant"), max_length=20, choices=RepresentativeKind.choices, blank=True
    )
    representative_name = models.CharField(_("representantens navn"), max_length=200, blank=True)
    representative_contact = models.CharField(
        _("representantens kontaktinformasjon"), max_length=300, blank=True
    )
    postal_address = models.TextField(
        _("postadresse for brev"), blank=True, help_text=_("Adressen brevene sendes til.")
    )
    letter_language = models.CharField(
        _("målform i brev"),
        max_length=2,
        choices=LetterLanguage.choices,
        default=LetterLanguage.NB,
        help_text=_("Bokmål eller nynorsk, slik søkeren ønsker."),
    )
    caseworker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("saksbehandler"),
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.MOTTATT,
    )
    expected_decision_on = models.DateField(_("forventet vedtaksdato"), null=True, blank=True)
    preliminary_reply_on = models.DateField(
        _("foreløpig svar sendt"),
        null=True,
        blank=True,
        help_text=_("Forvaltningsloven § 11 a: når saken tar mer enn en måned."),
    )
    preliminary_reply_reason = models.TextField(
        _("hvorfor saken tar tid"), blank=True, help_text=_("Står i det foreløpige svaret.")
    )
    closed_on = models.DateField(_("avsluttet"), null=True, blank=True)
    closed_note = models.TextField(
        _("merknad ved avslutning"),
        blank=True,
        help_text=_("For eksempel hvordan og når søkeren trakk søknaden."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("søknad")
        verbose_name_plural = _("søknader")
        ordering = ["-received_on", "reference"]
        indexes = [
            models.Index(fields=["municipality", "status"], name="cases_application_status"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "reference"], name="cases_application_reference_unique"
            ),
        ]

    def __str__(self) -> str:
        # No name: str() ends up in logs and admin messages.
        return f"søknad {self.external_id}"


class AppliedService(models.Model):
    """One service an application asks for; assessed and decided on its own."""

    external_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="services")
    service = models.CharField(_("tjeneste"), max_length=40, choices=ServiceKind.choices)
    requested_scope = models.CharField(
        _("omfang det søkes om"), max_length=200, blank=True, help_text=_("Hvis søknaden sier det.")
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("tjeneste det søkes om")
        verbose_name_plural = _("tjenester det søkes om")
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "service"], name="cases_applied_service_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service} ({self.application_id})"

    @property
    def current_assessment(self) -> ServiceAssessment | None:
        return self.assessments.order_by("-version").first()


class AllocationCriteria(models.Model):
    """One version of the municipality's allocation criteria for one service.

    Versions are never edited once another version follows; a new version is a new row with
    its own criteria. In force on a day when ``valid_from <= day`` and ``valid_to`` is empty or
    not before it; the newest version in force wins.
    """

    external_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    municipality = models.ForeignKey(
        "accounts.Municipality", on_delete=models.CASCADE, related_name="allocation_criteria"
    )
    service = models.CharField(_("tjeneste"), max_length=40, choices=ServiceKind.choices)
    version = models.PositiveIntegerField(_("versjon"), default=1)
    title = models.CharField(_("tittel"), max_length=200)
    introduction = models.TextField(_("innledning"), blank=True)
    regulation = models.CharField(
        _("lokal forskrift"),
        max_length=300,
        blank=True,
        help_text=_(
            "For langtidsopphold: kommunens forskrift etter helse- og omsorgstjenesteloven "
            "§ 3-2 a, med navn og lenke."
        ),
    )
    valid_from = models.DateField(_("gjelder fra"))
    valid_to = models.DateField(_("gjelder til"), null=True, blank=True)
    is_published = models.BooleanField(_("publisert"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("tildelingskriterier")
        verbose_name_plural = _("tildelingskriterier")
        ordering = ["service", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "service", "version"],
                name="cases_allocation_criteria_version_unique",
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
                name="cases_allocation_criteria_valid_to_after_from",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service} v{self.version}"


class AllocationCriterion(models.Model):
    """One criterion of one version of the allocation criteria."""

    criteria = models.ForeignKey(AllocationCriteria, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField(default=0)
    text = models.TextField(_("kriterium"), max_length=2000)

    class Meta:
        verbose_name = _("tildelingskriterium")
        verbose_name_plural = _("tildelingskriterier")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return f"criterion {self.pk}"


class ServiceAssessment(models.Model):
    """One version of the assessment of one service applied for; never changed once saved.

    Saving the assessment again writes a new row with the next ``version``, so the history of
    how the case was assessed is kept and a decision points to the version it rests on.
    """

    external_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    applied_service = models.ForeignKey(
        AppliedService, on_delete=models.CASCADE, related_name="assessments"
    )
    version = models.PositiveIntegerField(_("versjon"))
    #: ``{variable code: 1–5 or 9}`` on the KPR/IPLOS function variables
    #: (:mod:`losen.domain.casework.function`).
    function = models.JSONField(_("funksjonsvurdering"), default=dict, blank=True)
    what_matters = models.TextField(
        _("hva er viktig for deg?"), blank=True, help_text=_("Med personens egne ord.")
    )
    user_view = models.TextField(
        _("personens syn på tjenestetilbudet"),
        blank=True,
        help_text=_("Pasient- og brukerrettighetsloven § 3-1: medvirkning."),
    )
    #: The combined assessment of nytte, ressurs and alvorlighet as
    #: :func:`losen.domain.criteria.storage.to_data` writes it.
    combined = models.JSONField(_("samlet vurdering"), default=dict, blank=True)
    urgency = models.CharField(_("hastegrad"), max_length=20, choices=Urgency.choices)
    necessary_help = models.CharField(
        _("behov for nødvendige helse- og omsorgstjenester"),
        max_length=10,
        choices=NecessaryHelp.choices,
    )
    necessary_help_reasoning = models.TextField(_("begrunnelse for behovet"))
    forsvarlighet = models.TextField(
        _("forsvarlighet"),
        help_text=_("Helse- og omsorgstjenesteloven § 4-1: hvorfor tilbudet er forsvarlig."),
    )
    right_basis = models.CharField(
        _("rettighet"),
        max_length=300,
        default="pasient- og brukerrettighetsloven § 2-1 a",
        help_text=_(
            "Rettigheten loven gir, for eksempel pasient- og brukerrettighetsloven § 2-1 a."
        ),
    )
    alternatives = models.TextField(
        _("alternativer som er vurdert"),
        blank=True,
        help_text=_(
            "Andre tjenester eller løsninger som ble vurdert, og hvorfor de ikke ble valgt."
        ),
    )
    criteria = models.ForeignKey(
        AllocationCriteria,
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="assessments",
        verbose_name=_("tildelingskriterier som gjaldt"),
    )
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    assessed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("vurdering")
        verbose_name_plural = _("vurderinger")
        ordering = ["applied_service", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["applied_service", "version"], name="cases_assessment_version_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"vurdering {self.external_id} v{self.version}"


class CriterionCheck(models.Model):
    """Whether one allocation criterion is met in one assessment, and why."""

    assessment = models.ForeignKey(
        ServiceAssessment, on_delete=models.CASCADE, related_name="criterion_checks"
    )
    criterion = models.ForeignKey(
        AllocationCriterion, on_delete=models.RESTRICT, related_name="checks"
    )
    met = models.CharField(_("oppfylt"), max_length=20, choices=CriterionMet.choices)
    why = models.TextField(_("hvorfor"))

    class Meta:
        verbose_name = _("vurdering av kriterium")
        verbose_name_plural = _("vurderinger av kriterier")
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "criterion"], name="cases_criterion_check_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.criterion_id}: {self.met}"
