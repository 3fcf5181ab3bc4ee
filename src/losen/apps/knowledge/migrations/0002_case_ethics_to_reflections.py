"""The one free-text ethics field of a prioritisation case becomes an ethical reflection.

Each case with text in ``PrioritizationCase.ethics`` gets one reflection holding that text as
``legacy_text`` (the six steps empty), and the field is emptied, so the text is in one place
and the decision basis shows it with the case's other reflections. Backwards, each such
reflection's text goes back into the field (joined with a blank line if a case somehow has
several) and the reflection is deleted. Reflections written with the six steps are left alone.
"""

from django.db import migrations


def forward(apps, schema_editor):
    Case = apps.get_model("priorities", "PrioritizationCase")
    Reflection = apps.get_model("knowledge", "EthicsReflection")
    for case in Case.objects.exclude(ethics="").iterator():
        if not case.ethics.strip():
            continue
        Reflection.objects.create(
            municipality_id=case.municipality_id,
            case=case,
            legacy_text=case.ethics,
            created_by_id=case.created_by_id,
        )
        Case.objects.filter(pk=case.pk).update(ethics="")


def backward(apps, schema_editor):
    Case = apps.get_model("priorities", "PrioritizationCase")
    Reflection = apps.get_model("knowledge", "EthicsReflection")
    legacy = Reflection.objects.filter(case__isnull=False, question="").exclude(legacy_text="")
    texts: dict[int, list[str]] = {}
    for reflection in legacy.order_by("pk"):
        texts.setdefault(reflection.case_id, []).append(reflection.legacy_text)
    for case_id, parts in texts.items():
        case = Case.objects.get(pk=case_id)
        joined = "\n\n".join(p for p in [case.ethics, *parts] if p)
        Case.objects.filter(pk=case_id).update(ethics=joined)
    legacy.delete()


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0001_initial")]

    operations = [migrations.RunPython(forward, backward)]
