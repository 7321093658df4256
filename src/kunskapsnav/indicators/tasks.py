"""Indicator runs in the background, through the database-backed worker."""

from django_tasks import task

from .models import IndicatorRun
from .runs import execute


@task()
def run_indicators(run_id: int) -> int:
    run = execute(IndicatorRun.objects.get(pk=run_id))
    return run.values.count()
