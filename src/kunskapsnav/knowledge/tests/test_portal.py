from django.urls import reverse

from kunskapsnav.knowledge import additions, content, subscriptions
from kunskapsnav.knowledge.models import VersionStatus

from .personas import KnowledgeTestCase, publish


class PortalTests(KnowledgeTestCase):
    def publish_v2(self):
        v2 = content.version_create_next(by=self.npo_editor, support=self.heart_pathway)
        rec = v2.recommendations.get(key=self.rec_echo.key)
        content.recommendation_update(by=self.npo_editor, recommendation=rec,
                                      text="<p>Vid misstänkt hjärtsvikt ska ekokardiografi göras inom två veckor.</p>")
        content.version_update(by=self.npo_editor, version=v2, review_date=self.v1.review_date)
        publish(v2, by_editor=self.npo_editor, by_approver=self.sks_chair)
        return v2

    def test_the_support_page_shows_the_valid_version(self):
        v2 = self.publish_v2()
        response = self.client.get(reverse("knowledge:support_detail", args=[self.heart_pathway.pk]))
        self.assertEqual(response.context["version"], v2)
        self.assertContains(response, "Gällande version 2")
        self.assertContains(response, "inom två veckor")
        self.assertContains(response, "Vad ändrades från version 1 till 2")

    def test_the_status_history_names_who_acted_only_to_people_who_work_in_the_system(self):
        url = reverse("knowledge:support_detail", args=[self.heart_pathway.pk])
        public = self.client.get(url)
        self.assertContains(public, "Statushistorik för versionen")
        self.assertNotContains(public, "sks_chair")
        self.client.force_login(self.outsider)
        self.assertContains(self.client.get(url), "sks_chair")

    def test_an_old_version_is_unmistakably_marked_as_no_longer_valid(self):
        self.publish_v2()
        response = self.client.get(reverse("knowledge:version_detail", args=[self.heart_pathway.pk, 1]))
        self.assertContains(response, "Version 1 gäller inte längre (ersatt)")
        self.assertContains(response, 'role="alert"')
        self.assertContains(response, "Gå till gällande version 2")

    def test_drafts_are_hidden_from_readers_and_remiss_versions_from_anonymous_ones(self):
        draft_url = reverse("knowledge:version_detail", args=[self.heart_guideline.pk, 1])
        self.assertEqual(self.client.get(draft_url).status_code, 404)
        self.client.force_login(self.outsider)
        self.assertEqual(self.client.get(draft_url).status_code, 404)
        self.client.force_login(self.npo_editor)
        self.assertContains(self.client.get(draft_url), "är inte publicerad")
        v2 = content.version_create_next(by=self.npo_editor, support=self.heart_pathway)
        from kunskapsnav.knowledge import lifecycle

        lifecycle.version_transition(version=v2, to=VersionStatus.REMISS, by=self.npo_editor)
        remiss_url = reverse("knowledge:version_detail", args=[self.heart_pathway.pk, 2])
        self.client.logout()
        self.assertEqual(self.client.get(remiss_url).status_code, 404)
        self.client.force_login(self.outsider)
        self.assertEqual(self.client.get(remiss_url).status_code, 200)

    def test_the_region_of_the_reader_decides_which_additions_show(self):
        additions.addition_save(by=self.admin, recommendation=self.rec_echo, region=self.orebro,
                                text="Remittera till Universitetssjukhuset Örebro")
        url = reverse("knowledge:support_detail", args=[self.heart_pathway.pk])
        self.client.force_login(self.member)  # home region Örebro
        self.assertContains(self.client.get(url), "Regionalt tillägg – Region Örebro län")
        self.client.force_login(self.npo_editor)  # home region Skåne
        self.assertNotContains(self.client.get(url), "Universitetssjukhuset Örebro")
        self.assertContains(self.client.get(url, {"region": "18"}), "Universitetssjukhuset Örebro")
        self.client.logout()
        self.assertNotContains(self.client.get(url), "Universitetssjukhuset Örebro")
        self.assertContains(self.client.get(url, {"region": "alla"}), "Universitetssjukhuset Örebro")

    def test_browse_filters_by_type_npo_target_group_and_condition_code(self):
        url = reverse("knowledge:support_list")

        def titles(**params):
            return [s.title for s in self.client.get(url, params).context["page"]]

        self.assertEqual(titles(), ["Hjärtsvikt – nydebuterad"])  # drafts are not in the portal
        self.assertEqual(titles(type="vardforlopp"), ["Hjärtsvikt – nydebuterad"])
        self.assertEqual(titles(type="klinisk"), [])
        self.assertEqual(titles(npo=self.heart_npo.pk), ["Hjärtsvikt – nydebuterad"])
        self.assertEqual(titles(npo=self.lung_npo.pk), [])
        self.assertEqual(titles(target_group="vardpersonal"), ["Hjärtsvikt – nydebuterad"])
        self.assertEqual(titles(condition="I50"), ["Hjärtsvikt – nydebuterad"])
        self.assertEqual(titles(condition="C09"), ["Hjärtsvikt – nydebuterad"])  # a code of a recommendation
        self.assertEqual(titles(condition="J44"), [])

    def test_the_support_page_says_whether_the_reader_follows_the_support_and_its_npo(self):
        self.client.force_login(self.analyst)
        url = self.heart_pathway.get_absolute_url()
        for follow, support, npo in [(None, False, False), ("npo", False, True), ("support", True, True)]:
            if follow == "npo":
                subscriptions.subscription_toggle(user=self.analyst, body=self.heart_npo)
            elif follow == "support":
                subscriptions.subscription_toggle(user=self.analyst, support=self.heart_pathway)
            with self.subTest(follow=follow):
                response = self.client.get(url)
                self.assertEqual((response.context["following"], response.context["following_npo"]), (support, npo))
                self.assertContains(response, "Sluta bevaka NPO" if npo else "Bevaka NPO")

    def test_following_an_npo_returns_to_the_page_that_asked_but_never_to_another_site(self):
        self.client.force_login(self.analyst)
        url = reverse("knowledge:npo_subscription_toggle", args=[self.heart_npo.pk])
        back = self.heart_pathway.get_absolute_url()
        for target, expected in [(back, back), ("https://evil.example/", None), ("//evil.example", None),
                                 ("javascript:alert(1)", None)]:
            with self.subTest(next=target):
                response = self.client.post(url, {"next": target})
                self.assertRedirects(response, expected or self.heart_npo.get_absolute_url(),
                                     fetch_redirect_response=False)

    def test_the_diff_page_shows_word_changes(self):
        self.publish_v2()
        response = self.client.get(reverse("knowledge:version_diff", args=[self.heart_pathway.pk]), {"fran": 1, "till": 2})
        self.assertContains(response, "<del>fyra</del> <ins>två</ins>", html=False)
        self.assertContains(response, "1 ändrade")

    def test_search_page_finds_the_valid_version_with_a_highlighted_snippet(self):
        self.publish_v2()
        response = self.client.get(reverse("knowledge:search"), {"q": "ekokardiografi"})
        hits = response.context["results"].hits
        self.assertEqual([(h.support, h.version.number) for h in hits], [(self.heart_pathway, 2)])
        self.assertContains(response, "<mark>")
        partial = self.client.get(reverse("knowledge:search"), {"q": "ekokardiografi"}, headers={"HX-Request": "true"})
        self.assertNotContains(partial, "<html")

    def test_the_review_list_shows_versions_near_their_review_date(self):
        from kunskapsnav.knowledge.models import SupportVersion

        SupportVersion.objects.filter(pk=self.v1.pk).update(review_date="2020-01-01")
        response = self.client.get(reverse("knowledge:review_due"))
        self.assertContains(response, "Hjärtsvikt – nydebuterad")
        self.assertContains(response, "Passerat")

    def test_readers_export_public_versions_and_editors_everything(self):
        content.version_create_next(by=self.npo_editor, support=self.heart_pathway)
        url = reverse("knowledge:support_export", args=[self.heart_pathway.pk])
        self.assertEqual([v["number"] for v in self.client.get(url).json()["versions"]], [1])
        self.client.force_login(self.npo_editor)
        self.assertEqual([v["number"] for v in self.client.get(url).json()["versions"]], [1, 2])

    def test_an_editor_writes_a_recommendation_through_the_form(self):
        self.client.force_login(self.npo_editor)
        url = reverse("knowledge:recommendation_create", args=[self.heart_guideline.pk, 1])
        response = self.client.post(url, {"text": "Ge antikoagulantia", "direction": "gor", "priority": "2",
                                          "atc": "B01AF01, B01AE07", "icd10se": "I48"})
        self.assertRedirects(response, reverse("knowledge:version_detail", args=[self.heart_guideline.pk, 1]))
        rec = self.heart_guideline.versions.get().recommendations.get()
        self.assertEqual(sorted(c.code for c in rec.codes.all()), ["B01AE07", "B01AF01", "I48"])
        bad = self.client.post(url, {"text": "X", "direction": "gor", "atc": "B01AF1"})
        self.assertIn("ingen giltig ATC-kod", str(bad.context["form"].errors))

    def test_the_status_buttons_follow_the_lifecycle_table(self):
        v2 = content.version_create_next(by=self.npo_editor, support=self.heart_pathway)
        self.client.force_login(self.npo_editor)
        response = self.client.get(v2.get_absolute_url())
        self.assertContains(response, 'value="remiss"')
        self.assertNotContains(response, 'value="faststalld"')
        self.client.force_login(self.sks_chair)
        response = self.client.post(reverse("knowledge:version_transition", args=[self.heart_pathway.pk, 2]),
                                    {"to": "faststalld"}, follow=True)
        self.assertContains(response, "kan inte bli fastställd")


class ImportPageTests(KnowledgeTestCase):
    def upload(self, data: bytes):
        from django.core.files.uploadedfile import SimpleUploadedFile

        return self.client.post(reverse("knowledge:support_import"),
                                {"file": SimpleUploadedFile("stod.json", data, content_type="application/json")})

    def test_a_file_with_errors_lists_them_and_imports_nothing(self):
        import json

        from kunskapsnav.knowledge.interchange import support_export
        from kunskapsnav.knowledge.models import KnowledgeSupport

        self.client.force_login(self.npo_editor)
        data = support_export(self.heart_guideline)
        data["title"] = "Nytt stöd"
        data["conditions"] = ["I48", "Q"]
        before = KnowledgeSupport.objects.count()
        response = self.upload(json.dumps(data).encode())
        self.assertContains(response, "Inget har importerats")
        self.assertContains(response, "<code>conditions[1]</code>", html=False)
        self.assertEqual(KnowledgeSupport.objects.count(), before)
        data["conditions"] = ["I48"]
        response = self.upload(json.dumps(data).encode())
        support = KnowledgeSupport.objects.get(title="Nytt stöd")
        self.assertRedirects(response, support.get_absolute_url(), fetch_redirect_response=False)

    def test_a_broken_file_is_explained(self):
        self.client.force_login(self.npo_editor)
        response = self.upload(b'{"title": ')
        self.assertContains(response, "Inget har importerats")


class StartPageTests(KnowledgeTestCase):
    def test_an_editor_sees_first_the_supports_in_work(self):
        self.client.force_login(self.npo_editor)
        response = self.client.get(reverse("home"))
        self.assertContains(response, "Kunskapsstöd under arbete")
        self.assertContains(response, "Kliniskt kunskapsstöd förmaksflimmer")
        self.client.force_login(self.outsider)
        self.assertNotContains(self.client.get(reverse("home")), "Kliniskt kunskapsstöd förmaksflimmer")


class WorkableSupportsTests(KnowledgeTestCase):
    def test_the_list_query_agrees_with_the_per_support_rules(self):
        from kunskapsnav.knowledge import content, permissions
        from kunskapsnav.knowledge.models import KnowledgeSupport, SupportType
        from kunskapsnav.organisation.models import Body, BodyKind, Role
        from kunskapsnav.organisation.tests.personas import make_person, make_user, seat

        rmks = Body.objects.create(kind=BodyKind.RMKS, name="RMKS Örebro", region=self.orebro)
        rmks_chair = make_user("rmks_chair")
        seat(by=self.admin, body=rmks, person=make_person(by=self.admin, region=self.orebro, user=rmks_chair),
             role=Role.CHAIR)
        content.support_create(by=self.orebro_coordinator, type=SupportType.REGIONAL_ROUTINE, title="Rutin",
                               issuer_region=self.orebro, owning_body=self.orebro_lpo)
        users = [self.admin, self.npo_editor, self.sks_chair, self.orebro_coordinator, self.uppsala_coordinator,
                 self.chair, self.member, self.analyst, self.outsider, rmks_chair]
        for user in users:
            with self.subTest(user=user.username):
                by_rule = {s.pk for s in KnowledgeSupport.objects.all() if permissions.can_see_unpublished(user, s)}
                by_query = set(KnowledgeSupport.objects.filter(permissions.workable_supports(user))
                               .values_list("pk", flat=True))
                self.assertEqual(by_query, by_rule)
