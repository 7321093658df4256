from django import template

from kunskapsnav.implementation.selectors import stage_counts as count_stages

register = template.Library()


@register.filter
def stage_counts(rows):
    """(stage, label, number) for the rows of a dashboard."""
    return count_stages(rows)
