"""Regional additions (regionala tillägg) to published recommendations."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kunskapsnav.lib.richtext import from_editor, plain_text

from . import changes, permissions, signals
from .models import Recommendation, RegionalAddition, VersionStatus


@transaction.atomic
def addition_save(*, by, recommendation: Recommendation, region, text: str) -> RegionalAddition:
    """Create or replace the region's addition to a recommendation of a published version."""
    if not permissions.can_add_regional_addition(by, region_id=region.pk):
        raise PermissionDenied(_("Du får bara skriva tillägg för din egen region."))
    recommendation = Recommendation.objects.select_related("version").get(pk=recommendation.pk)
    if recommendation.version.status != VersionStatus.PUBLISHED:
        raise ValidationError(_("Regionala tillägg skrivs till den publicerade versionen."))
    clean = from_editor(text)
    if not plain_text(clean):
        raise ValidationError({"text": [_("Skriv tilläggets text.")]})
    addition = RegionalAddition.objects.select_for_update().filter(recommendation=recommendation, region=region).first()
    if addition is None:
        addition = RegionalAddition(recommendation=recommendation, region=region)
    created = addition.pk is None
    addition.text = clean
    addition._history_user = by
    addition.save()
    changes.addition_written(addition, created=created)
    signals.addition_changed.send(sender=RegionalAddition, support_id=recommendation.version.support_id, by=by)
    return addition


@transaction.atomic
def addition_delete(*, by, addition: RegionalAddition):
    if not permissions.can_add_regional_addition(by, region_id=addition.region_id):
        raise PermissionDenied(_("Du får bara ta bort tillägg för din egen region."))
    addition = RegionalAddition.objects.select_related("recommendation__version", "region").get(pk=addition.pk)
    changes.addition_removed(addition)
    addition._history_user = by
    addition.delete()
    signals.addition_changed.send(sender=RegionalAddition, support_id=addition.recommendation.version.support_id, by=by)
