from django.test import TestCase

from kunskapsnav.accounts.models import User
from kunskapsnav.organisation import people
from kunskapsnav.sso.config import Provider
from kunskapsnav.sso.identities import Refusal, account_for, person_identified, user_signed_in

INERA = Provider(name="inera", label="Inera", issuer="https://idp.example.se", client_id="kn", client_secret="s")
REGION = Provider(name="orebro", label="Region Örebro län", issuer="https://login.example.se", client_id="kn",
                  client_secret="s", hsa_id_claim="hsa_id")


class IdentitiesTests(TestCase):
    """Who a sign-in is, by the registry; the flow itself is tested end to end against a real
    provider in tests/oidc."""

    @classmethod
    def setUpTestData(cls):
        cls.admin = User.objects.create_user("admin", national_admin=True)
        cls.anna = people.person_create(by=cls.admin, given_name="Anna", family_name="A",
                                        hsa_id="SE2321000032-anna1", email="anna@regionorebrolan.se")
        cls.erik = people.person_create(by=cls.admin, given_name="Erik", family_name="Ek",
                                        email="erik@regionorebrolan.se")

    def identify(self, provider=INERA, **claims):
        return person_identified(provider=provider, claims={"sub": "x", **claims})

    def test_the_hsa_id_claim_decides_whatever_the_letter_case(self):
        found = self.identify(employeeHsaId="se2321000032-ANNA1", email="erik@regionorebrolan.se", email_verified=True)
        self.assertEqual((found.person, found.matched_by), (self.anna, "hsa_id"))

    def test_each_provider_names_its_own_hsa_id_claim(self):
        self.assertIsNone(self.identify(REGION, employeeHsaId="SE2321000032-anna1").person)
        self.assertEqual(self.identify(REGION, hsa_id="SE2321000032-anna1").person, self.anna)

    def test_a_verified_email_is_the_fallback(self):
        found = self.identify(email="Erik@RegionOrebroLan.se", email_verified=True)
        self.assertEqual((found.person, found.matched_by), (self.erik, "email"))
        # An HSA-id nobody has does not stop the e-mail from identifying a person without one.
        found = self.identify(employeeHsaId="SE2321000032-erik1", email="erik@regionorebrolan.se", email_verified=True)
        self.assertEqual(found.person, self.erik)

    def test_an_email_counts_only_when_the_provider_says_it_is_verified(self):
        for verified in (False, "true", 1, None):
            with self.subTest(email_verified=verified):
                found = self.identify(email="erik@regionorebrolan.se", email_verified=verified)
                self.assertEqual((found.person, found.refusal), (None, Refusal.UNKNOWN))
        self.assertIsNone(self.identify(email="erik@regionorebrolan.se").person)

    def test_a_malformed_hsa_id_claim_is_not_looked_up(self):
        self.assertIsNone(self.identify(employeeHsaId="SE2321000032-anna1%").person)
        self.assertIsNone(self.identify(employeeHsaId=["SE2321000032-anna1"]).person)

    def test_an_email_whose_person_has_another_hsa_id_is_refused(self):
        found = self.identify(employeeHsaId="SE2321000032-nagon2", email="anna@regionorebrolan.se", email_verified=True)
        self.assertEqual((found.person, found.refusal), (None, Refusal.CONFLICT))

    def test_an_email_shared_by_two_people_is_refused(self):
        from kunskapsnav.organisation.models import Person

        # Written around the registry's own check, as older rows might be.
        Person.objects.create(given_name="Erik", family_name="Eriksson", email="ERIK@regionorebrolan.se")
        found = self.identify(email="erik@regionorebrolan.se", email_verified=True)
        self.assertEqual((found.person, found.refusal), (None, Refusal.AMBIGUOUS))

    def test_the_first_sign_in_makes_an_account_without_rights_and_later_ones_reuse_it(self):
        claims = {"sub": "x", "employeeHsaId": "SE2321000032-anna1", "national_admin": True, "is_staff": True,
                  "is_superuser": True, "analyst": True, "roles": ["admin"], "groups": ["admins"]}
        user, _found = user_signed_in(provider=INERA, claims=claims)
        self.anna.refresh_from_db()
        self.assertEqual(self.anna.user, user)
        self.assertEqual((user.first_name, user.last_name, user.email), ("Anna", "A", "anna@regionorebrolan.se"))
        self.assertFalse(any([user.national_admin, user.analyst, user.is_staff, user.is_superuser]))
        self.assertFalse(user.has_usable_password())
        self.assertEqual(self.anna.history.latest().history_user, user)
        again, _found = user_signed_in(provider=REGION, claims={"sub": "y", "hsa_id": "SE2321000032-anna1"})
        self.assertEqual(again, user)

    def test_an_existing_account_keeps_what_the_registry_gave_it(self):
        # Rights come from Kunskapsnav's own records, so a national administrator stays one.
        boss = User.objects.create_user("chefen", national_admin=True)
        self.erik.user = boss
        self.erik.save()
        user, _found = user_signed_in(provider=INERA, claims={"sub": "x", "email": "erik@regionorebrolan.se",
                                                              "email_verified": True})
        self.assertEqual(user, boss)
        self.assertTrue(user.national_admin)

    def test_a_user_with_the_same_email_but_no_person_is_not_taken_over(self):
        local = User.objects.create_user("erik@regionorebrolan.se", email="erik@regionorebrolan.se", national_admin=True)
        user, _created = account_for(person=self.erik, provider=INERA)
        self.assertNotEqual(user, local)
        self.assertEqual(user.username, f"erik@regionorebrolan.se-{self.erik.pk}")
        self.assertFalse(user.national_admin)

    def test_an_inactive_account_is_refused_and_nobody_unknown_gets_one(self):
        users = User.objects.count()
        user, found = user_signed_in(provider=INERA, claims={"sub": "x", "employeeHsaId": "SE2321000032-okand9"})
        self.assertEqual((user, found.refusal), (None, Refusal.UNKNOWN))
        self.assertEqual(User.objects.count(), users)
        account, _created = account_for(person=self.anna, provider=INERA)
        account.is_active = False
        account.save()
        user, found = user_signed_in(provider=INERA, claims={"sub": "x", "employeeHsaId": "SE2321000032-anna1"})
        self.assertEqual((user, found.refusal), (None, Refusal.INACTIVE))
