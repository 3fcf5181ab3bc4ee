"""Municipalities, their units, users and the roles users hold in each municipality."""

from __future__ import annotations

import uuid

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from .validators import validate_municipality_number


class Role(models.TextChoices):
    """What a user may do in a municipality. The codes are a contract: do not rename them."""

    LEDER = "leder", _("Leder")
    SAKSBEHANDLER = "saksbehandler", _("Saksbehandler")
    KLINIKER = "kliniker", _("Kliniker")
    ANALYTIKER = "analytiker", _("Analytiker")
    ADMIN = "admin", _("Administrator")
    LESER = "leser", _("Leser")


class Municipality(models.Model):
    """A municipality (kommune): the tenant every other record belongs to."""

    external_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    number = models.CharField(
        _("kommunenummer"),
        max_length=4,
        unique=True,
        validators=[validate_municipality_number],
        help_text=_("Fire sifre, for eksempel 4601."),
    )
    name = models.CharField(_("navn"), max_length=100)
    inhabitants = models.PositiveIntegerField(_("innbyggere"), null=True, blank=True)
    is_synthetic = models.BooleanField(
        _("fiktiv"), default=False, help_text=_("Demokommune med oppdiktede data.")
    )

    class Meta:
        verbose_name = _("kommune")
        verbose_name_plural = _("kommuner")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.number})"


class UnitKind(models.TextChoices):
    PSYKISK_HELSE_RUS = "psykisk-helse-rus", _("Psykisk helse og rus")
    HJEMMETJENESTER = "hjemmetjenester", _("Hjemmetjenester")
    TILDELING = "tildeling", _("Tildelingskontor")
    INSTITUSJON = "institusjon", _("Helse- og omsorgsinstitusjon")
    BOLIG = "bolig", _("Bolig og boligoppfølging")
    LAVTERSKEL = "lavterskel", _("Lavterskeltilbud")
    LEGETJENESTE = "legetjeneste", _("Legetjeneste og legevakt")
    ADMINISTRASJON = "administrasjon", _("Administrasjon og stab")
    ANNET = "annet", _("Annet")


class Unit(models.Model):
    """A unit or service (enhet/tjeneste) of a municipality."""

    external_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="units", verbose_name=_("kommune")
    )
    name = models.CharField(_("navn"), max_length=150)
    kind = models.CharField(_("type"), max_length=40, choices=UnitKind.choices)
    description = models.TextField(_("beskrivelse"), blank=True)

    class Meta:
        verbose_name = _("enhet")
        verbose_name_plural = _("enheter")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "name"], name="unit_name_unique")
        ]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A person who logs in to Losen."""

    external_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    is_synthetic = models.BooleanField(_("fiktiv"), default=False)

    class Meta:
        verbose_name = _("bruker")
        verbose_name_plural = _("brukere")

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username


class Membership(models.Model):
    """One role a user holds in one municipality, optionally limited to one unit."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("rolle"), max_length=20, choices=Role.choices)
    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, null=True, blank=True, related_name="memberships"
    )

    class Meta:
        verbose_name = _("rolle i kommune")
        verbose_name_plural = _("roller i kommuner")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "municipality", "role"], name="membership_unique_role"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user.username}: {self.role} i {self.municipality.number}"


class RateWindow(models.Model):
    """A counter for one rate limit and one client, over one fixed time window.

    ``key`` is a keyed hash (never a raw address or username); the row is counted up with
    a row lock, so two requests at once cannot both pass a limit they share. Expired rows are
    removed as new windows start. See :mod:`losen.apps.accounts.throttle`.
    """

    key = models.CharField(max_length=64, unique=True)
    count = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("teller for fartsgrense")
        verbose_name_plural = _("tellere for fartsgrenser")

    def __str__(self) -> str:
        return f"{self.key[:8]}…: {self.count}"
