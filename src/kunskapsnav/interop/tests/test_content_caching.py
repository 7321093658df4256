import datetime

from django.utils import timezone
from django.utils.http import http_date

from kunskapsnav.interop.api import api
from kunskapsnav.knowledge import additions, content
from kunskapsnav.knowledge.models import ContentChange
from kunskapsnav.knowledge.tests.personas import KnowledgeTestCase
from kunskapsnav.organisation.models import Body


class ContentCachingTests(KnowledgeTestCase):
    def documents(self):
        s = self.heart_pathway.pk
        return [
            "/api/v1/supports", f"/api/v1/supports/{s}", f"/api/v1/supports/{s}/versions",
            f"/api/v1/supports/{s}/versions/1", f"/api/v1/supports/{s}/versions/1/additions",
            "/api/v1/changes?since=0",
        ]

    def write_addition(self, text="<p>Remiss till USÖ</p>"):
        additions.addition_save(by=self.orebro_coordinator, recommendation=self.rec_echo, region=self.orebro, text=text)

    def test_documents_and_lists_carry_a_strong_etag_and_last_modified(self):
        for url in self.documents():
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 200)
                self.assertRegex(response["ETag"], r'^"[0-9]+-[0-9]+-[0-9a-f]{20}"$')
                self.assertIn("Last-Modified", response)
                self.assertIn("no-cache", response["Cache-Control"])

    def test_the_same_tag_answers_304_without_a_body(self):
        for url in self.documents():
            with self.subTest(url=url):
                tag = self.client.get(url)["ETag"]
                response = self.client.get(url, headers={"If-None-Match": tag})
                self.assertEqual(response.status_code, 304)
                self.assertEqual(response.content, b"")
                self.assertEqual(response["ETag"], tag)

    def test_a_change_gives_a_new_tag_and_a_200(self):
        tags = {url: self.client.get(url)["ETag"] for url in self.documents()}
        self.write_addition()
        for url, tag in tags.items():
            with self.subTest(url=url):
                response = self.client.get(url, headers={"If-None-Match": tag})
                self.assertEqual(response.status_code, 200)
                self.assertNotEqual(response["ETag"], tag)

    def test_a_change_of_another_support_keeps_this_supports_documents(self):
        url = f"/api/v1/supports/{self.heart_pathway.pk}/versions/1"
        tag, list_tag = self.client.get(url)["ETag"], self.client.get("/api/v1/supports")["ETag"]
        ContentChange.objects.create(kind="support_changed", support=self.heart_guideline)
        self.assertEqual(self.client.get(url, headers={"If-None-Match": tag}).status_code, 304)
        self.assertEqual(self.client.get("/api/v1/supports", headers={"If-None-Match": list_tag}).status_code, 200)

    def test_a_renamed_body_changes_the_documents_that_name_it(self):
        url = f"/api/v1/supports/{self.heart_pathway.pk}"
        tag = self.client.get(url)["ETag"]
        npo = Body.objects.get(pk=self.heart_npo.pk)
        npo.name = "NPO Hjärt- och kärlsjukdomar (nytt namn)"
        npo.save()
        response = self.client.get(url, headers={"If-None-Match": tag})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json()["issuer"], "NPO Hjärt- och kärlsjukdomar (nytt namn)")

    def test_if_modified_since_answers_by_the_latest_change(self):
        an_hour_ago = timezone.now() - datetime.timedelta(hours=1)
        ContentChange.objects.update(at=an_hour_ago)
        Body.history.update(history_date=an_hour_ago)
        url = f"/api/v1/supports/{self.heart_pathway.pk}/versions/1"
        response = self.client.get(url)
        self.assertEqual(response["Last-Modified"], http_date(int(an_hour_ago.timestamp())))
        since = {"If-Modified-Since": response["Last-Modified"]}
        self.assertEqual(self.client.get(url, headers=since).status_code, 304)
        earlier = {"If-Modified-Since": http_date(int(an_hour_ago.timestamp()) - 60)}
        self.assertEqual(self.client.get(url, headers=earlier).status_code, 200)
        self.write_addition()
        self.assertEqual(self.client.get(url, headers=since).status_code, 200)

    def test_the_304_does_not_build_the_document(self):
        url = f"/api/v1/supports/{self.heart_pathway.pk}/versions/1"
        tag = self.client.get(url)["ETag"]
        # The two validator aggregates (the support's feed, the bodies' history) and nothing else.
        with self.assertNumQueries(2):
            self.assertEqual(self.client.get(url, headers={"If-None-Match": tag}).status_code, 304)
        with self.assertNumQueries(2):
            self.assertEqual(self.client.get("/api/v1/supports", headers={"If-None-Match": "*"}).status_code, 304)

    def test_a_logged_in_reader_gets_no_shared_validator(self):
        draft_url = f"/api/v1/supports/{self.heart_guideline.pk}/versions/1"
        self.client.force_login(self.npo_editor)
        response = self.client.get(f"/api/v1/supports/{self.heart_guideline.pk}")
        self.assertEqual(response.status_code, 200)
        self.assertNotIn("ETag", response)
        self.assertIn("private", response["Cache-Control"])
        content.version_update(by=self.npo_editor, version=self.heart_guideline.versions.get(), summary="<p>Ny</p>")
        response = self.client.get(draft_url, headers={"If-None-Match": "*"})
        self.assertEqual((response.status_code, response.json()["summary"]), (200, "<p>Ny</p>"))
        self.client.logout()
        anonymous_tag = self.client.get(f"/api/v1/supports/{self.heart_guideline.pk}/versions")["ETag"]
        self.client.force_login(self.npo_editor)
        response = self.client.get(f"/api/v1/supports/{self.heart_guideline.pk}/versions",
                                   headers={"If-None-Match": anonymous_tag})
        self.assertEqual([v["status"] for v in response.json()], ["utkast"])

    def test_errors_carry_no_validators(self):
        response = self.client.get(f"/api/v1/supports/{self.heart_guideline.pk}/versions/1")
        self.assertEqual(response.status_code, 404)
        self.assertNotIn("ETag", response)
        self.assertNotIn("ETag", self.client.get("/api/v1/changes?limit=0"))

    def test_the_openapi_document_states_the_304_and_the_headers(self):
        paths = api.get_openapi_schema()["paths"]
        for path in ("/api/v1/supports", "/api/v1/supports/{support_id}", "/api/v1/supports/{support_id}/versions",
                     "/api/v1/supports/{support_id}/versions/{number}",
                     "/api/v1/supports/{support_id}/versions/{number}/additions", "/api/v1/changes"):
            with self.subTest(path=path):
                responses = paths[path]["get"]["responses"]
                self.assertIn("304", responses)
                self.assertNotIn("content", responses["304"])
                self.assertEqual(set(responses["200"]["headers"]), {"ETag", "Last-Modified", "Cache-Control"})
                self.assertIn("content", responses["200"])
