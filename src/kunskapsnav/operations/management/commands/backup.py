from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from kunskapsnav.operations.backup import backup_create
from kunskapsnav.operations.errors import OperationFailed
from kunskapsnav.operations.sizes import megabytes


class Command(BaseCommand):
    help = (
        "Back up the database and every uploaded file (MEDIA_ROOT) into one archive, safe while the "
        "server runs (docs/operations.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output", "-o", type=Path,
            help="the archive to write (default: KUNSKAPSNAV_BACKUP_DIR/kunskapsnav-YYYYMMDD-HHMMSS.tar.gz)",
        )

    def handle(self, *args, output=None, **options):
        try:
            result = backup_create(output=output, report=self.stdout.write)
        except OperationFailed as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            _("Säkerhetskopia skriven: %(path)s (%(tables)s tabeller, %(files)s filer, %(size)s MB)")
            % {"path": result.path, "tables": result.tables, "files": result.files, "size": megabytes(result.size)}
        )
