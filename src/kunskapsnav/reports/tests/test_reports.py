"""Annual reports: asked for, made by the worker, read, assessed, locked and published; a
report renders to the same bytes however the data change after it was made."""

import datetime
import io
import tempfile
from unittest import mock

from openpyxl import load_workbook
from pypdf import PdfReader

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import timezone

from kunskapsnav.consultation import answers
from kunskapsnav.consultation.rounds import round_open
from kunskapsnav.implementation import stages, work
from kunskapsnav.indicators import analysis, runs, synthetic
from kunskapsnav.indicators import selectors as indicator_selectors
from kunskapsnav.indicators.models import IndicatorRun
from kunskapsnav.implementation.models import Adoption, Stage
from kunskapsnav.consultation.models import ConsultationRound
from kunskapsnav.knowledge import content, lifecycle
from kunskapsnav.knowledge.models import SupportVersion, VersionStatus
from kunskapsnav.knowledge.tests.personas import KnowledgeTestCase
from kunskapsnav.organisation import bodies, mandates
from kunskapsnav.organisation.models import BodyKind, Role
from kunskapsnav.organisation.tests.personas import make_person, seat
from kunskapsnav.consultation.tests.test_pages import require_pdf
from kunskapsnav.reports import charts, exports, making, permissions, rendering, selectors
from kunskapsnav.reports.models import Report, ReportKind, ReportStatus, ReportTransition


class ReportTestCase(KnowledgeTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.today = timezone.localdate()
        cls.start = datetime.date(cls.today.year, 1, 1)

    def request(self, *, by=None, kind=ReportKind.NATIONAL, **scope) -> Report:
        with self.captureOnCommitCallbacks(execute=False):
            return making.report_request(by=by or self.admin, kind=kind, period_start=scope.pop("start", self.start),
                                         period_end=scope.pop("end", self.today), **scope)

    def made(self, **kwargs) -> Report:
        return making.generate(self.request(**kwargs).pk)

    def table(self, report: Report, key: str) -> dict:
        return next(block for section in report.snapshot["sections"] for block in section["blocks"]
                    if block["key"] == key)


class MakingTests(ReportTestCase):
    def test_a_report_is_queued_then_made_section_by_section_into_a_draft(self):
        report = self.request()
        self.assertEqual((report.status, report.number, report.snapshot), (ReportStatus.QUEUED, 1, {}))
        report = making.generate(report.pk)
        self.assertEqual((report.status, report.progress), (ReportStatus.DRAFT, 100))
        self.assertEqual([s["key"] for s in report.snapshot["sections"]], ["struktur", "produktion", "remiss", "inforande", "indikatorer", "behov",
                                                                       "forandringar"])
        self.assertEqual(report.snapshot["period"], str(self.today.year) if self.today == datetime.date(
            self.today.year, 12, 31) else f"{self.start.isoformat()} – {self.today.isoformat()}")
        self.assertEqual([t.new_status for t in report.transitions.all()], [ReportStatus.GENERATING, ReportStatus.DRAFT])
        self.assertEqual(self.request().number, 2)

    def test_the_structure_counts_bodies_seats_and_the_npos_each_region_covers(self):
        report = self.made()
        kinds = {row[1]: row[2] for row in self.table(report, "organ")["rows"]}
        self.assertEqual(kinds["Lokalt programområde (LPO)"], 2)
        self.assertEqual(kinds["Kunskapsstödsgrupp"], 2)
        coverage = {row[0]: row for row in self.table(report, "tackning")["rows"]}
        self.assertEqual(len(coverage), 21)
        orebro = coverage["Region Örebro län"]
        self.assertEqual(orebro[1], 1)  # LPO hjärta mirrors NPO hjärt- och kärlsjukdomar
        self.assertNotIn("Hjärt- och kärlsjukdomar", orebro[4])
        self.assertIn("Hjärt- och kärlsjukdomar", coverage["Region Skåne"][4])
        local = next(row for row in self.table(report, "uppdrag")["rows"] if row[0] == "Regional nivå")
        self.assertEqual(local[1:5], [4, 4, 3, 75.0])  # 4 local bodies, 4 seats, 3 with a chair

    def test_production_counts_what_was_published_and_withdrawn_in_the_period(self):
        report = self.made()
        figures = {item["label"]: item["value"] for item in self.table(report, "produktion-summa")["items"]}
        self.assertEqual(figures["Publicerade för första gången"], 1)
        self.assertEqual(figures["Reviderade"], 0)
        last_year = self.made(start=datetime.date(self.today.year - 1, 1, 1),
                              end=datetime.date(self.today.year - 1, 12, 31))
        figures = {item["label"]: item["value"] for item in self.table(last_year, "produktion-summa")["items"]}
        self.assertEqual(figures["Publicerade för första gången"], 0)
        self.assertEqual(last_year.snapshot["period"], str(self.today.year - 1))

    def test_a_version_overdue_for_review_at_the_periods_end_counts_though_withdrawn_since(self):
        last_year = datetime.date(self.today.year - 1, 1, 1)
        published = timezone.make_aware(datetime.datetime(last_year.year, 2, 1, 9))
        SupportVersion.objects.filter(pk=self.v1.pk).update(published_at=published,
                                                            review_date=datetime.date(last_year.year, 6, 30))
        self.v1.transitions.update(at=published)
        lifecycle.version_transition(version=self.v1, to=VersionStatus.WITHDRAWN, by=self.sks_chair)
        report = self.made(start=last_year, end=datetime.date(last_year.year, 12, 31))
        figures = {item["label"]: item["value"] for item in self.table(report, "produktion-summa")["items"]}
        self.assertEqual(figures["Försenade revideringar vid periodens slut"], 1)
        self.assertEqual(figures["Återkallade"], 0)  # withdrawn this year, not in the period
        figures = {item["label"]: item["value"] for item in self.table(self.made(), "produktion-summa")["items"]}
        self.assertEqual((figures["Försenade revideringar vid periodens slut"], figures["Återkallade"]), (0, 1))

    def test_a_compilation_published_after_the_period_is_not_in_it(self):
        version = self.heart_guideline.versions.get()
        content.recommendation_create(by=self.npo_editor, version=version, text="R", priority=2)
        lifecycle.version_transition(version=version, to="remiss", by=self.npo_editor)
        round_ = round_open(by=self.npo_editor, version=version, opens_on=self.start, closes_on=self.today)
        closed = datetime.date(self.today.year - 1, 12, 20)
        ConsultationRound.objects.filter(pk=round_.pk).update(
            opens_on=closed - datetime.timedelta(days=30), closes_on=closed, compilation_published_at=timezone.now())
        last_year = dict(start=datetime.date(closed.year, 1, 1), end=datetime.date(closed.year, 12, 31))
        rows = self.table(self.made(**last_year), "remiss-omgangar")["rows"]
        self.assertEqual([(row[1], row[5]) for row in rows], [(closed.isoformat(), None)])
        ConsultationRound.objects.filter(pk=round_.pk).update(
            compilation_published_at=timezone.make_aware(datetime.datetime(closed.year, 12, 30, 12)))
        rows = self.table(self.made(**last_year), "remiss-omgangar")["rows"]
        self.assertEqual([row[5] for row in rows], [10])

    def test_remiss_counts_the_rounds_that_closed_and_who_answered(self):
        version = self.heart_guideline.versions.get()
        content.recommendation_create(by=self.npo_editor, version=version, text="R", priority=2)
        lifecycle.version_transition(version=version, to="remiss", by=self.npo_editor)
        round_ = round_open(by=self.npo_editor, version=version, opens_on=self.start, closes_on=self.today)
        invitation = round_.invitations.get(region=self.orebro)
        answers.answer_compose(by=self.orebro_coordinator, invitation=invitation, summary="Vi tillstyrker.",
                               signed_by="HSD", items=[])
        answers.answer_submit(by=self.orebro_coordinator, invitation=invitation,
                              at=timezone.make_aware(datetime.datetime.combine(self.today, datetime.time(8))))
        report = self.made()
        asked = round_.invitations.count()
        rows = self.table(report, "remiss-omgangar")["rows"]
        self.assertEqual(rows, [["Kliniskt kunskapsstöd förmaksflimmer", self.today.isoformat(), asked, 1,
                                 round(100 / asked, 1), None]])
        regions = {row[0]: row[1:] for row in self.table(report, "remiss-regioner")["rows"]}
        self.assertEqual(regions["Region Örebro län"], [1, 1, 100.0])
        self.assertEqual(regions["Region Uppsala"], [1, 0, 0.0])

    def test_the_chain_counts_stages_at_the_periods_end_and_the_days_to_a_decision(self):
        orebro = Adoption.objects.get(region=self.orebro, version=self.v1)
        for row in orebro.gap_rows.all():
            work.gap_row_save(by=self.orebro_coordinator, row=row, based_on=row.row_version,
                              values={"current_practice": "Som i dag", "gap": "litet", "within_unit_budget": True})
        stages.adoption_move(by=self.orebro_coordinator, adoption=orebro, to=Stage.DECISION)
        work.decision_record(by=self.orebro_coordinator, adoption=orebro, decided_by="Hälso- och sjukvårdsdirektören",
                             decided_on=self.today, outcome="bifall")
        uppsala = Adoption.objects.get(region=self.uppsala, version=self.v1)
        work.sharing_set(by=self.uppsala_coordinator, adoption=uppsala, public=True)
        report = self.made()
        per_support = self.table(report, "inforande-stod")
        self.assertEqual([c["label"] for c in per_support["columns"]][1:3], ["Kartläggning", "Beslut"])
        self.assertEqual(per_support["rows"], [["Hjärtsvikt – nydebuterad", 20, 1, 0, 0, 0, 0]])
        regions = {row[0]: row[1:] for row in self.table(report, "inforande-regioner")["rows"]}
        published = timezone.localtime(self.v1.published_at).date()
        self.assertEqual(regions["Region Örebro län"], [1, 1, float((self.today - published).days), 0, None])
        self.assertEqual(regions["Region Uppsala"], [1, 0, None, 0, None])
        matrix = self.table(report, "inforande-matris")
        cells = dict(zip([c["label"] for c in matrix["columns"]][1:], matrix["rows"][0][1:], strict=True))
        self.assertEqual(cells["Region Örebro län"], "ej delat")
        self.assertEqual(cells["Region Uppsala"], "Kartläggning")
        before = self.made(start=datetime.date(self.today.year - 1, 1, 1), end=datetime.date(self.today.year - 1, 12, 31))
        self.assertEqual(self.table(before, "inforande-stod")["rows"], [])

    def test_the_key_figures_beside_the_year_before(self):
        report = self.made()
        changes = {row[0]: row[1:] for row in self.table(report, "forandringar")["rows"]}
        self.assertEqual(changes["Publicerade för första gången"], ["1", "0", 1.0])
        self.assertEqual(changes["Pågående och avslutade införanden"], ["21", "0", 21.0])
        self.assertEqual(changes["Svarsfrekvens"], ["–", "–", None])
        structure_only = self.made(kind=ReportKind.STRUCTURE)
        self.assertNotIn("forandringar", [s["key"] for s in structure_only.snapshot["sections"]])

    def test_a_regions_report_covers_its_own_bodies_and_its_row_of_the_coverage(self):
        report = self.made(by=self.orebro_coordinator, kind=ReportKind.REGION, region=self.orebro)
        self.assertEqual([row[0] for row in self.table(report, "tackning")["rows"]], ["Region Örebro län"])
        kinds = {row[1]: row[2] for row in self.table(report, "organ")["rows"]}
        self.assertEqual(kinds, {"Kunskapsstödsgrupp": 1, "Lokalt programområde (LPO)": 1})

    def test_a_report_reads_the_same_after_the_data_change(self):
        report = self.made()
        first = rendering.html(report)
        bodies.body_create(by=self.admin, kind=BodyKind.LPO, name="LPO lunga Örebro", region=self.orebro,
                           mirrors=self.lung_npo)
        report.refresh_from_db()
        self.assertEqual(rendering.html(report), first)
        again = self.made()
        self.assertNotEqual(self.table(again, "organ")["rows"], self.table(report, "organ")["rows"])

    def test_the_same_snapshot_renders_to_the_same_bytes(self):
        report = self.made()
        copy = Report.objects.get(pk=report.pk)
        self.assertEqual(rendering.html(copy).encode(), rendering.html(report).encode())
        self.assertIn("Region Örebro län", rendering.html(report))

    def test_a_tables_chart_is_drawn_from_the_snapshots_numbers_above_the_table(self):
        report = self.made()
        coverage = self.table(report, "tackning")
        points = charts.spec(coverage)["data"]["values"]
        orebro = {p["serie"]: p["värde"] for p in points if p["rad"] == "Region Örebro län"}
        self.assertEqual(orebro, {"Med lokalt organ": 1, "Med kontaktperson": 0, "Saknas": coverage["rows"][
            [row[0] for row in coverage["rows"]].index("Region Örebro län")][3]})
        html = rendering.html(report)
        image = '<img src="data:image/svg+xml;base64,'
        self.assertIn(image, html)
        self.assertLess(html.index(image), html.index('<table id="tabell-tackning">'))
        self.assertIn('alt="Diagram: Täckning av de nationella programområdena. Samma uppgifter finns i tabellen nedan."',
                      html)
        drawn = charts.svg(coverage)
        self.assertIn("Region Örebro län", drawn)
        # Drawn from the snapshot alone: a changed number in it is a changed chart.
        first = self.table(report, "tackning")["rows"][0]
        first[1] = 4321
        changed = charts.svg(self.table(report, "tackning"))
        self.assertIn(f"värde: 4321; rad: {first[0]}; serie: Med lokalt organ", changed.replace("\xa0", ""))
        self.assertNotIn("värde: 4321", drawn)
        # A table too long for a chart is read as a table.
        long = {**coverage, "rows": [[f"Rad {n}", 1, 2, 3, ""] for n in range(charts.MOST_ROWS + 1)]}
        self.assertIsNone(charts.spec(long))
        self.assertIsNotNone(charts.spec({**long, "rows": long["rows"][:charts.MOST_ROWS]}))

    def test_a_failed_report_says_so_and_keeps_nothing_of_what_it_had_collected(self):
        def broken(scope):
            raise RuntimeError("the registry could not be read")

        report = self.request()
        sections = [*making.SECTIONS[ReportKind.NATIONAL], ("trasig", "Trasig", broken)]
        with mock.patch.dict(making.SECTIONS, {ReportKind.NATIONAL: sections}), \
                self.assertLogs("kunskapsnav.reports.making", "ERROR") as logged, self.assertRaises(RuntimeError):
            making.generate(report.pk)
        report.refresh_from_db()
        self.assertEqual((report.status, report.snapshot, report.generated_at), (ReportStatus.FAILED, {}, None))
        self.assertIn("Ingenting sparades", report.message)
        self.assertIn(f"report {report.pk} failed", logged.output[0])
        self.assertEqual(making.generate(report.pk).status, ReportStatus.FAILED)  # not taken up again

    def test_the_morning_sweep_fails_a_report_its_worker_left_in_the_making(self):
        stuck, fresh, finished = self.request(), self.request(), self.made()
        for report in (stuck, fresh):
            Report.objects.filter(pk=report.pk).update(status=ReportStatus.GENERATING, progress=40,
                                                       snapshot={"sections": ["halvfärdig"]})
            ReportTransition.objects.create(report=report, old_status=ReportStatus.QUEUED,
                                            new_status=ReportStatus.GENERATING)
        long_ago = timezone.now() - making.STUCK_AFTER - datetime.timedelta(minutes=1)
        ReportTransition.objects.filter(report__in=[stuck, finished]).update(at=long_ago)
        out = io.StringIO()
        with self.assertLogs("kunskapsnav.reports.making", "WARNING"):
            call_command("fail_stuck_reports", stdout=out)
        self.assertIn("marked failed: 1", out.getvalue())
        stuck.refresh_from_db()
        self.assertEqual((stuck.status, stuck.snapshot), (ReportStatus.FAILED, {}))
        self.assertIn("avbröts", stuck.message)
        self.assertEqual(stuck.transitions.last().new_status, ReportStatus.FAILED)
        self.assertEqual(Report.objects.get(pk=fresh.pk).status, ReportStatus.GENERATING)  # still within its time
        self.assertEqual(Report.objects.get(pk=finished.pk).status, ReportStatus.DRAFT)
        self.assertEqual(making.stuck_reports_fail(now=timezone.now()), 0)  # once only

    def test_a_request_is_checked(self):
        future = self.today + datetime.timedelta(days=1)
        for scope, field in ((dict(end=future), "period_end"), (dict(kind=ReportKind.REGION), "region"),
                             (dict(start=self.today, end=self.start - datetime.timedelta(days=1)), "period_end"),
                             (dict(start=datetime.date(self.today.year - 5, 1, 1)), "period_end"),
                             (dict(start=datetime.date(1, 1, 1), end=datetime.date(2, 12, 31)), "period_start"),
                             (dict(region=self.orebro, healthcare_region=self.mellansverige), "healthcare_region")):
            with self.subTest(scope=scope), self.assertRaises(ValidationError) as caught:
                self.request(**scope)
            self.assertIn(field, caught.exception.message_dict)
        self.assertFalse(Report.objects.exists())


class StructureFollowUpTests(ReportTestCase):
    def test_a_regions_structure_follow_up_has_a_row_per_npo_and_per_body(self):
        mandates.mandate_adopt(by=self.orebro_coordinator, body=self.orebro_lpo, text="Leder införandet.",
                               valid_from=self.start)
        contact = make_person(by=self.admin, region=self.orebro, given="Karin", family="Kontakt")
        seat(by=self.admin, body=self.lung_npo, person=contact, role=Role.CONTACT, represents_region=self.orebro)
        report = self.made(by=self.orebro_coordinator, kind=ReportKind.STRUCTURE, region=self.orebro)
        self.assertEqual([s["key"] for s in report.snapshot["sections"]], ["struktur-uppfoljning"])
        npos = self.table(report, "programomraden")
        by_npo = {row[0]: row[1:] for row in npos["rows"]}
        self.assertEqual(by_npo[self.heart_npo.name], ["Lokalt organ", "LPO hjärta"])
        self.assertEqual(by_npo[self.lung_npo.name], ["Kontaktperson", "Karin Kontakt"])
        self.assertIn(f"npo-{self.heart_npo.pk}", npos["row_keys"])
        bodies = {row[0]: row[1:] for row in self.table(report, "lokala-organ")["rows"]}
        self.assertEqual(bodies["LPO hjärta"], ["Lokalt programområde (LPO)", "ja", 2, 0.0, "ja", 0,
                                                "ingen registrerad aktivitet"])
        self.assertEqual(bodies["Kunskapsstödsgrupp Örebro"][4], "nej")
        declarations = self.table(report, "jav")["rows"]
        self.assertEqual(declarations, [["Region Örebro län", 0, 0, None]])

    def test_the_nations_structure_follow_up_has_a_row_per_region(self):
        report = self.made(kind=ReportKind.STRUCTURE)
        regions = self.table(report, "regioner")
        self.assertEqual(len(regions["rows"]), 21)
        orebro = next(row for row in regions["rows"] if row[0] == "Region Örebro län")
        self.assertEqual(orebro[1], 1)  # one NPO mirrored
        self.assertEqual(orebro[3:5], [2, 2])  # two local bodies, both with a chair
        self.assertIn("region-18", regions["row_keys"])

    def test_the_region_comments_on_a_row_before_the_report_is_locked(self):
        report = self.made(by=self.orebro_coordinator, kind=ReportKind.STRUCTURE, region=self.orebro)
        key = f"organ-{self.orebro_lpo.pk}"
        making.assessment_save(report=report, section="struktur-uppfoljning", item=key, by=self.orebro_coordinator,
                               text="Uppdragsbeskrivningen beslutas i mars.")
        making.assessment_save(report=report, section="struktur-uppfoljning", by=self.orebro_coordinator,
                               text="Strukturen är på plats.")
        with self.assertRaises(ValidationError):
            making.assessment_save(report=report, section="struktur-uppfoljning", item="organ-0",
                                   by=self.orebro_coordinator, text="Finns inte.")
        html = rendering.html(report)
        self.assertIn("LPO hjärta (Region Örebro län)", html)
        self.assertIn("Uppdragsbeskrivningen beslutas i mars.", html)
        self.assertIn("Strukturen är på plats.", html)
        sheet = load_workbook(io.BytesIO(exports.as_xlsx(report)))["lokala-organ"]
        rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
        self.assertIn(["LPO hjärta", "Region Örebro län", "Uppdragsbeskrivningen beslutas i mars."],
                      [row[:3] for row in rows])
        self.assertEqual(report.assessments.count(), 2)


class IndicatorSectionTests(ReportTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        definitions = [d for d in runs.definitions_sync() if d.code == "STROKE-ANTITROMB"]
        cls.folder = tempfile.mkdtemp()
        synthetic.generate(cls.folder, events=150_000, seed=11)
        run = IndicatorRun.objects.create(data_folder=cls.folder, started_by=cls.analyst)
        run.definitions.set(definitions)
        runs.execute(run)
        cls.definition = definitions[0]
        latest = analysis.analyse(AnonymousUser(), cls.definition, indicator_selectors.geography_names(),
                                  analysis.Options())["latest"].year
        # The synthetic data's last whole year: the report's period.
        cls.year = dict(start=datetime.date(latest, 1, 1), end=datetime.date(latest, 12, 31))

    def test_the_nations_report_reads_each_indicator_as_the_public_sees_it(self):
        report = self.made(**self.year)
        block = self.table(report, "indikatorer")
        self.assertEqual([c["label"] for c in block["columns"]],
                         ["Indikator", "År", "Riket", "Målnivåer", "Utanför trattens 99,8-procentsgränser",
                          "Över tid (styrdiagram)"])
        row = next(r for r in block["rows"] if r[0] == self.definition.name)
        public = analysis.analyse(AnonymousUser(), self.definition, indicator_selectors.geography_names(),
                                  analysis.Options(since=self.year["start"], until=self.year["end"]))
        shown = [r for r in public["regions"] if r["value"] is not None]
        self.assertIn(f"{public['targets'][0]['name']}: {len(public['targets'][0]['reached'])} av {len(shown)} regioner",
                      row[3])
        if "spc" in public:
            self.assertTrue(row[5].startswith(public["spc_text"]["classification"]))
        else:  # the monthly series is not shown to the public
            self.assertEqual(row[5], "")
        self.assertTrue(row[2].endswith("\u202f%"))

    def test_the_indicators_are_read_within_the_period(self):
        public = analysis.analyse(AnonymousUser(), self.definition, indicator_selectors.geography_names(),
                                  analysis.Options())
        year = public["latest"].year - 1
        report = self.made(start=datetime.date(year, 1, 1), end=datetime.date(year, 12, 31))
        row = next(r for r in self.table(report, "indikatorer")["rows"] if r[0] == self.definition.name)
        self.assertEqual(row[1], str(year))
        within = analysis.analyse(AnonymousUser(), self.definition, indicator_selectors.geography_names(),
                                  analysis.Options(since=datetime.date(year, 1, 1), until=datetime.date(year, 12, 31)))
        self.assertEqual(within["latest"].year, year)
        self.assertTrue(all(period.startswith(str(year)) for period in within.get("spc_periods", [])))
        self.assertEqual(row[2], f"{within['nation']['value'] * 100:.1f}".replace(".", ",") + "\u202f%")

    def test_a_regions_report_shows_its_own_value_beside_the_nations(self):
        report = self.made(by=self.orebro_coordinator, kind=ReportKind.REGION, region=self.orebro, **self.year)
        block = self.table(report, "indikatorer")
        self.assertEqual([c["label"] for c in block["columns"]][2:4], ["Regionen", "Riket"])
        row = next(r for r in block["rows"] if r[0] == self.definition.name)
        self.assertTrue(row[4] == "" or "nås" in row[4])
        self.assertIn("Region Örebro län", block["note"])


    def test_the_low_value_care_indicators_trends_per_region_as_the_public_sees_them(self):
        from kunskapsnav.lowvalue import practices
        from kunskapsnav.lowvalue.selectors import indicator_trends

        practice = practices.practice_create(
            by=self.admin, title="Åtgärd som inte bör göras", source="nationell", practice_system="atc",
            practice_code="M01A", condition="Hjärtsvikt", condition_code="I50", rationale="Skäl.",
            link="https://example.se/icke-gora")
        practices.practice_links_set(by=self.admin, practice=practice, recommendation_keys=[],
                                     indicator_codes=[self.definition.code])
        period = (self.year["start"], self.year["end"])
        trend = next(t for t in indicator_trends(period) if t["code"] == self.definition.code)
        national = self.table(self.made(**self.year), "lagvardig-vard")
        rows = [r for r in national["rows"] if r[0] == self.definition.name]
        self.assertEqual([r[1] for r in rows], [r["name"] for r in trend["regions"]])
        for row, reading in zip(rows, trend["regions"], strict=True):
            self.assertEqual(row[3] == "döljs eller saknas", reading["value"] is None)
        region = self.table(self.made(by=self.orebro_coordinator, kind=ReportKind.REGION, region=self.orebro,
                                      **self.year), "lagvardig-vard")
        self.assertEqual({r[1] for r in region["rows"]}, {"Region Örebro län"})

    def test_without_low_value_practices_the_trends_table_is_empty(self):
        self.assertEqual(self.table(self.made(**self.year), "lagvardig-vard")["rows"], [])


class NeedsSectionTests(ReportTestCase):
    def test_the_needs_submitted_in_the_period_counted_by_status_decision_and_priority(self):
        from kunskapsnav.needs import triage

        triage.need_submit(by=self.orebro_coordinator, organisation="Örebro kommun", title="Behov",
                           problem="Problem", target_group="Vuxna", evidence="Variation", affected="Patienter")
        report = self.made()
        block = next(b for s in report.snapshot["sections"] for b in s["blocks"] if b["key"] == "behov-nyckeltal")
        self.assertEqual([i["value"] for i in block["items"]], [1, 0])
        rows = self.table(report, "behov")["rows"]
        self.assertIn(["Status nu", "Inskickat", 1], rows)
        self.assertIn(["Beslut", "Nytt kunskapsstöd", 0], rows)
        last_year = self.made(start=datetime.date(self.today.year - 1, 1, 1),
                              end=datetime.date(self.today.year - 1, 12, 31))
        self.assertEqual(next(b for s in last_year.snapshot["sections"] for b in s["blocks"]
                              if b["key"] == "behov-nyckeltal")["items"][0]["value"], 0)


class ExportTests(ReportTestCase):
    def test_the_pdf_has_the_reports_text_and_reads_the_same_when_made_again(self):
        require_pdf()
        report = self.made()
        making.assessment_save(report=report, section="struktur", by=self.admin, text="Strukturen håller.")
        first, second = exports.as_pdf(report), exports.as_pdf(Report.objects.get(pk=report.pk))
        text = [page.extract_text() for page in PdfReader(io.BytesIO(first)).pages]
        self.assertEqual(text, [page.extract_text() for page in PdfReader(io.BytesIO(second)).pages])
        joined = " ".join(text)
        for expected in ("Nationell årlig uppföljning", "Täckning av de nationella programområdena",
                         "Region Örebro län", "Bedömning: Nationella kansliet", "Strukturen håller."):
            self.assertIn(expected, joined)
        self.assertGreater(len(text), 3)  # each section on a page of its own, after the contents
        reader = PdfReader(io.BytesIO(first))
        self.assertIn("/StructTreeRoot", reader.trailer["/Root"])  # tagged
        self.assertEqual(reader.trailer["/Root"].get("/Lang"), "sv")

    def test_the_tables_as_a_spreadsheet(self):
        report = self.made()
        book = load_workbook(io.BytesIO(exports.as_xlsx(report)))
        self.assertEqual(book.sheetnames[:5], ["rapport", "struktur-summa", "organ", "uppdrag", "tackning"])
        coverage = [[cell.value for cell in row] for row in book["tackning"].iter_rows()]
        self.assertEqual(coverage[1], ["Region", "Med lokalt organ", "Med kontaktperson", "Saknas",
                                       "Programområden som saknas"])
        self.assertEqual(len(coverage), 2 + 21 + 2)  # caption, header, 21 regions, a blank line and the note

    def test_the_downloads_are_for_those_who_may_read_the_report(self):
        report = self.made(by=self.orebro_coordinator, kind=ReportKind.REGION, region=self.orebro)
        self.client.force_login(self.orebro_coordinator)
        response = self.client.get(f"/arlig-uppfoljning/{report.pk}/tabeller.xlsx")
        self.assertEqual(response["Content-Type"], exports.XLSX)
        self.assertIn('filename="regionens-arsrapport-region-orebro-lan-', response["Content-Disposition"])
        self.client.force_login(self.uppsala_coordinator)
        self.assertEqual(self.client.get(f"/arlig-uppfoljning/{report.pk}/tabeller.xlsx").status_code, 404)
        self.assertEqual(self.client.get(f"/arlig-uppfoljning/{report.pk}/rapport.pdf").status_code, 404)


class PermissionTests(ReportTestCase):
    def test_who_makes_which_report(self):
        self.assertTrue(permissions.can_make(self.analyst, region_id=None))
        self.assertTrue(permissions.can_make(self.orebro_coordinator, region_id=self.orebro.pk))
        for user in (self.orebro_coordinator, self.uppsala_coordinator, self.chair, self.outsider, AnonymousUser()):
            self.assertFalse(permissions.can_make(user, region_id=None), user)
        with self.assertRaises(PermissionDenied):
            self.request(by=self.uppsala_coordinator, kind=ReportKind.REGION, region=self.orebro)
        with self.assertRaises(PermissionDenied):
            self.request(by=self.chair, kind=ReportKind.REGION, region=self.orebro)

    def test_a_draft_is_read_by_its_makers_and_a_published_report_by_everyone(self):
        report = self.made(by=self.orebro_coordinator, kind=ReportKind.REGION, region=self.orebro)
        for user, sees in ((self.orebro_coordinator, True), (self.admin, True), (self.analyst, True),
                           (self.uppsala_coordinator, False), (self.outsider, False), (AnonymousUser(), False)):
            self.assertEqual(permissions.can_read(user, report), sees, user)
            self.assertEqual(report in selectors.reports_visible_to(user), sees, user)
        making.report_move(report=report, to=ReportStatus.FROZEN, by=self.orebro_coordinator)
        making.report_move(report=report, to=ReportStatus.PUBLISHED, by=self.orebro_coordinator)
        report.refresh_from_db()
        for user in (self.uppsala_coordinator, self.outsider, AnonymousUser()):
            self.assertTrue(permissions.can_read(user, report))
            self.assertIn(report, selectors.reports_visible_to(user))

    def test_assessments_are_written_in_a_draft_by_the_region_and_the_secretariat_then_locked(self):
        report = self.made(by=self.orebro_coordinator, kind=ReportKind.REGION, region=self.orebro)
        own = making.assessment_save(report=report, section="struktur", by=self.orebro_coordinator,
                                     text="Alla programområden har <b>ett</b> lokalt organ.<script>x()</script>")
        self.assertEqual(own.author_label, "Region Örebro län")
        self.assertNotIn("<script>", own.text)
        national = making.assessment_save(report=report, section="struktur", by=self.admin, text="Bra.")
        self.assertEqual(national.author_label, "Nationella kansliet")
        with self.assertRaises(PermissionDenied):
            making.assessment_save(report=report, section="struktur", by=self.uppsala_coordinator, text="Nej.")
        with self.assertRaises(ValidationError):
            making.assessment_save(report=report, section="finns-inte", by=self.admin, text="Nej.")
        with self.assertRaises(ValidationError):
            making.assessment_save(report=report, section="struktur", by=self.admin, text="x" * 20_001)
        html = rendering.html(report)
        self.assertIn("Bedömning: Region Örebro län", html)
        frozen = making.report_move(report=report, to=ReportStatus.FROZEN, by=self.admin)
        self.assertEqual((frozen.frozen_by, frozen.status), (self.admin, ReportStatus.FROZEN))
        self.assertEqual(report.transitions.last().by, self.admin)
        with self.assertRaises(PermissionDenied):
            making.assessment_save(report=report, section="struktur", by=self.orebro_coordinator, text="Ändrat.")
        with self.assertRaises(ValidationError):
            making.report_move(report=report, to=ReportStatus.FROZEN, by=self.admin)
        self.assertEqual(report.assessments.count(), 2)

    def test_only_the_secretariat_locks_and_publishes_a_national_report(self):
        report = self.made(by=self.analyst)
        for user in (self.analyst, self.orebro_coordinator):
            with self.assertRaises(PermissionDenied):
                making.report_move(report=report, to=ReportStatus.FROZEN, by=user)
        with self.assertRaises(ValidationError):
            making.report_move(report=report, to=ReportStatus.PUBLISHED, by=self.admin)  # a draft is locked first
        making.report_move(report=report, to=ReportStatus.FROZEN, by=self.admin)
        published = making.report_move(report=report, to=ReportStatus.PUBLISHED, by=self.admin)
        self.assertIsNotNone(published.published_at)


class PageTests(ReportTestCase):
    def test_a_report_is_asked_for_on_the_page_and_followed_while_it_is_made(self):
        self.client.force_login(self.orebro_coordinator)
        response = self.client.get("/arlig-uppfoljning/")
        self.assertContains(response, "Ta fram en rapport")
        with self.captureOnCommitCallbacks(execute=False):
            response = self.client.post("/arlig-uppfoljning/ny/", {
                "kind": ReportKind.REGION, "region": self.orebro.pk, "period_start": self.start.isoformat(),
                "period_end": self.today.isoformat()})
        report = Report.objects.get()
        self.assertRedirects(response, report.get_absolute_url())
        progress = self.client.get(report.get_absolute_url(), headers={"HX-Request": "true"})
        self.assertContains(progress, 'hx-trigger="every 2s"')
        self.assertContains(progress, "<progress")
        making.generate(report.pk)
        done = self.client.get(report.get_absolute_url(), headers={"HX-Request": "true"})
        self.assertNotContains(done, "hx-trigger")
        document = self.client.get(f"/arlig-uppfoljning/{report.pk}/rapport/")
        self.assertEqual(document["Content-Language"], "sv")
        self.assertContains(document, "<caption>Täckning av de nationella programområdena</caption>", html=False)

    def test_a_bad_request_is_refused_in_swedish_and_nothing_is_stored(self):
        self.client.force_login(self.orebro_coordinator)
        response = self.client.post("/arlig-uppfoljning/ny/", {
            "kind": ReportKind.REGION, "region": self.orebro.pk, "period_start": self.start.isoformat(),
            "period_end": (self.today + datetime.timedelta(days=3)).isoformat()})
        self.assertContains(response, "Perioden kan inte sluta i framtiden.", status_code=400)
        response = self.client.post("/arlig-uppfoljning/ny/", {"kind": "okänd", "period_start": "igår"})
        self.assertEqual(response.status_code, 400)
        self.assertFalse(Report.objects.exists())

    def test_a_draft_of_another_region_is_not_found(self):
        report = self.made(by=self.orebro_coordinator, kind=ReportKind.REGION, region=self.orebro)
        self.client.force_login(self.uppsala_coordinator)
        self.assertEqual(self.client.get(report.get_absolute_url()).status_code, 404)
        self.assertEqual(self.client.get(f"/arlig-uppfoljning/{report.pk}/rapport/").status_code, 404)
        response = self.client.post(f"/arlig-uppfoljning/{report.pk}/bedomning/", {"section": "struktur", "text": "x"})
        self.assertEqual(response.status_code, 403)
        self.assertFalse(report.assessments.exists())


class ApiTests(ReportTestCase):
    def test_a_published_report_with_its_numbers_is_read_by_anyone_through_the_api(self):
        report = self.made()
        self.assertEqual(self.client.get(f"/api/v1/reports/{report.pk}").status_code, 404)
        self.assertEqual(self.client.get("/api/v1/reports").json(), [])
        making.assessment_save(report=report, section="remiss", by=self.admin, text="Svarsfrekvensen steg.")
        making.report_move(report=report, to=ReportStatus.FROZEN, by=self.admin)
        making.report_move(report=report, to=ReportStatus.PUBLISHED, by=self.admin)
        listed = self.client.get("/api/v1/reports").json()
        self.assertEqual([(r["id"], r["status"], r["scope"]) for r in listed],
                         [(report.pk, "publicerad", "hela landet")])
        detail = self.client.get(f"/api/v1/reports/{report.pk}").json()
        self.assertEqual(detail["snapshot"], report.snapshot)
        self.assertEqual(detail["assessments"], [{"section": "remiss", "author": "Nationella kansliet",
                                                  "text": "<p>Svarsfrekvensen steg.</p>"}])
        self.assertTrue(detail["pdf_url"].endswith(f"/arlig-uppfoljning/{report.pk}/rapport.pdf"))
        self.assertEqual(self.client.get(detail["xlsx_url"]).status_code, 200)
