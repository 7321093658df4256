"""Micro-benchmark: what one page-cache hit costs with the file-based cache and with the
database cache on SQLite (the two defaults that need no server). Not a test; it measures.

    .venv/bin/python bench/cache_backends.py [--folder /tmp/kunskapsnav-cachebench] [--hits 2000]
"""

import argparse
import os
import sys
import time
from pathlib import Path


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--folder", type=Path, default=Path("/tmp/kunskapsnav-cachebench"))
    parser.add_argument("--hits", type=int, default=2000)
    args = parser.parse_args()
    args.folder.mkdir(parents=True, exist_ok=True)
    os.environ.update({"DJANGO_SETTINGS_MODULE": "kunskapsnav.settings", "KUNSKAPSNAV_DATA_DIR": str(args.folder),
                       "DATABASE_URL": f"sqlite:///{args.folder / 'bench.sqlite3'}"})
    import django
    from django.conf import settings

    settings.CACHES = {
        "file": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                 "LOCATION": str(args.folder / "cache")},
        "db": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "bench_cache"},
    }
    settings.CACHES["default"] = settings.CACHES["file"]
    django.setup()
    from django.core.cache import caches
    from django.core.management import call_command

    call_command("createcachetable", "bench_cache", verbosity=0)
    page = ("generation", [("Content-Type", "text/html; charset=utf-8")], b"<p>Kunskapsnav</p>" * 2000)
    for alias in ("file", "db"):
        cache = caches[alias]
        cache.set("generation", "generation", timeout=None)
        cache.set("page", page, timeout=300)
        start = time.perf_counter()
        for _ in range(args.hits):
            found = cache.get_many(["generation", "page"])
            assert found["page"][0] == found["generation"]
        per_hit = (time.perf_counter() - start) / args.hits * 1000
        print(f"{alias:<5} {per_hit:.3f} ms per hit ({args.hits} hits, a {len(page[2]) // 1000} kB page)")
    sys.exit(0)


if __name__ == "__main__":
    main()
