"""Who has signed in: the person in the registry that an identity provider's claims point to,
and that person's account.

The rule (docs/authentication.md): the HSA-id claim where the provider sends one, else a
verified e-mail address, matched against the registry's people. Nothing else in the claims
counts: no role, group or flag from a provider gives a right in Kunskapsnav. Rights come
only from the registry's memberships and from the account's own flags, which only a national
administrator sets. A person unknown to the registry gets no account at all.
"""

import enum
import logging
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

from kunskapsnav.organisation.hsa import hsa_id_problem
from kunskapsnav.organisation.models import Person

from .config import Provider

logger = logging.getLogger(__name__)


class Refusal(enum.StrEnum):
    UNKNOWN = "unknown"  # no person in the registry has the HSA-id or the verified e-mail
    AMBIGUOUS = "ambiguous"  # the e-mail belongs to more than one person in the registry
    CONFLICT = "conflict"  # the e-mail's person has another HSA-id than the claim's
    INACTIVE = "inactive"  # the person's account is switched off


@dataclass(frozen=True)
class Identification:
    person: Person | None
    matched_by: str = ""  # "hsa_id" or "email"
    refusal: Refusal | None = None


def _claimed_hsa_id(claims: dict, provider: Provider) -> str:
    value = claims.get(provider.hsa_id_claim)
    if not isinstance(value, str):
        return ""
    value = value.strip()
    # A malformed value can match nobody; it is not looked up at all.
    return value if value and hsa_id_problem(value) is None else ""


def _verified_email(claims: dict) -> str:
    email = claims.get("email")
    # Only an address the provider says it has verified, and only as JSON true: a provider
    # that leaves the claim out, or sends "true" as text, has not said so.
    if claims.get("email_verified") is not True or not isinstance(email, str):
        return ""
    return email.strip()


def person_identified(*, provider: Provider, claims: dict) -> Identification:
    """The registry person the claims point to, or why there is none."""
    hsa_id = _claimed_hsa_id(claims, provider)
    if hsa_id:
        person = Person.objects.filter(hsa_id__iexact=hsa_id).first()
        if person is not None:
            return Identification(person=person, matched_by="hsa_id")
    email = _verified_email(claims)
    if email:
        people = list(Person.objects.filter(email__iexact=email)[:2])
        if len(people) > 1:
            return Identification(person=None, refusal=Refusal.AMBIGUOUS)
        if people:
            person = people[0]
            if hsa_id and person.hsa_id and person.hsa_id.upper() != hsa_id.upper():
                # The provider says this is someone else than the registry's holder of the
                # address: trust neither.
                return Identification(person=None, refusal=Refusal.CONFLICT)
            return Identification(person=person, matched_by="email")
    return Identification(person=None, refusal=Refusal.UNKNOWN)


def _free_username(person: Person) -> str:
    User = get_user_model()
    base = (person.hsa_id or person.email or f"person-{person.pk}").lower()[:140]
    if not User.objects.filter(username=base).exists():
        return base
    return f"{base}-{person.pk}"


@transaction.atomic
def account_for(*, person: Person, provider: Provider):
    """The person's account; made when they have none, linked to the person, with no flags
    and no usable password (they sign in through their provider). The person row is locked,
    so that two first sign-ins at once make one account."""
    person = Person.objects.select_for_update().get(pk=person.pk)
    if person.user_id is not None:
        return person.user, False
    User = get_user_model()
    user = User(
        username=_free_username(person),
        email=person.email,
        first_name=person.given_name[:150],
        last_name=person.family_name[:150],
    )
    user.set_unusable_password()
    user._change_reason = f"account made at first sign-in through {provider.name}"
    user.save()
    person.user = user
    person._history_user = user
    person._change_reason = f"account linked at first sign-in through {provider.name}"
    person.save(update_fields=["user"])
    return user, True


def user_signed_in(*, provider: Provider, claims: dict):
    """The account a sign-in through `provider` with `claims` logs in, or the refusal.

    Returns (user, identification); user is None when refused."""
    identification = person_identified(provider=provider, claims=claims)
    if identification.person is None:
        logger.warning("sign-in through %s refused (%s): subject %s", provider.name, identification.refusal,
                       claims.get("sub"))
        return None, identification
    user, created = account_for(person=identification.person, provider=provider)
    if not user.is_active:
        logger.warning("sign-in through %s refused: account %s of person %s is inactive", provider.name, user.pk,
                       identification.person.pk)
        return None, Identification(person=identification.person, refusal=Refusal.INACTIVE)
    logger.info("sign-in through %s: person %s by %s, account %s%s", provider.name, identification.person.pk,
                identification.matched_by, user.pk, " (made now)" if created else "")
    return user, identification
