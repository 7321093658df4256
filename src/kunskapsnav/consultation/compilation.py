"""Remissammanställning: every submitted point grouped by recommendation and section, the
owning body's response (bemötande) to each, statistics, and publication."""

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from kunskapsnav.knowledge.models import SupportVersion

from . import permissions
from .models import AnswerItem, AnswerStatus, ConsultationRound, ItemResponse, ResponseOutcome


@dataclass
class Group:
    """The points of all parties about one recommendation, one section, or the whole version."""

    label: str
    recommendation: object = None
    section: str = ""
    items: list[AnswerItem] = field(default_factory=list)

    @property
    def parties(self) -> int:
        return len({item.answer.invitation_id for item in self.items})

    @property
    def unanswered(self) -> int:
        return sum(1 for item in self.items if not hasattr(item, "response"))


def submitted_items(round_: ConsultationRound):
    return (
        AnswerItem.objects.filter(answer__invitation__round=round_, answer__status=AnswerStatus.SUBMITTED)
        .select_related("answer__invitation__region", "answer__invitation__municipality", "recommendation",
                        "response")
        .order_by(F("answer__invitation__region__county_code").asc(nulls_last=True),
                  F("answer__invitation__municipality__code").asc(nulls_last=True),
                  "answer__invitation__organisation", "pk")
    )


def party_order(invitation) -> tuple:
    """Regions in county-code order, then kommuner by code, then organisations by name."""
    if invitation.region_id:
        return (0, invitation.region.county_code)
    if invitation.municipality_id:
        return (1, invitation.municipality.code)
    return (2, invitation.organisation)


def recommendation_label(recommendation) -> str:
    text = Truncator(strip_tags(recommendation.text)).words(14)
    return _("Rekommendation %(n)s: %(text)s") % {"n": recommendation.position, "text": text}


def grouped(round_: ConsultationRound) -> list[Group]:
    """Groups in reading order: the recommendations in their order in the version, then
    sections by name, then points about the version as a whole."""
    by_recommendation: dict[int, Group] = {}
    by_section: dict[str, Group] = {}
    general = Group(label=_("Hela kunskapsstödet"))
    for item in submitted_items(round_):
        if item.recommendation is not None:
            group = by_recommendation.setdefault(
                item.recommendation_id,
                Group(label=recommendation_label(item.recommendation), recommendation=item.recommendation,
                      section=item.recommendation.section),
            )
        elif item.section:
            group = by_section.setdefault(item.section, Group(label=_("Avsnitt: %(s)s") % {"s": item.section},
                                                              section=item.section))
        else:
            group = general
        group.items.append(item)
    groups = sorted(by_recommendation.values(), key=lambda g: g.recommendation.position)
    groups += [by_section[name] for name in sorted(by_section)]
    if general.items:
        groups.append(general)
    return groups


@dataclass
class Statistics:
    invited: int
    answered: list  # invitations with a submitted answer
    not_answered: list
    points: int
    by_kind: list  # (kind, points)
    by_outcome: list  # (outcome, points), "not responded" last
    per_recommendation: list  # (recommendation, points, parties) for every recommendation of the version


def statistics(round_: ConsultationRound) -> Statistics:
    invitations = list(round_.invitations.select_related("region", "municipality", "answer"))
    answered = [i for i in invitations if i.has_answered]
    answered_ids = {i.pk for i in answered}
    items = list(submitted_items(round_))
    points: Counter = Counter()
    parties: dict[int, set] = {}
    for item in items:
        if item.recommendation_id:
            points[item.recommendation_id] += 1
            parties.setdefault(item.recommendation_id, set()).add(item.answer.invitation_id)
    outcomes = Counter(item.response.outcome if hasattr(item, "response") else "" for item in items)
    return Statistics(
        invited=len(invitations),
        answered=sorted(answered, key=party_order),
        not_answered=sorted((i for i in invitations if i.pk not in answered_ids), key=party_order),
        points=len(items),
        by_kind=sorted(Counter(item.get_kind_display() for item in items).items()),
        by_outcome=[(label, outcomes.get(value, 0)) for value, label in ResponseOutcome.choices]
        + [(_("Ej bemött"), outcomes.get("", 0))],
        per_recommendation=[
            (rec, points.get(rec.pk, 0), len(parties.get(rec.pk, ())))
            for rec in round_.version.recommendations.order_by("position")
        ],
    )


def _require_owner(by, round_: ConsultationRound, message: str):
    if not permissions.can_respond(by, round_):
        raise PermissionDenied(message)


@transaction.atomic
def response_save(*, by, item: AnswerItem, outcome: str, reason: str) -> ItemResponse:
    """Write or change the owning body's response to one submitted point."""
    item = AnswerItem.objects.select_related("answer__invitation__round__version__support__owning_body").get(
        pk=item.pk)
    round_ = ConsultationRound.objects.select_for_update().get(pk=item.answer.invitation.round_id)
    _require_owner(by, round_, _("Bara det ägande organets redaktörer bemöter remissvaren."))
    if item.answer.status != AnswerStatus.SUBMITTED:
        raise ValidationError(_("Punkten hör till ett remissvar som inte är inskickat."))
    if round_.compilation_published_at:
        raise ValidationError(_("Sammanställningen är publicerad och kan inte längre ändras."))
    errors = {}
    if outcome not in ResponseOutcome.values:
        errors["outcome"] = [_("Välj beaktad, delvis beaktad eller ej beaktad.")]
    if not reason.strip():
        errors["reason"] = [_("Motivera bedömningen.")]
    if errors:
        raise ValidationError(errors)
    response = ItemResponse.objects.filter(item=item).first() or ItemResponse(item=item)
    response.outcome, response.reason, response.responded_by = outcome, reason.strip(), by
    response._history_user = by
    response.save()
    return response


@transaction.atomic
def compilation_publish(*, by, round_: ConsultationRound, with_version: SupportVersion | None = None,
                        at: datetime.datetime | None = None) -> ConsultationRound:
    """Publish the compilation once the round has closed and every point has a response.
    From then on anyone can read it, every answer included."""
    round_ = ConsultationRound.objects.select_for_update().select_related("version__support__owning_body").get(
        pk=round_.pk)
    _require_owner(by, round_, _("Bara det ägande organets redaktörer publicerar remissammanställningen."))
    at = at or timezone.now()
    if round_.compilation_published_at:
        raise ValidationError(_("Sammanställningen är redan publicerad."))
    if at < round_.closes_at:
        raise ValidationError(_("Remissen är öppen till och med %(day)s. Sammanställningen publiceras när den har "
                                "stängt.") % {"day": round_.closes_on.isoformat()})
    missing = sum(1 for item in submitted_items(round_) if not hasattr(item, "response"))
    if missing:
        raise ValidationError(_("%(n)s punkter saknar bemötande. Bemöt alla punkter innan sammanställningen "
                                "publiceras.") % {"n": missing})
    if with_version is not None and (with_version.support_id != round_.version.support_id
                                     or with_version.number <= round_.version.number):
        raise ValidationError({"with_version": [_("Välj en senare version av samma kunskapsstöd.")]})
    round_.compilation_published_at, round_.compilation_published_with = at, with_version
    round_._history_user = by
    round_.save()
    return round_
