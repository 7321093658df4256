"""Restore: the round trip gives back every table row for row and every file byte for byte,
also into a fresh PostgreSQL database; damaged, foreign and too new archives and missing
tools are refused with nothing changed.

The archive is made once for the module from the demo data (every app's demo loader, about
half a minute) plus uploaded files. Restores replace the database under the test, so the
tests are transactional: pytest-django runs them after the suite's other tests and empties
the database after each.
"""

import os
import sqlite3
import stat
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.utils import load_backend
from django.test import override_settings

from .snapshots import archive_rewrite, database_snapshot, media_snapshot, staging_left

pytestmark = pytest.mark.django_db(transaction=True)

DEMO_COMMANDS = [
    "load_reference_data",
    "load_demo_data",
    "load_knowledge_demo_data",
    "load_remiss_demo_data",
    "load_implementation_demo_data",
    "load_people_demo_data",
    "load_indicator_demo_data",
    "load_lowvalue_demo_data",
    "load_needs_demo_data",
    "load_reports_demo_data",
]
ON_POSTGRESQL = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")
# Uploaded files as the apps lay them out, a name with Swedish letters, an empty file and an
# empty folder; the demo adds its patient-level data under indikatordata.
UPLOADS = {
    "bilagor/2026/vardforlopp-åtgärder.pdf": b"%PDF-1.4 bilaga\n" * 200,
    "beslut/2026/protokoll.pdf": b"%PDF-1.4 protokoll\n",
    "tomt.txt": b"",
}


def _media() -> Path:
    return Path(settings.MEDIA_ROOT)


def _database_folder() -> Path:
    return Path(connection.settings_dict["NAME"]).parent if connection.vendor == "sqlite" else _media().parent


@pytest.fixture(scope="module")
def demo_backup(django_db_setup, django_db_blocker, tmp_path_factory):
    """The archive of the demo data, and the database and media folder as they were then."""
    with django_db_blocker.unblock():
        for command in DEMO_COMMANDS:
            call_command(command, stdout=StringIO())
        for name, data in UPLOADS.items():
            (_media() / name).parent.mkdir(parents=True, exist_ok=True)
            (_media() / name).write_bytes(data)
        (_media() / "tom-mapp").mkdir(exist_ok=True)
        archive = tmp_path_factory.mktemp("backups") / "demo.tar.gz"
        call_command("backup", output=archive, stdout=StringIO())
        yield archive, database_snapshot(connection), media_snapshot()


def _change_everything():
    """Delete, add and change rows (the search index with them), leave a table a later
    version would have made, and alter, add and delete files."""
    values = apps.get_model("indicators", "IndicatorValue").objects
    values.filter(pk__in=values.order_by("pk").values_list("pk", flat=True)[:100]).delete()
    apps.get_model("consultation", "Comment").objects.all().delete()
    apps.get_model("accounts", "User").objects.create(username="efter-kopian")
    apps.get_model("knowledge", "SupportVersion").objects.update(summary="Ändrad efter kopian")
    body = apps.get_model("organisation", "Body").objects.order_by("pk").first()
    apps.get_model("organisation", "Body").objects.filter(pk=body.pk).update(name=body.name + " (ändrad)")
    call_command("rebuild_search_index", stdout=StringIO())
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE later_version_table (id integer PRIMARY KEY, note varchar(20))")
        cursor.execute("INSERT INTO later_version_table VALUES (1, 'kvar?')")
    # The demo's data folder is named for the generator's version, seed and size.
    events = next((_media() / "indikatordata" / "demo").glob("*/events.parquet"))
    events.write_bytes(events.read_bytes()[:-10] + b"0123456789")
    (_media() / "bilagor" / "ny-efter-kopian.pdf").write_bytes(b"%PDF-1.4 ny\n")
    (_media() / "beslut" / "2026" / "protokoll.pdf").unlink()


def test_the_demo_data_fills_most_tables_and_the_media_folder(demo_backup):
    _archive, tables, files = demo_backup
    filled = [table for table, (rows, _hash) in tables.items() if rows]
    assert len(filled) >= 0.6 * len(tables), sorted(set(tables) - set(filled))
    # The demo's patient-level data, in a folder named for the generator's version, seed and size.
    assert any(name.startswith("indikatordata/demo/") and name.endswith("/events.parquet") for name in files)
    assert tables["reports_report"][0] == 3  # the national and Örebro's reports, Örebro's structure follow-up
    assert set(UPLOADS) <= set(files) and files["tom-mapp"] == "<dir>"


def _demo_state(archive: Path):
    """The demo data again: pytest-django empties the database after each transactional test."""
    call_command("restore", archive, yes=True, stdout=StringIO())


def test_restore_gives_back_every_table_and_file_as_at_backup(demo_backup):
    archive, tables, files = demo_backup
    _demo_state(archive)
    _change_everything()
    assert database_snapshot(connection) != tables and media_snapshot() != files

    out = StringIO()
    call_command("restore", archive, yes=True, stdout=out)

    assert database_snapshot(connection) == tables
    assert media_snapshot() == files
    assert f"{len(tables)} tabeller" in out.getvalue()
    assert staging_left(_media().parent, _database_folder()) == []


def test_the_restored_database_is_migrated_and_usable(demo_backup):
    archive, tables, _files = demo_backup
    _demo_state(archive)
    call_command("migrate", "--check", verbosity=0)
    # The connection is reopened on the restored database and can write to it.
    apps.get_model("accounts", "User").objects.create(username="efter-aterstallningen")
    assert apps.get_model("accounts", "User").objects.count() == tables["accounts_user"][0] + 1


@ON_POSTGRESQL
def test_restore_into_a_fresh_postgresql_database(demo_backup, tmp_path):
    """As on a new server: an empty database, `kunskapsnav manage restore` in its own process."""
    archive, tables, files = demo_backup
    name = f"{connection.settings_dict['NAME']}_fresh"
    fresh_settings = {**connection.settings_dict, "NAME": name}
    # A connection of its own, outside django.db.connections: the restore runs in another process.
    fresh = load_backend(fresh_settings["ENGINE"]).DatabaseWrapper(fresh_settings, alias="fresh")
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        user, host, port = fresh_settings["USER"], fresh_settings["HOST"], fresh_settings["PORT"]
        env = {
            **os.environ,
            "DATABASE_URL": f"postgres://{user}@{host}:{port}/{name}",
            "PGPASSWORD": fresh_settings["PASSWORD"] or "",
            "MEDIA_ROOT": str(settings.MEDIA_ROOT),
            "KUNSKAPSNAV_DATA_DIR": str(tmp_path),
        }
        result = subprocess.run(
            [sys.executable, "-m", "kunskapsnav.cli", "manage", "restore", str(archive), "--yes"],
            env=env, capture_output=True, text=True, timeout=600, check=False,
        )
        assert result.returncode == 0, result.stderr
        assert "Återställt från" in result.stdout
        assert database_snapshot(fresh) == tables
        assert media_snapshot() == files
    finally:
        fresh.close()
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')


def _refused(archive: Path, message: str, **options):
    """Restore must fail with `message` and leave the database, the media folder and no
    staging folder behind."""
    tables, files = database_snapshot(connection), media_snapshot()
    with pytest.raises(CommandError, match=message):
        call_command("restore", archive, yes=True, stdout=StringIO(), **options)
    assert database_snapshot(connection) == tables
    assert media_snapshot() == files
    assert staging_left(_media().parent, _database_folder()) == []


def test_a_damaged_archive_is_refused(demo_backup, tmp_path):
    archive, _tables, _files = demo_backup
    data = bytearray(archive.read_bytes())
    data[len(data) // 2] ^= 0xFF
    damaged = tmp_path / "skadad.tar.gz"
    damaged.write_bytes(bytes(data))
    _refused(damaged, "inte en hel säkerhetskopia")


def test_an_archive_with_a_changed_file_is_refused(demo_backup, tmp_path):
    archive, _tables, _files = demo_backup
    changed = tmp_path / "andrad.tar.gz"
    archive_rewrite(
        archive, changed, members=lambda name, data: (name, data + b"x" if name.endswith("protokoll.pdf") else data)
    )
    _refused(changed, "kontrollsumman för media/beslut/2026/protokoll.pdf stämmer inte")


def test_an_archive_with_a_file_too_many_is_refused(demo_backup, tmp_path):
    archive, _tables, _files = demo_backup
    extra = tmp_path / "extra.tar.gz"
    def outside(name, data):
        return ("media/../../utanfor.txt", data) if name.endswith("tomt.txt") else (name, data)

    archive_rewrite(archive, extra, members=outside)
    _refused(extra, "okänd fil")
    assert not (_media().parent.parent / "utanfor.txt").exists()


def test_a_file_that_is_not_an_archive_is_refused(tmp_path):
    text = tmp_path / "anteckning.tar.gz"
    text.write_text("inte ett arkiv")
    _refused(text, "inte en hel säkerhetskopia")
    _refused(tmp_path / "finns-inte.tar.gz", "kan inte läsas")


def test_an_archive_from_the_other_engine_is_refused(demo_backup, tmp_path):
    archive, _tables, _files = demo_backup
    ours, other = ("sqlite3", "pgdump") if connection.vendor == "sqlite" else ("pgdump", "sqlite3")
    other_engine = "postgresql" if connection.vendor == "sqlite" else "sqlite"

    def as_other(manifest):
        manifest["engine"] = other_engine
        manifest["database"] = f"database/kunskapsnav.{other}"
        manifest["pg_dump_version"] = "15.0"
        for entry in manifest["files"]:
            entry["path"] = entry["path"].replace(f"kunskapsnav.{ours}", f"kunskapsnav.{other}")

    foreign = tmp_path / "annan-motor.tar.gz"
    archive_rewrite(
        archive, foreign, manifest=as_other, members=lambda name, data: (name.replace(ours, other), data)
    )
    _refused(foreign, "Att flytta data mellan SQLite och PostgreSQL")


def test_an_archive_with_newer_migrations_is_refused(demo_backup, tmp_path):
    archive, _tables, _files = demo_backup
    newer = tmp_path / "nyare.tar.gz"
    archive_rewrite(archive, newer, manifest=lambda m: m["migrations"]["knowledge"].append("9999_from_the_future"))
    _refused(newer, "knowledge.9999_from_the_future")


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite only")
def test_a_sqlite_database_another_process_has_open_is_not_replaced(demo_backup):
    archive, _tables, _files = demo_backup
    # As a running web server would: a connection that has read from the database.
    server = sqlite3.connect(connection.settings_dict["NAME"])
    server.execute("SELECT COUNT(*) FROM django_migrations").fetchone()
    try:
        _refused(archive, "används av en annan process")
    finally:
        server.close()


def test_without_confirmation_nothing_is_restored(demo_backup, monkeypatch):
    archive, _tables, _files = demo_backup
    monkeypatch.setattr("builtins.input", lambda question: "nej")
    tables, files = database_snapshot(connection), media_snapshot()
    with pytest.raises(CommandError, match="Avbrutet"):
        call_command("restore", archive, stdout=StringIO())
    assert database_snapshot(connection) == tables and media_snapshot() == files


@ON_POSTGRESQL
def test_restore_without_pg_restore_is_refused(demo_backup, tmp_path):
    archive, _tables, _files = demo_backup
    with override_settings(BACKUP_PG_BIN=str(tmp_path)):
        _refused(archive, "Programmet pg_restore finns inte")


@ON_POSTGRESQL
def test_restore_with_a_pg_restore_older_than_the_archive_is_refused(demo_backup, tmp_path):
    archive, _tables, _files = demo_backup
    for tool in ("pg_restore", "psql"):
        script = tmp_path / tool
        script.write_text("#!/bin/sh\necho '%s (PostgreSQL) 9.6.24'\n" % tool)
        script.chmod(script.stat().st_mode | stat.S_IXUSR)
    with override_settings(BACKUP_PG_BIN=str(tmp_path)):
        _refused(archive, "pg_restore är version 9")
