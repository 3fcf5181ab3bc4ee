"""The clinician's records: assessments, measurements, safety notices, care plans, catalogue.

Every record belongs to a person and is read only after
:func:`losen.apps.persons.access.access_person_for_user` has let the user see that person (and
written the read to the audit log). Scores, bands, flags and pathway suggestions are computed by
the pure domain (:mod:`losen.domain.instruments`, :mod:`losen.domain.pathways`,
:mod:`losen.domain.careplan`); the models only keep what was computed, with the version of the
definition or table it came from, so that every number stays explainable.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import OuterRef, Prefetch, Subquery
from django.utils.translation import gettext_lazy as _

from losen.apps.common.locking import Versioned


class InterventionKind(models.TextChoices):
    """The kinds of offer the guideline names for stepped and mixed care (rec. 3)."""

    LOW_THRESHOLD = "low-threshold", _("Lavterskeltilbud")
    GROUP = "group", _("Gruppetilbud")
    INDIVIDUAL = "individual", _("Individuell behandling")
    DIGITAL = "digital", _("Digital selvhjelp")
    HARM_REDUCTION = "harm-reduction", _("Skadereduksjon")
    HOUSING = "housing", _("Booppfølging")
    FACT_ACT = "fact-act", _("FACT/ACT i samarbeid")


class Intervention(models.Model):
    """One offer in a municipality's catalogue."""

    external_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    municipality = models.ForeignKey(
        "accounts.Municipality", on_delete=models.CASCADE, related_name="interventions"
    )
    code = models.SlugField(_("kode"), max_length=50)
    name = models.CharField(_("navn"), max_length=200)
    kind = models.CharField(_("type"), max_length=20, choices=InterventionKind.choices)
    pathway = models.PositiveSmallIntegerField(_("typisk hovedforløp"), default=1)
    description = models.TextField(_("beskrivelse"), blank=True)
    is_active = models.BooleanField(_("i bruk"), default=True)

    class Meta:
        verbose_name = _("tiltak")
        verbose_name_plural = _("tiltak")
        ordering = ["pathway", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "code"], name="clinical_intervention_code_unique"
            )
        ]

    def __str__(self) -> str:
        return self.code


class ClinicalPolicy(models.Model):
    """A municipality's settings for stepped care (defaults from the domain when absent)."""

    municipality = models.OneToOneField(
        "accounts.Municipality", on_delete=models.CASCADE, related_name="clinical_policy"
    )
    review_after_days = models.PositiveSmallIntegerField(_("dager før vurdering av opptrapping"))
    reliable_change_points = models.JSONField(
        _("pålitelig endring per instrument"), default=dict, blank=True
    )

    class Meta:
        verbose_name = _("innstillinger for trinnvis omsorg")
        verbose_name_plural = _("innstillinger for trinnvis omsorg")

    def __str__(self) -> str:
        return f"clinical policy {self.municipality_id}"


class RiskLevel(models.TextChoices):
    """Risk as the pathway table grades it, plus an explicit "not assessed"."""

    NONE = "none", _("Vurdert, ingen kjent risiko")
    ELEVATED = "elevated", _("Forhøyet")
    HIGH = "high", _("Høy")
    ACUTE = "acute", _("Akutt")
    NOT_ASSESSED = "not-assessed", _("Ikke vurdert (begrunn)")


class NoticeLevel(models.TextChoices):
    """How urgent a safety notice is, from the rule that raised it (docs/reference/pathways.md).

    ``akutt``: follow up the same day; ``snarlig``: within days; ``rutine``: at the next
    ordinary contact. The values are a contract (stored, exported in the audit details).
    """

    ACUTE = "akutt", _("Akutt")
    SOON = "snarlig", _("Snarlig")
    ROUTINE = "rutine", _("Rutine")


#: Most urgent first: the order notices are listed in.
NOTICE_LEVEL_ORDER = (NoticeLevel.ACUTE, NoticeLevel.SOON, NoticeLevel.ROUTINE)


def urgency_rank(level: str) -> int:
    """0 for ``akutt``, 1 for ``snarlig``, 2 for ``rutine`` (unknown values last)."""
    values = [str(value) for value in NOTICE_LEVEL_ORDER]
    return values.index(level) if level in values else len(values)


#: The order that puts an assessment's choice in force first.
LATEST_CHOICE_FIRST = ("-chosen_at", "-pk")


class AssessmentQuerySet(models.QuerySet):
    def with_latest_choice(self) -> AssessmentQuerySet:
        """Fetch each assessment's latest :class:`PathwayChoice` in one extra query (no N+1).

        :attr:`Assessment.latest_choice` then reads the prefetched row.
        """
        latest = PathwayChoice.objects.filter(
            pk=Subquery(
                PathwayChoice.objects.filter(assessment=OuterRef("assessment"))
                .order_by(*LATEST_CHOICE_FIRST)
                .values("pk")[:1]
            )
        ).select_related("chosen_by")
        return self.prefetch_related(
            Prefetch("choices", queryset=latest, to_attr="_latest_choices")
        )


class Assessment(Versioned):
    """A kartlegging of one person's need for help, with risk screening and pathway suggestion.

    The clinician's choices are :class:`PathwayChoice` rows, the only record of them;
    :attr:`latest_choice` is the one in force.
    """

    external_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    municipality = models.ForeignKey(
        "accounts.Municipality", on_delete=models.CASCADE, related_name="assessments"
    )
    person = models.ForeignKey(
        "persons.Person", on_delete=models.CASCADE, related_name="assessments"
    )
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    assessed_on = models.DateField(_("dato"))
    reason_for_contact = models.TextField(_("årsak til kontakt"))
    life_areas = models.JSONField(_("livsområder"), default=dict)
    function_text = models.TextField(_("funksjon med personens egne ord"), blank=True)
    function_scale = models.PositiveSmallIntegerField(_("funksjon (0–10)"), null=True)
    coping_text = models.TextField(_("mestring med personens egne ord"), blank=True)
    coping_scale = models.PositiveSmallIntegerField(_("mestring (0–10)"), null=True)
    quality_of_life_text = models.TextField(_("livskvalitet med personens egne ord"), blank=True)
    quality_of_life_scale = models.PositiveSmallIntegerField(_("livskvalitet (0–10)"), null=True)
    goals = models.TextField(_("personens mål"))
    risk_suicide = models.CharField(max_length=20, choices=RiskLevel.choices)
    risk_suicide_reason = models.TextField(blank=True)
    risk_violence = models.CharField(max_length=20, choices=RiskLevel.choices)
    risk_violence_reason = models.TextField(blank=True)
    risk_overdose = models.CharField(max_length=20, choices=RiskLevel.choices)
    risk_overdose_reason = models.TextField(blank=True)
    confirmation_reason = models.TextField(
        _("begrunnelse for vurderingen der verktøyene peker mot høyere risiko"), blank=True
    )
    pathway_inputs = models.JSONField(default=dict)
    suggestion = models.JSONField(default=dict)
    suggested_pathway = models.PositiveSmallIntegerField()
    suggested_specialist = models.CharField(max_length=20)
    table_version = models.CharField(max_length=40)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("kartlegging")
        verbose_name_plural = _("kartlegginger")
        ordering = ["-assessed_on", "-created_at"]

    def __str__(self) -> str:
        return f"assessment {self.external_id}"

    @property
    def latest_choice(self) -> PathwayChoice | None:
        """The choice in force: the latest by ``chosen_at`` (then by row), or ``None``.

        Read from :meth:`AssessmentQuerySet.with_latest_choice` when the assessment was
        fetched that way, otherwise with one query, kept for the object's lifetime.
        """
        try:
            latest = self._latest_choices
        except AttributeError:
            latest = self._latest_choices = list(
                self.choices.select_related("chosen_by").order_by(*LATEST_CHOICE_FIRST)[:1]
            )
        return latest[0] if latest else None

    def remember_latest_choice(self, choice: PathwayChoice) -> None:
        """Make *choice* (just recorded) the object's :attr:`latest_choice` without a query."""
        self._latest_choices = [choice]

    def refresh_from_db(self, *args, **kwargs) -> None:
        self.__dict__.pop("_latest_choices", None)
        super().refresh_from_db(*args, **kwargs)


class PathwayChoice(models.Model):
    """One choice of pathway on an assessment, with its deviation note; never overwritten.

    These rows are the only record of the clinician's choices: the latest is the one in force
    (:attr:`Assessment.latest_choice`), and every earlier one is kept with its note
    (journalforskriften § 6 g: the grounds for a deviation stay with the record).
    """

    external_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    municipality = models.ForeignKey(
        "accounts.Municipality", on_delete=models.CASCADE, related_name="pathway_choices"
    )
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="choices")
    chosen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    chosen_at = models.DateTimeField()
    pathway = models.PositiveSmallIntegerField()
    specialist = models.CharField(max_length=20)
    deviation_recommendation = models.CharField(max_length=40, blank=True)
    deviation_reason = models.TextField(blank=True)

    class Meta:
        verbose_name = _("valg av hovedforløp")
        verbose_name_plural = _("valg av hovedforløp")
        ordering = ["chosen_at", "pk"]

    def __str__(self) -> str:
        return f"pathway choice {self.external_id}"

    @property
    def is_deviation(self) -> bool:
        return bool(self.deviation_recommendation)

    @property
    def has_note(self) -> bool:
        """A deviation note, or the optional reason of a more intensive choice."""
        return bool(self.deviation_recommendation or self.deviation_reason)


class Measurement(models.Model):
    """One administration of an instrument, scored by the domain engine."""

    external_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    municipality = models.ForeignKey(
        "accounts.Municipality", on_delete=models.CASCADE, related_name="measurements"
    )
    person = models.ForeignKey(
        "persons.Person", on_delete=models.CASCADE, related_name="measurements"
    )
    assessment = models.ForeignKey(
        Assessment, on_delete=models.SET_NULL, null=True, related_name="measurements"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    instrument_id = models.CharField(max_length=40)
    instrument_version = models.CharField(max_length=20)
    taken_on = models.DateField(_("dato"))
    sex = models.CharField(max_length=10, blank=True)
    answers = models.JSONField()
    total = models.IntegerField()
    band = models.CharField(max_length=40)
    band_label = models.CharField(max_length=100)
    positive_screen = models.BooleanField(null=True)
    flags = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("måling")
        verbose_name_plural = _("målinger")
        ordering = ["taken_on", "created_at"]

    def __str__(self) -> str:
        return f"measurement {self.external_id}"


class SafetyNotice(models.Model):
    """A positive risk screen or instrument flag, shown on the person's page until acknowledged.

    It cannot be silenced without a reason, and the reason and who gave it are kept: a risk
    item such as PHQ-9 item 9 calls for a suicide-risk assessment whatever the total
    (Kroenke, Spitzer & Williams 2001), and what was done must be in the record
    (pasientjournalforskriften § 6, https://lovdata.no/forskrift/2019-03-01-168).
    """

    external_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    municipality = models.ForeignKey(
        "accounts.Municipality", on_delete=models.CASCADE, related_name="safety_notices"
    )
    person = models.ForeignKey(
        "persons.Person", on_delete=models.CASCADE, related_name="safety_notices"
    )
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, null=True)
    measurement = models.ForeignKey(Measurement, on_delete=models.CASCADE, null=True)
    code = models.CharField(max_length=60)
    level = models.CharField(
        _("hastegrad"), max_length=10, choices=NoticeLevel.choices, default=NoticeLevel.SOON
    )
    item = models.PositiveSmallIntegerField(null=True)
    message = models.TextField()
    recommendation = models.CharField(max_length=40, blank=True)
    raised_at = models.DateTimeField(auto_now_add=True)
    acknowledged_at = models.DateTimeField(null=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    acknowledgement = models.TextField(blank=True)

    class Meta:
        verbose_name = _("sikkerhetsvarsel")
        verbose_name_plural = _("sikkerhetsvarsler")
        ordering = ["-raised_at"]

    def __str__(self) -> str:
        return f"notice {self.external_id}"

    @property
    def urgency(self) -> int:
        """Sort key: 0 for the most urgent level."""
        return urgency_rank(self.level)

    @property
    def is_acute(self) -> bool:
        return self.level == NoticeLevel.ACUTE


class PlanItem(models.Model):
    """One intervention in a person's care plan; several may run at once (mixed care)."""

    external_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    municipality = models.ForeignKey(
        "accounts.Municipality", on_delete=models.CASCADE, related_name="plan_items"
    )
    person = models.ForeignKey(
        "persons.Person", on_delete=models.CASCADE, related_name="plan_items"
    )
    intervention = models.ForeignKey(
        Intervention, on_delete=models.RESTRICT, related_name="plan_items"
    )
    started_on = models.DateField(_("startdato"))
    ended_on = models.DateField(_("sluttdato"), null=True)
    goal = models.TextField(_("mål for tiltaket"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("tiltak i plan")
        verbose_name_plural = _("tiltak i plan")
        ordering = ["started_on", "created_at"]

    def __str__(self) -> str:
        return f"plan item {self.external_id}"
