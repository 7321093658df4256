"""The cards (CDS Hooks 2.0, "CDS Service Response" and "Card Attributes").

patient-view: one card per recommendation of a valid national version whose codes match the
patient's active conditions and medications (a broader code covers a narrower one, see
knowledge.codes.covering), with the region's addition in the card's detail; then one link
card per support version concerned (its recommendations matched, or its conditions cover the
patient's), pointing to the support's page.

order-select / order-sign: a warning card per do-not recommendation (gör inte, the
icke-göra list) that an order's code matches, offering to drop the order; and a suggestion
card per alternative to it. An alternative is a recommendation of the same valid version
that says do (gör), carries a code of the order's kind (ATC for a medication order, KVÅ for
a procedure, as the service orders it in the order's place) and concerns a condition the
patient has: its own ICD-10-SE codes, or if it has none the support's conditions, cover one
of the patient's conditions from the prefetch. Without the patient's conditions no
alternative is suggested: the service does not guess the indication.

Order: prioritised recommendations by priority (Socialstyrelsen's 1–10, 1 first), then the
strong ones, then the rest; within a rank by support title and position. Every card carries
a stable uuid (knowledge.uptake.card_uuid: the recommendation's identity and the version
number), its source (the issuing NPO or agency, with its page) and the reasons the journal
may offer when a clinician sets the card aside. Nothing of the patient appears in a card but
the references the request itself sent (the patient id and the draft order in a suggestion).
"""

import logging
import re
import uuid

from django.utils.translation import gettext as _
from django.utils.translation import get_language

from kunskapsnav.interop.fhir import systems
from kunskapsnav.knowledge import code_index, selectors
from kunskapsnav.knowledge.codes import covering
from kunskapsnav.knowledge.models import CodeSystem, Direction, OverrideReason, Recommendation
from kunskapsnav.knowledge.uptake import card_uuid, support_card_uuid
from kunskapsnav.lib.richtext import plain_text
from kunskapsnav.organisation.models import BodyKind

from . import card_cache
from .request import HookCall, Order

logger = logging.getLogger(__name__)

SUMMARY_MAX = 139  # the specification: "<140-character summary"
# A journal shows a handful of cards, not a guideline: the highest ranked recommendations and
# the supports they come from. The limits also bound each call's work whatever the corpus.
MAX_RECOMMENDATION_CARDS = 10
MAX_LINK_CARDS = 5
MAX_WARNINGS = 5
OVERRIDE_REASON_SYSTEM_NAME = "cds-override-reason"

AGENCY_URLS = {
    "socialstyrelsen": "https://www.socialstyrelsen.se/",
    "sbu": "https://www.sbu.se/",
    "tlv": "https://www.tlv.se/",
    "lakemedelsverket": "https://www.lakemedelsverket.se/",
    "folkhalsomyndigheten": "https://www.folkhalsomyndigheten.se/",
}
_MARKDOWN = re.compile(r"([\\`*_{}\[\]<>()#+!|~])")


def override_reason_system() -> str:
    return systems.local(OVERRIDE_REASON_SYSTEM_NAME)


def override_reasons() -> list[dict]:
    system = override_reason_system()
    return [{"system": system, "code": reason.value, "display": str(reason.label)} for reason in OverrideReason]


def _markdown(text: str) -> str:
    return _MARKDOWN.sub(r"\\\1", text)


def _summary(text: str) -> str:
    return text if len(text) <= SUMMARY_MAX else text[: SUMMARY_MAX - 1].rstrip() + "…"


def _body_label(body) -> str:
    """An NPO or NSG as clinicians name it: "NPO hjärt- och kärlsjukdomar"."""
    if body.kind in (BodyKind.NPO, BodyKind.NSG) and not body.name.startswith(body.kind):
        return f"{body.kind} {body.name[:1].lower()}{body.name[1:]}"
    return body.name


def _source(support) -> dict:
    if support.issuer_body_id:
        return {"label": _body_label(support.issuer_body),
                "url": systems.site() + support.issuer_body.get_absolute_url()}
    return {"label": support.get_issuer_agency_display(),
            "url": AGENCY_URLS.get(support.issuer_agency, systems.site() + "/")}


def _support_link(version) -> dict:
    return {"label": _("Kunskapsstödet: %(title)s") % {"title": version.support.title},
            "url": systems.site() + version.get_absolute_url(), "type": "absolute"}


def _detail(rec: Recommendation, addition) -> str:
    lines = [_markdown(plain_text(rec.text))]
    grade = rec.grade
    if grade:
        lines.append(f"*{_markdown(str(grade))}*")
    if addition is not None:
        heading = _("Regionalt tillägg, %(region)s") % {"region": addition.region.name}
        if addition.recommendation.version_id != rec.version_id:
            heading += " " + _("(skrivet till en tidigare version)")
        lines.append(f"**{_markdown(heading)}:** {_markdown(plain_text(addition.text))}")
    return "\n\n".join(lines)


def _recommendation_card(rec: Recommendation, addition, *, indicator: str, summary_prefix: str = "") -> dict:
    return {
        "uuid": str(card_uuid(key=rec.key, version_number=rec.version.number)),
        "summary": _summary(summary_prefix + plain_text(rec.text)),
        "detail": _detail(rec, addition),
        "indicator": indicator,
        "source": _source(rec.version.support),
        "overrideReasons": override_reasons(),
        "links": [_support_link(rec.version)],
    }


def _link_card(version) -> dict:
    return {
        "uuid": str(support_card_uuid(support_id=version.support_id, version_number=version.number)),
        "summary": _summary(_("Kunskapsstöd: %(title)s") % {"title": version.support.title}),
        "indicator": "info",
        "source": _source(version.support),
        "links": [_support_link(version)],
    }


def _with_region(recommendations, region):
    additions = selectors.regional_additions_for(recommendations=recommendations, region=region)
    if additions:
        # the region's name for the heading, without a query per addition
        for addition in additions.values():
            addition.region = region
    return additions


class _OutOfStep(Exception):
    """The index names a recommendation or version that is no longer valid."""


def _patient_card(rec: Recommendation, addition) -> dict:
    indicator = "warning" if rec.direction == Direction.DO_NOT else "info"
    prefix = _("Gör inte: ") if rec.direction == Direction.DO_NOT else ""
    return _recommendation_card(rec, addition, indicator=indicator, summary_prefix=prefix)


def _link_entry(version) -> tuple:
    return (version.support.title, version.support_id), _link_card(version)


def _recommendation_cards(codes, *, region, index: code_index.CodeIndex, store: card_cache.CardStore,
                          language: str) -> list[tuple[dict, int]]:
    """(card, version id) of the first recommendations the index ranks for the codes: those
    the worker has made before from its store, the others read and made now."""
    ids = index.ranked_ids(codes, limit=MAX_RECOMMENDATION_CARDS)
    region_id = region.pk if region else None
    found = {pk: store.recommendations.get((pk, region_id, language)) for pk in ids}
    missing = [pk for pk, made in found.items() if made is None]
    if missing:
        recommendations = selectors.recommendations_ranked(ids=missing)
        if len(recommendations) < len(missing):
            raise _OutOfStep
        additions = _with_region(recommendations, region)
        for rec in recommendations:
            found[rec.pk] = (_patient_card(rec, additions.get(str(rec.key))), rec.version_id)
            store.keep(store.recommendations, (rec.pk, region_id, language), found[rec.pk])
            store.keep(store.links, (rec.version_id, language), _link_entry(rec.version))
    return [found[pk] for pk in ids]


def _link_cards(conditions, version_ids: list[int], *, index: code_index.CodeIndex,
                store: card_cache.CardStore, language: str) -> list[dict]:
    """The link cards of the versions the recommendations come from and of the first the
    index ranks for the patient's conditions, by support title."""
    wanted = list(dict.fromkeys(version_ids + index.ranked_version_ids(conditions, limit=MAX_LINK_CARDS)))
    found = {pk: store.links.get((pk, language)) for pk in wanted}
    missing = [pk for pk, made in found.items() if made is None]
    if missing:
        versions = selectors.versions_ranked(ids=missing)
        if len(versions) < len(missing):
            raise _OutOfStep
        for version in versions:
            found[version.pk] = _link_entry(version)
            store.keep(store.links, (version.pk, language), found[version.pk])
    entries = sorted(found.values(), key=lambda entry: entry[0])
    return [card for _order, card in entries[:MAX_LINK_CARDS]]


def _patient_view_from_database(call: HookCall, *, region) -> list[dict]:
    """The cards as the database alone gives them, when the index is out of step with it."""
    recommendations = selectors.valid_recommendations_for(codes=call.conditions + call.medications,
                                                          limit=MAX_RECOMMENDATION_CARDS)
    additions = _with_region(recommendations, region)
    cards = [_patient_card(rec, additions.get(str(rec.key))) for rec in recommendations]
    versions = {rec.version_id: rec.version for rec in recommendations}
    for version in selectors.valid_versions_for_conditions(codes=call.conditions, limit=MAX_LINK_CARDS):
        versions.setdefault(version.pk, version)
    for version in sorted(versions.values(), key=lambda v: (v.support.title, v.support_id))[:MAX_LINK_CARDS]:
        cards.append(_link_card(version))
    return cards


def patient_view_cards(call: HookCall, *, region, index: code_index.CodeIndex | None = None) -> list[dict]:
    """`index`: the code index as current() gave it before the call's time budget began;
    without it, asked for here. Each card is a copy: the worker's store keeps its own."""
    index = index or code_index.current()
    store = card_cache.store_for(index)
    language = get_language()
    try:
        made = _recommendation_cards(call.conditions + call.medications, region=region, index=index, store=store,
                                     language=language)
        links = _link_cards(call.conditions, [version_id for _card, version_id in made], index=index, store=store,
                            language=language)
    except _OutOfStep:
        # A version ended without its entry in the change feed (written around the domain
        # functions): the database's own answer is the right one.
        logger.warning("CDS code index out of step with the change feed at cursor %s", index.cursor)
        return _patient_view_from_database(call, region=region)
    return [dict(card) for card, _version_id in made] + [dict(card) for card in links]


def _covered(codes: set[tuple[str, str]], patient: list[tuple[str, str]]) -> bool:
    """Whether one of codes (ICD-10-SE) is or covers one of the patient's conditions."""
    broader = {(system, c) for system, code in patient for c in covering(system, code)}
    return bool(codes & broader)


def _condition_codes(rec: Recommendation) -> set[tuple[str, str]]:
    own = {(c.system, c.code) for c in rec.codes.all() if c.system == CodeSystem.ICD10SE}
    return own or {(CodeSystem.ICD10SE, c.code) for c in rec.version.support.conditions.all()}


def _intervention(rec: Recommendation, system: str) -> tuple[str, str] | None:
    """The recommendation's first code of the order's kind (ATC for a medication, KVÅ for a
    procedure): an alternative replaces an order with one of the same kind."""
    return next(((c.system, c.code) for c in rec.codes.all() if c.system == system), None)


def _proposal(system: str, code: str, patient_id: str) -> dict:
    coding = {"coding": [{"system": systems.CODE_SYSTEMS[system], "code": code}]}
    subject = {"reference": f"Patient/{patient_id}"}
    if system == CodeSystem.ATC:
        return {"resourceType": "MedicationRequest", "status": "draft", "intent": "proposal", "subject": subject,
                "medicationCodeableConcept": coding}
    return {"resourceType": "ServiceRequest", "status": "draft", "intent": "proposal", "subject": subject,
            "code": coding}


def _drop_order(order: Order) -> list[dict]:
    if not order.reference:
        return []
    return [{"type": "delete", "description": _("Ta bort beställningen %(ref)s") % {"ref": order.reference},
             "resourceId": order.reference}]


def _order_for(rec: Recommendation, order_of: dict[tuple[str, str], Order]) -> Order:
    """The order whose code the recommendation's code is, or covers."""
    for code in rec.codes.all():
        for (system, ordered), order in order_of.items():
            if system == code.system and code.code in covering(system, ordered):
                return order
    raise LookupError(rec.pk)  # the selector matched on one of these codes


def _order_system(order: Order) -> str:
    return CodeSystem.ATC if order.resource_type == "MedicationRequest" else CodeSystem.KVA


def order_cards(call: HookCall, *, region) -> list[dict]:
    order_of: dict[tuple[str, str], Order] = {}
    for order in call.orders:
        for code in order.codes:
            order_of.setdefault(code, order)
    if not order_of:
        return []
    matched = selectors.valid_recommendations_for(codes=list(order_of), direction=Direction.DO_NOT,
                                                  limit=MAX_WARNINGS)
    if not matched:
        return []
    alternatives = selectors.recommendations_in(version_ids={r.version_id for r in matched}, direction=Direction.DO)
    additions = _with_region(matched + alternatives, region)
    cards, suggested = [], set()
    for rec in matched:
        order = _order_for(rec, order_of)
        card = _recommendation_card(rec, additions.get(str(rec.key)), indicator="warning",
                                    summary_prefix=_("Gör inte: "))
        actions = _drop_order(order)
        if actions:
            card["suggestions"] = [{"label": _("Avstå från beställningen"),
                                    "uuid": str(uuid.uuid5(uuid.UUID(card["uuid"]), f"drop:{order.reference}")),
                                    "actions": actions}]
            card["selectionBehavior"] = "at-most-one"
        cards.append(card)
        if not call.conditions:
            continue
        for alt in alternatives:
            if alt.version_id != rec.version_id or alt.pk in suggested:
                continue
            intervention = _intervention(alt, _order_system(order))
            if intervention is None or not _covered(_condition_codes(alt), call.conditions):
                continue
            suggested.add(alt.pk)
            alt_card = _recommendation_card(alt, additions.get(str(alt.key)), indicator="info",
                                            summary_prefix=_("Alternativ: "))
            system, code = intervention
            alt_card["suggestions"] = [{
                "label": _("Beställ %(system)s %(code)s i stället") % {"system": CodeSystem(system).label, "code": code},
                "uuid": str(uuid.uuid5(uuid.UUID(alt_card["uuid"]), f"replace:{order.reference}:{code}")),
                "isRecommended": True,
                "actions": _drop_order(order) + [{
                    "type": "create",
                    "description": _("Skapa ett utkast till beställning av %(system)s %(code)s") % {
                        "system": CodeSystem(system).label, "code": code},
                    "resource": _proposal(system, code, call.patient_id),
                }],
            }]
            alt_card["selectionBehavior"] = "at-most-one"
            cards.append(alt_card)
    return cards
