"""Alternatives assessed on the criteria catalogue of losen.domain.criteria.

Before, the app had scales of its own: nytte 0–4, alvorlighet 1–4 and ressurs 1–4 as numbers,
and a *certainty* per criterion (høy … svært lav) that ran the opposite way to the domain's
*uncertainty* (lav … svært høy). Every assessment is carried over level by level: the numbers
become the catalogue's labels with the same value, and certainty becomes uncertainty
(høy sikkerhet = lav usikkerhet). Backwards the same tables are read the other way.
The reasoning fields keep their text under the catalogue's names. New: the parts of each
criterion, the reason for a level other than the parts give, and how many persons an
alternative reaches per year (with its source).
"""

from __future__ import annotations

import django.db.models.deletion
from django.db import migrations, models

NYTTE = {0: "ingen", 1: "liten", 2: "moderat", 3: "stor", 4: "svært stor"}
ALVORLIGHET = {1: "liten", 2: "moderat", 3: "stor", 4: "svært stor"}
RESSURS = {1: "lav", 2: "moderat", 3: "høy", 4: "svært høy"}
#: the old certainty code -> the catalogue's uncertainty label
UNCERTAINTY = {"hoy": "lav", "moderat": "moderat", "lav": "høy", "svaert-lav": "svært høy"}

OLD_TO_NEW = (
    ("benefit", "nytte", NYTTE, "benefit_certainty"),
    ("severity", "alvorlighet", ALVORLIGHET, "severity_certainty"),
    ("resource", "ressurs", RESSURS, "resource_certainty"),
)


def forward(apps, schema_editor):
    Alternative = apps.get_model("priorities", "Alternative")
    for alternative in Alternative.objects.all().iterator():
        for old, new, labels, certainty in OLD_TO_NEW:
            setattr(alternative, f"{new}_level", labels[getattr(alternative, old)])
            setattr(alternative, f"{new}_uncertainty", UNCERTAINTY[getattr(alternative, certainty)])
        alternative.save(
            update_fields=[
                f"{new}_{what}"
                for _o, new, _l, _c in OLD_TO_NEW
                for what in ("level", "uncertainty")
            ]
        )


def backward(apps, schema_editor):
    Alternative = apps.get_model("priorities", "Alternative")
    certainty = {label: code for code, label in UNCERTAINTY.items()}
    for alternative in Alternative.objects.all().iterator():
        for old, new, labels, certainty_field in OLD_TO_NEW:
            numbers = {label: number for number, label in labels.items()}
            setattr(alternative, old, numbers[getattr(alternative, f"{new}_level")])
            setattr(
                alternative, certainty_field, certainty[getattr(alternative, f"{new}_uncertainty")]
            )
        alternative.save(
            update_fields=[field for old, _n, _l, c in OLD_TO_NEW for field in (old, c)]
        )


def _old_nullable(name: str, field) -> migrations.AlterField:
    field.null = True
    return migrations.AlterField("alternative", name, field)


class Migration(migrations.Migration):
    dependencies = [
        ("insight", "0004_observation_links_checked_by_the_import"),
        ("priorities", "0003_alternative_service"),
    ]

    operations = [
        # The old columns become nullable first, so that going back can add them again
        # before the data is written into them.
        _old_nullable("benefit", models.PositiveSmallIntegerField(verbose_name="nytte")),
        _old_nullable("severity", models.PositiveSmallIntegerField(verbose_name="alvorlighet")),
        _old_nullable("resource", models.PositiveSmallIntegerField(verbose_name="ressursbruk")),
        _old_nullable("benefit_certainty", models.CharField(max_length=12)),
        _old_nullable("severity_certainty", models.CharField(max_length=12)),
        _old_nullable("resource_certainty", models.CharField(max_length=12)),
        migrations.RenameField("alternative", "benefit_reasoning", "nytte_reasoning"),
        migrations.RenameField("alternative", "severity_reasoning", "alvorlighet_reasoning"),
        migrations.RenameField("alternative", "resource_reasoning", "ressurs_reasoning"),
        *[
            migrations.AddField(
                "alternative",
                f"{criterion}_{what}",
                models.CharField(default="", max_length=20, verbose_name=label),
                preserve_default=False,
            )
            for criterion in ("nytte", "alvorlighet", "ressurs")
            for what, label in (("level", criterion), ("uncertainty", f"usikkerhet om {criterion}"))
        ],
        *[
            migrations.AddField(
                "alternative",
                f"{criterion}_level_reason",
                models.TextField(blank=True, verbose_name="hvorfor et annet nivå enn delene gir"),
            )
            for criterion in ("nytte", "alvorlighet", "ressurs")
        ],
        migrations.AddField(
            "alternative",
            "parts",
            models.JSONField(
                blank=True,
                default=list,
                help_text="[{criterion, part, level, reasoning, uncertainty}] on the catalogue's parts",
            ),
        ),
        migrations.AddField(
            "alternative",
            "persons_per_year",
            models.PositiveIntegerField(
                blank=True,
                help_text="Hvor mange personer tiltaket gir tjenester til i løpet av et år.",
                null=True,
                verbose_name="personer tiltaket når per år",
            ),
        ),
        migrations.AddField(
            "alternative",
            "persons_source",
            models.CharField(
                blank=True,
                choices=[("tall", "Et tall som er lagt ved saken"), ("anslag", "Et anslag")],
                max_length=10,
                verbose_name="kilde for antall personer",
            ),
        ),
        migrations.AddField(
            "alternative",
            "persons_figure",
            models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="insight.indicatorattachment",
                verbose_name="tallet antallet bygger på",
            ),
        ),
        migrations.AddField(
            "alternative",
            "persons_note",
            models.TextField(
                blank=True,
                help_text="For et anslag: hva det bygger på. For et tall: hvordan det er regnet om.",
                verbose_name="hvordan antallet er funnet",
            ),
        ),
        migrations.RunPython(forward, backward),
        *[
            migrations.RemoveField("alternative", name)
            for name in (
                "benefit",
                "severity",
                "resource",
                "benefit_certainty",
                "severity_certainty",
                "resource_certainty",
            )
        ],
    ]
