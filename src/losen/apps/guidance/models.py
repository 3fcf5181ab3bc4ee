"""Self-assessments against a guideline, their point-by-point answers, local guideline files
and improvement actions. Every row belongs to a municipality; the rules (the close rule, the
register, the cycle) are in :mod:`losen.domain.guidance`.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PointStatus(models.TextChoices):
    """The status of one check point (the codes are the domain's)."""

    OPPFYLT = "oppfylt", _("Oppfylt")
    DELVIS = "delvis", _("Delvis oppfylt")
    IKKE_OPPFYLT = "ikke-oppfylt", _("Ikke oppfylt")
    IKKE_RELEVANT = "ikke-relevant", _("Ikke relevant")


class ReasonGroup(models.TextChoices):
    """Why a recommendation is not fully followed (the register groups by these)."""

    KAPASITET = "kapasitet", _("Kapasitet og ventetid")
    KOMPETANSE = "kompetanse", _("Kompetanse og bemanning")
    OKONOMI = "okonomi", _("Økonomi")
    GEOGRAFI = "geografi", _("Avstander og geografi")
    SAMARBEID = "samarbeid", _("Samarbeid med andre tjenester")
    BRUKERENS_ONSKE = "brukerens-onske", _("Brukernes ønsker")
    FAGLIG_VURDERING = "faglig-vurdering", _("Faglig vurdering")
    ANNET = "annet", _("Annet")


class ActionStatus(models.TextChoices):
    """Plan → do → evaluate → correct, then done (:mod:`losen.domain.guidance.improvement`)."""

    PLAN = "plan", _("Planlegges")
    DO = "do", _("Gjennomføres")
    EVALUATE = "evaluate", _("Evalueres")
    CORRECT = "correct", _("Korrigeres")
    DONE = "done", _("Fullført")


class LocalGuideline(models.Model):
    """A municipality's own recommendations, in the national file format (validated)."""

    external_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    municipality = models.ForeignKey(
        "accounts.Municipality", on_delete=models.CASCADE, related_name="local_guidelines"
    )
    guideline_id = models.SlugField(max_length=40)
    title = models.CharField(max_length=200)
    version = models.DateField()
    content = models.JSONField()
    imported_at = models.DateTimeField()
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("lokal veileder")
        verbose_name_plural = _("lokale veiledere")
        ordering = ["guideline_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "guideline_id"], name="guidance_local_id_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.guideline_id} {self.version}"


class SelfAssessment(models.Model):
    """One assessment of a unit (or the whole municipality) against one guideline version.

    The guideline file is copied in (``guideline_data``) when the assessment starts, so a later
    version of the guideline does not change what was assessed.
    """

    external_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    municipality = models.ForeignKey(
        "accounts.Municipality", on_delete=models.CASCADE, related_name="self_assessments"
    )
    unit = models.ForeignKey(
        "accounts.Unit",
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="self_assessments",
        verbose_name=_("enhet"),
    )
    guideline_id = models.SlugField(max_length=40)
    guideline_title = models.CharField(max_length=200)
    guideline_version = models.CharField(max_length=20)
    guideline_data = models.JSONField()
    title = models.CharField(_("tittel"), max_length=200)
    previous = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    started_at = models.DateTimeField()
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("egenvurdering")
        verbose_name_plural = _("egenvurderinger")
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        return f"self-assessment {self.external_id}"

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None


class PointAssessment(models.Model):
    """The assessment of one check point: status, evidence, and the documented alternative."""

    external_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    municipality = models.ForeignKey(
        "accounts.Municipality", on_delete=models.CASCADE, related_name="+"
    )
    assessment = models.ForeignKey(SelfAssessment, on_delete=models.CASCADE, related_name="points")
    position = models.PositiveSmallIntegerField()
    recommendation_id = models.CharField(max_length=40)
    point_id = models.CharField(max_length=40)
    strength = models.CharField(max_length=4)
    status = models.CharField(max_length=20, choices=PointStatus.choices, blank=True)
    evidence = models.TextField(_("dokumentasjon"), blank=True)
    links = models.TextField(_("lenker"), blank=True)
    alternative = models.TextField(_("forsvarlig alternativ"), blank=True)
    reason_group = models.CharField(max_length=20, choices=ReasonGroup.choices, blank=True)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    assessed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("vurdert punkt")
        verbose_name_plural = _("vurderte punkter")
        ordering = ["assessment", "position"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "point_id"], name="guidance_point_once")
        ]

    def __str__(self) -> str:
        return f"{self.point_id} {self.status or '-'}"

    @property
    def link_list(self) -> list[str]:
        return [line.strip() for line in self.links.splitlines() if line.strip()]


class ImprovementAction(models.Model):
    """A gap turned into an action: owner, deadline, phase, and the recommendation it serves."""

    external_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    municipality = models.ForeignKey(
        "accounts.Municipality", on_delete=models.CASCADE, related_name="improvement_actions"
    )
    point = models.ForeignKey(
        PointAssessment,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="actions",
    )
    guideline_id = models.SlugField(max_length=40)
    recommendation_id = models.CharField(_("anbefaling"), max_length=40)
    title = models.CharField(_("tiltak"), max_length=200)
    owner = models.CharField(_("ansvarlig"), max_length=150)
    deadline = models.DateField(_("frist"))
    status = models.CharField(
        _("fase"), max_length=10, choices=ActionStatus.choices, default=ActionStatus.PLAN
    )
    notes = models.TextField(_("notater fra evaluering og korrigering"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        verbose_name = _("forbedringstiltak")
        verbose_name_plural = _("forbedringstiltak")
        ordering = ["deadline", "pk"]

    def __str__(self) -> str:
        return f"improvement action {self.external_id}"
