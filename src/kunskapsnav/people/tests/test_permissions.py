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
