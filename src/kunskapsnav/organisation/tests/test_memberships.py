import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from kunskapsnav.organisation import bodies, memberships
from kunskapsnav.organisation.models import BodyKind, HealthcareRegion, Membership, Region, Role

from .personas import RegistryTestCase, make_person, seat

D = datetime.date


class MembershipRuleTests(RegistryTestCase):
    def setUp(self):
        self.person = make_person(by=self.admin, region=self.orebro, family="Lind")

    def assertRefused(self, field, fragment, **values):
        values.setdefault("body", self.orebro_lpo)
        values.setdefault("person", self.person)
        values.setdefault("role", Role.MEMBER)
        values.setdefault("start_date", D(2026, 1, 1))
        with self.assertRaises(ValidationError) as caught:
            memberships.membership_create(by=self.admin, **values)
        messages = caught.exception.message_dict.get(field, [])
        self.assertTrue(any(fragment in m for m in messages), caught.exception.message_dict)

    def test_it_rejects_end_before_start(self):
        self.assertRefused("end_date", "före startdatumet", start_date=D(2026, 5, 1), end_date=D(2026, 4, 30))

    def test_the_database_rejects_end_before_start_too(self):
        with self.assertRaises(IntegrityError), transaction.atomic():
            Membership.objects.create(
                body=self.orebro_lpo, person=self.person, role=Role.MEMBER, start_date=D(2026, 5, 1), end_date=D(2026, 1, 1)
            )

    def test_it_rejects_a_second_chair_at_the_same_time(self):
        # The persona "chair" chairs LPO hjärta from 2025-01-01 with no end.
        self.assertRefused("role", "redan en ordförande", role=Role.CHAIR)

    def test_a_new_chair_may_follow_when_the_old_one_has_ended(self):
        current = self.orebro_lpo.memberships.get(role=Role.CHAIR)
        memberships.membership_end(by=self.admin, membership=current, end_date=D(2026, 3, 31))
        new = memberships.membership_create(
            by=self.admin, body=self.orebro_lpo, person=self.person, role=Role.CHAIR, start_date=D(2026, 4, 1)
        )
        self.assertEqual(new.role, Role.CHAIR)

    def test_it_rejects_a_member_representing_a_region_outside_the_bodys_healthcare_region(self):
        rpo = bodies.body_create(
            by=self.admin, kind=BodyKind.RPO, name="RPO hjärta", healthcare_region=self.mellansverige, mirrors=self.heart_npo
        )
        self.assertRefused("represents_region", "ingår inte i", body=rpo, represents_region=self.skane)
        ok = memberships.membership_create(
            by=self.admin, body=rpo, person=self.person, role=Role.MEMBER, start_date=D(2026, 1, 1),
            represents_region=self.uppsala,
        )
        self.assertEqual(ok.represents, self.uppsala)

    def test_a_healthcare_regional_body_has_only_its_own_healthcare_region_as_represented(self):
        ksg = self.mellansverige.bodies.get(kind=BodyKind.KSG)
        sodra = HealthcareRegion.objects.get(code="sodra")
        self.assertRefused("represents_healthcare_region", "sin egen sjukvårdsregion", body=ksg,
                           represents_healthcare_region=sodra)

    def test_a_local_body_member_cannot_represent_another_region(self):
        self.assertRefused("represents_region", "annan region", represents_region=self.uppsala)

    def test_it_rejects_the_same_role_twice_for_one_person_in_overlapping_periods(self):
        seat(by=self.admin, body=self.orebro_lpo, person=self.person, role=Role.MEMBER, start_date=D(2026, 1, 1))
        self.assertRefused("start_date", "har redan rollen", start_date=D(2026, 6, 1))

    def test_it_rejects_time_share_above_hundred_percent(self):
        self.assertRefused("time_share", "mellan 0 och 100", time_share=120)

    def test_an_npo_chair_serves_at_most_three_years(self):
        lung_chair_values = dict(body=self.lung_npo, role=Role.CHAIR, start_date=D(2026, 1, 1))
        self.assertRefused("end_date", "högst tre år", **lung_chair_values)
        self.assertRefused("end_date", "högst tre år", end_date=D(2029, 1, 2), **lung_chair_values)
        ok = memberships.membership_create(
            by=self.admin, person=self.person, end_date=D(2029, 1, 1), **lung_chair_values
        )
        self.assertEqual(ok.end_date, D(2029, 1, 1))

    def test_a_contact_person_in_a_national_body_names_the_region(self):
        self.assertRefused("represents_region", "företräder en region", body=self.lung_npo, role=Role.CONTACT)

    def test_an_inactive_body_takes_no_new_members(self):
        bodies.body_update(by=self.admin, body=self.orebro_lpo, is_active=False)
        self.assertRefused("body", "avvecklat")

    def test_the_history_records_who_changed_what(self):
        m = seat(by=self.orebro_coordinator, body=self.orebro_lpo, person=self.person, role=Role.MEMBER,
                 start_date=D(2026, 1, 1))
        memberships.membership_update(by=self.orebro_coordinator, membership=m, time_share=25)
        latest = m.history.latest()
        self.assertEqual(latest.history_user, self.orebro_coordinator)
        self.assertEqual(latest.history_type, "~")
        delta = latest.diff_against(latest.prev_record)
        self.assertEqual([(c.field, c.old, c.new) for c in delta.changes], [("time_share", None, 25)])


class MembershipPermissionTests(RegistryTestCase):
    def test_coordinator_cannot_add_members_to_another_regions_body(self):
        person = make_person(by=self.admin, region=self.uppsala, family="Berg")
        with self.assertRaises(PermissionDenied):
            memberships.membership_create(
                by=self.orebro_coordinator, body=self.uppsala_lpo, person=person, role=Role.MEMBER,
                start_date=D(2026, 1, 1),
            )

    def test_coordinator_names_their_own_regions_contact_person_in_an_npo(self):
        person = make_person(by=self.admin, region=self.orebro, family="Kontakt")
        m = memberships.membership_create(
            by=self.orebro_coordinator, body=self.lung_npo, person=person, role=Role.CONTACT,
            represents_region=self.orebro, start_date=D(2026, 1, 1),
        )
        self.assertEqual(m.body, self.lung_npo)
        with self.assertRaises(PermissionDenied):
            memberships.membership_create(
                by=self.orebro_coordinator, body=self.lung_npo, person=person, role=Role.CONTACT,
                represents_region=self.uppsala, start_date=D(2026, 1, 1),
            )
        with self.assertRaises(PermissionDenied):
            memberships.membership_create(
                by=self.orebro_coordinator, body=self.lung_npo, person=person, role=Role.MEMBER,
                represents_region=self.orebro, start_date=D(2026, 1, 1),
            )

    def test_coordinator_cannot_move_a_membership_out_of_their_reach(self):
        person = make_person(by=self.admin, region=self.orebro, family="Flytt")
        m = memberships.membership_create(
            by=self.orebro_coordinator, body=self.lung_npo, person=person, role=Role.CONTACT,
            represents_region=self.orebro, start_date=D(2026, 1, 1),
        )
        with self.assertRaises(PermissionDenied):
            memberships.membership_update(by=self.orebro_coordinator, membership=m, represents_region=self.uppsala)

    def test_national_editor_manages_their_npo_only(self):
        person = make_person(by=self.admin, region=self.skane, family="Expert")
        m = seat(by=self.npo_editor, body=self.heart_npo, person=person, role=Role.MEMBER,
                 represents_region=Region.objects.get(county_code="12"))
        self.assertEqual(m.history.latest().history_user, self.npo_editor)
        with self.assertRaises(PermissionDenied):
            seat(by=self.npo_editor, body=self.lung_npo, person=person, role=Role.MEMBER)
