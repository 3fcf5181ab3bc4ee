"""The audit chain gets a key: entries from here on are HMAC-SHA256, the head is sealed.

Entries written before this migration keep their plain SHA-256 hashes (``algorithm``
"sha256"); the head records the last of them (``legacy_until``) under its keyed seal, so they
still verify and cannot be rewritten once a keyed entry or the sealed head covers them. The
migration seals the chain as it stands: run ``losen audit verify`` before upgrading.

Going back to 0001 removes the columns; entries written with the key after this migration
would then no longer verify with the older Losen.
"""

import secrets

from django.db import migrations, models


def seal_existing_chain(apps, schema_editor):
    from losen.apps.audit.chain import head_seal, key_fingerprint
    from losen.apps.audit.keys import audit_key

    AuditHead = apps.get_model("audit", "AuditHead")
    heads = list(AuditHead.objects.using(schema_editor.connection.alias).all())
    if not heads:
        return  # a new database: the first entry creates a keyed head
    key = audit_key()
    for head in heads:
        head.legacy_until = head.last_sequence
        head.chain_id = secrets.token_hex(16)
        head.key_fingerprint = key_fingerprint(key)
        head.seal = head_seal(
            key,
            chain_id=head.chain_id,
            last_sequence=head.last_sequence,
            last_hash=head.last_hash,
            legacy_until=head.legacy_until,
        )
        head.save(update_fields=["legacy_until", "chain_id", "key_fingerprint", "seal"])


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0001_initial"),
    ]

    operations = [
        # Rows that exist now were hashed without a key; new rows get the keyed default.
        migrations.AddField(
            model_name="auditentry",
            name="algorithm",
            field=models.CharField(default="sha256", editable=False, max_length=16),
        ),
        # Django keeps no default in the database, so only the model state changes (on SQLite
        # an AlterField would copy the whole table once more).
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="auditentry",
                    name="algorithm",
                    field=models.CharField(default="hmac-sha256", editable=False, max_length=16),
                ),
            ]
        ),
        migrations.AddField(
            model_name="audithead",
            name="chain_id",
            field=models.CharField(default="", max_length=32),
        ),
        migrations.AddField(
            model_name="audithead",
            name="key_fingerprint",
            field=models.CharField(default="", max_length=16),
        ),
        migrations.AddField(
            model_name="audithead",
            name="legacy_until",
            field=models.PositiveBigIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="audithead",
            name="seal",
            field=models.CharField(default="", max_length=64),
        ),
        migrations.RunPython(seal_existing_chain, migrations.RunPython.noop),
    ]
