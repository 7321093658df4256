"""/cds-services: discovery, the hook services and their feedback. Every answer is JSON; a
refused call gets its status (400, 401, 404, 405, 413) and a Swedish message. A hook call
whose database work fails or runs past the time budget is answered with an empty card list:
the journal's work goes on (CDS Hooks 2.0: the service must not stand in its way)."""

import logging

from django.conf import settings
from django.db import DatabaseError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from kunskapsnav.knowledge import code_index, uptake

from . import auth, cards, feedback
from .budget import time_budget
from .errors import CdsError, error_response, json_response
from .request import hook_call
from .services import PATIENT_VIEW, SERVICES, discovery as discovery_document

logger = logging.getLogger(__name__)


def _only(request, *methods):
    if request.method not in methods:
        error = CdsError(405, _("Metoden %(method)s stöds inte här; använd %(allowed)s.") % {
            "method": request.method[:10], "allowed": ", ".join(methods)})
        response = error_response(error)
        response["Allow"] = ", ".join(methods)
        return response
    return None


def _service(service_id: str):
    service = SERVICES.get(service_id)
    if service is None:
        raise CdsError(404, _("Tjänsten %(id)s finns inte. Se /cds-services.") % {"id": service_id[:64]})
    return service


@csrf_exempt  # nothing to forge: it only reads
def discovery(request):
    """The services, public: the list names no one and nothing but the services themselves."""
    return _only(request, "GET", "HEAD") or json_response(discovery_document())


@csrf_exempt  # the journal authenticates with a signed JWT, not a session
def service(request, service_id: str):
    refused = _only(request, "POST")
    if refused:
        return refused
    try:
        found = _service(service_id)
        caller = auth.caller(request, audiences=auth.audiences_for(request.path))
        call = hook_call(request, found)
        build = cards.patient_view_cards if found.hook == PATIENT_VIEW else cards.order_cards
        # The code index before the budget: after a publication it reads the supports concerned
        # again, and its first build in a worker reads every valid recommendation.
        prepared = {"index": code_index.current()} if found.hook == PATIENT_VIEW else {}
        with time_budget(settings.CDS_TIME_BUDGET_MS):
            answer = build(call, region=caller.region, **prepared)
        uptake.cards_shown(answer, region_code=caller.region_code, day=timezone.localdate())
    except CdsError as error:
        logger.info("CDS %s refused with %s: %s", service_id[:64], error.status, error.log)
        return error_response(error)
    except DatabaseError:
        logger.exception("CDS %s answered with no cards: the database failed or ran past the budget", service_id)
        return json_response({"cards": []})
    return json_response({"cards": answer})


@csrf_exempt  # the journal authenticates with a signed JWT, not a session
def service_feedback(request, service_id: str):
    refused = _only(request, "POST")
    if refused:
        return refused
    try:
        _service(service_id)
        caller = auth.caller(request, audiences=auth.audiences_for(
            request.path, service_path=reverse("cds:service", args=[service_id])))
        reports = feedback.feedback_reports(request)
        counted = feedback.feedback_count(reports=reports, caller=caller)
    except CdsError as error:
        logger.info("CDS feedback %s refused with %s: %s", service_id[:64], error.status, error.log)
        return error_response(error)
    except DatabaseError:
        logger.exception("CDS feedback %s not counted: the database failed", service_id)
        return error_response(CdsError(503, _("Återkopplingen kunde inte tas emot just nu. Försök igen.")))
    return json_response({"counted": counted})
