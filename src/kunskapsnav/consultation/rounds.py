"""Opening a remiss round and inviting the parties."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kunskapsnav.knowledge import permissions as knowledge_permissions
from kunskapsnav.knowledge.models import SupportVersion, VersionStatus
from kunskapsnav.organisation.models import Region

from . import permissions, tasks
from .models import ConsultationRound, Invitation


def _problems(version: SupportVersion, opens_on: datetime.date, closes_on: datetime.date, organisations) -> dict:
    errors: dict[str, list[str]] = {}
    if version.status != VersionStatus.REMISS:
        errors["version"] = [_("En remiss gäller en version med status remiss. Skicka versionen på remiss först.")]
    if closes_on < opens_on:
        errors["closes_on"] = [_("Sista svarsdag kan inte ligga före öppningsdagen.")]
    if len(set(organisations)) != len(organisations):
        errors["organisations"] = [_("Samma organisation står flera gånger.")]
    return errors


@transaction.atomic
def round_open(
    *,
    by,
    version: SupportVersion,
    opens_on: datetime.date,
    closes_on: datetime.date,
    instructions: str = "",
    all_regions: bool = True,
    municipalities=(),
    organisations=(),
    open_to_all: bool = False,
) -> ConsultationRound:
    """A round on the version, with invitations to all regions (by default), the chosen
    kommuner and the named organisations. Only the support's editors open a round."""
    version = SupportVersion.objects.select_related("support__owning_body").get(pk=version.pk)
    if not knowledge_permissions.can_edit_support(by, version.support):
        raise PermissionDenied(_("Bara det ägande organets redaktörer kan skicka kunskapsstödet på remiss."))
    organisations = [name.strip() for name in organisations if name.strip()]
    errors = _problems(version, opens_on, closes_on, organisations)
    if errors:
        raise ValidationError(errors)
    round_ = ConsultationRound(version=version, opens_on=opens_on, closes_on=closes_on, instructions=instructions,
                               open_to_all=open_to_all, created_by=by)
    round_._history_user = by
    round_.save()
    invitations = [Invitation(round=round_, region=region) for region in (Region.objects.all() if all_regions else [])]
    invitations += [Invitation(round=round_, municipality=m) for m in municipalities]
    invitations += [Invitation(round=round_, organisation=name) for name in organisations]
    Invitation.objects.bulk_create(invitations)
    tasks.schedule_round_mail(round_)
    return round_


def accepting_answers(round_: ConsultationRound, *, at: datetime.datetime) -> None:
    """Raise a ValidationError with a clear message if the round does not accept answers now."""
    if at < round_.opens_at:
        raise ValidationError(_("Remissen öppnar %(day)s. Svar kan lämnas från och med den dagen.")
                              % {"day": round_.opens_on.isoformat()})
    if at >= round_.closes_at:
        raise ValidationError(_("Remissen stängde %(day)s. Inga fler svar tas emot.")
                              % {"day": round_.closes_on.isoformat()})


@transaction.atomic
def invitation_add(*, by, round_: ConsultationRound, region=None, municipality=None, organisation: str = "",
                   at: datetime.datetime | None = None) -> Invitation:
    """One more party while the round is open. The owning body's editors invite anyone; in an
    open remiss a region's coordinator may also enter the region as a party."""
    round_ = ConsultationRound.objects.select_for_update().select_related("version__support__owning_body").get(
        pk=round_.pk)
    organisation = organisation.strip()
    if sum(bool(p) for p in (region, municipality, organisation)) != 1:
        raise ValidationError({"organisation": [_("Ange en region, en kommun eller en organisation.")]})
    if not permissions.can_invite(by, round_, region=region):
        raise PermissionDenied(_("Bara det ägande organets redaktörer bjuder in fler till remissen."))
    accepting_answers(round_, at=at or timezone.now())
    taken = round_.invitations.filter(region=region) if region else round_.invitations.filter(
        municipality=municipality) if municipality else round_.invitations.filter(organisation=organisation)
    if taken.exists():
        raise ValidationError({"organisation": [_("%(party)s är redan inbjuden.") % {
            "party": region or municipality or organisation}]})
    invitation = Invitation(round=round_, region=region, municipality=municipality, organisation=organisation)
    invitation._history_user = by
    invitation.save()
    if region is not None:
        tasks.schedule_round_mail(round_)
    return invitation
