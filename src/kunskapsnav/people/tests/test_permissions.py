from kunskapsnav.organisation.models import Body

from .. import nominations, permissions
from .personas import PeopleTestCase, open_call


class PermissionsTests(PeopleTestCase):
    def test_the_call_form_offers_exactly_the_bodies_can_manage_call_allows(self):
        for user in (self.admin, self.npo_editor, self.orebro_coordinator, self.uppsala_coordinator, self.member,
                     self.outsider):
            with self.subTest(user=user.username):
                offered = set(permissions.call_bodies(user))
                allowed = {b for b in Body.objects.active() if permissions.can_manage_call(user, b)}
                self.assertEqual(offered, allowed)

    def test_the_nominee_and_the_regions_coordinators_may_withdraw(self):
        call = open_call(by=self.npo_editor, body=self.heart_nag)
        nomination = nominations.nomination_create(by=self.orebro_coordinator, call=call,
                                                   person=self.nominee.person, motivation="Erfaren.")
        self.assertTrue(permissions.can_withdraw_nomination(self.nominee, nomination))
        self.assertTrue(permissions.can_withdraw_nomination(self.orebro_coordinator, nomination))
        self.assertFalse(permissions.can_withdraw_nomination(self.uppsala_coordinator, nomination))
        self.assertFalse(permissions.can_withdraw_nomination(self.npo_editor, nomination))


class NominationVisibilityTests(PeopleTestCase):
    """Who sees a nomination: the region's kunskapsstödsgrupp, those who manage the call, the
    members of every body in its chain, and the nominee; nobody else."""

    def test_a_working_group_nomination_is_seen_along_its_chain(self):
        from django.contrib.auth.models import AnonymousUser

        call = open_call(by=self.npo_editor, body=self.heart_nag)
        nomination = nominations.nomination_create(by=self.orebro_coordinator, call=call,
                                                   person=self.nominee.person, motivation="Erfaren.")
        expected = {"orebro_coordinator": True, "rmks_member": True, "npo_editor": True, "nominee": True,
                    "admin": True, "uppsala_coordinator": False, "ksg_member": False, "chair": False,
                    "member": False, "analyst": False, "outsider": False, "orebro_assessor": False}
        for name, allowed in expected.items():
            with self.subTest(name):
                self.assertEqual(permissions.can_see_nomination(getattr(self, name), nomination), allowed)
        self.assertFalse(permissions.can_see_nomination(AnonymousUser(), nomination))

    def test_a_healthcare_region_seat_is_seen_by_its_ksg(self):
        call = open_call(by=self.npo_editor, body=self.heart_npo, represents_healthcare_region=self.mellansverige)
        nomination = nominations.nomination_create(by=self.orebro_coordinator, call=call,
                                                   person=self.nominee.person, motivation="Erfaren.")
        self.assertTrue(permissions.can_see_nomination(self.ksg_member, nomination))
        self.assertTrue(permissions.can_see_nomination(self.npo_editor, nomination))  # manages the NPO's call
        self.assertFalse(permissions.can_see_nomination(self.uppsala_coordinator, nomination))
