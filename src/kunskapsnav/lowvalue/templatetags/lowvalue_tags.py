from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def shown_value(row, percent: bool) -> str:
    """A value as the reader may see it (indicators.selectors.shown): a share in per cent
    with one decimal, "hidden" for a suppressed one, a dash for none."""
    if row is None:
        return "–"
    if row["value"] is None:
        return _("döljs, för få fall")
    if percent:
        return f"{number_format(100 * row['value'], 1)}\u202f%"
    return number_format(row["value"], 1)
