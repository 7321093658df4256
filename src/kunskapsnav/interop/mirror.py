"""The reference client of the change feed: a region keeps a copy of the valid knowledge
supports of its view (the national content and the region's own additions) as one JSON and
one HTML file per support, by following /api/v1/changes from its last cursor.

Each page of the feed names supports; the mirror fetches each one's current state over HTTP
(the support, its valid version, the region's additions to it) and writes or removes its
files. Fetching the current state, not replaying entries, is what the feed promises a
mirror: a later entry that already shows in what is fetched does no harm, it comes too.

The cursor is stored in the directory after each page, and every file is written to a
temporary name and renamed, so a run that stops (a lost connection, Ctrl-C) leaves whole
files and resumes after the last page it finished. Documents the server tags with an ETag
are kept with the tag, and asked for again with If-None-Match.
"""

import hashlib
import json
import os
import re
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import requests
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from kunskapsnav.lib.richtext import sanitise

STATE_FILE = ".kunskapsnav-spegel.json"
CACHE_DIR = ".kunskapsnav-cache"
STATE_FORMAT = 1
PAGE_SIZE = 100
TIMEOUT_SECONDS = 30
COUNTY_CODE = re.compile(r"^\d{2}$")
API = "/api/v1"


class MirrorError(Exception):
    """What stops a run, said in Swedish for the person who runs it."""


@dataclass
class RunResult:
    cursor: int
    pages: int = 0
    written: int = 0
    removed: int = 0


def source_url(value: str) -> str:
    """The server's address as given (the site, or its /api/v1/), without a trailing slash."""
    parts = urlsplit((value or "").strip())
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        raise MirrorError(
            _("%(url)s är ingen giltig adress till en server. Ange till exempel https://kunskapsnav.example.se.")
            % {"url": value}
        )
    path = parts.path.rstrip("/")
    if path.endswith(API):
        path = path[: -len(API)]
    return f"{parts.scheme}://{parts.netloc}{path}"


def support_files(directory: Path, support_id: int) -> tuple[Path, Path]:
    stem = f"kunskapsstod-{support_id}"
    return directory / f"{stem}.json", directory / f"{stem}.html"


def _write_atomically(path: Path, text: str) -> None:
    """Write next to the target and rename: a reader (or a stopped run) never sees half a file."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        # mkstemp makes the file private; the copy is for a web server or a file share to read.
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


class Client:
    """GETs of JSON documents from the server, with the ETags it gives kept on disk."""

    def __init__(self, base: str, cache_dir: Path):
        self.base = base
        self.cache_dir = cache_dir
        self.session = requests.Session()
        self.session.headers.update({"Accept": "application/json", "User-Agent": "kunskapsnav-mirror/1"})

    def url(self, path: str) -> str:
        """The address of a resource under /api/v1/."""
        return f"{self.base}{API}/{path}"

    def kept(self, url: str) -> tuple[Path, dict | None]:
        """Where the document's kept copy is, and the copy ({"etag", "body"}) if there is one."""
        path = self.cache_dir / f"{hashlib.sha256(url.encode()).hexdigest()}.json"
        try:
            kept = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return path, None
        # Anything else in the file is no copy to trust: ask for the document afresh.
        return path, kept if isinstance(kept, dict) and isinstance(kept.get("etag"), str) and "body" in kept else None

    def get(self, path: str, *, missing_ok: bool = False, keep: bool = True):
        """The JSON document at path; with keep, its ETag and body are kept for the next run's
        If-None-Match (not for the feed's pages, each asked for once)."""
        url = self.url(path)
        cache_path, cached = self.kept(url) if keep else (None, None)
        headers = {"If-None-Match": cached["etag"]} if cached else {}
        try:
            response = self.session.get(url, headers=headers, timeout=TIMEOUT_SECONDS)
        except requests.RequestException as exc:
            raise MirrorError(
                _("Kunde inte nå servern på %(url)s (%(reason)s). Kontrollera adressen och nätverket och kör "
                  "kommandot igen; det fortsätter där det slutade.") % {"url": self.base, "reason": type(exc).__name__}
            ) from exc
        if response.status_code == 304 and cached:
            return cached["body"]
        if response.status_code == 404 and missing_ok:
            return None
        if response.status_code != 200:
            raise MirrorError(
                _("Servern svarade %(status)s på %(url)s. Är adressen rätt, och är det en Kunskapsnav-server?")
                % {"status": response.status_code, "url": url}
            )
        try:
            body = response.json()
        except ValueError as exc:
            raise MirrorError(
                _("Svaret på %(url)s är inte JSON. Är adressen rätt, och är det en Kunskapsnav-server?") % {"url": url}
            ) from exc
        etag = response.headers.get("ETag")
        if etag and keep:
            _write_atomically(cache_path, json.dumps({"etag": etag, "body": body}, ensure_ascii=False))
        return body


def _load_state(directory: Path, *, base: str, region: str | None) -> int:
    """The stored cursor (0 for a new directory); a directory that mirrors another server or
    region is refused, since its files would mix two views."""
    unreadable = MirrorError(_("Filen %(file)s i %(dir)s går inte att läsa. Ta bort den för att spegla från början.")
                             % {"file": STATE_FILE, "dir": directory})
    try:
        state = json.loads((directory / STATE_FILE).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return 0
    except (OSError, ValueError) as exc:
        raise unreadable from exc
    cursor = state.get("cursor") if isinstance(state, dict) else None
    if not isinstance(cursor, int) or cursor < 0:
        raise unreadable
    if state.get("source") != base or state.get("region") != region:
        raise MirrorError(
            _("%(dir)s speglar redan %(source)s (region %(region)s). Välj en annan katalog.")
            % {"dir": directory, "source": state.get("source"), "region": state.get("region") or _("ingen")}
        )
    return cursor


def _save_state(directory: Path, *, base: str, region: str | None, cursor: int) -> None:
    state = {"format": STATE_FORMAT, "source": base, "region": region, "cursor": cursor}
    _write_atomically(directory / STATE_FILE, json.dumps(state, ensure_ascii=False, indent=2) + "\n")


def _supports_named(items: Iterable[dict]) -> list[int]:
    return list(dict.fromkeys(item["support"] for item in items))


def _html_of(document: dict) -> str:
    """A readable page of the support. The rich texts were sanitised by the server; they are
    sanitised again here, since a mirror should not trust what came over the network."""
    version = document["version"]
    by_key: dict[str, list[dict]] = {}
    for addition in document["additions"]:
        by_key.setdefault(addition["recommendation_key"], []).append(
            {**addition, "html": mark_safe(sanitise(addition["text"]))}
        )
    recommendations = [
        {**rec, "html": mark_safe(sanitise(rec["text"])), "additions": by_key.get(rec["key"], [])}
        for rec in version["recommendations"]
    ]
    context = {
        "support": document["support"], "version": version, "region": document["region"],
        "summary": mark_safe(sanitise(version["summary"])),
        "recommendations": recommendations, "source": document["source"],
    }
    return render_to_string("interop/mirror_support.html", context)


# The valid version changed between reading the support and reading the version.
_REPLACED_MEANWHILE = object()


class Mirror:
    def __init__(self, *, source: str, directory: Path, region: str | None, page_size: int = PAGE_SIZE,
                 report: Callable[[str], None] = lambda line: None):
        self.base = source_url(source)
        if region is not None and not COUNTY_CODE.match(region):
            raise MirrorError(_("Länskoden ska vara två siffror, till exempel 18 för Region Örebro län."))
        self.region_code = region
        self.directory = directory
        self.page_size = page_size
        self.report = report
        self.client = Client(self.base, directory / CACHE_DIR)
        self.region = None

    def _prepare(self) -> int:
        # A directory that cannot be made stops the run with run()'s message for OSError.
        self.directory.mkdir(parents=True, exist_ok=True)
        (self.directory / CACHE_DIR).mkdir(exist_ok=True)
        cursor = _load_state(self.directory, base=self.base, region=self.region_code)
        if self.region_code:
            self.region = self.client.get(f"regions/{self.region_code}", missing_ok=True)
            if self.region is None:
                raise MirrorError(_("Servern känner ingen region med länskoden %(code)s.") % {"code": self.region_code})
        return cursor

    def _document(self, support_id: int):
        """The support as the region's reader sees it, None when it has no valid version, or
        _REPLACED_MEANWHILE."""
        support = self.client.get(f"supports/{support_id}", missing_ok=True)
        if support is None or support["valid_version"] is None:
            return None
        number = support["valid_version"]
        version = self.client.get(f"supports/{support_id}/versions/{number}", missing_ok=True)
        if version is None or not version["is_valid"]:
            return _REPLACED_MEANWHILE
        additions = []
        if self.region_code:
            query = urlencode({"region": self.region_code})
            additions = self.client.get(f"supports/{support_id}/versions/{number}/additions?{query}")
        return {
            "support": support, "version": version, "region": self.region, "additions": additions,
            "source": self.client.url(f"supports/{support_id}/versions/{number}"),
        }

    def _refresh(self, support_id: int) -> bool:
        """Write the support's files, or remove them; True when it has a valid version."""
        json_path, html_path = support_files(self.directory, support_id)
        document = self._document(support_id)
        if document is _REPLACED_MEANWHILE:
            return True  # the files stay as they are; the feed's later entry names the new version
        if document is None:
            json_path.unlink(missing_ok=True)
            html_path.unlink(missing_ok=True)
            return False
        _write_atomically(json_path, json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True) + "\n")
        _write_atomically(html_path, _html_of(document))
        return True

    def run(self, *, max_pages: int | None = None) -> RunResult:
        try:
            return self._run(max_pages=max_pages)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            # JSON of another shape than the API documents: another server, or another version of it.
            raise MirrorError(
                _("Svaret från %(url)s har inte den form som ändringsflödet har. Är det en Kunskapsnav-server?")
                % {"url": self.base}
            ) from exc
        except OSError as exc:
            raise MirrorError(_("Katalogen %(dir)s går inte att skapa eller skriva i: %(reason)s")
                              % {"dir": self.directory, "reason": exc.strerror or exc}) from exc

    def _run(self, *, max_pages: int | None) -> RunResult:
        cursor = self._prepare()
        result = RunResult(cursor=cursor)
        self.report(_("Speglar %(source)s till %(dir)s från markör %(cursor)s.")
                    % {"source": self.base, "dir": self.directory, "cursor": cursor})
        while max_pages is None or result.pages < max_pages:
            page = self.client.get(f"changes?{urlencode({'since': result.cursor, 'limit': self.page_size})}",
                                   keep=False)
            if not page["items"]:
                break
            written = removed = 0
            for support_id in _supports_named(page["items"]):
                if self._refresh(support_id):
                    written += 1
                else:
                    removed += 1
            result.cursor = page["last_cursor"]
            _save_state(self.directory, base=self.base, region=self.region_code, cursor=result.cursor)
            result.pages += 1
            result.written += written
            result.removed += removed
            self.report(_("Sida %(page)s: %(changes)s ändringar, %(written)s kunskapsstöd skrivna, %(removed)s "
                          "utan gällande version (markör %(cursor)s).")
                        % {"page": result.pages, "changes": len(page["items"]), "written": written,
                           "removed": removed, "cursor": result.cursor})
            if page["next"] is None:
                break
        return result
