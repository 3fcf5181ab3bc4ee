"""What the CDS Hooks service remembers: the JWT ids it has accepted (to refuse a replay), the
cards it has given, and what the clinician did with them (feedback)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class UsedToken(models.Model):
    """A JWT id (``jti``) accepted from an issuer; kept until the token has expired."""

    issuer = models.CharField(max_length=255)
    jti = models.CharField(max_length=255)
    expires_at = models.DateTimeField(db_index=True)
    used_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["issuer", "jti"], name="interop_unique_jti")]

    def __str__(self) -> str:
        return f"{self.issuer} {self.jti}"


class CardKind(models.TextChoices):
    ASSESSMENT = "assessment", "assessment"
    PATHWAY = "pathway", "pathway"
    NOTICE = "notice", "notice"
    MEASUREMENTS = "measurements", "measurements"
    REVIEW = "review", "review"


class IssuedCard(models.Model):
    """One card the ``patient-view`` service returned: its uuid is what feedback names."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    service = models.CharField(max_length=64)
    kind = models.CharField(max_length=20, choices=CardKind.choices)
    municipality = models.ForeignKey("accounts.Municipality", on_delete=models.CASCADE)
    person = models.ForeignKey("persons.Person", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    issuer = models.CharField(max_length=255)
    hook_instance = models.CharField(max_length=64)
    issued_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.service} {self.kind} {self.uuid}"


class FeedbackOutcome(models.TextChoices):
    ACCEPTED = "accepted", "accepted"
    OVERRIDDEN = "overridden", "overridden"


class CardFeedback(models.Model):
    """What the clinician did with a card, as the EHR reported it."""

    card = models.ForeignKey(IssuedCard, on_delete=models.CASCADE, related_name="feedback")
    outcome = models.CharField(max_length=20, choices=FeedbackOutcome.choices)
    outcome_at = models.DateTimeField()
    accepted_suggestions = models.JSONField(default=list)
    override_reason = models.JSONField(default=dict)
    received_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.card_id} {self.outcome}"
