"""The search index carries each document's status and codes, for speed (docs/performance.md).

PostgreSQL: the generated vector gains marker lexemes `status:<status>` and
`code:<code without its dot>` (PostgreSQL's parser never makes a word with a colon, so they
cannot meet a word of the text), matched by the GIN index together with the words. The long body and the
vector are stored out of line (toast_tuple_target 128, storage EXTERNAL), so that the rows
the index points to are narrow and a common word does not drag kilobytes per match through
memory. A GIN index on the title's vector finds the title matches that rank first.

SQLite: the FTS5 table gets `codes` and `status` columns (codes without their dot, I63.9 →
i639, because the tokenizer splits at dots), keeps å, ä and ö apart (remove_diacritics 0,
as PostgreSQL does), and a trigger deletes a document's row with the document (a delete
that cascades from a version or a support). A covering index (declared on the model, so
that it survives SQLite's table rebuilds) lets the search read a match's support, status
and version without its long body. The FTS table is refilled from the search documents.
"""

from django.db import migrations, models

PG_VECTOR = """
    setweight(to_tsvector('swedish', coalesce(title, '')), 'A')
    || setweight(to_tsvector('swedish', coalesce(body, '')), 'B')
    || array_to_tsvector(
        ARRAY['status:' || status]
        || string_to_array(regexp_replace(replace(codes, '.', ''), '(\\S+)', 'code:\\1', 'g'), ' ')
    )
"""
PG_OLD_VECTOR = """
    setweight(to_tsvector('swedish', coalesce(title, '')), 'A') ||
    setweight(to_tsvector('swedish', coalesce(body, '')), 'B')
"""


def _pg_vector(expression):
    return [
        "DROP INDEX IF EXISTS knowledge_searchdocument_vector_gin",
        "ALTER TABLE knowledge_searchdocument DROP COLUMN IF EXISTS search_vector",
        "ALTER TABLE knowledge_searchdocument ADD COLUMN search_vector tsvector "
        f"GENERATED ALWAYS AS ({expression}) STORED",
        "CREATE INDEX knowledge_searchdocument_vector_gin ON knowledge_searchdocument USING gin (search_vector)",
    ]


PG_FORWARD = [
    "ALTER TABLE knowledge_searchdocument SET (toast_tuple_target = 128)",
    "ALTER TABLE knowledge_searchdocument ALTER COLUMN body SET STORAGE EXTERNAL",
    *_pg_vector(PG_VECTOR),
    "ALTER TABLE knowledge_searchdocument ALTER COLUMN search_vector SET STORAGE EXTERNAL",
    # Rewrite the rows already there with the new storage (a fresh database has none).
    "UPDATE knowledge_searchdocument SET body = body",
    "CREATE INDEX knowledge_searchdocument_title_gin ON knowledge_searchdocument "
    "USING gin (to_tsvector('swedish', title))",
]
PG_BACKWARD = [
    "DROP INDEX IF EXISTS knowledge_searchdocument_title_gin",
    "ALTER TABLE knowledge_searchdocument RESET (toast_tuple_target)",
    "ALTER TABLE knowledge_searchdocument ALTER COLUMN body SET STORAGE EXTENDED",
    *_pg_vector(PG_OLD_VECTOR),
]

SQLITE_FORWARD = [
    "DROP TABLE IF EXISTS knowledge_search_fts",
    "CREATE VIRTUAL TABLE knowledge_search_fts USING fts5("
    "title, body, codes, status, tokenize = 'unicode61 remove_diacritics 0')",
    "CREATE TRIGGER knowledge_searchdocument_fts_delete AFTER DELETE ON knowledge_searchdocument "
    "BEGIN DELETE FROM knowledge_search_fts WHERE rowid = old.id; END",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS knowledge_searchdocument_fts_delete",
    "DROP TABLE IF EXISTS knowledge_search_fts",
    "CREATE VIRTUAL TABLE knowledge_search_fts USING fts5(title, body, tokenize = 'unicode61')",
]


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for statement in {"postgresql": PG_FORWARD, "sqlite": SQLITE_FORWARD}.get(vendor, []):
        schema_editor.execute(statement)
    if vendor == "sqlite":
        # The index format of knowledge.search, which this migration introduces.
        from kunskapsnav.knowledge.search import fts_values

        _refill(apps, schema_editor, lambda d: (d.pk, *fts_values(d.title, d.body, d.codes, d.status)),
                "INSERT INTO knowledge_search_fts (rowid, title, body, codes, status) VALUES (%s, %s, %s, %s, %s)")


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for statement in {"postgresql": PG_BACKWARD, "sqlite": SQLITE_BACKWARD}.get(vendor, []):
        schema_editor.execute(statement)
    if vendor == "sqlite":
        from kunskapsnav.knowledge.search import stemmed_text

        _refill(apps, schema_editor, lambda d: (d.pk, stemmed_text(d.title), stemmed_text(d.body)),
                "INSERT INTO knowledge_search_fts (rowid, title, body) VALUES (%s, %s, %s)")


def _refill(apps, schema_editor, row, statement):
    documents = apps.get_model("knowledge", "SearchDocument").objects.using(schema_editor.connection.alias)
    with schema_editor.connection.cursor() as cursor:
        batch = []
        for document in documents.order_by("pk").iterator(chunk_size=1000):
            batch.append(row(document))
            if len(batch) == 1000:
                cursor.executemany(statement, batch)
                batch = []
        if batch:
            cursor.executemany(statement, batch)


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0003_target_groups")]

    operations = [
        migrations.AddIndex(
            model_name="searchdocument",
            index=models.Index(fields=["id", "status", "support", "version"], name="searchdoc_facets_idx"),
        ),
        migrations.RunPython(forward, backward),
    ]
