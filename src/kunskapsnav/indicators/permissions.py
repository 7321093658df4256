"""Who runs the engine, imports values and sees values below the small-number threshold:
analysts and national administrators. Everyone else sees suppressed values as suppressed."""

from kunskapsnav.knowledge.permissions import can_see_small_counts
from kunskapsnav.organisation import permissions as registry

# The same readers as those who see small counts of uptake (knowledge sits below indicators).
can_run = can_see_small_counts
can_import = can_run
# A run's data folder and why it failed name the server's files and the data's columns.
can_see_run_details = can_run


def can_change_chart_settings(user, definition) -> bool:
    """Who chooses the indicator's chart type, kind of care and baseline: the same people who
    recalculate its limits, since both decide how its variation is read."""
    return can_recalculate_limits(user, definition)


def can_recalculate_limits(user, definition) -> bool:
    """Who records a recalculation of an SPC chart's limits: analysts and national
    administrators, and those who may edit the body that owns the indicator's knowledge
    support (its NPO's process leader, for example)."""
    if can_run(user):
        return True
    support = definition.support
    return bool(support is not None and support.owning_body_id is not None
                and registry.can_edit_body(user, support.owning_body))
