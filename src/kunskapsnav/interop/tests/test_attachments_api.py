import hashlib
import tempfile

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from kunskapsnav.knowledge import attachments, content
from kunskapsnav.knowledge.tests.personas import KnowledgeTestCase, publish
from kunskapsnav.knowledge.tests.test_attachments import docx, pdf


@override_settings(MEDIA_ROOT=tempfile.mkdtemp(prefix="kunskapsnav-media-"))
class AttachmentsApiTests(KnowledgeTestCase):
    def version_with_attachments(self, *, published=True):
        v2 = content.version_create_next(by=self.npo_editor, support=self.heart_pathway)
        content.version_update(by=self.npo_editor, version=v2, review_date=self.v1.review_date)
        self.flow = pdf("Flödesschema")
        self.routine = docx("Rutin")
        attachments.attachment_add(by=self.npo_editor, version=v2, title="Flödesschema",
                                   upload=SimpleUploadedFile("flode.pdf", self.flow))
        attachments.attachment_add(by=self.npo_editor, version=v2, title="Rutin",
                                   upload=SimpleUploadedFile("rutin.docx", self.routine))
        if published:
            publish(v2, by_editor=self.npo_editor, by_approver=self.sks_chair)
        return v2

    def test_a_version_lists_its_attachments_with_media_type_size_checksum_and_download(self):
        self.version_with_attachments()
        data = self.client.get(f"/api/v1/supports/{self.heart_pathway.pk}/versions/2").json()
        flow, routine = data["attachments"]
        self.assertEqual((flow["title"], flow["media_type"], flow["size"], flow["sha256"]),
                         ("Flödesschema", "application/pdf", len(self.flow), hashlib.sha256(self.flow).hexdigest()))
        self.assertEqual(routine["media_type"],
                         "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
        self.assertTrue(flow["url"].startswith("http://testserver/kunskapsstod/bilagor/"))
        download = self.client.get(flow["url"])
        self.assertEqual(hashlib.sha256(b"".join(download.streaming_content)).hexdigest(), flow["sha256"])

    def test_a_version_without_attachments_lists_none(self):
        data = self.client.get(f"/api/v1/supports/{self.heart_pathway.pk}/versions/1").json()
        self.assertEqual(data["attachments"], [])

    def test_attachments_of_a_draft_are_neither_listed_nor_downloadable_for_readers(self):
        v2 = self.version_with_attachments(published=False)
        self.assertEqual(self.client.get(f"/api/v1/supports/{self.heart_pathway.pk}/versions/2").status_code, 404)
        self.assertEqual(self.client.get(f"/kunskapsstod/bilagor/{v2.attachments.first().pk}/").status_code, 404)

    def test_an_unknown_checksum_is_null(self):
        v2 = self.version_with_attachments()
        v2.attachments.update(sha256="")
        data = self.client.get(f"/api/v1/supports/{self.heart_pathway.pk}/versions/2").json()
        self.assertEqual([a["sha256"] for a in data["attachments"]], [None, None])

    def test_the_openapi_document_describes_the_attachments(self):
        schemas = self.client.get("/api/v1/openapi.json").json()["components"]["schemas"]
        self.assertIn("attachments", schemas["VersionOut"]["properties"])
        self.assertEqual(set(schemas["AttachmentOut"]["required"]),
                         {"id", "title", "media_type", "size", "sha256", "url"})
