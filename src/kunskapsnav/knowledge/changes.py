"""The change feed (ändringsflöde): an append-only log of what a public reader can see change
in the knowledge supports, for the systems that keep a copy (regions' intranets, document
systems, NKK). The domain functions write an entry in the transaction of the change itself,
so an entry exists exactly when the change does; the entry's id is the feed's cursor.

A mirror that reads the entries in cursor order and fetches the current state of each
thing named ends with what the database holds (interop's /changes documents the kinds).

Cursors must become visible in their order: a reader that has seen cursor 11 must never
later find a 10 that was still uncommitted. On PostgreSQL two transactions take ids from
the sequence in one order and may commit in the other, so writers of the log queue on a
transaction-scoped advisory lock and take their ids one transaction at a time. SQLite
lets one transaction write at a time anyway.
"""

from collections.abc import Iterable

from django.db import connection
from django.db.models import F

from .models import ChangeKind, ContentChange, KnowledgeSupport, RegionalAddition, SupportVersion, VersionStatus

# Any constant of the platform's own: the key of the advisory lock on the log's writers.
_WRITERS_LOCK = 4_711_014

_ENDED = {
    VersionStatus.SUPERSEDED: ChangeKind.VERSION_SUPERSEDED,
    VersionStatus.WITHDRAWN: ChangeKind.VERSION_WITHDRAWN,
}


def _queue_for_the_log():
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_WRITERS_LOCK])


def change_record(kind: str, *, support_id: int, version_number: int | None = None,
                  region_code: str = "") -> ContentChange:
    """Write one entry; call inside the transaction of the change."""
    _queue_for_the_log()
    return ContentChange.objects.create(kind=kind, support_id=support_id, version_number=version_number,
                                        region_code=region_code)


def _regions_with_additions(support_id: int) -> list[str]:
    return sorted(set(
        RegionalAddition.objects.filter(recommendation__version__support_id=support_id)
        .values_list("region__county_code", flat=True)
    ))


def version_ended(version: SupportVersion):
    """The version is no longer valid: replaced or withdrawn."""
    change_record(_ENDED[version.status], support_id=version.support_id, version_number=version.number)


def version_published(version: SupportVersion):
    """The version is the valid one. The regions' additions now show on it (an addition
    follows its recommendation's identity to the new version, or is no longer shown when the
    recommendation is gone): one entry per region that has any, to fetch them again."""
    change_record(ChangeKind.VERSION_PUBLISHED, support_id=version.support_id, version_number=version.number)
    for code in _regions_with_additions(version.support_id):
        change_record(ChangeKind.ADDITIONS_CARRIED, support_id=version.support_id, version_number=version.number,
                      region_code=code)


def addition_written(addition: RegionalAddition, *, created: bool):
    kind = ChangeKind.ADDITION_CREATED if created else ChangeKind.ADDITION_CHANGED
    version = addition.recommendation.version
    change_record(kind, support_id=version.support_id, version_number=version.number,
                  region_code=addition.region.county_code)


def addition_removed(addition: RegionalAddition):
    """Named by the version it showed on: the valid one, which may be later than the version
    the addition was written for."""
    own = addition.recommendation.version
    valid = SupportVersion.objects.filter(support_id=own.support_id, status=VersionStatus.PUBLISHED).first()
    change_record(ChangeKind.ADDITION_REMOVED, support_id=own.support_id,
                  version_number=(valid or own).number, region_code=addition.region.county_code)


def support_changed(support: KnowledgeSupport):
    """The support's own data (title, type, issuer, owner, target groups, conditions) changed:
    an entry only when readers can see the support, that is when it has a public version."""
    if support.versions.public().exists():
        change_record(ChangeKind.SUPPORT_CHANGED, support_id=support.pk)


def review_date_changed(version: SupportVersion):
    change_record(ChangeKind.REVIEW_DATE_CHANGED, support_id=version.support_id, version_number=version.number)


def public_versions_loaded(versions: Iterable[SupportVersion]):
    """Entries for versions written in bulk by a loader (the benchmark corpus, an import),
    which bypass the lifecycle: each public version was published, and the ones no longer
    valid then ended. Stamped now, when readers can first see them: the entries' times rise
    with the cursor, which Last-Modified relies on."""
    _queue_for_the_log()
    public = sorted((v for v in versions if v.status in (VersionStatus.PUBLISHED, *_ENDED)),
                    key=lambda v: (v.support_id, v.number))
    entries = [ContentChange(kind=ChangeKind.VERSION_PUBLISHED, support_id=v.support_id, version_number=v.number)
               for v in public]
    entries += [ContentChange(kind=_ENDED[v.status], support_id=v.support_id, version_number=v.number)
                for v in public if v.status in _ENDED]
    ContentChange.objects.bulk_create(entries, batch_size=5000)


def latest(support_id: int | None = None) -> dict:
    """{"cursor": …, "at": …} of the latest entry, of one support or of the whole log: the
    HTTP validators of what the content API answers, from one row found by an index (the
    primary key, or the support's (support, id) index). Entries are written one
    transaction at a time and stamped when written, so the latest is also the newest."""
    if support_id is None:
        return _latest_of_all()
    qs = ContentChange.objects.filter(support_id=support_id)
    return qs.order_by("-id").values("at", cursor=F("id")).first() or {"cursor": None, "at": None}


def _latest_of_all() -> dict:
    """latest() of the whole log from one statement written out: every call of the journal's
    services asks it (knowledge.code_index), and building the query with the ORM costs ten
    times running it. The time is converted as the ORM converts it (SQLite stores text)."""
    meta = ContentChange._meta
    at = meta.get_field("at")
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {quote(meta.pk.column)}, {quote(at.column)} FROM {quote(meta.db_table)} "
                       f"ORDER BY {quote(meta.pk.column)} DESC LIMIT 1")
        row = cursor.fetchone()
    if row is None:
        return {"cursor": None, "at": None}
    column = at.get_col(meta.db_table)
    value = row[1]
    for convert in connection.ops.get_db_converters(column) + column.get_db_converters(connection):
        value = convert(value, column, connection)
    return {"cursor": row[0], "at": value}


def changes_since(cursor: int, *, limit: int) -> list[ContentChange]:
    return list(ContentChange.objects.filter(id__gt=cursor).order_by("id")[:limit])
