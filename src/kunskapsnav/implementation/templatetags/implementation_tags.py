from django import template

from kunskapsnav.implementation.models import STAGE_SHORT, Stage
from kunskapsnav.implementation.selectors import stage_counts as count_stages

register = template.Library()


@register.filter
def stage_counts(rows):
    """(stage, label, number) for the rows of a dashboard."""
    return count_stages(rows)


@register.filter
def stage_short(stage: str) -> str:
    """The stage's short form in the national matrix."""
    return str(STAGE_SHORT[Stage(stage)])


@register.simple_tag
def stage_legend():
    """(short form, full name) of every stage, for the matrix's legend."""
    return [(str(short), Stage(stage).label) for stage, short in STAGE_SHORT.items()]
