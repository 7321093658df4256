"""The people pages' links for the Organisation section, and a person's declaration
status for the registry's person page (which cannot import this app: it is the layer below)."""

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kunskapsnav.organisation.permissions import is_coordinator, is_national_admin

from .. import permissions, selectors

register = template.Library()


@register.inclusion_tag("people/_links.html", takes_context=True)
def people_links(context):
    """The people pages this user can use."""
    request = context["request"]
    user = request.user
    links = [(reverse("people:call_list"), _("Utlysningar"))]
    if user.is_authenticated:
        if selectors.own_person(user) is not None:
            links.append((reverse("people:my_declarations"), _("Mina jävsdeklarationer")))
        if permissions.is_assessor(user):
            links.append((reverse("people:assessor_queue"), _("Jävsdeklarationer att bedöma")))
        if is_national_admin(user) or is_coordinator(user):
            links += [(reverse("people:coordination"), _("Samordning")),
                      (reverse("people:pool"), _("Patientmedverkan")),
                      (reverse("people:payable_lists"), _("Ersättning"))]
    return {"links": links, "request": request}


@register.inclusion_tag("people/_person_clearance.html", takes_context=True)
def person_clearance(context, person):
    """Whether the person's declaration is assessed, where a seat of theirs requires one; the
    measures for logged-in users only."""
    user = context["request"].user
    today = timezone.localdate()
    seats = selectors.seats(person.memberships.active_on(today).select_related("body"), today)
    if not any(seat.clearance is not None for seat in seats):
        return {"clearance": None}
    return {"clearance": selectors.clearance(person, today), "show_measures": permissions.can_see_seat_clearance(user)}
