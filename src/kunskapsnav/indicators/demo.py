"""Demo uppföljning: the shipped definitions, synthetic patient-level data at the scale of
Sweden (labelled so in the files and on every page showing values from them), and one run of
the engine over them.

The data take a while to generate, so they are generated once and kept in the work dir
(under MEDIA_ROOT/indikatordata/demo, where runs may read them), in a folder named for the
generator's version, the seed and the size: a later start, or a fresh database beside the
same work dir, reuses the folder; another version of the generator writes a new one."""

import shutil
from pathlib import Path

from django.conf import settings
from django.db import transaction

from kunskapsnav.accounts.models import User

from . import runs, synthetic
from .models import IndicatorRun

SEED = 2026
DONE = "klar"  # written last: a folder without it was interrupted and is generated anew


def demo_indicators_loaded() -> bool:
    return IndicatorRun.objects.exists()


def demo_data_folder() -> Path:
    """The cache folder of the demo's data for this generator, seed and size."""
    key = f"v{synthetic.VERSION}-seed{SEED}-persons{settings.DEMO_PERSONS}"
    return Path(settings.MEDIA_ROOT) / "indikatordata" / "demo" / key


def demo_data_ready(*, progress=None) -> tuple[Path, bool]:
    """The demo's data folder, generated unless a complete one is there; and whether it was
    generated now. Other versions' folders are removed: they are no longer read."""
    folder = demo_data_folder()
    if (folder / DONE).exists():
        return folder, False
    for other in folder.parent.glob("*"):
        if other.is_dir():
            shutil.rmtree(other)
    partial = folder.with_name(folder.name + ".delvis")
    scale = settings.DEMO_PERSONS / sum(synthetic.POPULATION.values())
    synthetic.generate(partial, scale=scale, seed=SEED, progress=progress)
    (partial / DONE).write_text("")
    partial.rename(folder)
    return folder, True


def demo_indicators_load(*, progress=None) -> bool:
    """`progress(text)` is told what is being done, a line at a time."""
    if demo_indicators_loaded():
        return False
    say = progress or (lambda text: None)
    folder, _generated = demo_data_ready(
        progress=lambda done, total: say(f"Syntetiska patientdata: region {done} av {total}"))
    with transaction.atomic():
        definitions = runs.definitions_sync()
        run = IndicatorRun.objects.create(data_folder=str(folder), started_by=User.objects.get(username="admin"))
        run.definitions.set(definitions)
    runs.execute(run, progress=lambda done, total: say(f"Indikatorer: {done} av {total} beräknade"))
    return True
