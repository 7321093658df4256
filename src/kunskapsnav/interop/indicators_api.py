"""/api/v1/ resources of uppföljning: indicator definitions, their current values (small
numbers hidden from readers who may not see them), runs and imports."""

import datetime

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, File, Router, Schema
from ninja.files import UploadedFile

from kunskapsnav.indicators import imports, runs, selectors
from kunskapsnav.indicators.models import IndicatorRun, RunStatus
from kunskapsnav.interop.api import READ_AUTH, WRITE_AUTH
from kunskapsnav.interop.edge import Id, In
from kunskapsnav.interop.errors import ErrorOut

router = Router(tags=["uppföljning"])


class TargetOut(Schema):
    level: str
    name: str


class DefinitionOut(Schema):
    code: str
    version: int
    name: str
    description: str
    kind: str = Field(..., description="andel, mediantid eller per_100000")
    direction: str = Field(..., description="hogre eller lagre: vad som är bättre")
    numerator_text: str
    denominator_text: str
    unit: str
    data_source: str
    targets: list[TargetOut]
    support: int | None
    recommendations: list[int] = Field(..., description="Rekommendationerna indikatorn följer upp")

    @staticmethod
    def resolve_support(obj):
        return obj.support_id

    @staticmethod
    def resolve_recommendations(obj):
        return [r.pk for r in obj.recommendations.all()]


class DefinitionDetailOut(DefinitionOut):
    spec: dict | None = Field(None, description="Den deklarativa definitionen (docs/indicator-definitions.md)")


class ValueOut(Schema):
    level: str
    geo: str
    period_type: str
    period: datetime.date
    stratum_type: str
    stratum: str
    numerator: int | None
    denominator: int | None
    value: float | None
    ci_low: float | None
    ci_high: float | None
    suppressed: bool = Field(..., description="För få fall: talen visas bara för analytiker")
    synthetic: bool


class RunIn(In):
    data_folder: str
    definitions: list[str] = Field(..., description="Indikatorkoder; den senaste versionen körs")
    backend: str = "duckdb"


class RunOut(Schema):
    id: int
    status: RunStatus
    progress: int
    definitions: list[str]
    fingerprint: str
    synthetic: bool
    backend: str
    queued_at: datetime.datetime
    started_at: datetime.datetime | None
    finished_at: datetime.datetime | None
    message: str
    data_folder: str = Field("", description="Katalogen med data; tom för den som inte kör indikatorer")
    failure_detail: str = Field("", description="Varför körningen misslyckades; tom för den som inte kör indikatorer")


def _run_out(user, run: IndicatorRun) -> dict:
    """A run as the reader may see it (indicators.selectors.run_shown)."""
    fields = ("id", "status", "progress", "fingerprint", "synthetic", "backend", "queued_at", "started_at",
              "finished_at")
    return {**{name: getattr(run, name) for name in fields},
            "definitions": [f"{d.code}@{d.version}" for d in run.definitions.all()],
            **selectors.run_shown(user, run)}


class ImportErrorOut(Schema):
    line: int
    message: str


class ImportOut(Schema):
    rows: int


class ImportRefusedOut(ErrorOut):
    """A refused import: the API's error shape, and the faults line by line when the file
    could be read (the same list the import page shows)."""

    lines: list[ImportErrorOut] = Field(default_factory=list, description="Felen per rad i filen")


@router.get("/indicators", response=list[DefinitionOut], summary="Indikatorer (den senaste versionen av varje)")
def list_indicators(request):
    return selectors.latest_definitions()


@router.get("/indicators/{code}", response=DefinitionDetailOut, summary="En indikators definition")
def get_indicator(request, code: str):
    definition = selectors.latest(code)
    if definition is None:
        raise Http404
    return definition


@router.get("/indicators/{code}/values", response=list[ValueOut], auth=READ_AUTH,
            summary="Indikatorns aktuella värden; små tal döljs för den som inte är analytiker")
def indicator_values(request, code: str, level: str | None = None, geo: str | None = None,
                     period_type: str | None = None, stratum_type: str | None = None):
    definition = selectors.latest(code)
    if definition is None:
        raise Http404
    values = selectors.current_values(definition)
    for name, chosen in (("level", level), ("geo", geo), ("period_type", period_type),
                         ("stratum_type", stratum_type)):
        if chosen:
            values = values.filter(**{name: chosen})
    return [selectors.shown(request.user, v) for v in values.iterator()]


@router.post("/indicator-runs", response={201: RunOut}, auth=WRITE_AUTH,
             summary="Köa en körning av indikatorer över en katalog med patientnivådata")
def start_run(request, payload: RunIn):
    definitions = [selectors.latest(code) for code in payload.definitions]
    if any(d is None for d in definitions):
        raise ValidationError({"definitions": [_("Okänd indikator.")]})
    run = runs.run_queue(by=request.user, folder=payload.data_folder, definitions=definitions,
                         backend=payload.backend)
    return 201, _run_out(request.user, run)


@router.get("/indicator-runs/{run_id}", response=RunOut, auth=READ_AUTH,
            summary="En körning och hur långt den har kommit",
            description="Katalogen och varför en körning misslyckades visas bara för den som kör indikatorer.")
def get_run(request, run_id: Id):
    return _run_out(request.user, get_object_or_404(IndicatorRun, pk=run_id))


@router.post("/indicator-imports", response={201: ImportOut, 422: ImportRefusedOut},
             auth=WRITE_AUTH, summary="Importera aggregerade värden (CSV); allt eller inget, fel per rad")
def import_values(request, file: UploadedFile = File(...)):
    report = imports.values_import(by=request.user, data=file.read(), file_name=file.name or "import.csv")
    if not report.ok:
        return 422, {"detail": _("Filen har fel. Inget har importerats."),
                     "errors": {"file": [_("rad %(line)s: %(message)s") % {"line": line, "message": message}
                                         for line, message in report.errors]},
                     "lines": [{"line": line, "message": message} for line, message in report.errors]}
    return 201, {"rows": report.batch.rows}


class FunnelUnitOut(Schema):
    name: str
    numerator: int
    denominator: int
    value: float
    limits: dict[str, list[float]]
    outside: str = Field(..., description="tomt, over95, under95, over99.8 eller under99.8")


class FunnelOut(Schema):
    theta: float
    method: str
    adjustment: str = Field(..., description="none, multiplicative eller additive (bara vid överspridning)")
    phi: float
    tau2: float
    overdispersed: bool
    units: list[FunnelUnitOut]


class SpcOut(Schema):
    geography: str
    kind: str = Field(..., description="p, p_prime (Laneys p′), xmr eller run (serie­diagram)")
    periods: list[str]
    values: list[float]
    centre: float = Field(..., description="medellinjen (medianen i ett seriediagram) vid den senaste punkten")
    centres: list[float] = Field(..., description="medellinjen per punkt; den stegar vid en omräkning")
    lower: list[float | None]
    upper: list[float | None]
    signals: list[list[str]]
    classification: str = Field(..., description="forbattring, forsamring, slumpmassig, icke_slumpmassig eller "
                                                  "for_fa_punkter")
    deciding: str = Field("", description="den regel som avgjorde den senaste punkten: utanfor, trend, tva_av_tre, "
                                          "skift eller lang_serie")
    segments: list[int] = Field(..., description="index för den första punkten i varje gränsperiod")
    assurance: list[dict[str, str]] = Field(..., description="per målnivå: uppnas, missas eller ibland")
    sigma_z: float | None = Field(None, description="Laneys σz för p- och p′-diagram (p′ används när σz > 1)")
    moving_ranges: list[float | None] = Field(..., description="XmR: variationsbredden per punkt (tom för andra "
                                                               "diagram; ingen för den första i varje gränsperiod)")
    mr_upper: list[float] = Field(..., description="XmR: variationsbreddsdiagrammets övre gräns, 3,267 × medelvärdet")
    reading: dict[str, str] = Field(..., description="klassificeringen, den avgörande regeln och diagramtypen i ord")


class TargetAttainmentOut(Schema):
    level: str
    name: str
    reached: list[str]


class VariationOut(Schema):
    period: datetime.date | None
    variation_type: str = Field(..., description="effektiv, preferenskanslig, utbudskanslig eller tomt (Dartmouth)")
    variation_reading: str = Field(..., description="hur variation mellan områden läses för den typen av vård")
    synthetic: bool
    funnel: FunnelOut | None
    spc: SpcOut | None
    targets: list[TargetAttainmentOut]
    suppressed_regions: list[str]


@router.get("/indicators/{code}/variation", response=VariationOut, auth=READ_AUTH,
            summary="Variation: trattdiagram, styrdiagram och måluppfyllelse (små tal utelämnas för läsare)")
def indicator_variation(request, code: str, method: str = "exact", adjustment: str = "none",
                        geography: str = "riket:SE"):
    from kunskapsnav.indicators.analysis import Options, analyse

    definition = selectors.latest(code)
    if definition is None:
        raise Http404
    level, _sep, geo = geography.partition(":")
    result = analyse(request.user, definition, selectors.geography_names(), Options(
        geo_level=level or "riket", geo=geo or "SE", method=method if method in ("exact", "normal") else "exact",
        adjustment=adjustment if adjustment in ("none", "multiplicative", "additive") else "none"))
    funnel = result.get("funnel")
    spc = result.get("spc")
    return {
        "period": result["latest"], "synthetic": result["synthetic"], "suppressed_regions": result["hidden"],
        "variation_type": definition.variation_type, "variation_reading": result["variation_reading"],
        "targets": [{"level": t["level"], "name": t["name"], "reached": t["reached"]} for t in result["targets"]],
        "funnel": {
            "theta": funnel.theta, "method": funnel.method, "adjustment": funnel.adjustment,
            "phi": funnel.dispersion.phi, "tau2": funnel.dispersion.tau2,
            "overdispersed": funnel.dispersion.overdispersed,
            "units": [{"name": u.name, "numerator": u.numerator, "denominator": u.denominator, "value": u.value,
                       "limits": {k: list(v) for k, v in u.limits.items()}, "outside": u.outside}
                      for u in funnel.units],
        } if funnel else None,
        "spc": {
            "geography": result["spc_name"], "kind": spc.kind, "periods": result["spc_periods"],
            "values": spc.values, "centre": spc.centre[-1], "centres": spc.centre, "lower": spc.lower,
            "upper": spc.upper, "signals": [sorted(s) for s in spc.signals], "classification": spc.classification,
            "deciding": spc.deciding, "segments": spc.segments, "sigma_z": spc.sigma_z,
            "moving_ranges": spc.moving_ranges, "mr_upper": spc.mr_upper,
            "reading": result["spc_text"],
            "assurance": [{"name": a["name"], "level": a["level"], "assurance": a["assurance"]}
                          for a in result.get("assurance", [])],
        } if spc else None,
    }
