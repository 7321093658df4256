"""Attachments to a version: PDF and Office files, checked by content (not by name) and
size, with their text extracted for search."""

import hashlib
import io
import logging
import re
import zipfile
from xml.etree import ElementTree

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from pypdf import PdfReader
from pypdf.errors import PdfReadError

from . import permissions, search
from .models import Attachment, AttachmentKind, SupportVersion

logger = logging.getLogger(__name__)

# Office Open XML parts whose text is worth indexing, per kind.
_OOXML_MAIN = {
    AttachmentKind.WORD: re.compile(r"^word/(document|header\d*|footer\d*)\.xml$"),
    AttachmentKind.EXCEL: re.compile(r"^xl/sharedStrings\.xml$"),
    AttachmentKind.POWERPOINT: re.compile(r"^ppt/slides/slide\d+\.xml$"),
}
_OOXML_MARKER = {
    AttachmentKind.WORD: "word/document.xml",
    AttachmentKind.EXCEL: "xl/workbook.xml",
    AttachmentKind.POWERPOINT: "ppt/presentation.xml",
}


def detect_kind(data: bytes) -> str | None:
    """The kind from the file's content: PDF by its header, Office files by their parts."""
    if data.startswith(b"%PDF-"):
        return AttachmentKind.PDF
    if data.startswith(b"PK"):
        try:
            names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
        except zipfile.BadZipFile:
            return None
        for kind, marker in _OOXML_MARKER.items():
            if marker in names:
                return kind
    return None


def extract_text(kind: str, data: bytes) -> str:
    try:
        if kind == AttachmentKind.PDF:
            reader = PdfReader(io.BytesIO(data))
            return "\n".join((page.extract_text() or "") for page in reader.pages)
        archive = zipfile.ZipFile(io.BytesIO(data))
        texts = []
        for name in sorted(archive.namelist()):
            if _OOXML_MAIN[kind].match(name):
                root = ElementTree.fromstring(archive.read(name))
                texts.append(" ".join(t.strip() for t in root.itertext() if t.strip()))
        return "\n".join(texts)
    except (PdfReadError, zipfile.BadZipFile, ElementTree.ParseError, KeyError, ValueError) as exc:
        # A file we cannot read is still a valid attachment; it is just not searchable.
        logger.warning("text extraction failed for a %s attachment: %s", kind, exc)
        return ""


@transaction.atomic
def attachment_add(*, by, version: SupportVersion, title: str, upload) -> Attachment:
    if not permissions.can_edit_support(by, version.support):
        raise PermissionDenied(_("Bara det ägande organets redaktörer får lägga till bilagor."))
    if not version.is_editable:
        raise ValidationError(_("Bilagor läggs till medan versionen är ett utkast."))
    if upload.size > settings.ATTACHMENT_MAX_SIZE:
        raise ValidationError(
            {"file": [_("Filen är för stor (högst %(mb)s MB).") % {"mb": settings.ATTACHMENT_MAX_SIZE // (1024 * 1024)}]}
        )
    data = upload.read()
    kind = detect_kind(data)
    if kind is None:
        raise ValidationError({"file": [_("Bara PDF, Word, Excel och PowerPoint (docx, xlsx, pptx) kan bifogas.")]})
    upload.seek(0)
    attachment = Attachment(
        version=version, title=title.strip() or upload.name, kind=kind, size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        extracted_text=extract_text(kind, data),
    )
    attachment.file.save(upload.name, upload, save=False)
    attachment._history_user = by
    attachment.save()
    search.index_version(version)
    return attachment
