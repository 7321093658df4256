"""Queue a sweep of every remiss reminder that is due and not yet sent. Each round and
assignment already queues its own; this is for a worker that was down at that moment (run it
from cron, say, each morning)."""

from django.core.management.base import BaseCommand

from kunskapsnav.consultation.tasks import remind_due


class Command(BaseCommand):
    help = "Queue the remiss reminders that are due (sent by the db_worker, each once)."

    def handle(self, *args, **options):
        result = remind_due.enqueue()
        self.stdout.write(f"queued remiss reminder sweep {result.id}")
