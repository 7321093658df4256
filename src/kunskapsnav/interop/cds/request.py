"""Reading a hook call (CDS Hooks 2.0, "Calling a CDS Service"): the request's fields, the
hook's context and the prefetched FHIR resources, checked and reduced to the codes the
services match on. Anything malformed is a CdsError 400 with a Swedish message; nothing from
the request is kept.

FHIR resources (prefetch, draftOrders) are validated with fhir.resources' R4B models. Codes
are read from the code systems of the FHIR mapping (interop.fhir.systems): ICD-10-SE and
SNOMED CT from Condition.code, ATC from MedicationRequest.medicationCodeableConcept, KVÅ (and
ATC) from the draft orders. A coding in another system, or a code not well formed in its
system, is passed over: the journal's record is not ours to judge.
"""

import json
import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.resource import Resource
from pydantic import ValidationError

from kunskapsnav.interop.fhir import systems
from kunskapsnav.knowledge.codes import InvalidCode, normalise
from kunskapsnav.knowledge.models import CodeSystem

from .errors import CdsError
from .services import ORDER_SELECT, ORDER_SIGN, PATIENT_VIEW, Service

SYSTEM_OF_URI = {uri: system for system, uri in systems.CODE_SYSTEMS.items()}
MAX_BODY = 2_000_000  # bytes: a patient's prefetch of hundreds of resources fits many times over
REFERENCE = re.compile(r"[A-Za-z]{1,64}/[A-Za-z0-9\-.]{1,64}")

# Statuses in which a prefetched resource no longer describes the patient.
ENDED_CONDITION = {"inactive", "remission", "resolved"}
VOID_VERIFICATION = {"refuted", "entered-in-error"}
ENDED_MEDICATION = {"cancelled", "completed", "entered-in-error", "stopped"}

# What each prefetch key of the services must hold.
PREFETCH_TYPES = {"conditions": "Condition", "medications": "MedicationRequest"}
# What a draft order may be that the services read; other kinds in draftOrders pass unread.
ORDER_TYPES = {"MedicationRequest", "ServiceRequest"}


@dataclass
class Order:
    reference: str  # "MedicationRequest/abc", as the journal named it; "" when it has no id
    resource_type: str
    codes: list[tuple[str, str]]


@dataclass
class HookCall:
    hook: str
    patient_id: str
    conditions: list[tuple[str, str]] = field(default_factory=list)
    medications: list[tuple[str, str]] = field(default_factory=list)
    orders: list[Order] = field(default_factory=list)


def _bad(message, log: str = "") -> CdsError:
    return CdsError(400, message, log=log)


def _json_body(request) -> dict:
    if len(request.body) > MAX_BODY:
        raise CdsError(413, _("Anropet är för stort (högst %(max)s byte).") % {"max": MAX_BODY})
    try:
        body = json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        raise _bad(_("Anropet är inte JSON. Skicka ett JSON-objekt enligt CDS Hooks 2.0.")) from None
    if not isinstance(body, dict):
        raise _bad(_("Anropet ska vara ett JSON-objekt."))
    return body


def _string(container: dict, name: str, where: str, *, required: bool = True) -> str:
    value = container.get(name)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or not value.strip() or len(value) > 1000:
        raise _bad(_("%(where)s saknar %(name)s (en textsträng).") % {"where": where, "name": name})
    return value


def _codes(codeable, allowed: set[str]) -> list[tuple[str, str]]:
    found = []
    for coding in (codeable.coding or []) if codeable else []:
        system = SYSTEM_OF_URI.get(coding.system or "")
        if system not in allowed or not coding.code:
            continue
        try:
            found.append((system, normalise(system, coding.code)))
        except InvalidCode:
            continue
    return found


def _invalid(where: str, location: str, error: ValidationError) -> CdsError:
    return _bad(
        _("%(where)s är ingen giltig FHIR R4 Bundle: fel vid %(location)s.") % {"where": where,
                                                                                  "location": location[:200]},
        log=f"{where}: {str(error)[:500]}",
    )


def _location(error: ValidationError, prefix: str = "") -> str:
    return prefix + ".".join(str(part) for part in error.errors()[0]["loc"])


def _bundle(value, where: str, *, wanted: str | None = None) -> list:
    """The resources of a FHIR R4 Bundle, each validated by the model of its own type; with
    `wanted`, a resource of another type is refused before anything is validated.

    The Bundle is validated without its entries' resources, and each resource then by its own
    model (fhir.resources' get_fhir_model_class): the same checks as validating the whole
    Bundle at once, in about half the time, since the Bundle's field for any resource looks up
    the model of each entry by name."""
    if not isinstance(value, dict) or value.get("resourceType") != "Bundle":
        kind = value.get("resourceType") if isinstance(value, dict) else type(value).__name__
        raise _bad(_("%(where)s ska vara en FHIR Bundle, inte %(kind)s.") % {"where": where, "kind": str(kind)[:64]})
    entries = value.get("entry")
    if not isinstance(entries, list) or not all(isinstance(entry, dict) for entry in entries):
        entries = None  # not entries at all: the Bundle's own validation says where
    shell = value if entries is None else {
        **value, "entry": [{k: v for k, v in entry.items() if k != "resource"} for entry in entries]}
    try:
        Bundle.model_validate(shell)
    except ValidationError as error:
        raise _invalid(where, _location(error), error) from None
    resources = []
    for number, entry in enumerate(entries or []):
        resource = entry.get("resource")
        if resource is None:
            continue
        resources.append(_resource(resource, where, f"entry.{number}.resource", wanted=wanted))
    return resources


def _resource(resource, where: str, location: str, *, wanted: str | None):
    kind = resource.get("resourceType") if isinstance(resource, dict) else None
    if wanted is not None and kind != wanted:
        raise _bad(_("%(where)s ska bara innehålla %(wanted)s, inte %(kind)s.") % {
            "where": where, "wanted": wanted, "kind": str(kind)[:64]})
    try:
        model = get_fhir_model_class(kind) if isinstance(kind, str) else None
    except (KeyError, ValueError, ImportError):
        model = None
    if model is None or not issubclass(model, Resource):  # "Element" names a model, not a resource
        raise _bad(_("%(where)s är ingen giltig FHIR R4 Bundle: fel vid %(location)s.") % {
            "where": where, "location": f"{location}.resourceType"})
    try:
        return model.model_validate(resource)
    except ValidationError as error:
        raise _invalid(where, _location(error, prefix=location + "."), error) from None


def _prefetched(prefetch: dict, key: str) -> list:
    """The resources of one prefetch key, all of the type the service asked for; an absent
    or null key (the journal could not fetch it) is none."""
    value = prefetch.get(key)
    if value is None:
        return []
    return _bundle(value, _("Förhämtningen %(key)s") % {"key": key}, wanted=PREFETCH_TYPES[key])


def _condition_codes(resources) -> list[tuple[str, str]]:
    codes = []
    for condition in resources:
        clinical = {c.code for c in (condition.clinicalStatus.coding or [])} if condition.clinicalStatus else set()
        verification = ({c.code for c in (condition.verificationStatus.coding or [])}
                        if condition.verificationStatus else set())
        if clinical & ENDED_CONDITION or verification & VOID_VERIFICATION:
            continue
        codes += _codes(condition.code, {CodeSystem.ICD10SE, CodeSystem.SNOMED})
    return codes


def _medication_codes(resources) -> list[tuple[str, str]]:
    codes = []
    for medication in resources:
        if medication.status in ENDED_MEDICATION:
            continue
        codes += _codes(medication.medicationCodeableConcept, {CodeSystem.ATC})
    return codes


def _orders(context: dict, *, selected_only: bool) -> list[Order]:
    resources = _bundle(context.get("draftOrders"), _("context.draftOrders"))
    orders = []
    for resource in resources:
        kind = resource.get_resource_type()
        if kind not in ORDER_TYPES:
            continue
        reference = f"{kind}/{resource.id}" if resource.id else ""
        if kind == "MedicationRequest":
            codes = _codes(resource.medicationCodeableConcept, {CodeSystem.ATC})
        else:
            codes = _codes(resource.code, {CodeSystem.KVA, CodeSystem.ATC})
        orders.append(Order(reference=reference, resource_type=kind, codes=codes))
    if not selected_only:
        return orders
    selections = context.get("selections")
    if (not isinstance(selections, list) or not selections
            or not all(isinstance(s, str) and REFERENCE.fullmatch(s) for s in selections)):
        raise _bad(_("context.selections ska vara en lista med referenser som MedicationRequest/123."))
    present = {order.reference for order in orders} | {
        f"{r.get_resource_type()}/{r.id}" for r in resources if r.id}
    missing = [s for s in selections if s not in present]
    if missing:
        raise _bad(_("context.selections nämner %(ref)s, som inte finns i context.draftOrders.") % {
            "ref": missing[0]})
    return [order for order in orders if order.reference in selections]


def hook_call(request, service: Service) -> HookCall:
    """The call, checked against the service's hook; a CdsError 400 if anything is amiss."""
    body = _json_body(request)
    hook = _string(body, "hook", _("Anropet"))
    if hook != service.hook:
        raise _bad(_("Tjänsten %(id)s svarar på hooken %(hook)s, inte %(sent)s.") % {
            "id": service.id, "hook": service.hook, "sent": hook[:64]})
    _string(body, "hookInstance", _("Anropet"))
    context = body.get("context")
    if not isinstance(context, dict):
        raise _bad(_("Anropet saknar context (ett JSON-objekt)."))
    _string(context, "userId", "context")
    patient_id = _string(context, "patientId", "context")
    _string(context, "encounterId", "context", required=False)
    prefetch = body.get("prefetch") or {}
    if not isinstance(prefetch, dict):
        raise _bad(_("prefetch ska vara ett JSON-objekt med en post per förhämtning."))
    call = HookCall(hook=hook, patient_id=patient_id)
    call.conditions = _condition_codes(_prefetched(prefetch, "conditions"))
    if hook == PATIENT_VIEW:
        call.medications = _medication_codes(_prefetched(prefetch, "medications"))
    elif hook in (ORDER_SELECT, ORDER_SIGN):
        call.orders = _orders(context, selected_only=hook == ORDER_SELECT)
    return call
