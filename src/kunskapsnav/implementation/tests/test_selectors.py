import datetime

from django.utils import timezone

from kunskapsnav.implementation import selectors, work
from kunskapsnav.implementation.models import Review, Stage, StageTransition
from kunskapsnav.organisation import bodies
from kunskapsnav.organisation.models import BodyKind

from .personas import ImplementationTestCase


class RowsTests(ImplementationTestCase):
    """A region's rows give the same next review as the adoption's own page
    (work.next_review_on), though they read it for all rows at once."""

    def next_due(self):
        rows = selectors.region_rows(self.orebro_coordinator, self.orebro)
        return next(row.next_due for row in rows if row.adoption.pk == self.orebro_adoption.pk)

    def test_next_review_counts_from_the_move_to_follow_up_then_from_the_last_review(self):
        work.review_plan(by=self.orebro_coordinator, adoption=self.orebro_adoption, every_months=6)
        self.orebro_adoption.refresh_from_db()
        self.assertIsNone(self.next_due())  # a cadence, but not yet in uppföljning
        moved = timezone.make_aware(datetime.datetime(2025, 8, 31, 23, 30))
        StageTransition.objects.create(adoption=self.orebro_adoption, old_stage=Stage.IMPLEMENTATION,
                                       new_stage=Stage.FOLLOW_UP, at=moved)
        self.assertEqual(self.next_due(), datetime.date(2026, 2, 28))  # the last day of a shorter month
        self.assertEqual(self.next_due(), work.next_review_on(self.orebro_adoption))
        for held_on in (datetime.date(2025, 10, 1), datetime.date(2025, 11, 15)):
            Review.objects.create(adoption=self.orebro_adoption, held_on=held_on, notes="Avstämt.")
        self.assertEqual(self.next_due(), datetime.date(2026, 5, 15))  # from the latest review
        self.assertEqual(self.next_due(), work.next_review_on(self.orebro_adoption))

    def test_rows_of_several_bodies_are_each_bodys_rows_in_turn(self):
        uppsala_heart = bodies.body_create(by=self.admin, kind=BodyKind.LPO, name="LPO hjärta Uppsala",
                                           region=self.uppsala, mirrors=self.heart_npo)
        one = selectors.body_rows(self.admin, self.orebro_lpo)
        other = selectors.body_rows(self.admin, uppsala_heart)
        self.assertEqual([r.adoption for r in one], [self.orebro_adoption])
        self.assertEqual([r.adoption for r in other], [self.uppsala_adoption])
        both = selectors.bodies_rows(self.admin, [uppsala_heart, self.uppsala_lpo, self.orebro_lpo])
        self.assertEqual([r.adoption for r in both], [self.uppsala_adoption, self.orebro_adoption])
        self.assertEqual(selectors.bodies_rows(self.admin, []), [])
