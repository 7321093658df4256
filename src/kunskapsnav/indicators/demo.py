"""Demo uppföljning: the shipped definitions, synthetic patient-level data (labelled so in the
files and on every page showing values from them), and one run of the engine over them."""

from pathlib import Path

from django.conf import settings
from django.db import transaction

from kunskapsnav.accounts.models import User

from . import runs, synthetic
from .models import IndicatorRun

DEMO_EVENTS = 600_000


def demo_indicators_loaded() -> bool:
    return IndicatorRun.objects.exists()


def demo_indicators_load() -> bool:
    if demo_indicators_loaded():
        return False
    folder = Path(settings.MEDIA_ROOT) / "indikatordata" / "demo"
    if not (folder / "events.parquet").exists():
        synthetic.generate(folder, events=DEMO_EVENTS, seed=2026)
    with transaction.atomic():
        definitions = runs.definitions_sync()
        run = IndicatorRun.objects.create(data_folder=str(folder), started_by=User.objects.get(username="admin"))
        run.definitions.set(definitions)
    runs.execute(run)
    return True
