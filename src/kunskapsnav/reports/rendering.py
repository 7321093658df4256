"""A report as HTML, rendered from its snapshot and its assessments only: the same report
renders to the same bytes, today and in five years."""

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import translation

from . import charts
from .models import Assessment, Report


def sections_with_assessments(report: Report) -> list[dict]:
    """The snapshot's sections, each with its assessments, and each table with the comments on
    its rows (in the table's order), labelled by the row's first cell."""
    by_section: dict[str, list[Assessment]] = {}
    by_item: dict[tuple[str, str], list[Assessment]] = {}
    for assessment in report.assessments.order_by("author_label", "pk"):
        if assessment.item:
            by_item.setdefault((assessment.section, assessment.item), []).append(assessment)
        else:
            by_section.setdefault(assessment.section, []).append(assessment)
    sections = []
    for section in report.snapshot.get("sections", []):
        blocks = []
        for block in section["blocks"]:
            comments = [{"row": row[0], "author": a.author_label, "text": a.text}
                        for key, row in zip(block.get("row_keys", []), block.get("rows", []), strict=False)
                        for a in by_item.get((section["key"], key), [])]
            blocks.append({**block, "comments": comments})
        items = [(key, str(row[0])) for block in section["blocks"]
                 for key, row in zip(block.get("row_keys", []), block.get("rows", []), strict=False)]
        sections.append({**section, "blocks": blocks, "items": items,
                         "assessments": by_section.get(section["key"], [])})
    return sections


def own_assessments(report: Report, user) -> dict[str, str]:
    """The user's assessments of whole sections, by section."""
    return dict(report.assessments.filter(author=user, item="").values_list("section", "text"))


def _with_charts(sections: list[dict]) -> list[dict]:
    """Each table that has a chart gets it drawn, as an image address (charts.data_url)."""
    return [{**section, "blocks": [{**block, "chart_image": charts.data_url(block)} if block.get("chart") else block
                                   for block in section["blocks"]]} for section in sections]


def html(report: Report, *, for_print: bool = False) -> str:
    """The report as a document of its own (no page chrome, nothing of the reader's). For
    print (the PDF) the stylesheet is given to WeasyPrint rather than linked."""
    with translation.override("sv"):
        return render_to_string("reports/document.html", {
            "report": report, "snapshot": report.snapshot, "sections": _with_charts(sections_with_assessments(report)),
            "for_print": for_print})


def html_response(report: Report) -> HttpResponse:
    response = HttpResponse(html(report), content_type="text/html; charset=utf-8")
    response["Content-Language"] = "sv"
    return response
