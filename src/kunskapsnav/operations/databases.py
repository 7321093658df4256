"""The database half of a backup and a restore, one pair of functions per engine.

SQLite is copied with SQLite's own online backup API (through Python's sqlite3 module): one
step under one read transaction, so the copy is consistent while the web server and the
worker go on writing (WAL lets them). PostgreSQL is dumped with pg_dump in its custom format,
the tool and format a region's database administrator already knows, and restored with
pg_restore; see `pg_restore_database` for why its output goes through psql.

Row counts of every table are taken from the same snapshot as the copy and kept in the
manifest, so that a restore can check that it got every row back.
"""

import logging
import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from .errors import OperationFailed

logger = logging.getLogger(__name__)

SQLITE = "sqlite"
POSTGRESQL = "postgresql"
# A restore waits at most this long for another session's lock on a table before it gives up
# (and changes nothing) instead of hanging while the server still runs.
RESTORE_LOCK_TIMEOUT = "60s"


@dataclass
class DatabaseDump:
    """What `database_dump` wrote: rows per table, the applied migrations per app (read from
    the copy's own snapshot) and, for PostgreSQL, the versions of pg_dump and the server."""

    tables: dict[str, int]
    migrations: dict[str, list[str]]
    details: dict[str, str] = field(default_factory=dict)


def engine_of(connection) -> str:
    if connection.vendor in (SQLITE, POSTGRESQL):
        return connection.vendor
    raise OperationFailed(
        _("Säkerhetskopiering stöds för SQLite och PostgreSQL, inte för %(vendor)s.") % {"vendor": connection.vendor}
    )


def database_dump(*, connection, target: Path) -> DatabaseDump:
    """Write a consistent copy of the connection's database to `target`."""
    if engine_of(connection) == SQLITE:
        return sqlite_copy(source=sqlite_path(connection), target=target)
    return pg_dump_database(connection=connection, target=target)


# --- SQLite ----------------------------------------------------------------------------


def sqlite_path(connection) -> Path:
    name = str(connection.settings_dict["NAME"])
    if name == ":memory:" or name.startswith("file:"):
        raise OperationFailed(_("Databasen ligger bara i minnet och kan inte säkerhetskopieras eller återställas."))
    return Path(name)


def _sqlite_tables(db: sqlite3.Connection) -> list[str]:
    # The same tables Django's introspection lists (views and sqlite_sequence aside); the
    # FTS5 search table and its shadow tables are among them.
    rows = db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
    ).fetchall()
    return [name for (name,) in rows]


def sqlite_counts(path: Path) -> dict[str, int]:
    db = sqlite3.connect(path)
    try:
        return {table: db.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0] for table in _sqlite_tables(db)}
    finally:
        db.close()


def sqlite_copy(*, source: Path, target: Path) -> DatabaseDump:
    if not source.exists():
        raise OperationFailed(_("Databasfilen %(path)s finns inte.") % {"path": source})
    src = sqlite3.connect(source, timeout=60)
    dst = sqlite3.connect(target)
    try:
        # pages=-1: the whole database in one step, under one read transaction. In steps,
        # a write by another process between them would start the copy over.
        src.backup(dst, pages=-1)
        # The copy inherits WAL mode from the file header; a single file needs no -wal beside it.
        dst.execute("PRAGMA journal_mode=DELETE")
    except sqlite3.Error as error:
        logger.error("SQLite backup of %s failed: %s", source, error)
        raise OperationFailed(_("Databasen kunde inte kopieras: %(error)s") % {"error": error}) from error
    finally:
        dst.close()
        src.close()
    sqlite_check(target)
    db = sqlite3.connect(target)
    try:
        migrations = _migrations(db.execute("SELECT app, name FROM django_migrations").fetchall())
    except sqlite3.OperationalError:
        migrations = {}  # a database that was never migrated
    finally:
        db.close()
    return DatabaseDump(tables=sqlite_counts(target), migrations=migrations)


def _migrations(rows) -> dict[str, list[str]]:
    applied: dict[str, list[str]] = {}
    for app, name in sorted(rows):
        applied.setdefault(app, []).append(name)
    return applied


def sqlite_check(path: Path) -> None:
    db = sqlite3.connect(path)
    try:
        result = db.execute("PRAGMA quick_check").fetchone()[0]
    except sqlite3.DatabaseError as error:
        result = str(error)
    finally:
        db.close()
    if result != "ok":
        logger.error("SQLite quick_check of %s: %s", path, result)
        raise OperationFailed(_("Databasfilen %(path)s är skadad: %(result)s") % {"path": path, "result": result})


def sqlite_replace(*, staged: Path, target: Path) -> None:
    """Put the staged database file in the place of `target`, atomically.

    The caller has closed this process's connections. A WAL file left beside the new file
    would be replayed into it and corrupt it, so the old database is first switched out of
    WAL mode: that writes the WAL into the old file and removes it, and it fails while any
    other process has the database open, which is how a running server is noticed.
    """
    if target.exists():
        db = sqlite3.connect(target, timeout=1)
        try:
            db.execute("PRAGMA journal_mode=DELETE")
        except sqlite3.OperationalError as error:
            logger.error("SQLite database %s is in use: %s", target, error)
            raise OperationFailed(
                _(
                    "Databasen %(path)s används av en annan process. Stoppa Kunskapsnav (webbservern och "
                    "bakgrundsarbetaren) och försök igen."
                )
                % {"path": target}
            ) from error
        finally:
            db.close()
        os.chmod(staged, target.stat().st_mode & 0o777)
    for suffix in ("-wal", "-shm", "-journal"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    os.replace(staged, target)


# --- PostgreSQL ------------------------------------------------------------------------


def pg_tool(name: str) -> str:
    """The path of a PostgreSQL client program: from KUNSKAPSNAV_PG_BIN if set, else from PATH."""
    folder = settings.BACKUP_PG_BIN
    found = shutil.which(name, path=folder) if folder else shutil.which(name)
    if found is None:
        where = folder or "PATH"
        raise OperationFailed(
            _(
                "Programmet %(tool)s finns inte (sökt i %(where)s). Installera PostgreSQL-klienten i samma "
                "version som servern (Debian: postgresql-client) eller ange dess katalog i KUNSKAPSNAV_PG_BIN."
            )
            % {"tool": name, "where": where}
        )
    return found


def pg_tool_version(path: str) -> tuple[int, str]:
    """The major version and the version text of a PostgreSQL client program."""
    output = subprocess.run([path, "--version"], capture_output=True, text=True, check=False).stdout
    match = re.search(r"\(PostgreSQL\)\s+((\d+)[.\d]*)", output)
    if match is None:
        raise OperationFailed(
            _("Versionen av %(tool)s kunde inte läsas: %(output)s") % {"tool": path, "output": output}
        )
    return int(match.group(2)), match.group(1)


def pg_environment(settings_dict: dict) -> dict[str, str]:
    """libpq's environment for the configured connection: the password never on a command line."""
    env = dict(os.environ)
    values = {
        "PGDATABASE": settings_dict.get("NAME"),
        "PGUSER": settings_dict.get("USER"),
        "PGPASSWORD": settings_dict.get("PASSWORD"),
        "PGHOST": settings_dict.get("HOST"),
        "PGPORT": settings_dict.get("PORT"),
    }
    options = settings_dict.get("OPTIONS") or {}
    for option, variable in (
        ("sslmode", "PGSSLMODE"), ("sslrootcert", "PGSSLROOTCERT"), ("sslcert", "PGSSLCERT"), ("sslkey", "PGSSLKEY"),
    ):
        values[variable] = options.get(option)
    env.update({key: str(value) for key, value in values.items() if value not in (None, "")})
    return env


def _tool_failed(tool: str, stderr: str) -> OperationFailed:
    logger.error("%s failed: %s", tool, stderr.strip())
    detail = stderr.strip().splitlines()[-1] if stderr.strip() else ""
    return OperationFailed(_("%(tool)s misslyckades: %(detail)s") % {"tool": Path(tool).name, "detail": detail})


def pg_dump_database(*, connection, target: Path) -> DatabaseDump:
    pg_dump = pg_tool("pg_dump")
    major, version = pg_tool_version(pg_dump)
    connection.ensure_connection()
    server_major = connection.pg_version // 10000
    if major < server_major:
        raise OperationFailed(
            _(
                "pg_dump är version %(tool)s men servern är version %(server)s; pg_dump måste vara minst lika ny "
                "som servern. Installera en nyare PostgreSQL-klient eller ange dess katalog i KUNSKAPSNAV_PG_BIN."
            )
            % {"tool": major, "server": server_major}
        )
    # One snapshot for the row counts and for pg_dump: exported from a repeatable-read
    # transaction that stays open while pg_dump reads through it.
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        tables = connection.introspection.table_names(cursor)
        quote = connection.ops.quote_name
        counts = {}
        for table in tables:
            cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")
            counts[table] = cursor.fetchone()[0]
        migrations = {}
        if "django_migrations" in tables:
            cursor.execute("SELECT app, name FROM django_migrations")
            migrations = _migrations(cursor.fetchall())
        result = subprocess.run(
            [pg_dump, "--format=custom", "--no-owner", "--no-privileges", f"--snapshot={snapshot}", f"--file={target}"],
            env=pg_environment(connection.settings_dict),
            capture_output=True,
            text=True,
            check=False,
        )
    if result.returncode != 0:
        raise _tool_failed(pg_dump, result.stderr)
    return DatabaseDump(
        tables=counts,
        migrations=migrations,
        details={"pg_dump_version": version, "server_version": str(connection.pg_version)},
    )


def pg_restore_check(*, dump_tool_version: str) -> None:
    """Refuse before anything is touched when the tools are missing or too old for the archive."""
    pg_restore = pg_tool("pg_restore")
    pg_tool("psql")
    major, _version = pg_tool_version(pg_restore)
    archive_major = int(dump_tool_version.split(".")[0])
    if major < archive_major:
        raise OperationFailed(
            _(
                "Arkivet är skrivet av pg_dump version %(archive)s men pg_restore är version %(tool)s; pg_restore "
                "måste vara minst lika ny. Installera en nyare PostgreSQL-klient eller ange dess katalog i "
                "KUNSKAPSNAV_PG_BIN."
            )
            % {"archive": archive_major, "tool": major}
        )


def pg_restore_database(*, connection, dump: Path) -> None:
    """Replace the configured database's tables with the dump's, in one transaction.

    pg_restore --clean drops only the tables the archive holds. A database written by a newer
    version of Kunskapsnav has tables the archive lacks; left in place, they would make the
    migrations that follow the restore fail ("already exists") or block the drops with their
    foreign keys. So pg_restore writes its statements (--clean --if-exists --no-owner) and psql
    runs them in a single transaction after dropping every table the database has now: either
    the whole database is the archive's, or nothing has changed. The database may be fresh
    and empty.
    """
    pg_restore, psql = pg_tool("pg_restore"), pg_tool("psql")
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
    quote = connection.ops.quote_name
    prelude = f"BEGIN;\nSET LOCAL lock_timeout = '{RESTORE_LOCK_TIMEOUT}';\n"
    if tables:
        prelude += "DROP TABLE IF EXISTS " + ", ".join(quote(table) for table in tables) + " CASCADE;\n"
    env = pg_environment(connection.settings_dict)
    # This process holds no lock while the tables are dropped.
    connection.close()
    with tempfile.TemporaryFile("w+") as restore_errors, tempfile.TemporaryFile("w+") as psql_errors:
        producer = subprocess.Popen(
            [pg_restore, "--clean", "--if-exists", "--no-owner", "--no-privileges", "--file=-", str(dump)],
            stdout=subprocess.PIPE,
            stderr=restore_errors,
            env=env,
        )
        consumer = subprocess.Popen(
            [psql, "--no-psqlrc", "--quiet", "--set=ON_ERROR_STOP=1", "--file=-"],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=psql_errors,
            env=env,
        )
        _restore_stream(producer=producer, consumer=consumer, prelude=prelude)
        if producer.returncode != 0 and consumer.returncode == 0:
            restore_errors.seek(0)
            raise _tool_failed(pg_restore, restore_errors.read())
        if consumer.returncode != 0:
            psql_errors.seek(0)
            raise _tool_failed(psql, psql_errors.read())


def _restore_stream(*, producer, consumer, prelude: str) -> None:
    """Feed psql the prelude and pg_restore's statements, and COMMIT only if pg_restore
    finished without error: psql would otherwise commit whatever part it was given. Without
    the COMMIT, psql ends its session at the end of its input and the server rolls back."""
    try:
        consumer.stdin.write(prelude.encode())
        shutil.copyfileobj(producer.stdout, consumer.stdin, 1024 * 1024)
        producer.stdout.close()
        if producer.wait() == 0:
            consumer.stdin.write(b"COMMIT;\n")
    except BrokenPipeError:
        # psql stopped at an error (ON_ERROR_STOP); its message says which.
        producer.kill()
    finally:
        producer.stdout.close()
        try:
            consumer.stdin.close()
        except BrokenPipeError:
            pass
        producer.wait()
        consumer.wait()


def database_counts(connection) -> dict[str, int]:
    """Rows per table of a configured database, for the check after a restore."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        counts = {}
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")
            counts[table] = cursor.fetchone()[0]
    return counts
