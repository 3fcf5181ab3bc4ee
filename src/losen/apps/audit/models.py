"""The append-only audit log (revisjonslogg) with a keyed hash chain.

Every entry stores the hash of the entry before it, and its own HMAC-SHA256 over its fields
and that previous hash, with the audit key kept outside the database
(:mod:`losen.apps.audit.keys`). Changing, removing, inserting or reordering an entry therefore
breaks the chain from that point on, and nobody without the key can recompute it; the chain
head carries a keyed seal over its length and last hash, so deleting the newest entries and
moving the head back is found too. ``losen audit verify`` reports the first entry that does
not fit. Entries are written by :func:`losen.apps.audit.services.record` in the same
transaction as the change they describe. Entries from before the key (``algorithm`` "sha256")
keep their plain SHA-256 hashes; the sealed head says up to which sequence that applies.

Entries never hold personal data in their free-text fields: the object is named by type and
external id only, and ``details`` carries codes and counts.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(Exception):
    """Raised when code tries to change or delete an audit entry."""


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("Revisjonsloggen kan ikke endres.")

    def delete(self):
        raise AppendOnlyError("Revisjonsloggen kan ikke slettes.")


class Action(models.TextChoices):
    CREATE = "create", _("opprettet")
    UPDATE = "update", _("endret")
    DELETE = "delete", _("slettet")
    READ = "read", _("lest")
    LOGIN = "login", _("logget inn")
    LOGIN_FAILED = "login-failed", _("mislykket innlogging")
    LOGOUT = "logout", _("logget ut")
    EMERGENCY_ACCESS = "emergency-access", _("nødtilgang")
    EXPORT = "export", _("eksportert")
    RESTORE = "restore", _("gjenopprettet fra sikkerhetskopi")
    DEMO_RESET = "demo-reset", _("demodata laget på nytt")


class AuditEntry(models.Model):
    """One thing someone did, in the order it happened."""

    sequence = models.PositiveBigIntegerField(unique=True, editable=False)
    occurred_at = models.DateTimeField(editable=False, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
    )
    actor_label = models.CharField(max_length=150, editable=False)
    municipality = models.ForeignKey(
        "accounts.Municipality",
        on_delete=models.DO_NOTHING,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
    )
    action = models.CharField(max_length=30, choices=Action.choices, editable=False)
    object_type = models.CharField(max_length=60, blank=True, editable=False)
    object_id = models.CharField(max_length=64, blank=True, editable=False)
    reason = models.TextField(blank=True, editable=False)
    details = models.JSONField(default=dict, blank=True, editable=False)
    is_flagged = models.BooleanField(default=False, editable=False)
    previous_hash = models.CharField(max_length=64, editable=False)
    entry_hash = models.CharField(max_length=64, unique=True, editable=False)
    #: "hmac-sha256" (keyed) or "sha256" (entries from before the key); see ``chain``.
    algorithm = models.CharField(max_length=16, default="hmac-sha256", editable=False)

    objects = AuditQuerySet.as_manager()

    class Meta:
        verbose_name = _("revisjonsloggpost")
        verbose_name_plural = _("revisjonslogg")
        ordering = ["sequence"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.action} {self.object_type}:{self.object_id}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("Revisjonsloggen kan ikke endres.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Revisjonsloggen kan ikke slettes.")


class AuditHead(models.Model):
    """The single row that holds the chain's last sequence number and hash, under a seal.

    Writers lock this row (``SELECT … FOR UPDATE`` on PostgreSQL, an immediate write
    transaction on SQLite) so that entries from several processes form one chain. ``seal`` is
    an HMAC with the audit key over the chain's id, ``last_sequence``, ``last_hash`` and
    ``legacy_until`` (:func:`losen.apps.audit.chain.head_seal`): moving the head back after
    deleting the newest entries needs the key. ``chain_id`` names this chain in the external
    anchor file; ``key_fingerprint`` names the key the head was sealed with.
    """

    last_sequence = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64)
    chain_id = models.CharField(max_length=32, default="")
    legacy_until = models.PositiveBigIntegerField(default=0)
    key_fingerprint = models.CharField(max_length=16, default="")
    seal = models.CharField(max_length=64, default="")

    class Meta:
        verbose_name = _("revisjonsloggens hode")

    def __str__(self) -> str:
        return f"head #{self.last_sequence}"
