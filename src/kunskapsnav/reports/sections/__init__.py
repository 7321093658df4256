"""A report's sections. Each collects its facts for a scope and a period into plain JSON
blocks (tables and key figures), with every label already in words, so that the report is
rendered from its snapshot alone: what it shows never depends on the data of the day it is
read. The same blocks make the HTML, the PDF and the spreadsheet."""

import dataclasses
import datetime
import statistics

from django.utils import timezone

from kunskapsnav.organisation.models import HealthcareRegion, Region

# The kinds of a column's values, for alignment and formatting (templatetags/reports.py).
TEXT, INTEGER, PERCENT, DAYS, DECIMAL = "text", "integer", "percent", "days", "decimal"


@dataclasses.dataclass(frozen=True)
class Scope:
    """What a report covers: the nation, a sjukvårdsregion or a region, over a period."""

    period_start: datetime.date
    period_end: datetime.date
    region: Region | None = None
    healthcare_region: HealthcareRegion | None = None

    @property
    def regions(self) -> list[Region]:
        if self.region is not None:
            return [self.region]
        regions = Region.objects.select_related("healthcare_region").order_by("name")
        if self.healthcare_region is not None:
            regions = regions.filter(healthcare_region=self.healthcare_region)
        return list(regions)


def table(key: str, caption: str, columns: list[tuple[str, str]], rows: list[list], *, note: str = "",
          row_keys: list[str] | None = None, chart: dict | None = None) -> dict:
    """columns: (label, kind) pairs; rows: lists of values in the same order. row_keys name
    the rows a region can comment on one by one (the structure follow-up); chart (bars())
    draws some of the columns beside the table."""
    block = {"type": "table", "key": key, "caption": caption, "note": note,
             "columns": [{"label": label, "kind": kind} for label, kind in columns], "rows": rows}
    if row_keys is not None:
        block["row_keys"] = row_keys
    if chart is not None:
        block["chart"] = chart
    return block


def bars(*series: int, stacked: bool = False) -> dict:
    """A bar chart of a table: a bar per row (labelled by its first cell) for each of the
    columns given by position, stacked (parts of a whole) or side by side. Stored with the
    table in the snapshot, so that the chart is drawn from the numbers the table shows."""
    return {"type": "bars", "series": list(series), "stacked": stacked}


def figures(key: str, caption: str, items: list[tuple[str, object, str]]) -> dict:
    """Key figures: (label, value, kind)."""
    return {"type": "figures", "key": key, "caption": caption,
            "items": [{"label": label, "value": value, "kind": kind} for label, value, kind in items]}


def section(key: str, title: str, blocks: list[dict], *, lead: str = "") -> dict:
    return {"key": key, "title": title, "lead": lead, "blocks": blocks}


def end_of(day: datetime.date) -> datetime.datetime:
    """The last moment of the day, in the site's time zone: what a period's end includes."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.max))


def start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def median(values: list) -> float | None:
    return float(statistics.median(values)) if values else None


def share(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None
