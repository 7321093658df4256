"""The interchange format: export, atomic import with every error reported, the commands, and
the documented example (read out of docs/import-format.md, so the page cannot go stale).

Besides the personas (see personas.py), setUpTestData gives heart_pathway a history
(version 1 replaced by version 2, version 3 a draft), and adds a regional routine owned by
LPO hjärta in Örebro (a body without reference key) and a draft national guideline issued
by Socialstyrelsen: together every kind of issuer and body reference.
"""

import copy
import io
import json
import re
import tempfile
from pathlib import Path

from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command

from kunskapsnav.knowledge import content, search
from kunskapsnav.knowledge.interchange import ImportFailed, support_export, supports_import
from kunskapsnav.knowledge.models import (
    CodeSystem,
    Direction,
    KnowledgeSupport,
    Recommendation,
    SupportType,
    SupportVersion,
    TargetGroup,
    VersionStatus,
    VersionTransition,
)
from kunskapsnav.knowledge.tests.personas import REVIEW, KnowledgeTestCase, publish

DOC = Path(__file__).resolve().parents[4] / "docs" / "import-format.md"


def documented(marker: str) -> str:
    """The fenced block that follows `<!-- marker… -->` in docs/import-format.md."""
    match = re.search(rf"<!-- {marker}[^>]*-->\s*```\w*\n(.*?)\n```", DOC.read_text(encoding="utf-8"), re.DOTALL)
    assert match, f"no block marked {marker!r} in {DOC}"
    return match.group(1)


def counts():
    return (
        KnowledgeSupport.objects.count(),
        SupportVersion.objects.count(),
        Recommendation.objects.count(),
        KnowledgeSupport.history.count(),
    )


class InterchangeTests(KnowledgeTestCase):
    @staticmethod
    def forget(support):
        """Delete a support as if it had never been there. The regions' adoptions refer to its
        published versions (and protect them); named by label, as the knowledge app does not
        import the apps above it."""
        apps.get_model("implementation", "Adoption").objects.filter(support=support).delete()
        support.delete()

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        editor = cls.npo_editor
        v2 = content.version_create_next(by=editor, support=cls.heart_pathway)
        content.version_update(by=editor, version=v2, change_note="Ny rekommendation om uppföljning.",
                               review_date=REVIEW)
        content.recommendation_create(
            by=editor, version=v2, section="Uppföljning",
            text='<p>Följ upp inom <strong>två veckor</strong>, se <a href="https://example.org/hjartsvikt">källan</a>.</p>',
            strength="svag", direction=Direction.RESEARCH_ONLY, codes=[(CodeSystem.SNOMED, "230690007")],
        )
        publish(v2, by_editor=editor, by_approver=cls.sks_chair)
        content.version_create_next(by=editor, support=cls.heart_pathway)

        cls.routine = content.support_create(
            by=cls.orebro_coordinator, type=SupportType.REGIONAL_ROUTINE,
            title="Remiss till ekokardiografi i Region Örebro län", issuer_region=cls.orebro,
            owning_body=cls.orebro_lpo, conditions=["i50.9"], target_groups=[cls.clinicians],
            summary="<p>Rutin för remiss.</p>",
        )
        content.recommendation_create(
            by=cls.orebro_coordinator, version=cls.routine.versions.get(), text="<p>Skicka remissen elektroniskt.</p>",
        )
        cls.guideline = content.support_create(
            by=cls.admin, type=SupportType.NATIONAL_GUIDELINE, title="Nationella riktlinjer för hjärtsjukvård",
            issuer_agency="socialstyrelsen", owning_body=cls.heart_npo,
            target_groups=TargetGroup.objects.filter(code__in=["beslutsfattare", "verksamhetschefer"]),
        )

    def test_export_then_import_into_an_empty_database_gives_the_same_json(self):
        supports = [self.heart_pathway, self.routine, self.guideline]
        exported = [support_export(s) for s in supports]
        for support in supports:
            self.forget(support)

        report = supports_import(json.dumps({"supports": exported}).encode(), by=self.admin)

        self.assertEqual([support_export(s) for s in report.supports], exported)
        self.assertEqual([s.title for s in report.supports], [s.title for s in supports])
        heart = exported[0]
        self.assertEqual([v["status"] for v in heart["versions"]], ["ersatt", "publicerad", "utkast"])
        self.assertEqual(heart["issuer"], {"body": "npo-hjart-och-karlsjukdomar"})
        self.assertEqual(exported[1]["owning_body"], {"kind": "LPO", "name": "LPO hjärta", "region": "18"})
        self.assertEqual(exported[1]["issuer"], {"region": "18"})
        self.assertEqual(exported[2]["issuer"], {"agency": "socialstyrelsen"})

    def test_import_keeps_statuses_and_keys_records_history_and_indexes_every_version(self):
        exported = support_export(self.heart_pathway)
        keys = list(Recommendation.objects.filter(version__support=self.heart_pathway).values_list("version__number", "key"))
        self.forget(self.heart_pathway)

        support = supports_import(exported, by=self.admin).supports[0]

        self.assertEqual(
            list(support.versions.order_by("number").values_list("number", "status")),
            [(1, VersionStatus.SUPERSEDED), (2, VersionStatus.PUBLISHED), (3, VersionStatus.DRAFT)],
        )
        self.assertCountEqual(
            Recommendation.objects.filter(version__support=support).values_list("version__number", "key"), keys
        )
        for record in [support.history.earliest(), *(v.history.earliest() for v in support.versions.all())]:
            self.assertEqual((record.history_user, record.history_change_reason), (self.admin, "Import"))
        self.assertFalse(VersionTransition.objects.filter(version__support=support).exists())
        self.assertEqual(
            sorted(support.versions.values_list("search_document__status", flat=True)),
            sorted([VersionStatus.SUPERSEDED, VersionStatus.PUBLISHED, VersionStatus.DRAFT]),
        )
        hits = search.search("hjärtsvikt ekokardiografi").hits
        self.assertEqual([(h.support, h.version.number) for h in hits], [(support, 2)])

    def test_a_file_with_several_errors_changes_nothing_and_reports_every_error_with_its_path(self):
        broken = support_export(self.heart_pathway)
        del broken["title"]
        broken["owning_body"] = "npo-finns-inte"
        broken["versions"][0]["status"] = "publicerad"
        broken["versions"][1]["recommendations"][0]["priority"] = 11
        broken["versions"][1]["recommendations"][0]["codes"][0]["code"] = "I5X"
        valid = support_export(self.guideline) | {"title": "Nationella riktlinjer för hjärtsjukvård 2027"}
        before = counts()

        with self.assertRaises(ImportFailed) as failed:
            supports_import({"supports": [broken, valid]}, by=self.admin)

        self.assertEqual(counts(), before)
        self.assertEqual([str(p) for p in failed.exception.errors], documented("tested errors").splitlines())
        self.assertEqual(
            failed.exception.message_dict["supports[0].versions[1].recommendations[0].codes[0].code"],
            ["I5X är ingen giltig ICD-10-SE-kod (exempel: I63.9)."],
        )

    def test_numbers_beyond_their_fields_are_refused_with_their_path_and_nothing_is_imported(self):
        data = support_export(self.guideline) | {"title": "Nationella riktlinjer för hjärtsjukvård 2028"}
        data["versions"][0]["number"] = 10**20
        data["versions"][0]["recommendations"] = [
            {"key": "9b6f7f2e-8a39-4c1e-9d8e-6f0e6d3b1a01", "position": 2**31, "text": "<p>Gör så.</p>"},
            {"key": "9b6f7f2e-8a39-4c1e-9d8e-6f0e6d3b1a02", "position": 1, "text": "<p>Gör inte så.</p>",
             "priority": 10**20}]
        before = counts()
        with self.assertRaises(ImportFailed) as failed:
            supports_import({"supports": [data]}, by=self.admin)
        self.assertEqual(counts(), before)
        self.assertEqual(set(failed.exception.message_dict), {
            "supports[0].versions[0].number", "supports[0].versions[0].recommendations[0].position",
            "supports[0].versions[0].recommendations[1].priority"})

    def test_errors_in_separate_objects_are_all_found_in_one_pass(self):
        data = support_export(self.heart_pathway)
        data["issuer"] = {"body": "npo-hjart-och-karlsjukdomar", "agency": "socialstyrelsen"}
        data["target_groups"] = ["vardpersonal", "okand-grupp"]
        data["versions"][0]["published_at"] = None
        recommendations = data["versions"][1]["recommendations"]
        recommendations[1]["key"] = recommendations[0]["key"]
        recommendations[2]["position"] = 1
        recommendations[3]["priorty"] = 2
        data["versions"][2]["number"] = 2

        with self.assertRaises(ImportFailed) as failed:
            supports_import(data, by=self.admin)

        self.assertEqual(
            [p.path for p in failed.exception.errors],
            [
                "issuer",
                "target_groups[1]",
                "versions[0].published_at",
                "versions[1].recommendations[3].priorty",
                "versions[1].recommendations[1].key",
                "versions[1].recommendations[2].position",
                "versions[2].number",
            ],
        )
        self.assertEqual(failed.exception.errors[1].message, "Det finns ingen målgrupp med koden okand-grupp.")

    def test_times_without_a_time_zone_are_refused(self):
        data = support_export(self.heart_pathway) | {"title": "Hjärtsvikt – kopia"}
        data["versions"][1]["published_at"] = "2026-01-05T10:00:00"

        with self.assertRaises(ImportFailed) as failed:
            supports_import(data, by=self.admin)

        [problem] = failed.exception.errors
        self.assertEqual(problem.path, "versions[1].published_at")
        self.assertIn("med tidszon", problem.message)

    def test_malformed_json_gives_one_error_with_line_and_column(self):
        text = '{\n  "format": "kunskapsnav.support",\n  "title": "Hjärtsvikt"\n  "type": "klinisk"\n}'

        with self.assertRaises(ImportFailed) as failed:
            supports_import(text, by=self.admin)

        [problem] = failed.exception.errors
        self.assertEqual((problem.path, problem.line, problem.column), ("", 4, 3))
        self.assertEqual(problem.message, "Filen är inte giltig JSON: felet finns på rad 4, kolumn 3.")

    def test_a_file_of_another_format_gives_one_error(self):
        with self.assertRaises(ImportFailed) as failed:
            supports_import({"supports": [{"name": "Hjärtsvikt", "rows": [1, 2]}]}, by=self.admin)

        self.assertEqual([p.path for p in failed.exception.errors], ["supports[0].format"])

    def test_a_support_that_exists_already_is_refused_at_its_title_and_not_duplicated(self):
        before = counts()

        with self.assertRaises(ImportFailed) as failed:
            supports_import(support_export(self.heart_pathway), by=self.admin)

        [problem] = failed.exception.errors
        self.assertEqual(problem.path, "title")
        self.assertIn("finns redan", problem.message)
        self.assertEqual(counts(), before)

    def test_published_versions_enter_only_through_whoever_approves_that_type(self):
        exported = support_export(self.heart_pathway)
        self.forget(self.heart_pathway)
        before = counts()
        # A vårdförlopp is approved by SKS: the NPO's editor may not bring in a published one.
        with self.assertRaises(PermissionDenied) as refused:
            supports_import(exported, by=self.npo_editor)
        self.assertIn("fastställda eller publicerade", str(refused.exception))
        self.assertEqual(counts(), before)
        # Only the draft is fine for the editor.
        exported["versions"] = [v for v in exported["versions"] if v["status"] == "utkast"] or exported["versions"][:0]
        draft_only = support_export(self.heart_guideline)
        draft_only["title"] = "Importerat utkast"
        [support] = supports_import(draft_only, by=self.npo_editor).supports
        self.assertEqual(list(support.versions.values_list("status", flat=True)), [VersionStatus.DRAFT])

    def test_a_coordinator_cannot_import_a_support_of_an_npo(self):
        before = counts()

        with self.assertRaises(PermissionDenied):
            supports_import(documented("tested example"), by=self.orebro_coordinator)
        with self.assertRaises(PermissionDenied):
            supports_import(documented("tested example"), by=self.outsider)

        self.assertEqual(counts(), before)

    def test_the_commands_export_and_import_and_exit_non_zero_with_every_error(self):
        folder = Path(self.enterContext(tempfile.TemporaryDirectory()))
        exported = folder / "hjartsvikt.json"
        call_command("export_support", str(self.heart_pathway.pk), output=str(exported))
        expected = json.loads(exported.read_text(encoding="utf-8"))
        self.forget(self.heart_pathway)

        out = self._call("import_supports", str(exported), user="admin")

        self.assertIn("Importerade Hjärtsvikt – nydebuterad (3 versioner).", out)
        support = KnowledgeSupport.objects.get(title="Hjärtsvikt – nydebuterad")
        self.assertEqual(support_export(support), expected)

        broken = copy.deepcopy(expected)
        broken["title"] = "Hjärtsvikt – kopia"
        broken["conditions"] = ["I50", "X"]
        broken["versions"][1]["recommendations"][0]["priority"] = 0
        (folder / "fel.json").write_text(json.dumps(broken), encoding="utf-8")
        before = counts()
        errors = self._call_failing("import_supports", str(folder / "fel.json"), user="admin")
        self.assertEqual(
            errors.splitlines(),
            [
                "conditions[1]: X är ingen giltig ICD-10-SE-kod (exempel: I63.9).",
                "versions[1].recommendations[0].priority: Prioriteten anges på Socialstyrelsens skala 1–10.",
            ],
        )
        self.assertEqual(counts(), before)

    def _call(self, *args, **options) -> str:
        out = io.StringIO()
        call_command(*args, stdout=out, **options)
        return out.getvalue()

    def _call_failing(self, *args, **options) -> str:
        err = io.StringIO()
        with self.assertRaises(CommandError) as failed:
            call_command(*args, stderr=err, **options)
        # Run from the command line, a CommandError exits with this status.
        self.assertEqual(failed.exception.returncode, 1)
        self.assertIn("2 fel", str(failed.exception))
        return err.getvalue()

    def test_the_documented_example_imports_and_exports_unchanged(self):
        example = documented("tested example")

        [support] = supports_import(example, by=self.npo_editor).supports

        self.assertEqual(support.title, "Hypertoni – utredning och behandling")
        self.assertEqual(support.versions.get(status=VersionStatus.PUBLISHED).number, 2)
        self.assertEqual(support_export(support), json.loads(example))
        # And importing it twice does not duplicate it.
        with self.assertRaises(ImportFailed):
            supports_import(example, by=self.npo_editor)
