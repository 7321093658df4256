"""Following a support or an NPO (bevakning), and telling the followers when a new version
is published. The mail goes out after the publication has committed, never inside it."""

import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mass_mail
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from kunskapsnav.organisation.models import Body, BodyKind

from .models import KnowledgeSupport, Subscription, SupportVersion

logger = logging.getLogger(__name__)


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


def notify_published(version: SupportVersion):
    """Queue one e-mail per follower, sent when the transaction commits."""
    support = version.support

    def send():
        recipients = sorted(set(followers_of(support)))
        if not recipients:
            return
        subject = _("Ny version av %(title)s") % {"title": support.title}
        body = _(
            "Version %(number)s av %(title)s är publicerad och gäller från och med nu.\n\n%(note)s\n\nLäs den: %(url)s\n"
        ) % {
            "number": version.number,
            "title": support.title,
            "note": version.change_note or "",
            "url": settings.SITE_URL.rstrip("/") + version.get_absolute_url(),
        }
        messages = [(subject, body, settings.DEFAULT_FROM_EMAIL, [address]) for address in recipients]
        sent = send_mass_mail(messages, fail_silently=False)
        logger.info("publication of version %s: %s notifications sent", version.pk, sent)

    transaction.on_commit(send)
