"""Detection as background work: after each publication, and the full nightly run."""

import logging

from django.db import transaction
from django_tasks import task

from kunskapsnav.knowledge.models import SupportVersion, VersionStatus

from .models import DetectionRun, DetectionScope, DetectionStatus
from .runs import run_create, run_full, run_incremental

logger = logging.getLogger(__name__)


def _run(run: DetectionRun, runner) -> int:
    try:
        return runner(run).raised
    except Exception:
        DetectionRun.objects.filter(pk=run.pk).update(status=DetectionStatus.FAILED)
        logger.exception("coherence run %s failed", run.pk)
        raise


@task()
def detect_for_version(run_id: int) -> int:
    return _run(DetectionRun.objects.get(pk=run_id), run_incremental)


@task()
def detect_everything(run_id: int) -> int:
    return _run(DetectionRun.objects.get(pk=run_id), run_full)


def detection_on_publication(sender, version, **kwargs):
    """Receiver of knowledge's version_published: queue the incremental run after commit."""
    run = run_create(kind=DetectionScope.INCREMENTAL, version=version)
    transaction.on_commit(lambda: detect_for_version.enqueue(run.pk))


def detection_on_addition(sender, support_id, **kwargs):
    """Receiver of knowledge's addition_changed: a region wrote, changed or removed an addition,
    so the valid version it shows on is compared again, the same incremental run as after a
    publication (what did not change stays as it was decided)."""
    version = SupportVersion.objects.filter(support_id=support_id, status=VersionStatus.PUBLISHED).first()
    if version is not None:
        detection_on_publication(sender, version)


def full_run_queue() -> DetectionRun:
    """Queue a full run (the nightly sweep, or an administrator's button)."""
    run = run_create(kind=DetectionScope.FULL)
    transaction.on_commit(lambda: detect_everything.enqueue(run.pk))
    return run
