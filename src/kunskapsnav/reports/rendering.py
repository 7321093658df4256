"""A report as HTML, rendered from its snapshot and its assessments only: the same report
renders to the same bytes, today and in five years."""

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import translation

from .models import Assessment, Report


def sections_with_assessments(report: Report) -> list[dict]:
    by_section: dict[str, list[Assessment]] = {}
    for assessment in report.assessments.order_by("author_label", "pk"):
        by_section.setdefault(assessment.section, []).append(assessment)
    return [{**section, "assessments": by_section.get(section["key"], [])}
            for section in report.snapshot.get("sections", [])]


def own_assessments(report: Report, user) -> dict[str, str]:
    return dict(report.assessments.filter(author=user).values_list("section", "text"))


def html(report: Report, *, for_print: bool = False) -> str:
    """The report as a document of its own (no page chrome, nothing of the reader's). For
    print (the PDF) the stylesheet is given to WeasyPrint rather than linked."""
    with translation.override("sv"):
        return render_to_string("reports/document.html", {
            "report": report, "snapshot": report.snapshot, "sections": sections_with_assessments(report),
            "for_print": for_print})


def html_response(report: Report) -> HttpResponse:
    response = HttpResponse(html(report), content_type="text/html; charset=utf-8")
    response["Content-Language"] = "sv"
    return response
