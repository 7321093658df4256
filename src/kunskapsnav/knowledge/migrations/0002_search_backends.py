"""The database side of knowledge.search.

PostgreSQL: a generated tsvector column in the `swedish` configuration over the search
document (title weighted A, body B) and a GIN index on it.
SQLite: an FTS5 table with the Snowball-stemmed title and body, kept by search.index_version.
"""

from django.db import migrations

PG_FORWARD = [
    """
    ALTER TABLE knowledge_searchdocument ADD COLUMN search_vector tsvector
    GENERATED ALWAYS AS (
        setweight(to_tsvector('swedish', coalesce(title, '')), 'A') ||
        setweight(to_tsvector('swedish', coalesce(body, '')), 'B')
    ) STORED
    """,
    "CREATE INDEX knowledge_searchdocument_vector_gin ON knowledge_searchdocument USING gin (search_vector)",
]
PG_BACKWARD = [
    "DROP INDEX IF EXISTS knowledge_searchdocument_vector_gin",
    "ALTER TABLE knowledge_searchdocument DROP COLUMN IF EXISTS search_vector",
]
SQLITE_FORWARD = ["CREATE VIRTUAL TABLE knowledge_search_fts USING fts5(title, body, tokenize = 'unicode61')"]
SQLITE_BACKWARD = ["DROP TABLE IF EXISTS knowledge_search_fts"]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0001_supports_versions_recommendations")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": PG_FORWARD, "sqlite": SQLITE_FORWARD}),
            _run({"postgresql": PG_BACKWARD, "sqlite": SQLITE_BACKWARD}),
        )
    ]
