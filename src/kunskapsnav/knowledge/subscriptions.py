"""Following a support or an NPO (bevakning), and telling the followers when a new version
is published (the notices are sent by the background worker, see knowledge.tasks)."""

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _

from kunskapsnav.organisation.models import Body, BodyKind

from .models import KnowledgeSupport, Subscription


def subscription_toggle(*, user, support: KnowledgeSupport | None = None, body: Body | None = None) -> bool:
    """Follow or stop following; returns whether the user follows afterwards."""
    if not user.is_authenticated:
        raise ValidationError(_("Logga in för att bevaka."))
    if body is not None and body.kind != BodyKind.NPO:
        raise ValidationError(_("Man kan bevaka kunskapsstöd och nationella programområden."))
    existing = Subscription.objects.filter(user=user, support=support, body=body)
    if existing.exists():
        existing.delete()
        return False
    Subscription.objects.create(user=user, support=support, body=body)
    return True


def followers_of(support: KnowledgeSupport):
    npo = support.npo
    condition = Q(support=support)
    if npo is not None:
        condition |= Q(body=npo)
    return (
        Subscription.objects.filter(condition)
        .exclude(user__email="")
        .filter(user__is_active=True)
        .values_list("user__email", flat=True)
        .distinct()
    )
