"""A report as PDF (WeasyPrint, tagged as PDF/UA where WeasyPrint can) and its tables as a
spreadsheet, both from the snapshot: the same report gives the same text in every format."""

import io
import logging

from django.contrib.staticfiles import finders
from django.utils.text import slugify
from django.utils.translation import gettext as _

from kunskapsnav.lib.richtext import plain_text
from kunskapsnav.lib.spreadsheets import xlsx_append

from . import rendering
from .models import Report

logger = logging.getLogger(__name__)
PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
STYLESHEET = "kunskapsnav/css/report.css"


class ExportUnavailable(Exception):
    """A format this installation cannot produce, with a message for people."""


def filename(report: Report, extension: str) -> str:
    scope = slugify(report.scope_name.replace("å", "a").replace("ä", "a").replace("ö", "o"))
    return f"{slugify(report.get_kind_display())}-{scope}-{slugify(report.period_label)}-{report.number}.{extension}"


def as_pdf(report: Report) -> bytes:
    try:
        from weasyprint import CSS, HTML
    except OSError as error:  # the Pango libraries are missing on this machine
        logger.error("PDF export unavailable: %s", error)
        raise ExportUnavailable(_("PDF är inte tillgängligt på den här servern. Läs rapporten som webbsida.")) from error
    html = rendering.html(report, for_print=True)
    # Tagged (PDF/UA-1) for screen readers; the document's language is Swedish (lang="sv").
    return HTML(string=html).write_pdf(stylesheets=[CSS(filename=finders.find(STYLESHEET))],
                                       pdf_variant="pdf/ua-1", pdf_tags=True)


def _sheet_title(key: str, taken: set[str]) -> str:
    title = key[:31]
    n = 2
    while title in taken:
        title = f"{key[:28]}-{n}"
        n += 1
    taken.add(title)
    return title


def as_xlsx(report: Report) -> bytes:
    """A sheet on the report (title, scope, period, number), then one per table or set of key
    figures, named by its key, with the caption above the columns."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    snapshot = report.snapshot
    sections = rendering.sections_with_assessments(report)
    book = Workbook()
    about = book.active
    about.title = "rapport"
    for row in ([snapshot.get("title", "")], [snapshot.get("scope", "")], [snapshot.get("period", "")],
                [f"Rapport nr {snapshot.get('number', '')}"]):
        xlsx_append(about, row)
    taken = {"rapport"}
    for section in sections:
        for block in section["blocks"]:
            sheet = book.create_sheet(_sheet_title(block["key"], taken))
            xlsx_append(sheet, [f"{section['title']}: {block['caption']}"])[0].font = Font(bold=True)
            if block["type"] == "table":
                for cell in xlsx_append(sheet, [c["label"] for c in block["columns"]]):
                    cell.font = Font(bold=True)
                for row in block["rows"]:
                    xlsx_append(sheet, row)
                if block.get("note"):
                    xlsx_append(sheet, [])
                    xlsx_append(sheet, [block["note"]])
                for comment in block.get("comments", []):
                    xlsx_append(sheet, [comment["row"], comment["author"], plain_text(comment["text"])])
            else:
                for item in block["items"]:
                    xlsx_append(sheet, [item["label"], item["value"]])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
