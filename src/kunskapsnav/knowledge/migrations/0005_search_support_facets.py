"""A support's facets in two short columns for the search, kept by knowledge.search whenever
it indexes one of the support's versions: `issued` ("type|issuer") and `target_groups`
("code,code").

Counting the facets of a broad query then reads one short row per match and groups by one
column at a time, instead of joining each match to its support and to its target groups
and grouping by five columns: the largest part of a query that matches most of the corpus
(docs/performance.md). Like the SQLite FTS table, the table belongs to the search index and
has no model. It has no foreign key on purpose: Django's flush truncates the model tables
on PostgreSQL and would refuse a table that refers to them; a key of a deleted support is
never read (no document refers to it) and is overwritten if the id comes back.
"""

from django.db import migrations

TABLE = "knowledge_search_facets"
COLUMNS = "issued text NOT NULL, target_groups text NOT NULL"
CREATE = {
    # INTEGER PRIMARY KEY is SQLite's rowid: a lookup by support is one b-tree search.
    "sqlite": f"CREATE TABLE {TABLE} (support_id INTEGER PRIMARY KEY, {COLUMNS})",
    "postgresql": f"CREATE TABLE {TABLE} (support_id bigint PRIMARY KEY, {COLUMNS})",
}


# PostgreSQL joins the matches to this table by hashing all of it; with the search planned
# without sequential scans (knowledge.search._planned_with_indexes) an index-only scan of
# this covering index is the cheap way to read it.
PG_COVERING = f"CREATE INDEX {TABLE}_covering ON {TABLE} (support_id) INCLUDE (issued, target_groups)"


def forward(apps, schema_editor):
    connection = schema_editor.connection
    schema_editor.execute(CREATE[connection.vendor])
    if connection.vendor == "postgresql":
        schema_editor.execute(PG_COVERING)
    # The format of knowledge.search, which this migration introduces.
    from kunskapsnav.knowledge.search import facet_columns

    Support = apps.get_model("knowledge", "KnowledgeSupport")
    groups: dict[int, list[str]] = {}
    for support_id, code in Support.target_groups.through.objects.using(connection.alias).values_list(
        "knowledgesupport_id", "targetgroup__code"
    ):
        groups.setdefault(support_id, []).append(code)
    rows = [
        (pk, *facet_columns(type_, body_id, agency, region_id, groups.get(pk, ())))
        for pk, type_, body_id, agency, region_id in Support.objects.using(connection.alias).values_list(
            "pk", "type", "issuer_body_id", "issuer_agency", "issuer_region_id"
        )
    ]
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {TABLE} (support_id, issued, target_groups) VALUES (%s, %s, %s)", rows)


def backward(apps, schema_editor):
    schema_editor.execute(f"DROP TABLE IF EXISTS {TABLE}")


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0004_search_status_and_codes_in_index")]

    operations = [migrations.RunPython(forward, backward)]
