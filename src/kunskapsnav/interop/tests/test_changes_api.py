from kunskapsnav.knowledge import additions, content, lifecycle
from kunskapsnav.knowledge.models import ContentChange, VersionStatus
from kunskapsnav.knowledge.tests.personas import KnowledgeTestCase, publish


class ChangesApiTests(KnowledgeTestCase):
    def changes(self, **params):
        response = self.client.get("/api/v1/changes", params)
        self.assertEqual(response.status_code, 200, response.content)
        return response.json()

    def test_the_publication_of_the_fixture_is_in_the_feed_with_its_url(self):
        data = self.changes()
        self.assertEqual(
            [(c["kind"], c["support"], c["version"], c["region"], c["url"]) for c in data["items"]],
            [("version_published", self.heart_pathway.pk, 1, None,
              f"/api/v1/supports/{self.heart_pathway.pk}/versions/1")],
        )
        self.assertEqual(data["last_cursor"], data["items"][0]["cursor"])
        self.assertIsNone(data["next"])

    def test_a_new_version_supersedes_and_carries_the_regions_additions(self):
        additions.addition_save(by=self.orebro_coordinator, recommendation=self.rec_echo, region=self.orebro,
                                text="<p>Remiss till USÖ</p>")
        v2 = content.version_create_next(by=self.npo_editor, support=self.heart_pathway)
        content.version_update(by=self.npo_editor, version=v2, review_date=self.v1.review_date)
        publish(v2, by_editor=self.npo_editor, by_approver=self.sks_chair)
        kinds = [(c["kind"], c["version"], c["region"]) for c in self.changes()["items"]]
        self.assertEqual(kinds, [
            ("version_published", 1, None), ("addition_created", 1, "18"), ("version_superseded", 1, None),
            ("version_published", 2, None), ("additions_carried", 2, "18"),
        ])
        carried = self.changes()["items"][-1]["url"]
        self.assertEqual(carried, f"/api/v1/supports/{self.heart_pathway.pk}/versions/2/additions?region=18")
        self.assertEqual([a["text"] for a in self.client.get(carried).json()], ["<p>Remiss till USÖ</p>"])

    def test_withdrawal_removal_review_date_and_support_changes_are_entries(self):
        addition = additions.addition_save(by=self.orebro_coordinator, recommendation=self.rec_echo,
                                           region=self.orebro, text="<p>Ett</p>")
        additions.addition_save(by=self.orebro_coordinator, recommendation=self.rec_echo, region=self.orebro,
                                text="<p>Två</p>")
        additions.addition_delete(by=self.orebro_coordinator, addition=addition)
        content.version_review_date_change(by=self.npo_editor, version=self.v1,
                                           review_date=self.v1.review_date.replace(year=2029))
        content.support_update(by=self.npo_editor, support=self.heart_pathway, title="Hjärtsvikt – ny titel")
        lifecycle.version_transition(version=self.v1, to=VersionStatus.WITHDRAWN, by=self.sks_chair)
        items = self.changes()["items"]
        self.assertEqual([c["kind"] for c in items], [
            "version_published", "addition_created", "addition_changed", "addition_removed", "review_date_changed",
            "support_changed", "version_withdrawn",
        ])
        self.assertEqual(items[5]["url"], f"/api/v1/supports/{self.heart_pathway.pk}")
        self.assertIsNone(items[5]["version"])

    def test_changes_of_a_support_no_reader_sees_are_not_in_the_feed(self):
        content.support_update(by=self.npo_editor, support=self.heart_guideline, title="Utkastets nya titel")
        self.assertEqual({c["support"] for c in self.changes()["items"]}, {self.heart_pathway.pk})

    def test_it_pages_by_cursor(self):
        for year in (2029, 2030, 2031, 2032):
            content.version_review_date_change(by=self.npo_editor, version=self.v1,
                                               review_date=self.v1.review_date.replace(year=year))
        first = self.changes(limit=2)
        self.assertEqual(len(first["items"]), 2)
        self.assertEqual(first["next"], f"/api/v1/changes?since={first['last_cursor']}&limit=2")
        second = self.client.get(first["next"]).json()
        third = self.client.get(second["next"]).json()
        self.assertEqual((len(third["items"]), third["next"]), (1, None))
        cursors = [c["cursor"] for page in (first, second, third) for c in page["items"]]
        self.assertEqual(cursors, list(ContentChange.objects.order_by("id").values_list("id", flat=True)))
        empty = self.changes(since=third["last_cursor"])
        self.assertEqual((empty["items"], empty["last_cursor"], empty["next"]), ([], third["last_cursor"], None))

    def test_bad_cursor_and_limit_are_refused_in_swedish(self):
        for params, field in (({"since": "-1"}, "since"), ({"since": "x"}, "since"), ({"limit": "0"}, "limit"),
                              ({"limit": "1001"}, "limit"), ({"since": str(2**63)}, "since")):
            response = self.client.get("/api/v1/changes", params)
            self.assertEqual(response.status_code, 422, params)
            self.assertIn(field, response.json()["errors"])
            self.assertEqual(response.json()["detail"], "Uppgifterna har fel. Rätta felen och försök igen.")
