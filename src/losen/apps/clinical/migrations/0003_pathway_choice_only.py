"""Keep the pathway choice only as PathwayChoice rows: drop the assessment's copy of the latest.

Before the copy is dropped, every assessment whose copied choice has no matching
PathwayChoice row gets one made from the copy, so nothing is lost. That covers choices made
before the history existed that 0002 passed over (no ``chosen_at``) and a copy that had
drifted from the history. Going back fills the copy again from the latest choice; the rows
made here stay, as history.
"""

from django.db import migrations
from django.db.models import OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

#: The assessment's copy of its latest choice, as stored until this migration.
COPIED = (
    "chosen_pathway",
    "chosen_specialist",
    "deviation_recommendation",
    "deviation_reason",
    "chosen_at",
)
#: The PathwayChoice field each copied field corresponds to.
CHOICE_FIELD = {
    "chosen_pathway": "pathway",
    "chosen_specialist": "specialist",
    "deviation_recommendation": "deviation_recommendation",
    "deviation_reason": "deviation_reason",
    "chosen_at": "chosen_at",
}
BATCH = 1000


def _matches(copy: dict, choice: dict) -> bool:
    """Whether *choice* records the copied choice (at any time when the copy has none)."""
    return all(
        copy[name] == choice[CHOICE_FIELD[name]]
        for name in COPIED
        if name != "chosen_at" or copy["chosen_at"] is not None
    )


def missing_choices(assessments, choices) -> list[dict]:
    """The PathwayChoice rows to create so that every copied choice is in the history.

    *assessments* are rows (dicts) with ``id``, ``municipality_id``, ``created_at`` and the
    :data:`COPIED` fields; *choices* are the existing PathwayChoice rows of those assessments
    (dicts with ``assessment_id`` and the choice fields). A copy without ``chosen_at`` (choices
    made before the time was kept) gets the assessment's ``created_at``, the earliest moment
    it can have been made; who chose it is not known.
    """
    kept: dict[int, list[dict]] = {}
    for choice in choices:
        kept.setdefault(choice["assessment_id"], []).append(choice)
    missing = []
    for copy in assessments:
        if copy["chosen_pathway"] is None:
            continue
        if any(_matches(copy, choice) for choice in kept.get(copy["id"], ())):
            continue
        missing.append(
            {
                "municipality_id": copy["municipality_id"],
                "assessment_id": copy["id"],
                "chosen_by_id": None,
                "chosen_at": copy["chosen_at"] or copy["created_at"],
                "pathway": copy["chosen_pathway"],
                "specialist": copy["chosen_specialist"],
                "deviation_recommendation": copy["deviation_recommendation"],
                "deviation_reason": copy["deviation_reason"],
            }
        )
    return missing


def keep_every_copied_choice(apps, schema_editor):
    """Create the PathwayChoice rows :func:`missing_choices` finds, a batch at a time."""
    Assessment = apps.get_model("clinical", "Assessment")
    PathwayChoice = apps.get_model("clinical", "PathwayChoice")
    alias = schema_editor.connection.alias
    last = 0
    while True:
        batch = list(
            Assessment.objects.using(alias)
            .filter(chosen_pathway__isnull=False, pk__gt=last)
            .order_by("pk")
            .values("id", "municipality_id", "created_at", *COPIED)[:BATCH]
        )
        if not batch:
            return
        last = batch[-1]["id"]
        existing = (
            PathwayChoice.objects.using(alias)
            .filter(assessment_id__in=[row["id"] for row in batch])
            .values("assessment_id", *CHOICE_FIELD.values())
        )
        PathwayChoice.objects.using(alias).bulk_create(
            PathwayChoice(**row) for row in missing_choices(batch, existing)
        )


def copy_latest_choice_back(apps, schema_editor):
    """Going back: the assessment's copy is its latest choice again (empty without one)."""
    Assessment = apps.get_model("clinical", "Assessment")
    PathwayChoice = apps.get_model("clinical", "PathwayChoice")
    latest = PathwayChoice.objects.filter(assessment=OuterRef("pk")).order_by("-chosen_at", "-pk")

    def value(name):
        return Subquery(latest.values(CHOICE_FIELD[name])[:1])

    Assessment.objects.using(schema_editor.connection.alias).update(
        chosen_pathway=value("chosen_pathway"),
        chosen_at=value("chosen_at"),
        **{
            name: Coalesce(value(name), Value(""))
            for name in ("chosen_specialist", "deviation_recommendation", "deviation_reason")
        },
    )


class Migration(migrations.Migration):
    dependencies = [
        ("clinical", "0002_pathway_choice"),
    ]

    operations = [
        migrations.RunPython(keep_every_copied_choice, copy_latest_choice_back),
        migrations.RemoveField(model_name="assessment", name="chosen_pathway"),
        migrations.RemoveField(model_name="assessment", name="chosen_specialist"),
        migrations.RemoveField(model_name="assessment", name="deviation_recommendation"),
        migrations.RemoveField(model_name="assessment", name="deviation_reason"),
        migrations.RemoveField(model_name="assessment", name="chosen_at"),
    ]
