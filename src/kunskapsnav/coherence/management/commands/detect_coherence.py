"""Queue a full coherence run (every valid version against every other it shares a code
with): the nightly sweep, run beside the morning reminders. Each publication already queues
its own incremental run."""

from django.core.management.base import BaseCommand

from kunskapsnav.coherence.tasks import full_run_queue


class Command(BaseCommand):
    help = "Queue a full run of the coherence detection (run by the db_worker)."

    def handle(self, *args, **options):
        run = full_run_queue()
        self.stdout.write(f"queued coherence run {run.pk}")
