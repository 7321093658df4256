"""What a database and a media folder hold, to compare before a backup and after a restore."""

import gzip
import hashlib
import io
import json
import tarfile
from pathlib import Path

from django.conf import settings


def _value(value):
    # A memoryview's repr is its address; compare its bytes.
    return bytes(value) if isinstance(value, memoryview) else value


def database_snapshot(connection) -> dict[str, tuple[int, str]]:
    """Every table (as Django's introspection lists them, none left out) with its row count
    and a SHA-256 over all its rows, ordered by every column."""
    quote = connection.ops.quote_name
    snapshot = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {quote(table)}")
            rows = sorted(repr(tuple(_value(value) for value in row)) for row in cursor.fetchall())
            snapshot[table] = (len(rows), hashlib.sha256("\n".join(rows).encode()).hexdigest())
    return snapshot


def media_snapshot(root: Path | None = None) -> dict[str, str]:
    """Every file under MEDIA_ROOT by its SHA-256, and every folder (as "<dir>")."""
    root = Path(root or settings.MEDIA_ROOT)
    snapshot = {}
    for path in sorted(root.rglob("*")):
        name = str(path.relative_to(root))
        snapshot[name] = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "<dir>"
    return snapshot


def staging_left(*folders: Path) -> list[str]:
    """Staging folders of a restore or a backup left behind in these folders."""
    patterns = (".*.restore-*", ".kunskapsnav-restore-*", ".kunskapsnav-backup-*", ".*.partial")
    return sorted(str(path) for folder in folders for pattern in patterns for path in Path(folder).glob(pattern))


def archive_rewrite(source: Path, target: Path, *, manifest=None, members=None) -> None:
    """Copy an archive with changes: `manifest(dict)` edits the manifest, `members(name, data)`
    returns a member's new (name, data) or None to leave it out. The result is a well-formed
    archive whose content no longer matches what Kunskapsnav wrote."""
    with tarfile.open(source, "r:gz") as tar_in, gzip.open(target, "wb") as raw, tarfile.open(
        fileobj=raw, mode="w"
    ) as tar_out:
        for member in tar_in:
            data = tar_in.extractfile(member).read() if member.isfile() else None
            name = member.name
            if member.name == "manifest.json" and manifest:
                document = json.loads(data)
                manifest(document)
                data = json.dumps(document).encode()
            elif member.isfile() and members:
                changed = members(member.name, data)
                if changed is None:
                    continue
                name, data = changed
            member.name = name
            if data is None:
                tar_out.addfile(member)
            else:
                member.size = len(data)
                tar_out.addfile(member, io.BytesIO(data))
