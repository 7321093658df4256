"""`backup_create`: the database and every uploaded file in one archive (see archive.py)."""

import errno
import logging
import os
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.db import connections
from django.utils import timezone
from django.utils.translation import gettext as _

from .archive import DATABASE_MEMBERS, ArchiveWriter, manifest_build, media_add, no_space
from .databases import database_dump, engine_of
from .errors import OperationFailed

logger = logging.getLogger(__name__)


@dataclass
class BackupResult:
    path: Path
    tables: int
    rows: int
    files: int
    size: int


def backup_default_path(now: datetime | None = None) -> Path:
    """KUNSKAPSNAV_BACKUP_DIR/kunskapsnav-YYYYMMDD-HHMMSS.tar.gz, in Swedish time."""
    now = timezone.localtime(now or timezone.now())
    return Path(settings.BACKUP_DIR) / f"kunskapsnav-{now:%Y%m%d-%H%M%S}.tar.gz"


def backup_create(*, output: Path | None = None, using: str = "default", report=lambda line: None) -> BackupResult:
    """Write the archive to a temporary file beside `output` and rename it into place at the
    end, so that a backup that fails leaves no file that looks whole."""
    connection = connections[using]
    engine = engine_of(connection)
    target = Path(output) if output else backup_default_path()
    media_root = Path(settings.MEDIA_ROOT)
    _refuse_inside_media(target, media_root)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        # mkstemp makes the file readable by its owner only: the archive holds personal data.
        fd, temp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".partial")
    except OSError as error:
        raise _write_failed(target, error) from error
    temp = Path(temp_name)
    try:
        with os.fdopen(fd, "wb") as handle, tempfile.TemporaryDirectory(
            dir=target.parent, prefix=".kunskapsnav-backup-"
        ) as work:
            report(_("Kopierar databasen (%(engine)s) …") % {"engine": engine})
            dump_file = Path(work) / Path(DATABASE_MEMBERS[engine]).name
            dump = database_dump(connection=connection, target=dump_file)
            writer = ArchiveWriter(handle)
            writer.add_file(dump_file, DATABASE_MEMBERS[engine])
            report(_("Packar filerna i %(path)s …") % {"path": media_root})
            media_add(writer, media_root)
            writer.add_manifest(
                manifest_build(
                    engine=engine, migrations=dump.migrations, tables=dump.tables, details=dump.details, writer=writer
                )
            )
            writer.close()
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, target)
    except OSError as error:
        temp.unlink(missing_ok=True)
        raise _write_failed(target, error) from error
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    files = sum(1 for entry in writer.files if entry["path"] != DATABASE_MEMBERS[engine])
    result = BackupResult(
        path=target, tables=len(dump.tables), rows=sum(dump.tables.values()), files=files, size=target.stat().st_size
    )
    logger.info(
        "Backup written: %s (%s tables, %s rows, %s files, %s bytes)",
        target, result.tables, result.rows, result.files, result.size,
    )
    return result


def _refuse_inside_media(target: Path, media_root: Path) -> None:
    # An archive inside MEDIA_ROOT would be packed into the next archive, and this one's
    # temporary file into itself.
    if target.resolve().parent.is_relative_to(media_root.resolve()):
        raise OperationFailed(
            _("Lägg inte säkerhetskopian i mediemappen %(media)s; välj en annan katalog.") % {"media": media_root}
        )


def _write_failed(target: Path, error: OSError) -> OperationFailed:
    if error.errno == errno.ENOSPC:
        return no_space(target.parent)
    logger.error("Backup to %s failed: %s", target, error)
    return OperationFailed(
        _("Säkerhetskopian %(path)s kunde inte skrivas: %(error)s") % {"path": target, "error": error.strerror or error}
    )
