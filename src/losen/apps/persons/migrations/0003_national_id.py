# Fødselsnummer or D-nummer of a person (checked with python-stdnum when written).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_rate_window"),
        ("persons", "0002_emergency_access_review"),
    ]

    operations = [
        migrations.AddField(
            model_name="person",
            name="national_id",
            field=models.CharField(
                blank=True,
                db_default="",
                default="",
                max_length=11,
                verbose_name="fødselsnummer eller D-nummer",
            ),
        ),
        migrations.AddConstraint(
            model_name="person",
            constraint=models.UniqueConstraint(
                condition=models.Q(("national_id", ""), _negated=True),
                fields=("municipality", "national_id"),
                name="persons_national_id_unique",
            ),
        ),
    ]
