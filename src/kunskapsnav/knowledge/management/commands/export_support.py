import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from kunskapsnav.knowledge.interchange import support_export
from kunskapsnav.knowledge.models import KnowledgeSupport


class Command(BaseCommand):
    help = (
        "Export one knowledge support with all its versions, drafts included, as JSON in the "
        "interchange format (docs/import-format.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument("support_id", type=int)
        parser.add_argument("--output", "-o", help="write to this file instead of standard output")

    def handle(self, *args, support_id, output=None, **options):
        support = KnowledgeSupport.objects.filter(pk=support_id).first()
        if support is None:
            raise CommandError(_("Det finns inget kunskapsstöd med id %(id)s.") % {"id": support_id})
        text = json.dumps(support_export(support), ensure_ascii=False, indent=2) + "\n"
        if output:
            Path(output).write_text(text, encoding="utf-8")
        else:
            self.stdout.write(text, ending="")
