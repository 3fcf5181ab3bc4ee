"""Safety notices get a level (akutt, snarlig, rutine) from the rule that raised them, and an
assessment keeps the clinician's reason when a finding disagrees with a lower risk rating.

Existing notices are given the level their rule has now (:func:`level_for`): an instrument flag
the level of its safety rule in the built-in definitions, a risk notice ``akutt`` when the
assessment rated that risk acute and ``snarlig`` otherwise. Going back drops both columns.
"""

from django.db import migrations, models

#: The level of each built-in instrument flag (the definitions' ``safety_rules[].level``).
FLAG_LEVELS = {
    "suicidal-ideation": "akutt",
    "possible-dependence": "snarlig",
    "morning-drinking": "snarlig",
    "recent-injury": "rutine",
    "probable-dependence": "snarlig",
}

RISK_CODES = {"risk-suicide": "suicide", "risk-violence": "violence", "risk-overdose": "overdose"}


def level_for(code: str, risks: dict[str, str] | None) -> str:
    """The level for a notice with this code, given its assessment's risk ratings (or None)."""
    if code in RISK_CODES:
        rating = (risks or {}).get(RISK_CODES[code], "")
        return "akutt" if rating == "acute" else "snarlig"
    return FLAG_LEVELS.get(code, "snarlig")


def set_levels(apps, schema_editor):
    SafetyNotice = apps.get_model("clinical", "SafetyNotice")
    notices = SafetyNotice.objects.select_related("assessment").only(
        "id",
        "code",
        "level",
        "assessment__risk_suicide",
        "assessment__risk_violence",
        "assessment__risk_overdose",
    )
    changed = []
    for notice in notices.iterator(chunk_size=500):
        assessment = notice.assessment
        risks = (
            {
                "suicide": assessment.risk_suicide,
                "violence": assessment.risk_violence,
                "overdose": assessment.risk_overdose,
            }
            if assessment is not None
            else None
        )
        level = level_for(notice.code, risks)
        if level != notice.level:
            notice.level = level
            changed.append(notice)
    SafetyNotice.objects.bulk_update(changed, ["level"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("clinical", "0004_lock_version"),
    ]

    operations = [
        migrations.AddField(
            model_name="safetynotice",
            name="level",
            field=models.CharField(
                choices=[("akutt", "Akutt"), ("snarlig", "Snarlig"), ("rutine", "Rutine")],
                default="snarlig",
                max_length=10,
                verbose_name="hastegrad",
            ),
        ),
        migrations.AddField(
            model_name="assessment",
            name="confirmation_reason",
            field=models.TextField(
                blank=True,
                verbose_name="begrunnelse for vurderingen der verktøyene peker mot høyere risiko",
            ),
        ),
        migrations.RunPython(set_levels, migrations.RunPython.noop),
    ]
