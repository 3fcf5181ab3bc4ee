"""Optimistic locking: every editable row counts its saves (lock_version, 0 for rows before)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="servicedecision",
            name="lock_version",
            field=models.PositiveIntegerField(
                default=0,
                editable=False,
                help_text="Øker med én for hver lagring; brukes for å hindre at endringer går tapt.",
                verbose_name="versjon",
            ),
        ),
    ]
