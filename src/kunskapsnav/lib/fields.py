"""Small guards shared by the domain's write functions."""

from collections.abc import Iterable


def apply_changes(obj, values: dict, *, editable: Iterable[str]):
    """Set `values` on `obj`. A field outside `editable` is a programming error (the
    forms and API schemas offer only editable fields), so it raises TypeError."""
    unknown = set(values) - set(editable)
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    for name, value in values.items():
        setattr(obj, name, value)
    return obj
