from django.core.management.base import BaseCommand, CommandError

from kunskapsnav.accounts.models import ApiToken, User


class Command(BaseCommand):
    help = "Issue an API token for a user; the key is printed once and only its hash is stored."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="API")

    def handle(self, *args, username, name, **options):
        try:
            user = User.objects.get(username=username)
        except User.DoesNotExist as exc:
            raise CommandError(f"No user named {username!r}") from exc
        _token, key = ApiToken.issue(user=user, name=name)
        self.stdout.write(key)
