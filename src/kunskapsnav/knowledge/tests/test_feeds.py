from unittest import mock
from xml.etree import ElementTree

from django.urls import reverse

from kunskapsnav.knowledge import content, lifecycle
from kunskapsnav.knowledge.models import SupportType, VersionStatus
from kunskapsnav.knowledge.views import feeds

from .personas import KnowledgeTestCase, publish

ATOM = "{http://www.w3.org/2005/Atom}"


class FeedTests(KnowledgeTestCase):
    def feed(self, url):
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response["Content-Type"].startswith("application/atom+xml"))
        root = ElementTree.fromstring(response.content)
        self.assertEqual(root.tag, f"{ATOM}feed")
        return root

    def entries(self, root):
        return [
            {"title": e.findtext(f"{ATOM}title"), "id": e.findtext(f"{ATOM}id"),
             "link": e.find(f"{ATOM}link").get("href")}
            for e in root.findall(f"{ATOM}entry")
        ]

    def npo_feed_url(self):
        return reverse("knowledge:npo_feed", args=[self.heart_npo.pk])

    def withdraw_v1(self):
        lifecycle.version_transition(version=self.v1, to=VersionStatus.WITHDRAWN, by=self.sks_chair,
                                     note="Ersätts av nationellt vårdprogram.")

    def test_the_npo_feed_is_atom_with_the_publication_linking_the_version_page(self):
        entries = self.entries(self.feed(self.npo_feed_url()))
        self.assertEqual(len(entries), 1)
        self.assertEqual(entries[0]["title"], "Publicerad: Hjärtsvikt – nydebuterad, version 1")
        version_page = reverse("knowledge:version_detail", args=[self.heart_pathway.pk, 1])
        self.assertTrue(entries[0]["link"].endswith(version_page))
        self.assertTrue(entries[0]["id"].startswith("urn:kunskapsnav:versionshandelse:"))

    def test_a_withdrawal_is_a_new_entry_first_with_its_own_id_and_the_same_link(self):
        before = self.entries(self.feed(self.npo_feed_url()))
        self.withdraw_v1()
        after = self.entries(self.feed(self.npo_feed_url()))
        self.assertEqual([e["title"] for e in after], ["Återkallad: Hjärtsvikt – nydebuterad, version 1",
                                                       "Publicerad: Hjärtsvikt – nydebuterad, version 1"])
        self.assertEqual(after[1]["id"], before[0]["id"])  # the id of an entry does not change
        self.assertNotEqual(after[0]["id"], after[1]["id"])
        self.assertEqual(after[0]["link"], after[1]["link"])

    def test_drafts_and_remiss_versions_never_appear(self):
        draft = self.heart_guideline.versions.get()
        content.recommendation_create(by=self.npo_editor, version=draft, text="<p>Hemlig text i utkast.</p>",
                                      priority=3)
        lifecycle.version_transition(version=draft, to=VersionStatus.REMISS, by=self.npo_editor)
        v2 = content.version_create_next(by=self.npo_editor, support=self.heart_pathway)
        for url in (self.npo_feed_url(), reverse("knowledge:type_feed", args=[SupportType.CLINICAL])):
            body = self.client.get(url).content.decode()
            self.assertNotIn("förmaksflimmer", body)
            self.assertNotIn(f"version {v2.number}", body)

    def test_the_type_feed_holds_only_supports_of_that_type(self):
        pathways = self.entries(self.feed(reverse("knowledge:type_feed", args=[SupportType.CARE_PATHWAY])))
        self.assertEqual(len(pathways), 1)
        programmes = self.entries(self.feed(reverse("knowledge:type_feed", args=[SupportType.CARE_PROGRAMME])))
        self.assertEqual(programmes, [])

    def test_the_feed_holds_a_bounded_number_of_the_newest_entries(self):
        self.withdraw_v1()
        with mock.patch.object(feeds, "FEED_LENGTH", 1):
            entries = self.entries(self.feed(self.npo_feed_url()))
        self.assertEqual([e["title"] for e in entries], ["Återkallad: Hjärtsvikt – nydebuterad, version 1"])

    def test_an_unknown_npo_or_type_is_not_found(self):
        for url in (reverse("knowledge:npo_feed", args=[999999]), reverse("knowledge:npo_feed", args=[self.sks.pk]),
                    reverse("knowledge:npo_feed", args=[10**30]), reverse("knowledge:type_feed", args=["okand"])):
            self.assertEqual(self.client.get(url).status_code, 404, url)

    def test_the_feed_answers_only_reads(self):
        self.assertEqual(self.client.post(self.npo_feed_url()).status_code, 405)

    def test_the_filtered_list_and_the_npo_page_link_their_feeds(self):
        listing = self.client.get(reverse("knowledge:support_list"), {"npo": self.heart_npo.pk, "type": "vardforlopp"})
        self.assertContains(listing, f'<link rel="alternate" type="application/atom+xml" href="{self.npo_feed_url()}"')
        self.assertContains(listing, reverse("knowledge:type_feed", args=["vardforlopp"]))
        self.assertNotContains(self.client.get(reverse("knowledge:support_list")), "application/atom+xml")
        npo_page = self.client.get(reverse("organisation:body_detail", args=[self.heart_npo.pk]))
        self.assertContains(npo_page, self.npo_feed_url())
