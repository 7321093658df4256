"""Who runs the engine, imports values and sees values below the small-number threshold:
analysts and national administrators. Everyone else sees suppressed values as suppressed."""

from kunskapsnav.organisation import permissions as registry


def can_run(user) -> bool:
    return registry.is_national_admin(user) or bool(
        user.is_authenticated and user.is_active and getattr(user, "analyst", False))


can_import = can_run
can_see_small_counts = can_run
# A run's data folder and why it failed name the server's files and the data's columns.
can_see_run_details = can_run
