"""Individual decisions (enkeltvedtak) on municipal health and care services.

A :class:`ServiceDecision` is one vedtak granting one service to one person: which service,
how much, from and to when, from which unit, on which legal basis and for which reasons
(forvaltningsloven §§ 24–25). Everything about a decision is personal data: a request reads a
decision only through :mod:`losen.apps.cases.access`, which checks the care relation to the
decision's person and writes the read to the audit log.

Decisions that are *running* (issued or under complaint, and valid on the day) are the ones a
cut in services touches; reversing or ending them is a change under forvaltningsloven § 35, so
every change of status is kept in :class:`StatusChange` with its note.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from losen.apps.common.locking import Versioned


class ServiceKind(models.TextChoices):
    """The kind of service a decision grants. The codes are a contract: do not rename them.

    Helse- og omsorgstjenesteloven (hol) § 3-2 første ledd nr. 6 a–c, § 3-2 første ledd nr. 7
    (day activities for people with dementia), § 3-6 (help to those with heavy care work) and
    § 3-8 (BPA); housing follow-up is given as services under § 3-2 nr. 6 in a dwelling the
    municipality helps with under § 3-7.
    """

    # hol § 3-2 første ledd nr. 6 a
    HELSETJENESTER_I_HJEMMET = "helsetjenester-i-hjemmet", _("Helsetjenester i hjemmet")
    # hol § 3-2 første ledd nr. 6 b (personlig assistanse)
    PRAKTISK_BISTAND = "praktisk-bistand", _("Praktisk bistand")
    OPPLAERING = "opplaering", _("Opplæring i dagliglivets gjøremål")
    STOTTEKONTAKT = "stottekontakt", _("Støttekontakt")
    # hol § 3-8, pasient- og brukerrettighetsloven § 2-1 d
    BPA = "bpa", _("Brukerstyrt personlig assistanse (BPA)")
    # hol § 3-2 første ledd nr. 6 c
    LANGTIDSOPPHOLD = "langtidsopphold", _("Langtidsopphold i institusjon (sykehjem)")
    KORTTIDSOPPHOLD = "korttidsopphold", _("Korttidsopphold i institusjon")
    # hol § 3-6 første ledd nr. 2
    AVLASTNING = "avlastning", _("Avlastning")
    # hol § 3-2 første ledd nr. 7 (demens) and nr. 6 b
    DAGAKTIVITETSTILBUD = "dagaktivitetstilbud", _("Dagaktivitetstilbud")
    # hol § 3-6 første ledd nr. 3
    OMSORGSSTONAD = "omsorgsstonad", _("Omsorgsstønad")
    # hol § 3-2 første ledd nr. 6 in a dwelling under § 3-7
    BOLIG_MED_BEMANNING = "bolig-med-bemanning", _("Bolig med bemanning og boligoppfølging")
    ANNET = "annet", _("Annen tjeneste")


class DecisionStatus(models.TextChoices):
    """Where a decision stands. The codes are a contract: do not rename them."""

    UTKAST = "utkast", _("Utkast")
    FATTET = "fattet", _("Fattet")
    PAKLAGET = "paklaget", _("Påklaget")
    OMGJORT = "omgjort", _("Omgjort")
    AVSLUTTET = "avsluttet", _("Avsluttet")


#: Statuses in which a decision gives the person a service (a cut may touch it).
RUNNING_STATUSES = frozenset({DecisionStatus.FATTET, DecisionStatus.PAKLAGET})

DEFAULT_LEGAL_BASIS = "helse- og omsorgstjenesteloven § 3-2"


class ServiceDecisionQuerySet(models.QuerySet):
    def running(self, on: dt.date | None = None):
        """Decisions issued or under complaint that are valid on *on* (default today)."""
        on = on or timezone.localdate()
        return self.filter(status__in=RUNNING_STATUSES, valid_from__lte=on).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=on)
        )


class ServiceDecision(Versioned):
    """One vedtak granting one person one service from one unit."""

    external_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    municipality = models.ForeignKey(
        "accounts.Municipality", on_delete=models.CASCADE, related_name="service_decisions"
    )
    person = models.ForeignKey(
        "persons.Person", on_delete=models.CASCADE, related_name="service_decisions"
    )
    reference = models.CharField(
        _("saksnummer"), max_length=40, help_text=_("For eksempel 2025/1234.")
    )
    service = models.CharField(_("tjeneste"), max_length=40, choices=ServiceKind.choices)
    unit = models.ForeignKey(
        "accounts.Unit",
        on_delete=models.RESTRICT,
        related_name="service_decisions",
        verbose_name=_("enhet som gir tjenesten"),
    )
    applied_for = models.TextField(_("hva det ble søkt om"), blank=True)
    scope = models.CharField(
        _("omfang"), max_length=200, help_text=_("For eksempel «6 timer per uke».")
    )
    hours_per_week = models.DecimalField(
        _("timer per uke"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    valid_from = models.DateField(_("gjelder fra"))
    valid_to = models.DateField(
        _("gjelder til"), null=True, blank=True, help_text=_("Tom for vedtak uten sluttdato.")
    )
    review_on = models.DateField(_("ny vurdering"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=DecisionStatus.choices, default=DecisionStatus.UTKAST
    )
    legal_basis = models.CharField(_("hjemmel"), max_length=300, default=DEFAULT_LEGAL_BASIS)
    facts = models.TextField(_("faktiske forhold"), blank=True)
    reasons = models.TextField(_("hovedhensyn"), blank=True)
    decided_at = models.DateField(_("vedtaksdato"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("fattet av"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ServiceDecisionQuerySet.as_manager()

    class Meta:
        verbose_name = _("vedtak")
        verbose_name_plural = _("vedtak")
        ordering = ["-valid_from", "reference"]
        indexes = [
            models.Index(
                fields=["municipality", "unit", "status"], name="cases_decision_unit_status"
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "reference"], name="cases_decision_reference_unique"
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
                name="cases_decision_valid_to_after_from",
            ),
        ]

    def __str__(self) -> str:
        # No name: str() ends up in logs and admin messages.
        return f"vedtak {self.external_id}"

    def is_running(self, on: dt.date | None = None) -> bool:
        on = on or timezone.localdate()
        return (
            self.status in RUNNING_STATUSES
            and self.valid_from <= on
            and (self.valid_to is None or self.valid_to >= on)
        )


class StatusChange(models.Model):
    """One change of a decision's status, with the note that explains it (never overwritten)."""

    decision = models.ForeignKey(
        ServiceDecision, on_delete=models.CASCADE, related_name="status_changes"
    )
    from_status = models.CharField(max_length=20, choices=DecisionStatus.choices)
    to_status = models.CharField(max_length=20, choices=DecisionStatus.choices)
    note = models.TextField(_("begrunnelse"))
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("statusendring")
        verbose_name_plural = _("statusendringer")
        ordering = ["changed_at", "pk"]

    def __str__(self) -> str:
        return f"{self.decision_id}: {self.from_status} → {self.to_status}"
