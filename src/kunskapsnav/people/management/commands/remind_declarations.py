"""The daily people work, inline (run it from cron each morning): reminders before
declarations lapse, each sent once, and the retention rule."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from kunskapsnav.people.tasks import daily_work


class Command(BaseCommand):
    help = "Remind of lapsing conflict-of-interest declarations (each once) and apply the retention rule."

    def handle(self, *args, **options):
        result = daily_work(now=timezone.now())
        self.stdout.write("reminders sent: {reminders}, declarations deleted: {declarations_deleted}, "
                          "sender keys forgotten: {sender_keys_forgotten}, nominations deleted: {nominations_deleted}".format(**result))
