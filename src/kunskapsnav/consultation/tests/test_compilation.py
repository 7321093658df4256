from django.core.exceptions import PermissionDenied, ValidationError
from django.contrib.auth.models import AnonymousUser

from kunskapsnav.consultation import compilation, selectors
from kunskapsnav.consultation.models import ResponseOutcome

from .remiss import AFTER, DURING, RemissTestCase


class CompilationTests(RemissTestCase):
    def setUp(self):
        first, second = self.recs[0], self.recs[1]
        self.submit(self.orebro_coordinator, self.orebro_inv, [
            (second, "", "Örebro om den andra"),
            (None, "", "Örebro om helheten"),
            (first, "", "Örebro om den första"),
        ])
        self.submit(self.uppsala_coordinator, self.uppsala_inv, [
            (first, "", "Uppsala om den första"),
            (None, "Uppföljning", "Uppsala om uppföljningen"),
        ])

    def respond_to_all(self):
        for group in compilation.grouped(self.round):
            for item in group.items:
                compilation.response_save(by=self.npo_editor, item=item, outcome=ResponseOutcome.PARTLY,
                                          reason="Delvis, se ny text.")

    def test_points_are_grouped_by_recommendation_then_section_then_the_whole(self):
        groups = compilation.grouped(self.round)
        self.assertEqual(
            [(g.recommendation, g.section or "", [(str(i.answer.invitation), i.text) for i in g.items])
             for g in groups],
            [
                (self.recs[0], self.recs[0].section, [("Region Uppsala", "Uppsala om den första"),
                                                      ("Region Örebro län", "Örebro om den första")]),
                (self.recs[1], self.recs[1].section, [("Region Örebro län", "Örebro om den andra")]),
                (None, "Uppföljning", [("Region Uppsala", "Uppsala om uppföljningen")]),
                (None, "", [("Region Örebro län", "Örebro om helheten")]),
            ],
        )
        self.assertEqual(groups[0].parties, 2)

    def test_statistics_say_who_answered_and_how_much_per_recommendation(self):
        stats = compilation.statistics(self.round)
        self.assertEqual(stats.invited, 22)  # 21 regions and one patient organisation
        self.assertEqual([str(i) for i in stats.answered], ["Region Uppsala", "Region Örebro län"])
        self.assertEqual(len(stats.not_answered), 20)
        self.assertIn("Hjärt- och Lungsjukas förening", [str(i) for i in stats.not_answered])
        self.assertEqual(stats.points, 5)
        per = {rec.position: (points, parties) for rec, points, parties in stats.per_recommendation}
        self.assertEqual(per, {1: (2, 2), 2: (1, 1), 3: (0, 0)})
        self.assertEqual(dict(stats.by_outcome)["Ej bemött"], 5)

    def test_only_the_owning_bodys_editors_respond_and_a_response_needs_a_reason(self):
        item = compilation.grouped(self.round)[0].items[0]
        for user in (self.orebro_coordinator, self.chair, self.sks_chair):
            with self.subTest(user=user.username), self.assertRaises(PermissionDenied):
                compilation.response_save(by=user, item=item, outcome=ResponseOutcome.ACCEPTED, reason="Ja")
        with self.assertRaises(ValidationError) as caught:
            compilation.response_save(by=self.npo_editor, item=item, outcome="kanske", reason=" ")
        self.assertEqual(set(caught.exception.message_dict), {"outcome", "reason"})
        response = compilation.response_save(by=self.npo_editor, item=item, outcome=ResponseOutcome.ACCEPTED,
                                             reason="Texten ändras.")
        compilation.response_save(by=self.npo_editor, item=item, outcome=ResponseOutcome.NOT_ACCEPTED,
                                  reason="Vid närmare eftertanke inte.")
        self.assertEqual(response.history.count(), 2)

    def test_other_regions_see_the_answers_once_the_compilation_is_published(self):
        def regions_seen(user):
            return sorted(a.invitation.region.name for a in selectors.answers_visible_to(user, self.round))

        self.assertEqual(regions_seen(self.uppsala_coordinator), ["Region Uppsala"])
        self.assertEqual(regions_seen(AnonymousUser()), [])
        self.assertEqual(regions_seen(self.npo_editor), ["Region Uppsala", "Region Örebro län"])
        self.respond_to_all()
        compilation.compilation_publish(by=self.npo_editor, round_=self.round, at=AFTER)
        self.round.refresh_from_db()
        self.assertEqual(regions_seen(self.uppsala_coordinator), ["Region Uppsala", "Region Örebro län"])
        self.assertEqual(regions_seen(AnonymousUser()), ["Region Uppsala", "Region Örebro län"])
        # Internal comments stay inside the region, published or not.
        self.assertEqual({c.invitation_id for c in selectors.internal_comments_visible_to(self.uppsala_coordinator,
                                                                                          self.round)},
                         {self.uppsala_inv.pk})

    def test_publication_waits_for_the_close_and_for_every_response(self):
        with self.assertRaises(ValidationError) as caught:
            compilation.compilation_publish(by=self.npo_editor, round_=self.round, at=DURING)
        self.assertIn("2027-04-14", caught.exception.messages[0])
        with self.assertRaises(ValidationError) as caught:
            compilation.compilation_publish(by=self.npo_editor, round_=self.round, at=AFTER)
        self.assertIn("5 punkter saknar bemötande", caught.exception.messages[0])
        self.respond_to_all()
        with self.assertRaises(PermissionDenied):
            compilation.compilation_publish(by=self.orebro_coordinator, round_=self.round, at=AFTER)
        with self.assertRaises(ValidationError):  # the version on remiss is not a later version
            compilation.compilation_publish(by=self.npo_editor, round_=self.round, with_version=self.v2, at=AFTER)
        compilation.compilation_publish(by=self.npo_editor, round_=self.round, at=AFTER)
        item = compilation.grouped(self.round)[0].items[0]
        with self.assertRaises(ValidationError) as caught:
            compilation.response_save(by=self.npo_editor, item=item, outcome=ResponseOutcome.ACCEPTED, reason="Ja")
        self.assertIn("publicerad", caught.exception.messages[0])
