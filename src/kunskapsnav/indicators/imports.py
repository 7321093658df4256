"""Import of aggregated values computed elsewhere (docs/indicator-import.md): one CSV file,
all or nothing, every error listed with its line."""

import csv
import datetime
import hashlib
import io
import math
import re
from dataclasses import dataclass, field

import pandas as pd
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from kunskapsnav.organisation.models import HealthcareRegion, Municipality, Region

from . import permissions
from .models import COUNT_MAX, ImportBatch, IndicatorDefinition
from .runs import healthcare_regions, values_store
from .spec import Kind

COLUMNS = ["indicator", "geography", "period", "stratum", "numerator", "denominator"]
LEVELS = ("riket", "sjukvardsregion", "region", "kommun", "vardenhet")
# A care unit's code: an HSA-id (SE2321000164-7381037590003) or the source's own, short enough
# for IndicatorValue.geo.
UNIT_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,39}")
# A median time in days: up to a hundred years.
MEDIAN_DAYS_MAX = 36_500


@dataclass
class Report:
    errors: list[tuple[int, str]] = field(default_factory=list)  # (line, message)
    batch: ImportBatch | None = None

    @property
    def ok(self) -> bool:
        return not self.errors


def _period(text: str) -> tuple[str, datetime.date]:
    text = text.strip()
    if m := re.fullmatch(r"(\d{4})", text):
        return "ar", datetime.date(int(m[1]), 1, 1)
    if m := re.fullmatch(r"(\d{4})-?[QK]([1-4])", text, flags=re.IGNORECASE):
        return "kvartal", datetime.date(int(m[1]), (int(m[2]) - 1) * 3 + 1, 1)
    if m := re.fullmatch(r"(\d{4})-(0[1-9]|1[0-2])", text):
        return "manad", datetime.date(int(m[1]), int(m[2]), 1)
    raise ValueError(_("perioden %(p)s ska vara ÅÅÅÅ, ÅÅÅÅ-K1 eller ÅÅÅÅ-MM") % {"p": text})


def _geography(text: str, known: dict[str, set[str]]) -> tuple[str, str]:
    text = text.strip()
    if text.lower() in ("riket", "se"):
        return "riket", "SE"
    level, sep, code = text.partition(":")
    if not sep or level not in LEVELS[1:]:
        raise ValueError(_("geografin %(g)s ska vara riket eller nivå:kod, t.ex. region:18 eller kommun:1880")
                         % {"g": text})
    if level in known and code not in known[level]:
        raise ValueError(_("det finns ingen %(level)s med koden %(code)s") % {"level": level, "code": code})
    if not code:
        raise ValueError(_("geografin %(g)s saknar kod") % {"g": text})
    if level == "vardenhet" and not UNIT_CODE.fullmatch(code):
        raise ValueError(_("vårdenhetens kod %(code)s ska vara högst 40 bokstäver, siffror, punkter, bindestreck "
                           "och understreck, t.ex. ett HSA-id") % {"code": code[:60]})
    return level, code


def _stratum(text: str) -> tuple[str, str]:
    text = text.strip() or "alla"
    if text == "alla":
        return "alla", "alla"
    kind, sep, value = text.partition(":")
    if kind == "kon" and value in ("K", "M"):
        return "kon", value
    if kind == "aldersgrupp" and re.fullmatch(r"\d{1,3}(–|-)\d{1,3}|\d{1,3}\+", value):
        return "aldersgrupp", value.replace("-", "–")
    raise ValueError(_("stratumet %(s)s ska vara alla, kon:K, kon:M eller aldersgrupp:65–79") % {"s": text})


def _count(text: str, name: str, *, required: bool = True) -> int | None:
    text = text.strip()
    if not text and not required:
        return None
    if not re.fullmatch(r"\d+", text):
        raise ValueError(_("%(name)s ska vara ett heltal, 0 eller större (var %(value)s)") % {"name": name,
                                                                                             "value": text or "tomt"})
    if len(text) > len(str(COUNT_MAX)) or int(text) > COUNT_MAX:
        raise ValueError(_("%(name)s får vara högst %(max)s (var %(value)s)") % {
            "name": name, "max": number_format(COUNT_MAX, force_grouping=True), "value": text[:30]})
    return int(text)


def _median_days(text: str) -> float:
    """A median time in days: a number, 0 or more, with a decimal point or comma."""
    try:
        days = float(text.strip().replace(",", "."))
    except ValueError:
        days = math.nan
    if not math.isfinite(days) or not 0 <= days <= MEDIAN_DAYS_MAX:
        raise ValueError(_("en mediantid ska stå i kolumnen value som antal dagar, 0–%(max)s (var %(value)s)")
                         % {"max": number_format(MEDIAN_DAYS_MAX, force_grouping=True), "value": text.strip()[:30] or "tomt"})
    return days


def values_import(*, by, data: bytes, file_name: str) -> Report:
    if not permissions.can_import(by):
        raise PermissionDenied(_("Bara analytiker och nationella administratörer importerar värden."))
    report = Report()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        report.errors.append((1, _("Filen är inte UTF-8-kodad text.")))
        return report
    sample = text[:2000]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        report.errors.append((1, _("Kolumner saknas: %(cols)s.") % {"cols": ", ".join(missing)}))
        return report
    known = {
        "region": set(Region.objects.values_list("county_code", flat=True)),
        "kommun": set(Municipality.objects.values_list("code", flat=True)),
        "sjukvardsregion": set(HealthcareRegion.objects.values_list("code", flat=True)),
    }
    definitions = {}
    for d in IndicatorDefinition.objects.order_by("code", "-version"):
        definitions.setdefault(d.code, d)
    rows, seen = [], {}
    for line, raw in enumerate(reader, start=2):
        try:
            definition = definitions.get((raw["indicator"] or "").strip())
            if definition is None:
                raise ValueError(_("okänd indikator %(code)s") % {"code": raw["indicator"]})
            level, geo = _geography(raw["geography"] or "", known)
            period_type, period = _period(raw["period"] or "")
            stratum_type, stratum = _stratum(raw["stratum"] or "")
            numerator = _count(raw["numerator"] or "", "numerator")
            denominator = _count(raw["denominator"] or "", "denominator",
                                 required=definition.kind != Kind.MEDIAN_TIME)
            if definition.kind == Kind.PROPORTION and denominator is not None and numerator > denominator:
                raise ValueError(_("täljaren är större än nämnaren"))
            median = None
            if definition.kind == Kind.MEDIAN_TIME:
                median = _median_days(raw.get("value") or "")
        except ValueError as error:
            report.errors.append((line, str(error)))
            continue
        key = (definition.pk, level, geo, period_type, period, stratum_type, stratum)
        if key in seen:
            report.errors.append((line, _("samma värde som på rad %(line)s") % {"line": seen[key]}))
            continue
        seen[key] = line
        rows.append((definition, dict(level=level, geo=geo, period_type=period_type, period=period,
                                      stratum_type=stratum_type, stratum=stratum, numerator=numerator,
                                      denominator=denominator, median_days=median)))
    if not rows and not report.errors:
        report.errors.append((2, _("Filen har inga värden.")))
    if report.errors:
        return report
    report.batch = _save(by, data, file_name, rows)
    return report


@transaction.atomic
def _save(by, data: bytes, file_name: str, rows) -> ImportBatch:
    batch = ImportBatch.objects.create(file_name=file_name[:300], fingerprint=hashlib.sha256(data).hexdigest(),
                                       rows=len(rows), imported_by=by)
    regions = healthcare_regions()
    by_definition: dict = {}
    for definition, values in rows:
        by_definition.setdefault(definition, []).append(values)
    for definition, values in by_definition.items():
        values_store(definition, pd.DataFrame(values), regions=regions, batch=batch)
    return batch
