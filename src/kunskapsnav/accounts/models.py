import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _, pgettext_lazy
from simple_history.models import HistoricalRecords


class User(AbstractUser):
    """A person who logs in. What they may change follows from these two flags and from
    their memberships in the registry (see organisation.permissions)."""

    national_admin = models.BooleanField(
        _("nationell administratör"),
        default=False,
        help_text=_("Får ändra allt i registret, även nationella organ och referensdata."),
    )
    analyst = models.BooleanField(
        _("analytiker"),
        default=False,
        help_text=_("Arbetar med uppföljning och analys på alla nivåer."),
    )

    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    class Meta:
        verbose_name = _("användare")
        verbose_name_plural = pgettext_lazy("plural", "användare")

    def __str__(self):
        return self.get_full_name() or self.username


def _hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True, user__is_active=True)


class ApiToken(models.Model):
    """A bearer token for another system acting as a user through /api/v1/.

    Only a hash is stored; the key is shown once when the token is created.
    """

    PREFIX = "kn_"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("namn"), max_length=100)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API-nyckel")
        verbose_name_plural = _("API-nycklar")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name} ({self.user})"

    @classmethod
    def issue(cls, *, user, name: str) -> tuple["ApiToken", str]:
        key = cls.PREFIX + secrets.token_urlsafe(32)
        token = cls.objects.create(user=user, name=name, key_hash=_hash_key(key))
        return token, key

    @classmethod
    def authenticate(cls, key: str):
        """The user a presented key belongs to, or None; records when the key was used."""
        token = cls.objects.active().select_related("user").filter(key_hash=_hash_key(key)).first()
        if token is None:
            return None
        cls.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
        return token.user
