import hashlib
import importlib
import io
import tempfile
import zipfile

from django.apps import apps as django_apps
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from kunskapsnav.knowledge import attachments, search
from kunskapsnav.knowledge.models import Attachment, AttachmentKind

from .personas import KnowledgeTestCase


def docx(text: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(
            "word/document.xml",
            '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r>'
            f"<w:t>{text}</w:t></w:r></w:p></w:body></w:document>",
        )
    return buffer.getvalue()


def pdf(text: str) -> bytes:
    """A minimal one-page PDF with the text, written by hand so that the test needs no tool."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


@override_settings(MEDIA_ROOT=tempfile.mkdtemp(prefix="kunskapsnav-media-"))
class AttachmentTests(KnowledgeTestCase):
    def draft(self):
        return self.heart_guideline.versions.get()

    def test_a_pdf_is_accepted_and_its_text_becomes_searchable(self):
        attachment = attachments.attachment_add(
            by=self.npo_editor, version=self.draft(), title="Flödesschema",
            upload=SimpleUploadedFile("flode.pdf", pdf("Antikoagulantia vid flimmer"), content_type="application/pdf"),
        )
        self.assertEqual(attachment.kind, AttachmentKind.PDF)
        self.assertIn("Antikoagulantia", attachment.extracted_text)
        self.assertIn("Antikoagulantia", self.draft().search_document.body)

    def test_a_word_file_is_recognised_by_its_content(self):
        attachment = attachments.attachment_add(
            by=self.npo_editor, version=self.draft(), title="",
            upload=SimpleUploadedFile("rutin.docx", docx("Remissrutin för hjärtsvikt")),
        )
        self.assertEqual((attachment.kind, attachment.title), (AttachmentKind.WORD, "rutin.docx"))
        self.assertIn("Remissrutin", attachment.extracted_text)

    def test_other_files_are_refused_whatever_their_name(self):
        with self.assertRaises(ValidationError) as caught:
            attachments.attachment_add(by=self.npo_editor, version=self.draft(), title="x",
                                       upload=SimpleUploadedFile("virus.pdf", b"MZ\x90\x00 not a pdf"))
        self.assertIn("Bara PDF", caught.exception.message_dict["file"][0])

    @override_settings(ATTACHMENT_MAX_SIZE=100)
    def test_too_large_files_are_refused(self):
        with self.assertRaises(ValidationError) as caught:
            attachments.attachment_add(by=self.npo_editor, version=self.draft(), title="x",
                                       upload=SimpleUploadedFile("stor.pdf", pdf("x" * 200)))
        self.assertIn("för stor", caught.exception.message_dict["file"][0])

    def test_attachments_are_added_to_drafts_only(self):
        with self.assertRaises(ValidationError):
            attachments.attachment_add(by=self.npo_editor, version=self.v1, title="x",
                                       upload=SimpleUploadedFile("a.pdf", pdf("x")))
        self.assertEqual(search.search("Antikoagulantia").total, 0)

    def test_the_checksum_is_that_of_the_stored_file(self):
        data = pdf("Kontrollsumma")
        attachment = attachments.attachment_add(by=self.npo_editor, version=self.draft(), title="Flöde",
                                                upload=SimpleUploadedFile("flode.pdf", data))
        self.assertEqual(attachment.sha256, hashlib.sha256(data).hexdigest())
        with attachment.file.open("rb") as stored:
            self.assertEqual(hashlib.sha256(stored.read()).hexdigest(), attachment.sha256)
        self.assertEqual(attachment.media_type, "application/pdf")

    def test_the_migration_checksums_stored_files_and_leaves_missing_ones_empty(self):
        present = attachments.attachment_add(by=self.npo_editor, version=self.draft(), title="Finns",
                                             upload=SimpleUploadedFile("finns.pdf", pdf("finns")))
        missing = attachments.attachment_add(by=self.npo_editor, version=self.draft(), title="Borta",
                                             upload=SimpleUploadedFile("borta.docx", docx("borta")))
        missing.file.storage.delete(missing.file.name)
        Attachment.objects.update(sha256="")  # as before the migration
        migration = importlib.import_module("kunskapsnav.knowledge.migrations.0010_attachment_checksum")
        with self.assertLogs("kunskapsnav.knowledge.migrations.0010_attachment_checksum", "WARNING"):
            migration.checksum_stored_files(django_apps, None)
        with present.file.open("rb") as stored:
            self.assertEqual(Attachment.objects.get(pk=present.pk).sha256, hashlib.sha256(stored.read()).hexdigest())
        self.assertEqual(Attachment.objects.get(pk=missing.pk).sha256, "")
