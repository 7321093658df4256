from datetime import datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from kunskapsnav.operations.errors import OperationFailed
from kunskapsnav.operations.sizes import megabytes
from kunskapsnav.operations.restore import restore_apply, restore_prepare

YES = {"ja", "j", "yes", "y"}


class Command(BaseCommand):
    help = (
        "Restore the database and the uploaded files from a backup archive, then migrate. Replaces the "
        "current database and MEDIA_ROOT; stop the server and the worker first (docs/operations.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path, help="the archive written by `backup`")
        parser.add_argument("--yes", action="store_true", help="do not ask for confirmation")

    def handle(self, *args, archive, yes=False, **options):
        try:
            self.stdout.write(_("Kontrollerar %(path)s …") % {"path": archive})
            with restore_prepare(archive=archive) as prepared:
                self._describe(prepared)
                if not yes and not self._confirmed(prepared):
                    raise CommandError(_("Avbrutet. Ingenting har ändrats."))
                result = restore_apply(prepared=prepared, report=self.stdout.write)
        except OperationFailed as error:
            raise CommandError(str(error)) from error
        migrated = ", ".join(result.migrated) if result.migrated else _("inga")
        self.stdout.write(
            _(
                "Återställt från %(path)s: %(tables)s tabeller med %(rows)s rader, %(files)s filer. "
                "Migreringar som kördes efteråt: %(migrated)s."
            )
            % {
                "path": archive,
                "tables": result.tables,
                "rows": result.rows,
                "files": result.files,
                "migrated": migrated,
            }
        )

    def _describe(self, prepared):
        manifest = prepared.manifest
        self.stdout.write(
            _(
                "Arkivet är helt: skapat %(created)s av Kunskapsnav %(version)s, %(engine)s, %(tables)s tabeller, "
                "%(files)s filer (%(size)s MB uppackat)."
            )
            % {
                "created": f"{timezone.localtime(datetime.fromisoformat(manifest['created_at'])):%Y-%m-%d %H:%M}",
                "version": manifest.get("kunskapsnav_version", "?"),
                "engine": manifest["engine"],
                "tables": len(manifest["tables"]),
                "files": prepared.unpacked.media_files,
                "size": megabytes(prepared.unpacked.bytes),
            }
        )

    def _confirmed(self, prepared) -> bool:
        question = _(
            "Databasen %(database)s och mediemappen %(media)s ersätts med arkivets innehåll. Det som finns där nu "
            "försvinner. Skriv ja för att fortsätta: "
        ) % {"database": prepared.database_name, "media": prepared.media_root}
        try:
            answer = input(question)
        except EOFError:
            answer = ""
        return answer.strip().lower() in YES
