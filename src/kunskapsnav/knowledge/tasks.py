"""Background work of the knowledge app, run by the database-backed worker."""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from .models import PublicationNotice, SupportVersion
from .subscriptions import followers_of

logger = logging.getLogger(__name__)


def _claim(version: SupportVersion, email: str) -> PublicationNotice | None:
    """The notice row for this address, if nobody has claimed it yet. The unique constraint
    decides between two workers; the loser gets None."""
    try:
        with transaction.atomic():
            return PublicationNotice.objects.create(version=version, email=email)
    except IntegrityError:
        return None


@task()
def send_publication_notices(version_id: int) -> int:
    """Tell every follower of the support (or of its NPO) that a version was published.
    Each address is told once, whatever happens to the worker: the notice is claimed before
    the mail goes, so a crash in between loses one mail rather than sending two."""
    version = SupportVersion.objects.select_related("support").get(pk=version_id)
    support = version.support
    subject = _("Ny version av %(title)s") % {"title": support.title}
    body = _(
        "Version %(number)s av %(title)s är publicerad och gäller från och med nu.\n\n%(note)s\n\nLäs den: %(url)s\n"
    ) % {
        "number": version.number,
        "title": support.title,
        "note": version.change_note or "",
        "url": settings.SITE_URL.rstrip("/") + version.get_absolute_url(),
    }
    sent = 0
    for email in sorted(set(followers_of(support))):
        notice = _claim(version, email)
        if notice is None:
            continue
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [email])
        PublicationNotice.objects.filter(pk=notice.pk).update(sent_at=timezone.now())
        sent += 1
    logger.info("publication of version %s: %s notices sent", version_id, sent)
    return sent


def notify_published(version: SupportVersion):
    """Queue the notices once the publication has committed, never inside it."""
    version_id = version.pk
    transaction.on_commit(lambda: send_publication_notices.enqueue(version_id))
