"""A nominee in the registry: the person a self-nomination names, and the account they use
to declare their ties. A self-nominee is not in the registry until their region's
kunskapsstödsgrupp takes the nomination on; then they get a person and an account, and a
mail with a link to choose a password."""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from kunskapsnav.organisation.models import Person
from kunskapsnav.organisation.people import person_create

logger = logging.getLogger(__name__)


def password_link(user) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    path = reverse("accounts:password_set", args=[uid, default_token_generator.make_token(user)])
    return settings.SITE_URL.rstrip("/") + path


def _account_for(person: Person, *, by):
    """The person's account, made if they have none (no usable password until they choose one)."""
    if person.user_id is not None:
        return person.user, False
    User = get_user_model()
    user = User.objects.filter(email__iexact=person.email).first() if person.email else None
    created = user is None
    if created:
        user = User(username=person.email.lower()[:150], email=person.email.lower(),
                    first_name=person.given_name, last_name=person.family_name)
        user.set_unusable_password()
        user.save()
    person.user = user
    person._history_user = by
    person.save(update_fields=["user"])
    return user, created


def registry_person_for(nomination, *, by) -> Person:
    """The registry person a nomination names: found by e-mail, or added to the registry.

    Anyone can type an address into the public form, so an address alone does not link a
    nomination to someone in another region: the person found must have the region the
    nominee named, whose kunskapsstödsgrupp is the one taking the step. Otherwise a group
    could link (and seat, and read the declaration of) a stranger by typing their address."""
    person = Person.objects.filter(email__iexact=nomination.email).first()
    if person is not None and person.home_region_id != nomination.home_region_id:
        if person.home_region_id is None:
            raise ValidationError(_(
                "Det finns redan en person i registret med e-postadressen %(email)s, men utan hemregion. Be en "
                "nationell administratör ange personens hemregion innan nomineringen bereds.")
                % {"email": nomination.email})
        raise ValidationError(_(
            "Det finns redan en person i registret med e-postadressen %(email)s, med hemregion %(region)s. "
            "Nomineringen kan bara beredas av kunskapsstödsgruppen där; avslå den här och hänvisa dit.")
            % {"email": nomination.email, "region": person.home_region})
    if person is None:
        person = person_create(by=by, given_name=nomination.given_name, family_name=nomination.family_name,
                               title=nomination.title, home_region=nomination.home_region,
                               email=nomination.email.lower())
    user, created = _account_for(person, by=by)
    if created:
        _tell_new_account(nomination, user)
    return person


def _tell_new_account(nomination, user):
    subject = _("Din nominering till %(call)s") % {"call": nomination.call}
    body = _(
        "Hej %(name)s,\n\n%(region)s kunskapsstödsgrupp har tagit emot din nominering till %(call)s och fört den "
        "vidare.\n\nInnan du kan få uppdraget behöver du lämna en jävsdeklaration. Välj ett lösenord här och "
        "logga sedan in med användarnamnet %(username)s:\n%(link)s\n"
    ) % {"name": nomination.given_name, "region": nomination.region, "call": nomination.call,
         "username": user.username, "link": password_link(user)}
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
    logger.info("account %s made for nominee of nomination %s", user.pk, nomination.pk)
