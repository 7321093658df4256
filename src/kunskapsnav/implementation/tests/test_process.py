import datetime

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from kunskapsnav.implementation import permissions, routing, stages, work
from kunskapsnav.implementation.models import (
    ActionStatus,
    CareField,
    DeciderKind,
    DecisionRule,
    Gap,
    MeasureKind,
    DecisionOutcome,
    RuleCondition,
    Stage,
)

from .personas import ImplementationTestCase

TODAY = datetime.date.today()


class RoutingTests(ImplementationTestCase):
    """Region Örebro län's order, one case per line: the gap analysis → who decides."""

    CASES = [
        # (label, rows as (gap, within budget, kommuner), care field, expected deciders)
        ("nothing changes", [(Gap.NONE, None, [])], CareField.HEALTH_CARE, ["Verksamheterna"]),
        ("within budget", [(Gap.SMALL, True, []), (Gap.NONE, None, [])], CareField.HEALTH_CARE, ["Verksamheterna"]),
        ("beyond budget", [(Gap.LARGE, False, []), (Gap.SMALL, True, [])], CareField.HEALTH_CARE,
         ["Hälso- och sjukvårdens ledningsgrupp"]),
        ("beyond budget, dental", [(Gap.LARGE, False, [])], CareField.DENTAL_CARE, ["Folktandvårdens ledningsgrupp"]),
        ("within budget, two kommuner", [(Gap.SMALL, True, ["1880", "1883"])], CareField.HEALTH_CARE,
         ["Verksamheterna", "Socialchef, Örebro", "Socialchef, Karlskoga"]),
        ("beyond budget and a kommun", [(Gap.LARGE, False, ["1883"])], CareField.HEALTH_CARE,
         ["Hälso- och sjukvårdens ledningsgrupp", "Socialchef, Karlskoga"]),
        ("no gap in a kommun is no change there", [(Gap.NONE, None, ["1880"])], CareField.HEALTH_CARE,
         ["Verksamheterna"]),
    ]

    def fill(self, rows, care_field):
        self.orebro_adoption.care_field = care_field
        self.orebro_adoption.save()
        from kunskapsnav.organisation.models import Municipality

        for row, (gap, within, codes) in zip(self.orebro_adoption.gap_rows.all(), rows):
            work.gap_row_save(by=self.orebro_coordinator, row=row, based_on=row.row_version,
                              values={"gap": gap, "within_unit_budget": within},
                              municipalities=Municipality.objects.filter(code__in=codes))

    def test_the_decision_order_routes_each_case(self):
        for label, rows, care_field, expected in self.CASES:
            with self.subTest(label):
                self.fill(rows + [(Gap.NONE, None, [])] * (3 - len(rows)), care_field)
                found = routing.routes(self.orebro_adoption)
                self.assertEqual([r.decided_by for r in found], expected)

    def test_beyond_budget_is_prepared_by_rmks_and_within_budget_informs_it(self):
        self.fill([(Gap.LARGE, False, []), (Gap.NONE, None, []), (Gap.NONE, None, [])], CareField.HEALTH_CARE)
        (route,) = routing.routes(self.orebro_adoption)
        self.assertEqual((route.rule.preparer, route.body), (self.rmks, self.health_board))
        self.fill([(Gap.SMALL, True, []), (Gap.NONE, None, []), (Gap.NONE, None, [])], CareField.HEALTH_CARE)
        (route,) = routing.routes(self.orebro_adoption)
        self.assertEqual(route.rule.informed, self.rmks)

    def test_a_condition_without_a_rule_is_reported_not_dropped(self):
        DecisionRule.objects.filter(region=self.orebro, condition=RuleCondition.AFFECTS_MUNICIPALITY).delete()
        self.fill([(Gap.SMALL, True, ["1880"])] + [(Gap.NONE, None, [])] * 2, CareField.HEALTH_CARE)
        found = routing.routes(self.orebro_adoption)
        self.assertEqual([(r.decided_by, r.missing) for r in found],
                         [("Verksamheterna", False), ("Ingen beslutsregel", True)])

    def test_another_region_configures_its_own_order(self):
        rules = [DecisionRule(condition=RuleCondition.WITHIN_BUDGET, decider_kind=DeciderKind.UNITS),
                 DecisionRule(condition=RuleCondition.BEYOND_BUDGET, decider_kind=DeciderKind.BODY,
                              decider=self.uppsala_support_group)]
        with self.assertRaises(PermissionDenied):
            routing.decision_order_replace(by=self.orebro_coordinator, region=self.uppsala, rules=rules)
        routing.decision_order_replace(by=self.uppsala_coordinator, region=self.uppsala, rules=rules)
        self.assertEqual(DecisionRule.objects.filter(region=self.uppsala).count(), 2)
        with self.assertRaises(ValidationError):  # another region's body
            routing.decision_order_replace(by=self.uppsala_coordinator, region=self.uppsala, rules=[
                DecisionRule(condition=RuleCondition.BEYOND_BUDGET, decider_kind=DeciderKind.BODY,
                             decider=self.health_board)])


class StageTests(ImplementationTestCase):
    def assess_all(self, by=None):
        for row in self.orebro_adoption.gap_rows.all():
            work.gap_row_save(by=by or self.chair, row=row, based_on=row.row_version,
                              values={"gap": Gap.LARGE, "within_unit_budget": False})

    def move(self, to, by=None, note=""):
        self.orebro_adoption = stages.adoption_move(by=by or self.orebro_coordinator, adoption=self.orebro_adoption,
                                                    to=to, note=note)
        return self.orebro_adoption

    def test_the_whole_way_with_what_each_step_needs(self):
        with self.assertRaises(ValidationError) as caught:
            self.move(Stage.DECISION)
        self.assertIn("3 rekommendationer saknar bedömning", caught.exception.messages[0])
        self.assertEqual(stages.allowed_moves(self.chair, self.orebro_adoption, self._resp()), [Stage.DECISION])
        self.assess_all()
        self.move(Stage.DECISION, by=self.chair)  # the responsible LPO's chair may
        with self.assertRaises(ValidationError):
            self.move(Stage.IMPLEMENTATION)
        with self.assertRaises(PermissionDenied):
            work.decision_record(by=self.chair, adoption=self.orebro_adoption, decided_by="X", decided_on=TODAY,
                                 outcome=DecisionOutcome.APPROVED)
        pdf = SimpleUploadedFile("protokoll.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
        work.decision_record(by=self.orebro_coordinator, adoption=self.orebro_adoption, body=self.health_board,
                             decided_by=self.health_board.name, decided_on=TODAY, outcome=DecisionOutcome.APPROVED,
                             diary_number="RS 2026-01234", attachment=pdf)
        with self.assertRaises(PermissionDenied):
            self.move(Stage.IMPLEMENTATION, by=self.chair)  # the decision is the coordinators' to act on
        self.move(Stage.IMPLEMENTATION)
        with self.assertRaises(ValidationError):
            self.move(Stage.FOLLOW_UP)
        work.measure_add(by=self.chair, adoption=self.orebro_adoption, kind=MeasureKind.INDICATOR,
                         name="Andel med ekokardiografi inom fyra veckor", indicator_code="HSV-1", target="≥ 90 %")
        self.move(Stage.FOLLOW_UP, by=self.chair)
        with self.assertRaises(ValidationError):
            self.move(Stage.CLOSED)
        work.review_record(by=self.chair, adoption=self.orebro_adoption, held_on=TODAY, notes="Målet nått.")
        self.move(Stage.CLOSED)
        path = list(self.orebro_adoption.transitions.values_list("new_stage", flat=True))
        self.assertEqual(path, ["kartlaggning", "beslut", "implementering", "uppfoljning", "avslutad"])

    def _resp(self):
        from kunskapsnav.implementation.adoptions import responsibilities

        return responsibilities([self.orebro_adoption])[self.orebro_adoption.pk]

    def test_only_allowed_moves_by_those_allowed(self):
        with self.assertRaises(ValidationError):
            self.move(Stage.IMPLEMENTATION)  # skips beslut
        for user in (self.uppsala_coordinator, self.npo_editor, self.outsider):
            with self.subTest(user=user.username), self.assertRaises(PermissionDenied):
                self.move(Stage.NOT_RELEVANT, by=user, note="Inte här")
        with self.assertRaises(ValidationError) as caught:
            self.move(Stage.NOT_RELEVANT, note=" ")
        self.assertIn("varför", caught.exception.messages[0])
        self.move(Stage.NOT_RELEVANT, note="Vården ges i Uppsala.")
        self.assertEqual(self.orebro_adoption.not_relevant_reason, "Vården ges i Uppsala.")
        self.move(Stage.MAPPING)
        self.assertEqual(self.orebro_adoption.not_relevant_reason, "")

    def test_rows_with_a_gap_must_say_whether_it_fits_the_budget(self):
        for row in self.orebro_adoption.gap_rows.all():
            work.gap_row_save(by=self.chair, row=row, based_on=row.row_version, values={"gap": Gap.SMALL})
        with self.assertRaises(ValidationError) as caught:
            self.move(Stage.DECISION)
        self.assertIn("budget", caught.exception.messages[0])

    def test_overdue_actions_stand_out(self):
        self.assess_all()
        self.move(Stage.DECISION)
        late = work.action_add(by=self.chair, adoption=self.orebro_adoption, title="Utbilda", owner="Kardiologen",
                               due_on=TODAY - datetime.timedelta(days=1))
        done = work.action_add(by=self.chair, adoption=self.orebro_adoption, title="Rutin", owner="Vårdcentralerna",
                               due_on=TODAY - datetime.timedelta(days=2))
        work.action_update(by=self.chair, action=done, status=ActionStatus.DONE)
        done.refresh_from_db()
        self.assertEqual((late.is_overdue(), done.is_overdue(), done.done_on), (True, False, TODAY))


class GapConcurrencyTests(ImplementationTestCase):
    def test_the_second_of_two_editors_is_told_and_nothing_is_lost(self):
        row = self.orebro_adoption.gap_rows.first()
        read_by_both = row.row_version
        work.gap_row_save(by=self.chair, row=row, based_on=read_by_both,
                          values={"current_practice": "Ordförandens text", "gap": Gap.SMALL})
        with self.assertRaises(work.StaleRow) as caught:
            work.gap_row_save(by=self.member, row=row, based_on=read_by_both,
                              values={"current_practice": "Ledamotens text", "gap": Gap.LARGE})
        current = caught.exception.current
        self.assertEqual(current.current_practice, "Ordförandens text")
        # Merging: the second editor saves again on top of what is there now.
        merged = work.gap_row_save(by=self.member, row=row, based_on=current.row_version,
                                   values={"current_practice": "Ordförandens text. Ledamotens text", "gap": Gap.LARGE})
        self.assertEqual(merged.row_version, read_by_both + 2)
        self.assertEqual(merged.history.count(), 3)

    def test_bad_input_is_refused_in_swedish(self):
        row = self.orebro_adoption.gap_rows.first()
        with self.assertRaises(ValidationError) as caught:
            work.gap_row_save(by=self.chair, row=row, based_on=row.row_version, values={"gap": "jättestort",
                                                                                         "cost_estimate": -5},
                              municipalities=[self.uppsala.municipalities.first()])
        self.assertEqual(set(caught.exception.message_dict), {"gap", "cost_estimate", "municipalities"})
        with self.assertRaises(PermissionDenied):
            work.gap_row_save(by=self.uppsala_coordinator, row=row, based_on=row.row_version, values={"gap": "litet"})


class VisibilityTests(ImplementationTestCase):
    def test_work_in_progress_is_the_regions_and_the_national_sides_until_shared(self):
        adoption = self.orebro_adoption
        for user in (self.orebro_coordinator, self.chair, self.member, self.npo_editor, self.sks_chair, self.analyst,
                     self.admin):
            with self.subTest(user=user.username):
                self.assertTrue(permissions.can_see(user, adoption))
        for user in (self.uppsala_coordinator, self.outsider, AnonymousUser()):
            with self.subTest(user=str(user)):
                self.assertFalse(permissions.can_see(user, adoption))
        with self.assertRaises(PermissionDenied):
            work.sharing_set(by=self.chair, adoption=adoption, public=True)
        adoption = work.sharing_set(by=self.orebro_coordinator, adoption=adoption, public=True)
        self.assertTrue(permissions.can_see(self.uppsala_coordinator, adoption))
        self.assertTrue(permissions.can_see(AnonymousUser(), adoption))
