"""Restore from a backup archive: first check everything, then replace, then migrate.

`restore_prepare` unpacks the archive into staging folders beside the database file and
beside MEDIA_ROOT (the same file systems, so that the swaps are renames) and refuses, with
nothing touched, an archive that is damaged or not Kunskapsnav's, one from the other database
engine, and one whose migrations are newer than this code. `restore_apply` then replaces
the database (SQLite: a rename over the old file; PostgreSQL: one transaction), swaps the
media folder, and migrates an older archive up to this code. Each failure says what state
the database and the files are in.
"""

import logging
import os
import shutil
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from io import StringIO
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import connections
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils.translation import gettext as _

from kunskapsnav.lib.pagecache import generation_bump

from . import databases
from .archive import Unpacked, archive_unpack
from .errors import OperationFailed

logger = logging.getLogger(__name__)


@dataclass
class PreparedRestore:
    """A checked archive, unpacked and waiting in its staging folders."""

    archive: Path
    using: str
    engine: str
    unpacked: Unpacked
    media_root: Path
    staging: list[Path] = field(default_factory=list)
    keep_staging: bool = False

    @property
    def manifest(self) -> dict:
        return self.unpacked.manifest

    @property
    def database_name(self) -> str:
        return str(connections[self.using].settings_dict["NAME"])


@dataclass
class RestoreResult:
    tables: int
    rows: int
    files: int
    migrated: list[str]


@contextmanager
def restore_prepare(*, archive: Path, using: str = "default"):
    """Yield a PreparedRestore; the staging folders are removed afterwards, whatever happened
    (unless a failed media swap left the archive's files there for the operator)."""
    connection = connections[using]
    engine = databases.engine_of(connection)
    media_root = Path(settings.MEDIA_ROOT)
    if os.path.ismount(media_root):
        raise OperationFailed(
            _(
                "Mediemappen %(media)s är en monteringspunkt och kan inte bytas ut i ett steg. Montera katalogen "
                "ovanför den i stället och låt MEDIA_ROOT vara en mapp där."
            )
            % {"media": media_root}
        )
    if engine == databases.POSTGRESQL:
        databases.pg_tool("pg_restore")
        databases.pg_tool("psql")
    prepared = None
    staging: list[Path] = []
    try:
        media_stage = _staging_folder(media_root.parent, f".{media_root.name}.restore-")
        staging.append(media_stage)
        if engine == databases.SQLITE:
            database_stage = _staging_folder(databases.sqlite_path(connection).parent, ".kunskapsnav-restore-")
            staging.append(database_stage)
        else:
            database_stage = media_stage
        unpacked = archive_unpack(
            archive, database_target=database_stage / "database", media_target=media_stage / "media"
        )
        _refuse_other_engine(unpacked.manifest, engine)
        _refuse_newer_migrations(unpacked.manifest)
        if engine == databases.SQLITE:
            databases.sqlite_check(unpacked.database)
            _refuse_wrong_counts(unpacked.manifest, databases.sqlite_counts(unpacked.database), archive)
        else:
            databases.pg_restore_check(dump_tool_version=unpacked.manifest.get("pg_dump_version", "0"))
        prepared = PreparedRestore(
            archive=archive, using=using, engine=engine, unpacked=unpacked, media_root=media_root, staging=staging
        )
        yield prepared
    finally:
        if not (prepared and prepared.keep_staging):
            for folder in staging:
                shutil.rmtree(folder, ignore_errors=True)


def _staging_folder(parent: Path, prefix: str) -> Path:
    try:
        parent.mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(dir=parent, prefix=prefix))
    except OSError as error:
        raise OperationFailed(
            _("Det går inte att skapa en mapp i %(path)s: %(error)s. Ingenting har ändrats.")
            % {"path": parent, "error": error.strerror or error}
        ) from error


def _refuse_other_engine(manifest: dict, engine: str) -> None:
    if manifest["engine"] != engine:
        raise OperationFailed(
            _(
                "Arkivet är en säkerhetskopia av en %(archive)s-databas men Kunskapsnav är inställt på %(ours)s. "
                "Att flytta data mellan SQLite och PostgreSQL med säkerhetskopior stöds inte: återställ med samma "
                "databasmotor (DATABASE_URL). Ingenting har ändrats."
            )
            % {"archive": manifest["engine"], "ours": engine}
        )


def known_migrations() -> set[tuple[str, str]]:
    """Every migration this code knows, the ones a squashed migration replaces included."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    known = set(loader.disk_migrations)
    for migration in loader.replacements.values():
        known.update(migration.replaces)
    return known


def _refuse_newer_migrations(manifest: dict) -> None:
    archived = {(app, name) for app, names in manifest["migrations"].items() for name in names}
    newer = sorted(archived - known_migrations())
    if newer:
        listed = ", ".join(f"{app}.{name}" for app, name in newer[:5]) + (" …" if len(newer) > 5 else "")
        raise OperationFailed(
            _(
                "Arkivet är skrivet av en nyare version av Kunskapsnav (%(version)s) med migreringar som den här "
                "versionen inte känner till: %(migrations)s. Återställ med samma version som skrev arkivet och "
                "uppgradera sedan. Ingenting har ändrats."
            )
            % {"version": manifest.get("kunskapsnav_version", "?"), "migrations": listed}
        )


def _count_differences(expected: dict, actual: dict) -> list[str]:
    return sorted(table for table in expected.keys() | actual.keys() if expected.get(table) != actual.get(table))


def _refuse_wrong_counts(manifest: dict, counts: dict, archive: Path) -> None:
    differing = _count_differences(manifest["tables"], counts)
    if differing:
        logger.error("Archive %s: row counts differ from the manifest in %s", archive, differing)
        raise OperationFailed(
            _("Databasen i arkivet %(path)s har inte de rader manifest.json anger (%(tables)s). Ingenting har ändrats.")
            % {"path": archive, "tables": ", ".join(differing[:5])}
        )


def restore_apply(*, prepared: PreparedRestore, report=lambda line: None) -> RestoreResult:
    """Replace the database and the media folder with the archive's, then migrate."""
    connection = connections[prepared.using]
    manifest = prepared.manifest
    report(_("Återställer databasen …"))
    # No connection of this process may keep the old database open (SQLite) or hold a lock
    # (PostgreSQL) while it is replaced.
    connection.close()
    try:
        if prepared.engine == databases.SQLITE:
            databases.sqlite_replace(
                staged=prepared.unpacked.database, target=databases.sqlite_path(connection)
            )
        else:
            databases.pg_restore_database(connection=connection, dump=prepared.unpacked.database)
    except OperationFailed as error:
        raise OperationFailed(f"{error} " + _("Databasen och filerna är oförändrade.")) from error
    logger.info("Database %s restored from %s", prepared.database_name, prepared.archive)
    if prepared.engine == databases.POSTGRESQL:
        differing = _count_differences(manifest["tables"], databases.database_counts(connection))
        if differing:
            logger.error("Restored database: row counts differ from the manifest in %s", differing)
            raise OperationFailed(
                _(
                    "Databasen är återställd, men radantalet stämmer inte med arkivet i %(tables)s. Mediemappen är "
                    "oförändrad. Återställ igen från ett annat arkiv."
                )
                % {"tables": ", ".join(differing[:5])}
            )
    report(_("Byter mediemappen %(media)s …") % {"media": prepared.media_root})
    _media_swap(prepared)
    report(_("Migrerar databasen till den här versionen …"))
    migrated = _migrate(prepared)
    # The restore wrote past the connection that notices writes: every kept page is stale.
    generation_bump()
    return RestoreResult(
        tables=len(manifest["tables"]),
        rows=sum(manifest["tables"].values()),
        files=prepared.unpacked.media_files,
        migrated=migrated,
    )


def _media_swap(prepared: PreparedRestore) -> None:
    """MEDIA_ROOT becomes the staged folder in two renames; the old one is deleted after."""
    media_root, staged = prepared.media_root, prepared.unpacked.media
    old = media_root.with_name(f".{media_root.name}.before-restore-{datetime.now():%Y%m%d%H%M%S}")
    try:
        if media_root.exists():
            os.chmod(staged, media_root.stat().st_mode & 0o777)
            os.rename(media_root, old)
        os.rename(staged, media_root)
    except OSError as error:
        prepared.keep_staging = True
        if old.exists() and not media_root.exists():
            os.rename(old, media_root)
        logger.error("Media swap failed after the database was restored: %s", error)
        raise OperationFailed(
            _(
                "Databasen är återställd från arkivet, men mediemappen kunde inte bytas ut (%(error)s). "
                "%(media)s är oförändrad; arkivets filer ligger i %(staged)s. Flytta dem till %(media)s och kör "
                "sedan `kunskapsnav manage migrate`."
            )
            % {"error": error.strerror or error, "media": media_root, "staged": staged}
        ) from error
    shutil.rmtree(old, ignore_errors=True)
    if old.exists():
        logger.warning("The previous media folder %s could not be removed entirely", old)


def _migrate(prepared: PreparedRestore) -> list[str]:
    """Bring an archive from an older version up to this code; the names of what ran."""
    connection = connections[prepared.using]
    before = set(MigrationRecorder(connection).applied_migrations())
    try:
        call_command("migrate", database=prepared.using, interactive=False, verbosity=0, stdout=StringIO())
    except Exception as error:
        logger.exception("Migrate after restore failed")
        raise OperationFailed(
            _(
                "Databasen och mediemappen är återställda från arkivet, men migreringen till den här versionen "
                "misslyckades: %(error)s. Kör `kunskapsnav manage migrate` när felet är åtgärdat."
            )
            % {"error": error}
        ) from error
    after = set(MigrationRecorder(connection).applied_migrations())
    return [f"{app}.{name}" for app, name in sorted(after - before)]
