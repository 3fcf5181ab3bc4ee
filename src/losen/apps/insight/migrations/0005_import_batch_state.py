"""Import batches get a state, an owner and a heartbeat: on SQLite an import is written in short
transactions as an unfinished batch, then made current (``services._staged_write_steps``).
Every batch stored before this migration is complete.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("insight", "0004_observation_links_checked_by_the_import"),
    ]

    operations = [
        migrations.AddField(
            model_name="importbatch",
            name="heartbeat_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="importbatch",
            name="owner",
            field=models.CharField(blank=True, max_length=200),
        ),
        migrations.AddField(
            model_name="importbatch",
            name="state",
            field=models.CharField(
                choices=[
                    ("staging", "lagres"),
                    ("publishing", "tas i bruk"),
                    ("complete", "ferdig"),
                ],
                db_index=True,
                default="complete",
                max_length=10,
            ),
        ),
    ]
