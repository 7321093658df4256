"""Loading the registry's reference data (sjukvårdsregioner, regions, kommuner, national
and healthcare-regional bodies) from the CSV files shipped in organisation/data/.

Idempotent: each row is matched on its stable key, a changed value is updated in place, and
a row that already holds the file's values is not written at all (so a second load adds no
history either).
"""

import csv
from collections import Counter
from dataclasses import dataclass, field
from importlib import resources

from django.db import transaction

from .models import Body, HealthcareRegion, Municipality, Region

CHANGE_REASON = "Referensdata"


@dataclass
class LoadReport:
    counts: Counter = field(default_factory=Counter)

    def add(self, model, outcome: str):
        self.counts[(model._meta.verbose_name_plural, outcome)] += 1

    def lines(self) -> list[str]:
        return [f"{what}: {n} {outcome}" for (what, outcome), n in sorted(self.counts.items())]

    @property
    def changed(self) -> int:
        return sum(n for (_, outcome), n in self.counts.items() if outcome != "unchanged")


def _rows(filename: str) -> list[dict]:
    text = resources.files("kunskapsnav.organisation").joinpath("data", filename).read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


def _sync(model, report: LoadReport, *, key: dict, values: dict):
    obj = model.objects.filter(**key).first()
    if obj is None:
        obj = model(**key, **values)
        outcome = "created"
    elif any(getattr(obj, name) != value for name, value in values.items()):
        for name, value in values.items():
            setattr(obj, name, value)
        outcome = "updated"
    else:
        report.add(model, "unchanged")
        return obj
    obj._change_reason = CHANGE_REASON
    obj.save()
    report.add(model, outcome)
    return obj


@transaction.atomic
def reference_data_load() -> LoadReport:
    report = LoadReport()
    healthcare_regions = {}
    for row in _rows("healthcare_regions.csv"):
        healthcare_regions[row["code"]] = _sync(
            HealthcareRegion,
            report,
            key={"code": row["code"]},
            values={"name": row["name"], "short_name": row["short_name"]},
        )
    regions = {}
    for row in _rows("regions.csv"):
        regions[row["county_code"]] = _sync(
            Region,
            report,
            key={"county_code": row["county_code"]},
            values={"name": row["name"], "healthcare_region": healthcare_regions[row["healthcare_region"]]},
        )
    for row in _rows("municipalities.csv"):
        _sync(
            Municipality,
            report,
            key={"code": row["code"]},
            values={"name": row["name"], "region": regions[row["county_code"]]},
        )
    for row in _rows("national_bodies.csv"):
        _sync(
            Body,
            report,
            key={"reference_key": row["reference_key"]},
            values={"kind": row["kind"], "name": row["name"], "description": row["description"]},
        )
    for row in _rows("healthcare_regional_bodies.csv"):
        _sync(
            Body,
            report,
            key={"reference_key": row["reference_key"]},
            values={
                "kind": row["kind"],
                "name": row["name"],
                "healthcare_region": healthcare_regions[row["healthcare_region"]],
            },
        )
    return report
