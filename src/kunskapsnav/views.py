"""The start page and the health check: pages that belong to no single domain."""

import logging

from django.db import connection
from django.db.utils import DatabaseError
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from kunskapsnav.consultation import selectors as consultation_selectors
from kunskapsnav.implementation import permissions as implementation_permissions
from kunskapsnav.implementation import selectors as implementation_selectors
from kunskapsnav.implementation.models import Stage
from kunskapsnav.knowledge import selectors as knowledge_selectors
from kunskapsnav.organisation import coverage, permissions
from kunskapsnav.organisation.models import Body, Region
from kunskapsnav.organisation.selectors import memberships_of_person
from kunskapsnav.people import permissions as people_permissions
from kunskapsnav.people import selectors as people_selectors

logger = logging.getLogger(__name__)


@require_safe
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.exception("health check: database unreachable")
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


IN_WORK = (Stage.MAPPING, Stage.DECISION, Stage.IMPLEMENTATION)


def _adoptions_to_work(user, memberships, access):
    """The adoptions the local bodies the person sits in answer for, still being worked on."""
    bodies = [m.body for m in memberships.filter(body__region__isnull=False).select_related("body")]
    return [r for r in implementation_selectors.bodies_rows(user, bodies, access=access) if r.adoption.stage in IN_WORK]


def _people_waiting(user, person, memberships) -> dict:
    """Nominations waiting for the user's step, declarations waiting for their assessment,
    and their own declaration when they should renew it."""
    today = timezone.localdate()
    waiting = {"nominations_to_decide": people_selectors.nominations_waiting(user)}
    if people_permissions.is_assessor(user):
        waiting["declarations_to_assess"] = people_selectors.assessor_queue(user)
    if person is not None:
        waiting["own_declaration"] = people_selectors.declaration_to_renew(person, today, memberships=memberships)
    return waiting


@require_safe
def home(request):
    """What waits for the person first: the coverage holes of the regions they coordinate,
    remisses their region has not answered yet, nominations and declarations waiting for
    them, the bodies they lead, their own memberships."""
    context = {"region_count": Region.objects.count(), "body_count": Body.objects.active().count()}
    user = request.user
    if user.is_authenticated:
        # Asked once for every region's and body's adoptions below.
        access = implementation_permissions.Access(user)
        region_ids = access.coordinated_region_ids
        if region_ids:
            regions = list(Region.objects.filter(pk__in=region_ids))
            matrix = coverage.region_coverage(regions=regions)
            context["coordinated"] = [(region, matrix.holes(region)) for region in regions]
            context["region_work"] = [
                (region, implementation_selectors.region_rows(user, region, access=access, matrix=matrix))
                for region in regions]
        context["led_bodies"] = Body.objects.filter(pk__in=permissions.edited_bodies_subquery(user))
        context["supports_in_work"] = knowledge_selectors.supports_in_work(user)
        context["remiss_to_answer"] = [i for i in consultation_selectors.invitations_for(user) if not i.has_answered]
        person = getattr(user, "person", None)
        if person is not None:
            context["person"] = person
            context["memberships"] = memberships_of_person(person).active_on(timezone.localdate())
            context["adoptions_to_work"] = _adoptions_to_work(user, context["memberships"], access)
        context |= _people_waiting(user, person, context.get("memberships"))
    return render(request, "home.html", context)
