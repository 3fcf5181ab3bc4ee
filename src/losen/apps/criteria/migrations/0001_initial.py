import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("accounts", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="LevelDescription",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("scale", models.CharField(max_length=40, verbose_name="skala")),
                ("label", models.CharField(max_length=40, verbose_name="nivå")),
                ("description", models.TextField(max_length=1000, verbose_name="beskrivelse")),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "municipality",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="accounts.municipality",
                    ),
                ),
                (
                    "updated_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "lokal nivåbeskrivelse",
                "verbose_name_plural": "lokale nivåbeskrivelser",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("municipality", "scale", "label"), name="level_description_unique"
                    )
                ],
            },
        ),
    ]
