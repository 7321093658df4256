"""What the people app adds to the registry's pages (organisation.extensions): the links
to its pages, and a person's declaration status and measures."""

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kunskapsnav.organisation.permissions import is_coordinator, is_national_admin

from . import permissions, selectors


def section_links(request) -> list[tuple[str, str]]:
    """The people pages this user can use."""
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
    return links


def person_facts(request, person) -> str:
    """Whether the person's declaration is assessed, where a seat of theirs requires one; the
    measures for logged-in users only."""
    today = timezone.localdate()
    seats = selectors.seats(person.memberships.active_on(today).select_related("body"), today)
    if not any(seat.clearance is not None for seat in seats):
        return ""
    return render_to_string("people/_person_clearance.html", {
        "clearance": selectors.clearance(person, today),
        "show_measures": permissions.can_see_seat_clearance(request.user)}, request=request)
