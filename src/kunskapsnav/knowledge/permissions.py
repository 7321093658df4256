"""Who may do what with knowledge supports.

- Editors of a support: the process leaders of its owning body (a national editor), and for
  bodies of a region the region's coordinators; national administrators always.
- Approvers: the chair or process leader of the body that approves the support's type (see
  APPROVING_BODY): SKS approves vårdförlopp, the owning NPO its clinical supports, vårdprogram,
  care guidelines and do-not-do recommendations, the region's RMKS its routines.
  Socialstyrelsen's national guidelines are approved by Socialstyrelsen, outside the
  system: a national administrator records that.
- Regional additions: the coordinators of the region.
"""

from django.db.models import Q
from django.utils import timezone

from kunskapsnav.organisation import permissions as registry
from kunskapsnav.organisation.models import Body, BodyKind, Membership, Role

from .models import KnowledgeSupport, SupportType

APPROVER_ROLES = frozenset({Role.CHAIR, Role.PROCESS_LEADER})

# Which body approves which type: "sks" (the national steering group), "owner" (the owning
# body itself), "rmks" (the RMKS of the owning body's region) or None (outside the system).
APPROVING_BODY = {
    SupportType.CARE_PATHWAY: "sks",
    SupportType.CLINICAL: "owner",
    SupportType.CARE_PROGRAMME: "owner",
    SupportType.CARE_GUIDELINE: "owner",
    SupportType.DO_NOT_DO: "owner",
    SupportType.NATIONAL_GUIDELINE: None,
    SupportType.REGIONAL_ROUTINE: "rmks",
    SupportType.LOCAL_ROUTINE: "rmks",
}


def approving_body(support: KnowledgeSupport) -> Body | None:
    rule = APPROVING_BODY[SupportType(support.type)]
    if rule == "sks":
        return Body.objects.filter(kind=BodyKind.SKS, is_active=True).first()
    if rule == "owner":
        return support.owning_body
    if rule == "rmks":
        return Body.objects.filter(kind=BodyKind.RMKS, region_id=support.owning_body.region_id, is_active=True).first()
    return None


def can_edit_support(user, support: KnowledgeSupport) -> bool:
    if registry.is_national_admin(user):
        return True
    body = support.owning_body
    if body.pk in registry.edited_body_ids(user):
        return True
    return body.region_id is not None and body.region_id in registry.coordinated_region_ids(user)


def can_create_support(user, *, owning_body: Body) -> bool:
    if registry.is_national_admin(user):
        return True
    if owning_body.pk in registry.edited_body_ids(user):
        return True
    return owning_body.region_id is not None and owning_body.region_id in registry.coordinated_region_ids(user)


def can_create_any_support(user) -> bool:
    return registry.is_national_admin(user) or bool(registry.edited_body_ids(user)) or registry.is_coordinator(user)


def can_approve(user, support: KnowledgeSupport) -> bool:
    if registry.is_national_admin(user):
        return True
    body = approving_body(support)
    if body is None or not user.is_authenticated:
        return False
    return (
        Membership.objects.active_on(timezone.localdate())
        .filter(body=body, person__user=user, role__in=APPROVER_ROLES)
        .exists()
    )


def workable_supports(user) -> Q:
    """The supports the user may edit or approve, as a query: the same rules as
    can_edit_support and can_approve, for lists (a test checks that they agree)."""
    if registry.is_national_admin(user):
        return Q()
    if not user.is_authenticated:
        return Q(pk__in=[])
    condition = Q(owning_body_id__in=registry.edited_bodies_subquery(user)) | Q(
        owning_body__region_id__in=registry.coordinated_regions_subquery(user)
    )
    seats = Membership.objects.active_on(timezone.localdate()).filter(
        person__user=user, role__in=APPROVER_ROLES, body__is_active=True
    ).values_list("body_id", "body__kind", "body__region_id")
    for body_id, kind, region_id in seats:
        if kind == BodyKind.SKS:
            condition |= Q(type__in=_types_approved_by("sks"))
        if kind == BodyKind.RMKS:
            condition |= Q(type__in=_types_approved_by("rmks"), owning_body__region_id=region_id)
        condition |= Q(type__in=_types_approved_by("owner"), owning_body_id=body_id)
    return condition


def _types_approved_by(rule: str) -> list[str]:
    return [type_ for type_, approver in APPROVING_BODY.items() if approver == rule]


def can_add_regional_addition(user, *, region_id: int) -> bool:
    return registry.is_national_admin(user) or region_id in registry.coordinated_region_ids(user)


def can_see_unpublished(user, support: KnowledgeSupport) -> bool:
    """Drafts and remiss versions: the editors and approvers, and every logged-in user may read
    a version on remiss (the remiss is how the regions are asked)."""
    return can_edit_support(user, support) or can_approve(user, support)


def can_see_small_counts(user) -> bool:
    """Who sees counts below the small-number threshold (uptake here, indicator values in
    indicators): analysts and national administrators. Everyone else sees them suppressed."""
    return registry.is_national_admin(user) or bool(
        user.is_authenticated and user.is_active and getattr(user, "analyst", False))
