"""An index on the versions' status (with support and number, the order the FHIR server
pages in) and, on PostgreSQL, indexes that answer a code prefix (LIKE 'I50%').

PostgreSQL uses an ordinary b-tree index for LIKE only under the C collation; under a
linguistic one (sv_SE, as production may be created) it needs the pattern operator class.
Django adds such an index only for a field with db_index, not for Meta.indexes, so it is
created here. SQLite's LIKE ignores case and never uses an index: the FHIR server gives it a
range instead (interop/fhir/plandefinition.py, _prefixed).
"""

from django.db import migrations, models

PATTERN_INDEXES = {
    "recommendation_code_pattern_idx": "knowledge_recommendationcode",
    "support_condition_code_pattern_idx": "knowledge_supportcondition",
}


def create_pattern_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name, table in PATTERN_INDEXES.items():
            schema_editor.execute(f"CREATE INDEX {name} ON {table} (code varchar_pattern_ops)")


def drop_pattern_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in PATTERN_INDEXES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("knowledge", "0010_attachment_checksum"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="supportversion",
            index=models.Index(fields=["status", "support", "number"], name="version_status_idx"),
        ),
        migrations.RunPython(create_pattern_indexes, drop_pattern_indexes, elidable=False),
    ]
