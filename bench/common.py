"""What the benchmarks share: progress lines, a free port, percentiles, and the documented
production environment for a server they start. Imported by the scripts in this folder,
which Python puts first on the path of a script it runs."""

import os
import secrets
import socket
import sys
from pathlib import Path


def log(message: str):
    print(message, file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def production_env(folder: Path, database_url: str) -> dict:
    """The documented production environment, on plain HTTP on loopback (the reverse proxy's
    side): a strong key, no debug, the proxy's forwarded scheme trusted."""
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "KUNSKAPSNAV_DATA_DIR": str(folder),
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
        # The load client speaks plain HTTP, and would not send back cookies marked Secure.
        "SECURE_COOKIES": "0",
    }


PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"


def fresh_database(database: str, sqlite_file: Path, pg_name: str) -> str:
    """The URL of an empty database for a benchmark: a SQLite file, or a PostgreSQL database
    of that name made anew on the local server."""
    if database == "sqlite":
        return f"sqlite:///{sqlite_file}"
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {pg_name} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {pg_name}")
    return f"postgresql://postgres@127.0.0.1:5432/{pg_name}"


def drop_database(database: str, pg_name: str):
    """Drop the benchmark's PostgreSQL database (a SQLite file goes with its folder)."""
    if database == "postgresql":
        import psycopg

        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {pg_name} WITH (FORCE)")
