"""Reports are made in the background, through the database-backed worker."""

from django_tasks import task

from .making import generate


@task()
def make_report(report_id: int) -> str:
    return generate(report_id).status
