"""Numbers as a Swedish report writes them: a space between thousands, a decimal comma, a
space before the per cent sign, and a dash for a missing value."""

from django import template

register = template.Library()
NARROW_SPACE = "\u202f"  # between groups of thousands and before %, unbreakable


def _decimal(value: float, places: int) -> str:
    written = f"{value:,.{places}f}"
    return written.replace(",", NARROW_SPACE).replace(".", ",")


@register.filter
def cell(value, kind: str) -> str:
    if value is None or value == "":
        return "–"
    if kind == "integer":
        return _decimal(int(value), 0)
    if kind == "percent":
        return f"{_decimal(float(value), 1)}{NARROW_SPACE}%"
    if kind == "decimal":
        return _decimal(float(value), 1)
    if kind == "days":
        return _decimal(float(value), 0)
    return str(value)


@register.filter
def is_number(kind: str) -> bool:
    return kind in ("integer", "percent", "decimal", "days")
