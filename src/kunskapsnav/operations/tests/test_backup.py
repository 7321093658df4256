"""Backup: one archive with the database, every file under MEDIA_ROOT and a manifest that
describes them; written beside its place and renamed, so a failure leaves nothing.

pg_dump and SQLite's backup read the database through their own connections, which see only
committed rows: the tests are transactional.
"""

import hashlib
import json
import re
import stat
import tarfile
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.test import override_settings

from .snapshots import staging_left

pytestmark = pytest.mark.django_db(transaction=True)
ON_POSTGRESQL = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")
DATABASE_MEMBER = {"sqlite": "database/kunskapsnav.sqlite3", "postgresql": "database/kunskapsnav.pgdump"}


@pytest.fixture
def uploads():
    """Reference data (emptied by earlier transactional tests) and two uploaded files."""
    call_command("load_reference_data", stdout=StringIO())
    media = Path(settings.MEDIA_ROOT)
    files = {
        "bilagor/riktlinje.pdf": b"%PDF-1.4 riktlinje\n",
        "indikatordata/prov/händelser.csv": b"id;datum\n1;2026-01-01\n",
    }
    for name, data in files.items():
        (media / name).parent.mkdir(parents=True, exist_ok=True)
        (media / name).write_bytes(data)
    return files


def _backup(path: Path) -> str:
    out = StringIO()
    call_command("backup", output=path, stdout=out)
    return out.getvalue()


def _members(path: Path) -> tuple[list[str], dict]:
    with tarfile.open(path, "r:gz") as tar:
        names = tar.getnames()
        manifest = json.loads(tar.extractfile("manifest.json").read())
    return names, manifest


def test_the_archive_holds_the_database_the_media_files_and_a_manifest(uploads, tmp_path):
    archive = tmp_path / "kopia.tar.gz"
    _backup(archive)
    names, manifest = _members(archive)

    assert names[-1] == "manifest.json"
    assert manifest["format"] == "kunskapsnav-backup" and manifest["format_version"] == 1
    assert manifest["engine"] == connection.vendor and manifest["database"] == DATABASE_MEMBER[connection.vendor]
    assert manifest["kunskapsnav_version"]
    applied = MigrationRecorder(connection).applied_migrations()
    assert {(app, name) for app, names_ in manifest["migrations"].items() for name in names_} == set(applied)
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        cursor.execute("SELECT COUNT(*) FROM organisation_municipality")
        municipalities = cursor.fetchone()[0]
    assert set(manifest["tables"]) == set(tables)
    assert manifest["tables"]["organisation_municipality"] == municipalities == 290
    listed = {entry["path"]: entry for entry in manifest["files"]}
    assert manifest["database"] in names and manifest["database"] in listed
    for name, data in uploads.items():
        assert listed[f"media/{name}"] == {
            "path": f"media/{name}", "size": len(data), "sha256": hashlib.sha256(data).hexdigest()
        }
    assert "media/indikatordata/prov" in manifest["directories"]


def test_the_archive_is_readable_by_its_owner_only(uploads, tmp_path):
    archive = tmp_path / "kopia.tar.gz"
    _backup(archive)
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600


def test_without_output_the_archive_is_named_by_time_in_the_backup_folder(uploads, tmp_path):
    with override_settings(BACKUP_DIR=tmp_path / "kopior"):
        out = StringIO()
        call_command("backup", stdout=out)
    [archive] = (tmp_path / "kopior").iterdir()
    assert re.fullmatch(r"kunskapsnav-\d{8}-\d{6}\.tar\.gz", archive.name)
    _names, manifest = _members(archive)
    files = len(manifest["files"]) - 1
    assert re.search(
        rf"Säkerhetskopia skriven: {re.escape(str(archive))} \({len(manifest['tables'])} tabeller, {files} filer, "
        r"\d+,\d MB\)",
        out.getvalue(),
    )


def test_a_backup_that_fails_at_the_last_step_leaves_nothing(uploads, tmp_path):
    # A folder where the archive should go: everything is written, the final rename fails.
    (tmp_path / "kopia.tar.gz").mkdir()
    with pytest.raises(CommandError, match="kunde inte skrivas"):
        _backup(tmp_path / "kopia.tar.gz")
    assert [path.name for path in tmp_path.iterdir()] == ["kopia.tar.gz"]
    assert list((tmp_path / "kopia.tar.gz").iterdir()) == []


def test_a_backup_into_the_media_folder_is_refused(uploads):
    target = Path(settings.MEDIA_ROOT) / "kopior" / "kopia.tar.gz"
    with pytest.raises(CommandError, match="Lägg inte säkerhetskopian i mediemappen"):
        _backup(target)
    assert not target.parent.exists()


@ON_POSTGRESQL
def test_a_backup_without_pg_dump_is_refused(uploads, tmp_path):
    (tmp_path / "bin").mkdir()
    with override_settings(BACKUP_PG_BIN=str(tmp_path / "bin")), pytest.raises(
        CommandError, match="Programmet pg_dump finns inte"
    ):
        _backup(tmp_path / "kopia.tar.gz")
    assert [path.name for path in tmp_path.iterdir()] == ["bin"]
    assert staging_left(tmp_path) == []


@ON_POSTGRESQL
def test_a_pg_dump_older_than_the_server_is_refused(uploads, tmp_path):
    (tmp_path / "bin").mkdir()
    script = tmp_path / "bin" / "pg_dump"
    script.write_text("#!/bin/sh\necho 'pg_dump (PostgreSQL) 9.6.24'\n")
    script.chmod(0o755)
    with override_settings(BACKUP_PG_BIN=str(tmp_path / "bin")), pytest.raises(
        CommandError, match="pg_dump är version 9 men servern är version"
    ):
        _backup(tmp_path / "kopia.tar.gz")
    assert [path.name for path in tmp_path.iterdir()] == ["bin"]
