"""Running the engine and keeping what it computed: every value points to the run, and the
run to the definitions' versions, the data's fingerprint, the backend and the time."""

import hashlib
import logging
import math
import threading
from pathlib import Path

import ibis
import pyarrow.parquet as pq
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from kunskapsnav.knowledge.models import KnowledgeSupport
from kunskapsnav.organisation.models import Region

from . import engine, permissions, spec, statistics
from .models import IndicatorDefinition, IndicatorRun, IndicatorValue, RunStatus
from .synthetic import MARKER

logger = logging.getLogger(__name__)
DATA_FILES = ("persons.parquet", "events.parquet")
# Everyone may read a run's message; why it failed is for those who run indicators. Stored in
# Swedish, translated where it is shown.
FAILURE_MESSAGE = gettext_noop("Körningen misslyckades. Analytikerna ser orsaken på körningens sida.")


def healthcare_regions() -> dict[str, str]:
    return dict(Region.objects.values_list("county_code", "healthcare_region__code"))


def definitions_sync() -> list[IndicatorDefinition]:
    """The shipped definitions in the database, each version once (idempotent)."""
    saved = []
    for definition in spec.shipped():
        fields = {
            "name": definition.name, "description": definition.description, "kind": definition.kind.value,
            "direction": definition.direction.value, "numerator_text": definition.numerator_text,
            "denominator_text": definition.denominator_text, "unit": definition.unit,
            "data_source": definition.data_source,
            "targets": [{"level": str(t.level), "name": t.name} for t in definition.targets],
            "spec": definition.model_dump(mode="json"),
            "support": KnowledgeSupport.objects.filter(title=definition.linked_support).first()
            if definition.linked_support else None,
        }
        # The chart settings are the file's only when the version is first loaded: after that
        # they are chosen on the analysis page (chart_settings.chart_settings_change) and a
        # later load keeps that choice.
        chosen = {"chart_type": definition.chart_type, "variation_type": definition.variation_type,
                  "baseline_points": definition.baseline_points}
        model, _created = IndicatorDefinition.objects.update_or_create(
            code=definition.code, version=definition.version, defaults=fields, create_defaults=fields | chosen)
        model.recommendations.set(_recommendations_followed(definition, model.support))
        saved.append(model)
    return saved


def _recommendations_followed(definition: spec.Definition, support) -> list:
    """The recommendations of the support's valid version that the indicator follows up:
    those coded with what the indicator counts (the outcome's codes, else the index
    event's), matched by prefix either way (ATC B01AC and B01AC06)."""
    if support is None:
        return []
    version = support.versions.filter(status="publicerad").first()
    if version is None:
        return []
    wanted = (definition.outcome_event or definition.index_event).codes
    found = []
    for recommendation in version.recommendations.prefetch_related("codes"):
        codes = [c.code for c in recommendation.codes.all()]
        if any(c.startswith(w) or w.startswith(c) for c in codes for w in wanted):
            found.append(recommendation)
    return found


def _files(folder: Path) -> list[Path]:
    found = []
    for name in DATA_FILES:
        path = folder / name
        found += sorted(path.rglob("*.parquet")) if path.is_dir() else [path]
    return found


def fingerprint(folder) -> str:
    """SHA-256 over the data files' names and contents: the same data, the same fingerprint."""
    digest = hashlib.sha256()
    for path in _files(Path(folder)):
        digest.update(path.name.encode())
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


def is_synthetic(folder) -> bool:
    metadata = pq.read_schema(_files(Path(folder))[0]).metadata or {}
    return metadata.get(b"kunskapsnav") == MARKER.encode()


def data_roots() -> list[Path]:
    """The directories runs may read data from (settings.INDICATOR_DATA_ROOTS)."""
    return [Path(root).resolve() for root in settings.INDICATOR_DATA_ROOTS]


def _within(path: Path, roots: list[Path]) -> bool:
    return any(path.is_relative_to(root) for root in roots)


def data_folder_check(folder: str) -> Path:
    """The folder a run may read, resolved: under one of the data roots, given as an absolute
    path or relative to a root. A path with "..", a symbolic link (of the folder or of a data
    file) that leads out of the roots, or a folder without the data files is refused."""
    roots = data_roots()
    outside = ValidationError({"data_folder": [
        _("Välj en katalog under indikatordatakatalogerna: %(roots)s.") % {"roots": ", ".join(map(str, roots))}]})
    folder = (folder or "").strip()
    if not folder or "\0" in folder or ".." in Path(folder).parts:
        raise outside
    given = Path(folder)
    try:
        candidates = [path.resolve() for path in ([given] if given.is_absolute() else [root / given for root in roots])]
        allowed = [path for path in candidates if _within(path, roots) and len(str(path)) <= 500]
        if not allowed:
            raise outside
        path = next((p for p in allowed if p.is_dir()), allowed[0])
        missing = [name for name in DATA_FILES if not (path / name).exists()]
        if missing:
            raise ValidationError({"data_folder": [_("Katalogen saknar %(files)s.") % {"files": ", ".join(missing)}]})
        if not all(_within(file.resolve(), roots) for file in _files(path)):
            raise outside
    except OSError:  # a name the file system cannot hold, a loop of links
        raise outside from None
    return path


def run_queue(*, by, folder: str, definitions: list[IndicatorDefinition], backend: str = "duckdb") -> IndicatorRun:
    """Check the request and queue the run for the worker."""
    if not permissions.can_run(by):
        raise PermissionDenied(_("Bara analytiker och nationella administratörer kör indikatorer."))
    path = data_folder_check(folder)
    if not definitions or any(d.spec is None for d in definitions):
        raise ValidationError({"definitions": [_("Välj indikatorer som har en definition att köra.")]})
    if backend not in ("duckdb", "spark"):
        raise ValidationError({"backend": [_("Välj DuckDB eller Spark.")]})
    run = IndicatorRun.objects.create(data_folder=str(path), backend=backend, started_by=by)
    run.definitions.set(definitions)
    from .tasks import run_indicators

    run_id = run.pk
    transaction.on_commit(lambda: run_indicators.enqueue(run_id))
    return run


# One DuckDB connection per thread of the worker process, kept between runs: the first
# connect loads Ibis' backend and compilers (about 0.2 s), which a long-lived worker then pays
# once. Per thread, because a DuckDB connection is not for concurrent use; each run replaces
# the views `persons` and `events` (engine.open_parquet), so no run reads another's data.
_local = threading.local()


def _connection(backend: str):
    if backend == "spark":
        from .spark import session

        return ibis.pyspark.connect(session())
    if getattr(_local, "duckdb", None) is None:
        connection = ibis.duckdb.connect()
        # DuckDB draws a progress bar on the terminal for long queries; the run has its own progress.
        connection.raw_sql("SET enable_progress_bar = false")
        _local.duckdb = connection
    return _local.duckdb


def execute(run: IndicatorRun, *, progress=None) -> IndicatorRun:
    """Compute every definition of the run and store its values; progress as it goes (on the
    run, and to `progress(done, total)` if given)."""
    IndicatorRun.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING, started_at=timezone.now(), progress=1)
    try:
        run.fingerprint = fingerprint(run.data_folder)
        run.synthetic = is_synthetic(run.data_folder)
        run.save(update_fields=["fingerprint", "synthetic"])
        data = engine.open_parquet(_connection(run.backend), run.data_folder)
        regions = healthcare_regions()
        definitions = list(run.definitions.order_by("code"))
        for done, model in enumerate(definitions, start=1):
            definition = spec.Definition.model_validate(model.spec)
            values_store(model, engine.run(definition, data, healthcare_regions=regions), regions=regions, run=run,
                         synthetic=run.synthetic)
            IndicatorRun.objects.filter(pk=run.pk).update(progress=max(1, round(99 * done / len(definitions))))
            if progress:
                progress(done, len(definitions))
    except Exception as error:  # noqa: BLE001 – the run records any failure, for the person waiting on it
        logger.exception("indicator run %s failed", run.pk)
        IndicatorRun.objects.filter(pk=run.pk).update(
            status=RunStatus.FAILED, finished_at=timezone.now(), message=FAILURE_MESSAGE,
            failure_detail=f"{type(error).__name__}: {error}")
        raise
    IndicatorRun.objects.filter(pk=run.pk).update(status=RunStatus.DONE, progress=100, finished_at=timezone.now())
    run.refresh_from_db()
    return run


def _none(value):
    """NaN, and the infinity of a division by nothing, to NULL: no page can show them."""
    if value is None or value != value or value in (math.inf, -math.inf):
        return None
    return value


@transaction.atomic
def values_store(model: IndicatorDefinition, counts, *, regions: dict[str, str], run=None, batch=None,
                 synthetic: bool = False) -> None:
    """Counts (engine.COLUMNS) of one definition as stored values, from a run or an import:
    value, interval and suppression computed the same way for both."""
    frame = statistics.values(counts, model.kind)
    frame["suppressed"] = statistics.suppress(frame, model.kind, threshold=settings.INDICATOR_SMALL_COUNT,
                                              healthcare_regions=regions).to_numpy()
    rows = [
        (model.pk, run.pk if run else None, batch.pk if batch else None, r.level, r.geo, r.period_type,
         connection.ops.adapt_datefield_value(r.period), r.stratum_type, r.stratum, int(r.numerator),
         None if _none(r.denominator) is None else int(r.denominator), _none(r.value), _none(r.ci_low),
         _none(r.ci_high), bool(r.suppressed), synthetic)
        for r in frame.itertuples()
    ]
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 5000):
            cursor.executemany(_insert_values_sql(), rows[start:start + 5000])


# The values go in with one prepared INSERT run over all rows rather than bulk_create: a
# national run stores close to a million values, and building a model instance and its SQL
# for each took minutes where the database needs seconds. No signal or save() hangs on
# IndicatorValue; the database's constraints still check every row.
_VALUE_COLUMNS = ("definition_id", "run_id", "batch_id", "level", "geo", "period_type", "period", "stratum_type",
                  "stratum", "numerator", "denominator", "value", "ci_low", "ci_high", "suppressed", "synthetic")


def _insert_values_sql() -> str:
    quote = connection.ops.quote_name
    return "INSERT INTO {} ({}) VALUES ({})".format(
        quote(IndicatorValue._meta.db_table), ", ".join(map(quote, _VALUE_COLUMNS)),
        ", ".join(["%s"] * len(_VALUE_COLUMNS)))
