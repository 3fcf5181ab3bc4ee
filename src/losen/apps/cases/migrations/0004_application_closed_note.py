# A note kept when an application is closed without a decision (withdrawn).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0003_casework"),
    ]

    operations = [
        migrations.AddField(
            model_name="application",
            name="closed_note",
            field=models.TextField(
                blank=True,
                help_text="For eksempel hvordan og når søkeren trakk søknaden.",
                verbose_name="merknad ved avslutning",
            ),
        ),
    ]
