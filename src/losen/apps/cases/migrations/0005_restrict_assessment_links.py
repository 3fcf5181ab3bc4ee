# A decision's assessment, an assessment's criteria and a check's criterion cannot be deleted
# on their own (RESTRICT instead of PROTECT), but deleting the whole municipality (the demo
# reset) deletes them together.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0004_application_closed_note"),
    ]

    operations = [
        migrations.AlterField(
            model_name="servicedecision",
            name="assessment",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.RESTRICT,
                related_name="decisions",
                to="cases.serviceassessment",
                verbose_name="vurderingen vedtaket bygger på",
            ),
        ),
        migrations.AlterField(
            model_name="serviceassessment",
            name="criteria",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.RESTRICT,
                related_name="assessments",
                to="cases.allocationcriteria",
                verbose_name="tildelingskriterier som gjaldt",
            ),
        ),
        migrations.AlterField(
            model_name="criterioncheck",
            name="criterion",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.RESTRICT,
                related_name="checks",
                to="cases.allocationcriterion",
            ),
        ),
    ]
