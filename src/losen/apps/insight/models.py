"""Stored statistics: import batches, one tidy row per observation with its history, the
comparison profile of each municipality, and indicator figures attached to other modules' work.

Scope. SSB and FHI tables are public aggregate statistics about every municipality, not
personal data, so an operator's import (``losen indicators import``/``fetch``) stores them once
for the whole installation (``municipality`` empty: *national*). Figures a municipality brings
itself (IS-24/8 and BrukerPlan templates, local figures, and anything uploaded in the web
import) belong to that municipality (``municipality`` set) and are never shown to another one.
A municipality sees the national rows and its own.

History. An observation is identified by its key (source, table, contents code, region, vintage,
period and other dimensions; :func:`losen.domain.indicators.observation_key`) within its scope.
Exactly one row per key is current. A file with the same values changes nothing; a file with a
different value, status, unit, decimals, label or update date for a key closes the current row
(``superseded_at``, ``superseded_by``) and adds the new one, so the earlier figure stays.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportMethod(models.TextChoices):
    FILE = "fil", _("fil")
    FETCH = "henting", _("henting fra API")
    DEMO = "demo", _("demodata")


class BatchState(models.TextChoices):
    """Where an import is. Only SQLite imports pass through the first two (see
    :func:`losen.apps.insight.services._staged_write_steps`); PostgreSQL's are complete at once.
    """

    #: Its rows are being written, not current, seen by no reader.
    STAGING = "staging", _("lagres")
    #: It is decided and audited; its rows are being made current, in short transactions.
    PUBLISHING = "publishing", _("tas i bruk")
    #: Every row of it is in place: the only state readers and lists see.
    COMPLETE = "complete", _("ferdig")


class ImportBatch(models.Model):
    """One import: who, when, which file, and what it changed.

    Lists and pages show only ``COMPLETE`` batches; an unfinished one (``STAGING`` or
    ``PUBLISHING``) also claims its tables against another import, while its ``owner`` lives
    and its ``heartbeat_at`` is fresh.
    """

    external_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    municipality = models.ForeignKey(
        "accounts.Municipality",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="indicator_batches",
        help_text=_("Tom for nasjonale tall (SSB, FHI); ellers kommunens egne tall."),
    )
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_label = models.CharField(max_length=150)
    imported_at = models.DateTimeField(db_index=True)
    method = models.CharField(max_length=10, choices=ImportMethod.choices)
    file_name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64, db_index=True)
    format = models.CharField(max_length=30)
    source_option = models.CharField(max_length=50, blank=True)
    sources = models.JSONField(default=list)
    tables = models.JSONField(default=list)
    observations_in_file = models.PositiveIntegerField()
    created_count = models.PositiveIntegerField()
    revised_count = models.PositiveIntegerField()
    unchanged_count = models.PositiveIntegerField()
    state = models.CharField(
        max_length=10, choices=BatchState.choices, default=BatchState.COMPLETE, db_index=True
    )
    #: ``host:pid`` of the process writing an unfinished batch.
    owner = models.CharField(max_length=200, blank=True)
    #: When the process writing an unfinished batch last showed it was still at work.
    heartbeat_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-imported_at", "-id"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.imported_at:%Y-%m-%d %H:%M})"

    @classmethod
    def backup_rows(cls, manager):
        """What a backup holds (:mod:`losen.apps.operations.backup`): every batch but those
        still staging, whose import was not decided and which a restore must not bring back.
        A batch being published is kept: the next import finishes publishing it."""
        return manager.exclude(state=BatchState.STAGING)


class StoredObservation(models.Model):
    """One published cell as stored; see the module docstring for scope and history."""

    # No database constraint on the batch or on the successor: both are written only by the
    # import (losen.apps.insight.services), in the transaction that creates the batch and the
    # successor, so they exist by construction; PostgreSQL would otherwise check every row
    # of a national table again at commit (about a third of the server's work). The ORM still
    # cascades (batch) and clears (successor) on delete. Tested in tests/apps/insight.
    batch = models.ForeignKey(
        ImportBatch, on_delete=models.CASCADE, related_name="observations", db_constraint=False
    )
    municipality = models.ForeignKey(
        "accounts.Municipality",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="indicator_observations",
        db_index=False,  # indexed where set only; see Meta
    )
    key_hash = models.CharField(max_length=64)
    ordinal = models.BigIntegerField(
        help_text="Export order: the position the key was first stored at, kept on revision."
    )
    source = models.CharField(max_length=60)
    table = models.CharField(max_length=40)
    contents_code = models.CharField(max_length=200)
    contents_label = models.CharField(max_length=500, blank=True)
    region_code = models.CharField(max_length=40)
    region_vintage = models.CharField(max_length=10, blank=True)
    period = models.CharField(max_length=40)
    dimensions = models.TextField(
        blank=True, help_text="JSON list of [dimension id, code] pairs in source order."
    )
    value = models.DecimalField(max_digits=32, decimal_places=10, null=True, blank=True)
    value_text = models.CharField(
        max_length=60, blank=True, help_text="The value's exact published text ('12.30')."
    )
    status = models.CharField(max_length=5, blank=True)
    unit = models.CharField(max_length=100, blank=True)
    decimals = models.SmallIntegerField(null=True, blank=True)
    updated = models.DateField(null=True, blank=True, help_text="The source's update date.")
    fetched_at = models.DateTimeField(help_text="When Losen stored this version.")
    is_current = models.BooleanField(default=True)
    superseded_at = models.DateTimeField(null=True, blank=True)
    superseded_by = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,  # indexed where set only; see Meta
        db_constraint=False,  # see batch
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["key_hash"],
                condition=models.Q(is_current=True),
                name="insight_one_current_per_key",
            )
        ]
        # A national import writes hundreds of thousands of rows, each into every index, so
        # there are few indexes, and those on columns that are mostly empty (a municipality's
        # own figures, a later version) hold only the rows where the column is set.
        # ``insight_obs_lookup`` also serves every query by table.
        indexes = [
            models.Index(
                fields=["table", "contents_code", "region_code"], name="insight_obs_lookup"
            ),
            models.Index(
                fields=["municipality"],
                name="insight_obs_own",
                condition=models.Q(municipality__isnull=False),
            ),
            models.Index(
                fields=["superseded_by"],
                name="insight_obs_superseded_by",
                condition=models.Q(superseded_by__isnull=False),
            ),
            # Earlier versions only: the current one is found through the unique constraint
            # above, so a new row (the bulk of any import) has one random key less to index.
            models.Index(
                fields=["key_hash", "fetched_at"],
                name="insight_obs_superseded",
                condition=models.Q(is_current=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.table} {self.contents_code} {self.region_code} {self.period}"

    @classmethod
    def backup_rows(cls, manager):
        """What a backup holds: every row but those of a batch still staging (see
        :meth:`ImportBatch.backup_rows`)."""
        return manager.exclude(batch__state=BatchState.STAGING)


class ComparisonProfile(models.Model):
    """How a municipality is compared: its own region code, its KOSTRA group and the country.

    The KOSTRA group comes from KLASS 112 for the year; groups were redrawn in 2020, so the
    group stored here is the one that applies from 2020 on (data.md §2.2).
    """

    municipality = models.OneToOneField(
        "accounts.Municipality", on_delete=models.CASCADE, related_name="comparison_profile"
    )
    region_code = models.CharField(max_length=10)
    kostra_group = models.CharField(max_length=10)
    country_code = models.CharField(max_length=10, default="EAK")

    def __str__(self) -> str:
        return f"{self.region_code}: {self.kostra_group}"


class IndicatorAttachment(models.Model):
    """A figure frozen onto another module's object (a prioritisation case, a follow-up …).

    The target is named by its model label and external id, so this module depends on no
    other; the figure is copied, so the case keeps showing what it rested on after a revision.
    """

    external_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    municipality = models.ForeignKey(
        "accounts.Municipality", on_delete=models.CASCADE, related_name="indicator_attachments"
    )
    target_type = models.CharField(max_length=100)
    target_id = models.CharField(max_length=64)
    observation = models.ForeignKey(
        StoredObservation, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    snapshot = models.JSONField()
    note = models.CharField(max_length=500, blank=True)
    attached_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    attached_at = models.DateTimeField()

    class Meta:
        ordering = ["attached_at", "id"]
        indexes = [models.Index(fields=["target_type", "target_id"], name="insight_attach_target")]

    def __str__(self) -> str:
        return f"{self.target_type} {self.target_id}: {self.snapshot.get('contents_code', '')}"
