"""The morning sweep's part for reports: a report still in the making long after the worker
took it up was left by a worker that died; it is marked failed, with the reason, and can be
asked for again (run it from cron each morning, beside the reminders)."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from kunskapsnav.reports.making import stuck_reports_fail


class Command(BaseCommand):
    help = "Mark failed the reports still in the making long after the worker took them up (a worker that died)."

    def handle(self, *args, **options):
        failed = stuck_reports_fail(now=timezone.now())
        self.stdout.write(f"reports left in the making marked failed: {failed}")
