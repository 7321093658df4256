"""The lifecycle of a version: utkast → remiss → fastställd → publicerad → ersatt / återkallad.

TRANSITIONS is the one table of allowed moves and who may make them; the UI asks the same
table for its buttons. Each move writes a VersionTransition row (old, new, who, when).
Publishing replaces the version that was valid until then, in the same transaction; the
database's partial unique index makes a second concurrent publication fail rather than
leave two valid versions.
"""

import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _, gettext_lazy

from . import changes, permissions, search, tasks
from .models import KnowledgeSupport, SupportVersion, VersionStatus, VersionTransition
from .signals import version_published

logger = logging.getLogger(__name__)

S = VersionStatus
EDITOR, APPROVER, SYSTEM = "editor", "approver", "system"

# from status → {to status: who may make the move}
TRANSITIONS: dict[str, dict[str, str]] = {
    S.DRAFT: {S.REMISS: EDITOR},
    S.REMISS: {S.DRAFT: EDITOR, S.APPROVED: APPROVER},
    S.APPROVED: {S.PUBLISHED: EDITOR, S.DRAFT: APPROVER},
    S.PUBLISHED: {S.WITHDRAWN: APPROVER, S.SUPERSEDED: SYSTEM},
    S.SUPERSEDED: {},
    S.WITHDRAWN: {},
}

ACTION_LABELS = {
    S.REMISS: gettext_lazy("Skicka på remiss"),
    S.DRAFT: gettext_lazy("Återför till utkast"),
    S.APPROVED: gettext_lazy("Fastställ"),
    S.PUBLISHED: gettext_lazy("Publicera"),
    S.WITHDRAWN: gettext_lazy("Återkalla"),
}


def _may(user, who: str, support: KnowledgeSupport) -> bool:
    if who == EDITOR:
        return permissions.can_edit_support(user, support)
    if who == APPROVER:
        return permissions.can_approve(user, support)
    return False


def allowed_transitions(user, version: SupportVersion) -> list[str]:
    """The moves this user may make now, for the buttons."""
    return [to for to, who in TRANSITIONS[version.status].items() if _may(user, who, version.support)]


def _refuse_if_not_allowed(version: SupportVersion, to: str, by):
    moves = TRANSITIONS[version.status]
    if to not in moves:
        raise ValidationError(
            _("En version med status %(old)s kan inte bli %(new)s.")
            % {"old": VersionStatus(version.status).label.lower(), "new": VersionStatus(to).label.lower()}
        )
    who = moves[to]
    if who == SYSTEM:
        raise ValidationError(_("En version blir ersatt när en nyare version publiceras, inte för sig."))
    if not _may(by, who, version.support):
        if who == APPROVER:
            raise PermissionDenied(_("Bara det organ som fastställer den här typen av kunskapsstöd får göra det."))
        raise PermissionDenied(_("Bara det ägande organets redaktörer får ändra status på versionen."))


def _check_ready(version: SupportVersion, to: str):
    if to in (S.REMISS, S.APPROVED, S.PUBLISHED) and not version.recommendations.exists():
        raise ValidationError(_("Versionen har inga rekommendationer. Lägg till minst en först."))
    if to == S.PUBLISHED and version.review_date is None:
        raise ValidationError(
            {"review_date": [_("Ange ett revideringsdatum innan versionen publiceras.")]}
        )


def _record(version: SupportVersion, new: str, *, by, note: str = ""):
    """Write the move (and, for a version that stops being valid, its entry in the change feed)."""
    VersionTransition.objects.create(version=version, old_status=version.status, new_status=new, by=by, note=note)
    version.status = new
    version._history_user = by
    version.save()
    if new in (S.SUPERSEDED, S.WITHDRAWN):
        changes.version_ended(version)


@transaction.atomic
def version_transition(*, version: SupportVersion, to: str, by, note: str = "") -> SupportVersion:
    # Lock the support: the moves of its versions happen one at a time.
    KnowledgeSupport.objects.select_for_update().get(pk=version.support_id)
    version = SupportVersion.objects.select_related("support__owning_body").get(pk=version.pk)
    _refuse_if_not_allowed(version, to, by)
    _check_ready(version, to)
    if to == S.PUBLISHED:
        _publish(version, by=by, note=note)
    else:
        if to == S.APPROVED:
            version.approved_at = timezone.now()
        if to == S.DRAFT:
            version.approved_at = None
        _record(version, to, by=by, note=note)
    search.index_version(version)
    return version


def _publish(version: SupportVersion, *, by, note: str):
    previous = list(SupportVersion.objects.filter(support_id=version.support_id, status=S.PUBLISHED))
    for old in previous:
        _record(old, S.SUPERSEDED, by=by, note=_("Ersatt av version %(n)s") % {"n": version.number})
        search.index_version(old)
    version.published_at = timezone.now()
    try:
        with transaction.atomic():
            _record(version, S.PUBLISHED, by=by, note=note)
    except IntegrityError as exc:
        logger.warning("concurrent publication refused for support %s: %s", version.support_id, exc)
        raise ValidationError(
            _("En annan version publicerades samtidigt. Ladda om sidan och försök igen.")
        ) from exc
    changes.version_published(version)
    version_published.send(sender=SupportVersion, version=version, replaced=previous[0] if previous else None, by=by)
    tasks.notify_published(version)
