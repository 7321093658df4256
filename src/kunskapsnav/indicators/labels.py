"""Periods and target levels as people read them: a year is "2025", a month "jan 2025",
a target of a proportion "80 %". Exports write the periods as the import reads them
(ÅÅÅÅ, ÅÅÅÅ-K1, ÅÅÅÅ-MM), so an exported file can be read back."""

import datetime

from django.utils.formats import date_format

from .spec import Kind

NARROW_SPACE = "\u202f"  # before the per cent sign, unbreakable, as the reports write it


def period_label(period_type: str, period: datetime.date) -> str:
    """A period for a page or a chart, in the active language."""
    if period_type == "ar":
        return str(period.year)
    if period_type == "kvartal":
        return f"K{(period.month - 1) // 3 + 1} {period.year}"
    return date_format(period, "b Y")


def period_code(period_type: str, period: datetime.date) -> str:
    """A period for an export, in the import's notation."""
    if period_type == "ar":
        return str(period.year)
    if period_type == "kvartal":
        return f"{period.year}-K{(period.month - 1) // 3 + 1}"
    return f"{period:%Y-%m}"


def _decimal(value: float) -> str:
    """At most one decimal, a decimal comma, no trailing zero: 80, 72,5."""
    written = f"{value:.1f}".rstrip("0").rstrip(".")
    return written.replace(".", ",")


def target_label(level, kind: str) -> str:
    """A target level: a proportion in per cent ("0.80" reads "80 %"), other kinds as numbers."""
    value = float(level)
    if kind == Kind.PROPORTION:
        return f"{_decimal(100 * value)}{NARROW_SPACE}%"
    return _decimal(value)
