"""Persons who receive or apply for services, and who may see their data (tjenstlig behov).

Everything about a person is personal health data: it is read only through
:mod:`losen.apps.persons.access`, which checks the care relation and writes the read to the
audit log.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Person(models.Model):
    """A person known to the municipality's health and care services."""

    external_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    municipality = models.ForeignKey(
        "accounts.Municipality", on_delete=models.CASCADE, related_name="persons"
    )
    given_name = models.CharField(_("fornavn"), max_length=100)
    family_name = models.CharField(_("etternavn"), max_length=100)
    birth_year = models.PositiveSmallIntegerField(_("fødselsår"))
    #: Fødselsnummer or D-nummer (11 digits, checked with python-stdnum when written:
    #: :func:`losen.apps.persons.services.normalise_national_id`). Empty when not known.
    #: Never shown in lists, never in a log line or an audit entry.
    # db_default: rows written by code that predates the column (older migration states)
    # still get the empty value.
    national_id = models.CharField(
        _("fødselsnummer eller D-nummer"), max_length=11, blank=True, default="", db_default=""
    )
    unit = models.ForeignKey(
        "accounts.Unit",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="persons",
        verbose_name=_("ansvarlig enhet"),
    )
    is_synthetic = models.BooleanField(
        _("fiktiv person"), default=False, help_text=_("Oppdiktet person i demodata.")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("personer")
        ordering = ["family_name", "given_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "national_id"],
                condition=~Q(national_id=""),
                name="persons_national_id_unique",
            )
        ]

    def __str__(self) -> str:
        # Deliberately no name: str() ends up in logs and admin messages.
        return f"person {self.external_id}"

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"


class CareRelationKind(models.TextChoices):
    ORDINARY = "ordinary", _("Tjenstlig behov")
    EMERGENCY = "emergency", _("Nødtilgang")


class CareRelationQuerySet(models.QuerySet):
    def active(self, at=None):
        at = at or timezone.now()
        return self.filter(valid_from__lte=at).filter(Q(valid_to__isnull=True) | Q(valid_to__gt=at))


class CareRelation(models.Model):
    """A user's documented need to see a person's data, for a period."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="care_relations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="care_relations"
    )
    kind = models.CharField(
        max_length=20, choices=CareRelationKind.choices, default=CareRelationKind.ORDINARY
    )
    reason = models.TextField(_("begrunnelse"), blank=True)
    valid_from = models.DateTimeField(default=timezone.now)
    valid_to = models.DateTimeField(null=True, blank=True)

    objects = CareRelationQuerySet.as_manager()

    class Meta:
        verbose_name = _("tjenstlig behov")
        verbose_name_plural = _("tjenstlige behov")
        indexes = [models.Index(fields=["user", "person"])]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.person_id} ({self.kind})"


class EmergencyOutcome(models.TextChoices):
    GRANTED = "granted", _("gitt")
    NOT_FOUND = "not-found", _("ingen slik person")
    THROTTLED = "throttled", _("avvist: for mange nødtilganger")


class EmergencyAccessReviewQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(reviewed_at__isnull=True)


class EmergencyAccessReview(models.Model):
    """One request for emergency access (nødtilgang) with a valid reason, and its review.

    The request itself is in the audit log (action ``emergency-access``, flagged); the log is
    append-only, so the administrator's review is kept here, pointing to that entry. Rows are
    also what the throttle counts (:data:`losen.apps.persons.services.EMERGENCY_LIMIT`).
    """

    external_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    municipality = models.ForeignKey(
        "accounts.Municipality", on_delete=models.CASCADE, related_name="emergency_reviews"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="emergency_requests"
    )
    audit_entry = models.OneToOneField(
        "audit.AuditEntry",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    #: The id asked for: the person's ``external_id`` when there is such a person.
    requested_id = models.UUIDField()
    person = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    outcome = models.CharField(max_length=20, choices=EmergencyOutcome.choices)
    requested_at = models.DateTimeField(default=timezone.now, db_index=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    comment = models.TextField(_("kommentar fra gjennomgangen"), blank=True)

    objects = EmergencyAccessReviewQuerySet.as_manager()

    class Meta:
        verbose_name = _("gjennomgang av nødtilgang")
        verbose_name_plural = _("gjennomganger av nødtilgang")
        ordering = ["-requested_at"]
        indexes = [models.Index(fields=["user", "requested_at"])]

    def __str__(self) -> str:
        return f"emergency request {self.external_id} ({self.outcome})"

    @property
    def is_reviewed(self) -> bool:
        return self.reviewed_at is not None
