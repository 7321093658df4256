"""Who keeps the register of low-value care.

- National practices (Socialstyrelsen's icke-göra, Kloka kliniska val, a national do-not):
  national administrators (the national secretariat) and the chair and process leader of
  SKS, which steers the national knowledge governance and its priorities.
- A regional do-not: also the coordinators of that region.
- Everyone may read the register and the national view; small counts in the view are hidden
  as on the indicator pages (indicators.permissions.can_see_small_counts).
"""

from django.utils import timezone

from kunskapsnav.organisation import permissions as registry
from kunskapsnav.organisation.models import BodyKind, Membership, Role

SKS_ROLES = frozenset({Role.CHAIR, Role.PROCESS_LEADER})


def _sits_in_sks(user) -> bool:
    if not (user.is_authenticated and user.is_active):
        return False
    return (Membership.objects.active_on(timezone.localdate())
            .filter(person__user=user, role__in=SKS_ROLES, body__kind=BodyKind.SKS, body__is_active=True).exists())


def can_edit_practice(user, *, region_id: int | None) -> bool:
    """For a practice of a region (`region_id`) or a national one (None)."""
    if registry.is_national_admin(user) or _sits_in_sks(user):
        return True
    return region_id is not None and region_id in registry.coordinated_region_ids(user)


def can_add_any_practice(user) -> bool:
    """Whether to offer the form at all; can_edit_practice decides for the practice."""
    return registry.is_national_admin(user) or _sits_in_sks(user) or registry.is_coordinator(user)
