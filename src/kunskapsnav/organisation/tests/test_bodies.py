from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from kunskapsnav.organisation import bodies
from kunskapsnav.organisation.models import Body, BodyKind, Level, Role

from .personas import RegistryTestCase, make_person, make_user, seat


class BodyRuleTests(RegistryTestCase):
    def assertRefused(self, field, fragment, *, by=None, **values):
        with self.assertRaises(ValidationError) as caught:
            bodies.body_create(by=by or self.admin, **values)
        self.assertTrue(any(fragment in m for m in caught.exception.message_dict.get(field, [])),
                        caught.exception.message_dict)

    def test_a_body_belongs_to_the_owner_of_its_level(self):
        self.assertRefused("region", "måste tillhöra en region", kind=BodyKind.LPO, name="LPO utan region")
        self.assertRefused("region", "Lämna regionen tom", kind=BodyKind.NAG, name="NAG", region=self.orebro)
        self.assertRefused("healthcare_region", "måste tillhöra en sjukvårdsregion", kind=BodyKind.RPO, name="RPO")

    def test_the_database_enforces_the_owner_too(self):
        with self.assertRaises(IntegrityError), transaction.atomic():
            Body.objects.create(kind=BodyKind.LPO, name="Utan ägare")
        with self.assertRaises(IntegrityError), transaction.atomic():
            Body.objects.create(kind=BodyKind.NPO, name="NPO med region", region=self.orebro)

    def test_only_regional_bodies_mirror_and_only_national_ones_are_mirrored(self):
        self.assertRefused("mirrors", "kan spegla", kind=BodyKind.RMKS, name="RMKS", region=self.orebro,
                           mirrors=self.heart_npo)
        self.assertRefused("mirrors", "bara spegla", kind=BodyKind.LPO, name="LPO x", region=self.orebro,
                           mirrors=self.orebro_support_group)

    def test_only_npo_and_nsg_have_a_host_region(self):
        self.assertRefused("host_region", "värdregion", kind=BodyKind.NAG, name="NAG", host_region=self.orebro)
        npo = bodies.body_update(by=self.admin, body=self.heart_npo, host_region=self.skane)
        self.assertEqual(npo.host_region, self.skane)

    def test_it_rejects_a_duplicate_active_body(self):
        self.assertRefused("name", "finns redan", kind=BodyKind.LPO, name="lpo HJÄRTA", region=self.orebro)

    def test_levels_follow_kinds(self):
        self.assertEqual(self.heart_npo.level, Level.NATIONAL)
        self.assertEqual(self.orebro_lpo.level, Level.LOCAL)
        self.assertEqual(set(Body.objects.at_level(Level.HEALTHCARE_REGIONAL).values_list("kind", flat=True)), {"KSG"})


class BodyPermissionTests(RegistryTestCase):
    def test_coordinator_creates_bodies_in_their_own_region_only(self):
        lpo = bodies.body_create(by=self.orebro_coordinator, kind=BodyKind.LPO, name="LPO lunga", region=self.orebro,
                                 mirrors=self.lung_npo)
        self.assertEqual(lpo.history.latest().history_user, self.orebro_coordinator)
        with self.assertRaises(PermissionDenied):
            bodies.body_create(by=self.orebro_coordinator, kind=BodyKind.LPO, name="LPO x", region=self.uppsala)
        with self.assertRaises(PermissionDenied):
            bodies.body_create(by=self.orebro_coordinator, kind=BodyKind.NAG, name="NAG x")

    def test_coordinator_cannot_edit_other_regions_body(self):
        with self.assertRaises(PermissionDenied):
            bodies.body_update(by=self.uppsala_coordinator, body=self.orebro_lpo, name="Kapat")

    def test_coordinator_cannot_move_a_body_to_another_region(self):
        with self.assertRaises(PermissionDenied):
            bodies.body_update(by=self.orebro_coordinator, body=self.orebro_lpo, region=self.uppsala)

    def test_a_process_leader_cannot_move_their_body_to_another_region(self):
        # Leading a body is no right in the destination: its members would become people of
        # that region's bodies and see its work in progress.
        leader = make_user("lpo_leader")
        seat(by=self.admin, body=self.uppsala_lpo, person=make_person(by=self.admin, region=self.uppsala,
                                                                        user=leader), role=Role.PROCESS_LEADER)
        bodies.body_update(by=leader, body=self.uppsala_lpo, description="Ny beskrivning")
        with self.assertRaises(PermissionDenied):
            bodies.body_update(by=leader, body=self.uppsala_lpo, region=self.orebro)
        self.uppsala_lpo.refresh_from_db()
        self.assertEqual(self.uppsala_lpo.region, self.uppsala)
        bodies.body_update(by=self.admin, body=self.uppsala_lpo, region=self.orebro)

    def test_national_editor_edits_their_own_body_only(self):
        bodies.body_update(by=self.npo_editor, body=self.heart_npo, description="Ny beskrivning")
        with self.assertRaises(PermissionDenied):
            bodies.body_update(by=self.npo_editor, body=self.lung_npo, description="Nej")

    def test_only_an_administrator_changes_a_bodys_kind(self):
        with self.assertRaises(PermissionDenied):
            bodies.body_update(by=self.orebro_coordinator, body=self.orebro_lpo, kind=BodyKind.LAG)
        bodies.body_update(by=self.admin, body=self.orebro_lpo, kind=BodyKind.LAG)

    def test_members_chairs_and_analysts_do_not_write_the_registry(self):
        for user in (self.chair, self.member, self.analyst, self.outsider):
            with self.subTest(user=user.username), self.assertRaises(PermissionDenied):
                bodies.body_update(by=user, body=self.orebro_lpo, name="Nej")
