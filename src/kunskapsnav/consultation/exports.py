"""The remissammanställning as CSV, XLSX and PDF, from the same grouped points as the page."""

import io
import logging

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from kunskapsnav.lib.spreadsheets import csv_writer, xlsx_append

from . import compilation
from .models import ConsultationRound

logger = logging.getLogger(__name__)

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


class ExportUnavailable(Exception):
    """An export format that this installation cannot produce, with a message for people."""


def header() -> list[str]:
    return [_("Avser"), _("Rekommendation nr"), _("Avsnitt"), _("Remissinstans"), _("Undertecknat av"),
            _("Inskickat"), _("Typ"), _("Synpunkt"), _("Förslag till ny text"), _("Bedömning"), _("Motivering")]


def rows(round_: ConsultationRound) -> list[list]:
    table = []
    for group in compilation.grouped(round_):
        for item in group.items:
            response = getattr(item, "response", None) if hasattr(item, "response") else None
            answer = item.answer
            table.append([
                group.label,
                group.recommendation.position if group.recommendation else "",
                group.section,
                str(answer.invitation),
                answer.signed_by,
                timezone.localtime(answer.submitted_at).strftime("%Y-%m-%d %H:%M") if answer.submitted_at else "",
                item.get_kind_display(),
                item.text,
                item.proposed_text,
                response.get_outcome_display() if response else "",
                response.reason if response else "",
            ])
    return table


def _filename(round_: ConsultationRound, fmt: str) -> str:
    support = round_.version.support
    return f"remissammanstallning-{slugify(support.title)}-v{round_.version.number}.{fmt}"


def as_csv(round_: ConsultationRound) -> bytes:
    # A byte-order mark and semicolons: what Excel with Swedish settings opens correctly.
    out = io.StringIO()
    writer = csv_writer(out)
    writer.writerow(header())
    writer.writerows(rows(round_))
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def as_xlsx(round_: ConsultationRound) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    sheet = book.active
    sheet.title = _("Sammanställning")[:31]
    for cell in xlsx_append(sheet, header()):
        cell.font = Font(bold=True)
    for row in rows(round_):
        xlsx_append(sheet, row)
    widths = [40, 8, 20, 26, 26, 16, 14, 60, 40, 16, 50]
    for column, width in zip(sheet.columns, widths):
        sheet.column_dimensions[column[0].column_letter].width = width
        for cell in column[1:]:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"
    stats_sheet = book.create_sheet(_("Statistik")[:31])
    stats = compilation.statistics(round_)
    xlsx_append(stats_sheet, [_("Rekommendation nr"), _("Rekommendation"), _("Punkter"), _("Remissinstanser")])
    for recommendation, points, parties in stats.per_recommendation:
        xlsx_append(stats_sheet, [recommendation.position, compilation.recommendation_label(recommendation), points,
                                  parties])
    xlsx_append(stats_sheet, [])
    xlsx_append(stats_sheet, [_("Inbjudna"), stats.invited])
    xlsx_append(stats_sheet, [_("Har svarat"), len(stats.answered)])
    xlsx_append(stats_sheet, [_("Har inte svarat"), ", ".join(str(i) for i in stats.not_answered)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def as_pdf(round_: ConsultationRound, *, request=None) -> bytes:
    try:
        from weasyprint import HTML
    except OSError as error:  # the Pango libraries are missing on this machine
        logger.error("PDF export unavailable: %s", error)
        raise ExportUnavailable(_("PDF-export är inte tillgänglig på den här servern. Välj CSV eller XLSX.")) from error
    html = render_to_string("consultation/compilation_pdf.html", {
        "round": round_,
        "groups": compilation.grouped(round_),
        "stats": compilation.statistics(round_),
        "generated_at": timezone.localtime(),
    }, request=request)
    return HTML(string=html).write_pdf()


def export(round_: ConsultationRound, fmt: str, *, request=None) -> tuple[bytes, str, str]:
    if fmt == "csv":
        content = as_csv(round_)
    elif fmt == "xlsx":
        content = as_xlsx(round_)
    elif fmt == "pdf":
        content = as_pdf(round_, request=request)
    else:
        raise ExportUnavailable(_("Okänt exportformat."))
    return content, FORMATS[fmt], _filename(round_, fmt)
