"""Settings from the environment, with safe defaults and loud failures on bad values."""

import os

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def envbool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), got {raw!r}")


def envlist(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def envstr(name: str, default: str) -> str:
    return os.environ.get(name, default)


def envint(name: str, default: int, *, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, got {raw!r}") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, got {value}")
    return value


_CACHE_BACKENDS = {
    "file": "django.core.cache.backends.filebased.FileBasedCache",
    "db": "django.core.cache.backends.db.DatabaseCache",
    "locmem": "django.core.cache.backends.locmem.LocMemCache",
    "dummy": "django.core.cache.backends.dummy.DummyCache",
    "redis": "django.core.cache.backends.redis.RedisCache",
    "rediss": "django.core.cache.backends.redis.RedisCache",
}


def envcache(name: str, default: str) -> dict:
    """A cache from a URL: file:///path, db://table, locmem://, dummy://, redis://host:port/db."""
    raw = os.environ.get(name, default)
    scheme, sep, rest = raw.partition("://")
    if not sep or scheme not in _CACHE_BACKENDS:
        raise ImproperlyConfigured(f"{name} must be one of {', '.join(s + '://' for s in _CACHE_BACKENDS)}…, got {raw!r}")
    location = raw if scheme.startswith("redis") else rest
    cache = {"BACKEND": _CACHE_BACKENDS[scheme], "LOCATION": location}
    if scheme == "file":
        # Searches make many pages; culling scans the folder, so not too often.
        cache["OPTIONS"] = {"MAX_ENTRIES": 5000}
    return cache


def envdatabase(name: str, default: str, **options) -> dict:
    """Django's DATABASES entry from a database URL (dj-database-url). A variable that is set
    but empty is refused rather than read as unset: on a server it more likely means a value
    that went missing than a wish for the embedded SQLite file."""
    import dj_database_url

    raw = os.environ.get(name)
    if raw is not None and not raw.strip():
        raise ImproperlyConfigured(f"{name} is set but empty; unset it to use the embedded SQLite database")
    try:
        return dj_database_url.parse(default if raw is None else raw.strip(), **options)
    except (ValueError, dj_database_url.UnknownSchemeError) as error:
        raise ImproperlyConfigured(f"{name} is not a database URL this platform can use: {error}") from None
