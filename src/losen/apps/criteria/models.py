"""A municipality's own descriptions of the criteria levels.

The levels themselves (labels and order) are the domain catalogue's and never change; a
municipality may describe what a level means locally, for example in kroner for ressurs
(the Swedish model asks the group to fix that itself). Shown wherever the levels are shown
(:func:`losen.apps.criteria.selectors.catalogue_for`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class LevelDescription(models.Model):
    """The municipality's description of one level of one scale of the catalogue."""

    municipality = models.ForeignKey(
        "accounts.Municipality", on_delete=models.CASCADE, related_name="+"
    )
    scale = models.CharField(_("skala"), max_length=40)
    label = models.CharField(_("nivå"), max_length=40)
    description = models.TextField(_("beskrivelse"), max_length=1000)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("lokal nivåbeskrivelse")
        verbose_name_plural = _("lokale nivåbeskrivelser")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "scale", "label"], name="level_description_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.scale}: {self.label}"
