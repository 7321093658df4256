"""The backup archive: one gzip-compressed tar file.

    database/kunskapsnav.sqlite3   (SQLite)  or  database/kunskapsnav.pgdump  (pg_dump, custom format)
    media/…                        every file and folder under MEDIA_ROOT
    manifest.json                  last: what the archive holds (see `manifest_build`)

The manifest comes last because it lists every file's SHA-256, which is computed from the
very bytes written into the archive as they are written; a file read twice (once to hash, once
to archive) could change in between. A restore therefore unpacks into a staging folder first
and checks everything against the manifest before it touches the database or MEDIA_ROOT.
"""

import errno
import gzip
import hashlib
import json
import logging
import os
import tarfile
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path, PurePosixPath

from django.utils.translation import gettext as _

from .errors import OperationFailed

logger = logging.getLogger(__name__)

FORMAT = "kunskapsnav-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
MEDIA = "media"
DATABASE_MEMBERS = {"sqlite": "database/kunskapsnav.sqlite3", "postgresql": "database/kunskapsnav.pgdump"}
_CHUNK = 1024 * 1024


def kunskapsnav_version() -> str:
    try:
        return version("kunskapsnav")
    except PackageNotFoundError:
        return "0+unknown"


# --- writing ---------------------------------------------------------------------------


class _HashingReader:
    """Reads a file for tarfile and hashes exactly the bytes it hands over."""

    def __init__(self, handle):
        self.handle = handle
        self.sha256 = hashlib.sha256()

    def read(self, size=-1):
        data = self.handle.read(size)
        self.sha256.update(data)
        return data


class ArchiveWriter:
    """Adds files to a new archive and remembers each one's size and SHA-256 for the manifest."""

    def __init__(self, handle):
        self.tar = tarfile.open(fileobj=handle, mode="w:gz", compresslevel=6, format=tarfile.PAX_FORMAT)
        self.files: list[dict] = []
        self.directories: list[str] = []

    def add_file(self, source: Path, name: str) -> None:
        with open(source, "rb") as handle:
            info = self.tar.gettarinfo(fileobj=handle, arcname=name)
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            reader = _HashingReader(handle)
            self.tar.addfile(info, reader)
        self.files.append({"path": name, "size": info.size, "sha256": reader.sha256.hexdigest()})

    def add_directory(self, source: Path, name: str) -> None:
        info = self.tar.gettarinfo(str(source), arcname=name)
        info.uid = info.gid = 0
        info.uname = info.gname = ""
        self.tar.addfile(info)
        self.directories.append(name)

    def add_manifest(self, manifest: dict) -> None:
        data = json.dumps(manifest, ensure_ascii=False, indent=2).encode("utf-8")
        info = tarfile.TarInfo(MANIFEST)
        info.size = len(data)
        info.mtime = int(datetime.now(UTC).timestamp())
        info.mode = 0o644
        self.tar.addfile(info, _BytesReader(data))

    def close(self) -> None:
        self.tar.close()


class _BytesReader:
    def __init__(self, data: bytes):
        self.data, self.offset = data, 0

    def read(self, size=-1):
        end = len(self.data) if size < 0 else self.offset + size
        chunk = self.data[self.offset:end]
        self.offset += len(chunk)
        return chunk


def media_add(writer: ArchiveWriter, media_root: Path) -> None:
    """Every folder and regular file under MEDIA_ROOT, in a stable order. Symbolic links
    and other special files are left out (logged): a restore must not write outside it."""
    if not media_root.is_dir():
        return
    writer.add_directory(media_root, MEDIA)
    for folder, dirnames, filenames in os.walk(media_root):
        dirnames.sort()
        base = Path(folder)
        for name in dirnames:
            path = base / name
            if path.is_symlink():
                logger.warning("Backup skips symbolic link %s", path)
                continue
            writer.add_directory(path, _media_name(media_root, path))
        dirnames[:] = [name for name in dirnames if not (base / name).is_symlink()]
        for name in sorted(filenames):
            path = base / name
            if path.is_symlink() or not path.is_file():
                logger.warning("Backup skips %s: not a regular file", path)
                continue
            try:
                writer.add_file(path, _media_name(media_root, path))
            except FileNotFoundError:
                # Deleted since the folder was listed, after the database was copied.
                logger.warning("Backup skips %s: deleted while the backup ran", path)


def _media_name(media_root: Path, path: Path) -> str:
    return str(PurePosixPath(MEDIA, *path.relative_to(media_root).parts))


def manifest_build(*, engine: str, migrations: dict, tables: dict, details: dict, writer: ArchiveWriter) -> dict:
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "kunskapsnav_version": kunskapsnav_version(),
        "engine": engine,
        **details,
        "database": DATABASE_MEMBERS[engine],
        "migrations": migrations,
        "tables": tables,
        "files": writer.files,
        "directories": writer.directories,
    }


# --- reading ---------------------------------------------------------------------------


@dataclass
class Unpacked:
    """An archive unpacked into staging folders and checked against its manifest."""

    manifest: dict
    database: Path
    media: Path
    files: int = 0
    bytes: int = 0

    @property
    def media_files(self) -> int:
        return sum(1 for entry in self.manifest["files"] if entry["path"].startswith(MEDIA + "/"))


def damaged(path: Path, reason: str) -> OperationFailed:
    logger.error("Archive %s refused: %s", path, reason)
    return OperationFailed(
        _("%(path)s är inte en hel säkerhetskopia från Kunskapsnav (%(reason)s). Ingenting har ändrats.")
        % {"path": path, "reason": reason}
    )


def _member_target(name: str, *, database_target: Path, media_target: Path) -> Path | None:
    """Where a member is unpacked; None for the manifest. Refuses any other name, so that
    nothing from an archive lands outside the staging folders."""
    if name == MANIFEST:
        return None
    if name in DATABASE_MEMBERS.values():
        return database_target
    parts = PurePosixPath(name).parts
    if parts and parts[0] == MEDIA and ".." not in parts and not PurePosixPath(name).is_absolute():
        return media_target.joinpath(*parts[1:])
    raise ValueError(name)


def archive_unpack(path: Path, *, database_target: Path, media_target: Path) -> Unpacked:
    """Unpack `path` into the staging places and check it: every member listed with the size
    and SHA-256 the manifest gives, nothing else in it, the gzip stream whole to its end."""
    try:
        handle = open(path, "rb")
    except OSError as error:
        raise OperationFailed(
            _("Filen %(path)s kan inte läsas: %(error)s") % {"path": path, "error": error.strerror or error}
        ) from error
    seen: dict[str, dict] = {}
    directories: list[str] = []
    manifest = None
    try:
        with handle, gzip.GzipFile(fileobj=handle, mode="rb") as stream:
            with tarfile.open(fileobj=stream, mode="r|") as tar:
                for member in tar:
                    try:
                        target = _member_target(member.name, database_target=database_target, media_target=media_target)
                    except ValueError:
                        raise damaged(path, _("okänd fil %(name)s i arkivet") % {"name": member.name}) from None
                    if member.name == MANIFEST and member.isfile():
                        manifest = _manifest_read(tar.extractfile(member), path)
                    elif member.isdir() and target is not None and target != database_target:
                        target.mkdir(parents=True, exist_ok=True)
                        os.chmod(target, (member.mode & 0o777) | 0o700)
                        directories.append(member.name)
                    elif member.isfile():
                        seen[member.name] = _member_write(tar.extractfile(member), target, member)
                    else:
                        raise damaged(path, _("okänd fil %(name)s i arkivet") % {"name": member.name})
            # Read on to the end, so that gzip checks its CRC and length of the whole stream.
            while stream.read(_CHUNK):
                pass
    except OperationFailed:
        raise
    except OSError as error:
        raise damaged(path, str(error)) from error
    except (tarfile.TarError, zlib.error, EOFError, UnicodeDecodeError) as error:
        raise damaged(path, str(error) or type(error).__name__) from error
    if manifest is None:
        raise damaged(path, _("manifest.json saknas"))
    _check_listing(path, manifest, seen, directories)
    # An archive without media (MEDIA_ROOT did not exist) restores an empty folder.
    media_target.mkdir(parents=True, exist_ok=True)
    return Unpacked(
        manifest=manifest,
        database=database_target,
        media=media_target,
        files=len(seen),
        bytes=sum(entry["size"] for entry in seen.values()),
    )


def _member_write(source, target: Path, member: tarfile.TarInfo) -> dict:
    sha256 = hashlib.sha256()
    size = 0
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        out = open(target, "wb")
    except OSError as error:
        raise _write_failed(target, error) from error
    with out:
        while chunk := source.read(_CHUNK):
            sha256.update(chunk)
            size += len(chunk)
            try:
                out.write(chunk)
            except OSError as error:
                raise _write_failed(target, error) from error
    os.chmod(target, (member.mode & 0o777) | 0o600)
    os.utime(target, (member.mtime, member.mtime))
    return {"size": size, "sha256": sha256.hexdigest()}


def _write_failed(target: Path, error: OSError) -> OperationFailed:
    if error.errno == errno.ENOSPC:
        return no_space(target.parent)
    logger.error("Restore cannot write %s: %s", target, error)
    return OperationFailed(
        _("%(path)s kan inte skrivas: %(error)s. Ingenting har ändrats.") % {"path": target, "error": error.strerror}
    )


def _manifest_read(source, path: Path) -> dict:
    try:
        manifest = json.loads(source.read().decode("utf-8"))
    except ValueError as error:
        raise damaged(path, _("manifest.json går inte att läsa")) from error
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise damaged(path, _("manifest.json är inte Kunskapsnavs"))
    if manifest.get("format_version") != FORMAT_VERSION:
        raise OperationFailed(
            _(
                "Arkivet har formatversion %(archive)s; den här versionen av Kunskapsnav läser version %(ours)s. "
                "Återställ med den version av Kunskapsnav som skrev arkivet."
            )
            % {"archive": manifest.get("format_version"), "ours": FORMAT_VERSION}
        )
    required = {"engine", "database", "migrations", "tables", "files", "directories", "created_at"}
    if not required <= manifest.keys() or manifest["engine"] not in DATABASE_MEMBERS:
        raise damaged(path, _("manifest.json är ofullständigt"))
    return manifest


def _check_listing(path: Path, manifest: dict, seen: dict, directories: list[str]) -> None:
    listed = {entry["path"]: entry for entry in manifest["files"]}
    if manifest["database"] not in listed or manifest["database"] != DATABASE_MEMBERS[manifest["engine"]]:
        raise damaged(path, _("databasen saknas"))
    for name in sorted(listed.keys() - seen.keys()):
        raise damaged(path, _("%(name)s saknas") % {"name": name})
    for name in sorted(seen.keys() - listed.keys()):
        raise damaged(path, _("%(name)s står inte i manifest.json") % {"name": name})
    for name, entry in sorted(listed.items()):
        if seen[name] != {"size": entry["size"], "sha256": entry["sha256"]}:
            raise damaged(path, _("kontrollsumman för %(name)s stämmer inte") % {"name": name})
    if sorted(directories) != sorted(manifest["directories"]):
        raise damaged(path, _("mapparna stämmer inte med manifest.json"))


def no_space(where: Path) -> OperationFailed:
    return OperationFailed(
        _("Det finns inte tillräckligt med ledigt utrymme på disken vid %(where)s. Ingenting har ändrats.")
        % {"where": where}
    )
