"""Uptake (följsamhet) of recommendations in the journals: the cards shown, counted in memory
and written in one transaction; the figures per recommendation and region with small counts
suppressed as indicator values are; the flag for a recommendation set aside often."""

import datetime

from django.test import override_settings
from django.urls import reverse

from kunskapsnav.knowledge import selectors, uptake
from kunskapsnav.knowledge.models import CardFeedback, UptakeOutcome

from .personas import KnowledgeTestCase

DAY = datetime.date(2026, 12, 7)


def count(rec, region_code: str, outcome: str, n: int, reason: str = "", *, day=DAY):
    """n reports (or cards shown) of the recommendation's card in the region, as the journal's
    feedback and the service leave them."""
    CardFeedback.objects.create(card=uptake.card_uuid(key=rec.key, version_number=rec.version.number),
                                region_code=region_code, day=day, outcome=outcome, override_reason=reason, count=n)


def reports(rec, region_code: str, *, accepted: int, overridden: int):
    if accepted:
        count(rec, region_code, UptakeOutcome.ACCEPTED, accepted)
    if overridden:
        count(rec, region_code, UptakeOutcome.OVERRIDDEN, overridden, "not-applicable")


class ShownCountsTest(KnowledgeTestCase):
    def cards(self, *recs):
        return [{"uuid": str(uptake.card_uuid(key=r.key, version_number=1))} for r in recs]

    def shown(self):
        return sorted((str(c), r, d, n) for c, r, d, n in CardFeedback.objects.filter(outcome="shown").values_list(
            "card", "region_code", "day", "count"))

    def test_cards_shown_wait_in_memory_and_are_written_as_one_count_per_card_region_and_day(self):
        uptake.cards_shown(self.cards(self.rec_echo, self.rec_dont), region_code="18", day=DAY)
        uptake.cards_shown(self.cards(self.rec_echo), region_code="18", day=DAY)
        uptake.cards_shown(self.cards(self.rec_echo), region_code="03", day=DAY)
        self.assertEqual(CardFeedback.objects.count(), 0)
        self.assertEqual(uptake.shown_flush(), 3)
        echo, dont = (str(uptake.card_uuid(key=r.key, version_number=1)) for r in (self.rec_echo, self.rec_dont))
        self.assertEqual(self.shown(), sorted([(echo, "18", DAY, 2), (echo, "03", DAY, 1), (dont, "18", DAY, 1)]))
        self.assertEqual(set(CardFeedback.objects.values_list("care_unit", "override_reason")), {("", "")})
        # a later write adds to the count already there
        uptake.cards_shown(self.cards(self.rec_echo), region_code="18", day=DAY)
        self.assertEqual(uptake.shown_flush(), 1)
        self.assertIn((echo, "18", DAY, 3), self.shown())
        self.assertEqual(uptake.shown_flush(), 0)

    @override_settings(CDS_SHOWN_FLUSH_CELLS=2)
    def test_the_call_that_fills_the_buffer_writes_it(self):
        uptake.cards_shown(self.cards(self.rec_echo), region_code="18", day=DAY)
        self.assertEqual(CardFeedback.objects.count(), 0)
        uptake.cards_shown(self.cards(self.rec_drug), region_code="18", day=DAY)
        self.assertEqual(CardFeedback.objects.count(), 2)
        self.assertEqual(len(uptake.SHOWN), 0)

    @override_settings(CDS_SHOWN_FLUSH_SECONDS=0)
    def test_the_first_call_after_the_interval_writes_the_counts(self):
        uptake.cards_shown(self.cards(self.rec_echo), region_code="18", day=DAY)
        self.assertEqual(CardFeedback.objects.get().count, 1)

    def test_what_waits_is_written_when_the_process_exits(self):
        uptake.cards_shown(self.cards(self.rec_echo), region_code="", day=DAY)
        uptake._flush_at_exit()
        self.assertEqual(list(CardFeedback.objects.values_list("region_code", "count")), [("", 1)])

    def test_a_failed_write_writes_nothing_and_keeps_the_counts(self):
        uptake.cards_shown(self.cards(self.rec_echo), region_code="18", day=DAY)
        uptake.cards_shown(self.cards(self.rec_drug), region_code="18", day=None)  # no day: the database refuses it
        with self.assertLogs("kunskapsnav.knowledge.uptake", "ERROR"):
            self.assertEqual(uptake.shown_flush(), 0)
        self.assertEqual(CardFeedback.objects.count(), 0)
        self.assertEqual(len(uptake.SHOWN), 2)


@override_settings(INDICATOR_SMALL_COUNT=5, UPTAKE_FLAG_MIN_REPORTS=20, UPTAKE_FLAG_OVERRIDE_PERCENT=50)
class UptakeFiguresTest(KnowledgeTestCase):
    def figures(self, user, region, rec):
        found = selectors.version_uptake(user, self.v1, region=region)
        return next(item for item in found if item.recommendation.pk == rec.pk)

    def test_five_reports_are_shown_and_four_are_suppressed(self):
        reports(self.rec_echo, "18", accepted=3, overridden=2)
        reports(self.rec_echo, "03", accepted=4, overridden=0)
        reports(self.rec_echo, "12", accepted=1, overridden=2)
        orebro = self.figures(self.outsider, self.orebro, self.rec_echo)
        self.assertEqual((orebro.region.accepted, orebro.region.overridden, orebro.region.reports), (3, 2, 5))
        self.assertEqual(orebro.region.share_followed, 0.6)
        self.assertEqual(orebro.region.reasons["not-applicable"], 2)
        self.assertFalse(orebro.region.reports_suppressed)
        self.assertEqual(orebro.nation.reports, 12)
        uppsala = self.figures(self.outsider, self.uppsala, self.rec_echo)
        self.assertTrue(uppsala.region.reports_suppressed)
        self.assertEqual((uppsala.region.accepted, uppsala.region.overridden, uppsala.region.share_followed,
                          uppsala.region.reasons), (None, None, None, None))

    def test_a_region_that_would_give_away_a_suppressed_one_by_subtraction_is_suppressed_too(self):
        reports(self.rec_echo, "18", accepted=5, overridden=0)
        reports(self.rec_echo, "12", accepted=9, overridden=0)
        reports(self.rec_echo, "03", accepted=4, overridden=0)
        # the nation (18) less Skåne (9) would give Uppsala's 4 if Örebro's 5 were shown
        self.assertIsNone(self.figures(self.outsider, self.orebro, self.rec_echo).region.accepted)
        self.assertEqual(self.figures(self.outsider, self.skane, self.rec_echo).region.accepted, 9)
        self.assertEqual(self.figures(self.outsider, None, self.rec_echo).nation.accepted, 18)

    def test_cards_shown_are_suppressed_on_their_own_count(self):
        count(self.rec_echo, "18", UptakeOutcome.SHOWN, 4)
        count(self.rec_echo, "12", UptakeOutcome.SHOWN, 3)
        count(self.rec_echo, "03", UptakeOutcome.SHOWN, 40)
        self.assertIsNone(self.figures(self.outsider, self.orebro, self.rec_echo).region.shown)
        self.assertEqual(self.figures(self.outsider, self.uppsala, self.rec_echo).region.shown, 40)
        self.assertEqual(self.figures(self.outsider, None, self.rec_echo).nation.shown, 47)

    def test_analysts_and_national_administrators_see_suppressed_counts_marked_as_such(self):
        reports(self.rec_echo, "18", accepted=2, overridden=1)
        reports(self.rec_echo, "03", accepted=2, overridden=1)
        for user in (self.analyst, self.admin):
            found = self.figures(user, self.orebro, self.rec_echo).region
            self.assertEqual((found.accepted, found.overridden, found.reports_suppressed), (2, 1, True))
        for user in (self.outsider, self.orebro_coordinator, self.npo_editor):
            self.assertIsNone(self.figures(user, self.orebro, self.rec_echo).region.accepted)

    def test_a_recommendation_is_flagged_from_twenty_reports_with_more_than_half_set_aside(self):
        reports(self.rec_echo, "18", accepted=9, overridden=11)   # 20 reports, 55 %: flagged
        reports(self.rec_drug, "18", accepted=10, overridden=10)  # 50 %: not more than half
        reports(self.rec_dont, "18", accepted=0, overridden=19)   # 19 reports: too few
        reports(self.rec_echo, "03", accepted=20, overridden=0)
        reports(self.rec_drug, "03", accepted=20, overridden=0)
        reports(self.rec_dont, "03", accepted=20, overridden=0)
        found = {item.recommendation.pk: item.flagged for item in selectors.version_uptake(
            self.outsider, self.v1, region=self.orebro)}
        self.assertEqual(found, {self.rec_echo.pk: True, self.rec_drug.pk: False, self.rec_dont.pk: False})
        self.assertFalse(any(item.flagged for item in selectors.version_uptake(self.outsider, self.v1,
                                                                                region=self.uppsala)))

    def test_the_support_page_shows_the_regions_figures_beside_the_nations(self):
        reports(self.rec_echo, "18", accepted=3, overridden=2)
        reports(self.rec_echo, "03", accepted=1, overridden=1)
        reports(self.rec_echo, "12", accepted=1, overridden=0)
        count(self.rec_echo, "18", UptakeOutcome.SHOWN, 30)
        url = reverse("knowledge:support_detail", args=[self.heart_pathway.pk])
        page = self.client.get(url + "?region=18").content.decode()
        self.assertIn("Följsamhet i journalen", page)
        self.assertIn(f'id="foljsamhet-{self.rec_echo.key}"', page)
        self.assertInHTML("<tr><th scope=\"row\">Visad</th><td>30</td><td>30</td></tr>", page)
        self.assertInHTML("<tr><th scope=\"row\">Följd</th><td>3</td><td>5</td></tr>", page)
        self.assertInHTML("<tr><th scope=\"row\">Andel följd</th><td>60 %</td><td>62 %</td></tr>", page)
        page = self.client.get(url + "?region=03").content.decode()
        self.assertInHTML("<tr><th scope=\"row\">Följd</th><td>För få för att visas</td><td>5</td></tr>", page)
        self.client.force_login(self.analyst)
        page = self.client.get(url + "?region=03").content.decode()
        self.assertIn("under gränsen, visas inte för allmänheten", page)

    def test_the_support_page_has_no_uptake_section_before_any_card_was_counted(self):
        page = self.client.get(reverse("knowledge:support_detail", args=[self.heart_pathway.pk])).content.decode()
        self.assertNotIn("Följsamhet i journalen", page)
