from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from kunskapsnav.knowledge.interchange import ImportFailed, supports_import


class Command(BaseCommand):
    help = (
        "Import knowledge supports from a JSON file in the interchange format (docs/import-format.md). "
        "All or nothing: on any error nothing is imported, every error is printed with its place in the file, "
        "and the command exits with status 1."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the JSON file: one support, or {\"supports\": [...]}")
        parser.add_argument("--user", required=True, help="username of the person importing (their permissions apply)")

    def handle(self, *args, file, user, **options):
        by = get_user_model().objects.filter(username=user).first()
        if by is None:
            raise CommandError(_("Det finns ingen användare %(username)s.") % {"username": user})
        try:
            data = Path(file).read_bytes()
        except OSError as exc:
            raise CommandError(_("Filen %(file)s kan inte läsas: %(reason)s") % {"file": file, "reason": exc.strerror})
        try:
            report = supports_import(data, by=by)
        except ImportFailed as exc:
            for problem in exc.errors:
                self.stderr.write(str(problem))
            raise CommandError(_("Inget importerades: filen har %(n)s fel.") % {"n": len(exc.errors)})
        except PermissionDenied as exc:
            raise CommandError(str(exc))
        for line in report.lines():
            self.stdout.write(line)
