import csv
import io

from django.urls import reverse
from django.utils import timezone

from kunskapsnav.implementation import permissions, stages, work
from kunskapsnav.implementation.models import Gap, Stage
from kunskapsnav.knowledge import content
from kunskapsnav.organisation import memberships
from kunskapsnav.organisation.models import Role

from .personas import ImplementationTestCase


class PageTests(ImplementationTestCase):
    def test_the_region_dashboard_shows_stage_responsible_and_missing_responsibility(self):
        self.client.force_login(self.orebro_coordinator)
        page = self.client.get(reverse("implementation:region", args=["18"])).content.decode()
        self.assertIn("Hjärtsvikt – nydebuterad", page)
        self.assertIn("LPO hjärta", page)
        self.assertIn("Kartläggning", page)
        page = self.client.get(reverse("implementation:region", args=["03"])).content.decode()
        self.assertNotIn("Hjärtsvikt", page)  # Uppsala's work is not Örebro's to see
        self.client.force_login(self.uppsala_coordinator)
        page = self.client.get(reverse("implementation:region", args=["03"])).content.decode()
        self.assertIn("Ingen ansvarig", page)

    def test_the_national_matrix_shows_stage_as_text_and_hides_unshared_work(self):
        self.client.force_login(self.npo_editor)
        page = self.client.get(reverse("implementation:matrix")).content.decode()
        self.assertEqual(page.count("stage-kartlaggning"), 21)
        self.client.force_login(self.uppsala_coordinator)
        page = self.client.get(reverse("implementation:matrix")).content.decode()
        self.assertEqual(page.count("stage-kartlaggning"), 1)  # Uppsala's own
        self.assertEqual(page.count("stage-hidden"), 20)
        response = self.client.get(reverse("implementation:matrix_csv"), {"healthcare_region": "mellansverige"})
        table = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
        self.assertEqual(table[0][:3], ["Kunskapsstöd", "Version", "Region Uppsala"])
        self.assertEqual(table[1][:4], ["Hjärtsvikt – nydebuterad", "1", "Kartläggning", "ej delat"])

    def test_the_matrix_cells_keep_the_stage_as_a_short_name_spelled_out_in_the_legend(self):
        self.client.force_login(self.npo_editor)
        page = self.client.get(reverse("implementation:matrix")).content.decode()
        # the link's name begins with what it shows (WCAG 2.5.3) and says the rest to a screen reader
        self.assertEqual(page.count('<abbr title="Kartläggning">Kartl.</abbr><span class="visually-hidden"> '), 21)
        self.assertIn('<abbr title="Implementering">Impl.</abbr> = Implementering', page)
        self.assertIn('class="scroll matrix-scroll"', page)

    def test_the_matrix_csv_writes_a_title_that_begins_like_a_formula_as_text(self):
        hostile = "@SUM(1+1)*cmd|' /C calc'!A0"
        content.support_update(by=self.admin, support=self.heart_pathway, title=hostile)
        self.client.force_login(self.npo_editor)
        response = self.client.get(reverse("implementation:matrix_csv"), {"healthcare_region": "mellansverige"})
        table = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
        self.assertEqual(table[1][:3], ["'" + hostile, "1", "Kartläggning"])

    def test_someone_elses_adoption_is_refused_until_shared(self):
        url = self.orebro_adoption.get_absolute_url()
        self.client.force_login(self.uppsala_coordinator)
        self.assertEqual(self.client.get(url).status_code, 403)
        work.sharing_set(by=self.orebro_coordinator, adoption=self.orebro_adoption, public=True)
        self.assertEqual(self.client.get(url).status_code, 200)

    def test_naming_oneself_a_regions_contact_in_an_npo_opens_no_other_regions_work(self):
        # Any coordinator names their region's contact person in a national body; a contact
        # is no member of it, so it does not make the coordinator one of the national side.
        memberships.membership_create(by=self.uppsala_coordinator, body=self.lung_npo,
                                      person=self.uppsala_coordinator.person, role=Role.CONTACT,
                                      represents_region=self.uppsala, start_date=timezone.localdate())
        self.client.force_login(self.uppsala_coordinator)
        self.assertEqual(self.client.get(self.orebro_adoption.get_absolute_url()).status_code, 403)
        self.assertFalse(permissions.is_national_side(self.uppsala_coordinator))

    def test_a_shared_adoption_names_its_participants_and_who_acted_only_to_people_who_work_in_the_system(self):
        from kunskapsnav.organisation.tests.personas import make_person

        patient = make_person(by=self.orebro_coordinator, region=self.orebro, given="Pia", family="Patientsson")
        work.participant_add(by=self.orebro_coordinator, adoption=self.orebro_adoption, person=patient,
                             kind="patient")
        stages.adoption_move(by=self.orebro_coordinator, adoption=self.orebro_adoption, to=Stage.NOT_RELEVANT,
                             note="Ges inte här")
        work.sharing_set(by=self.orebro_coordinator, adoption=self.orebro_adoption, public=True)
        url = self.orebro_adoption.get_absolute_url()
        public = self.client.get(url)
        self.assertEqual(public.status_code, 200)
        self.assertNotContains(public, "Patientsson")
        self.assertContains(public, "1 företrädare deltar.")
        self.assertNotContains(public, "orebro_coordinator")
        self.client.force_login(self.outsider)
        inside = self.client.get(url)
        self.assertContains(inside, "Pia Patientsson")
        self.assertContains(inside, "orebro_coordinator")

    def form_data(self, rows, **changes):
        data = {"rad-TOTAL_FORMS": str(len(rows)), "rad-INITIAL_FORMS": str(len(rows))}
        for i, row in enumerate(rows):
            data |= {f"rad-{i}-row": row.pk, f"rad-{i}-row_version": row.row_version,
                     f"rad-{i}-current_practice": row.current_practice, f"rad-{i}-gap": row.gap,
                     f"rad-{i}-units": row.units, f"rad-{i}-proposed_actions": row.proposed_actions,
                     f"rad-{i}-within_unit_budget": "unknown"}
        for key, value in changes.items():
            data[key.replace("_", "-", 2) if key.startswith("rad_") else key] = value
        return data

    def test_two_editors_of_one_gap_analysis_lose_nothing(self):
        url = reverse("implementation:gap_analysis", args=[self.orebro_adoption.pk])
        rows = list(self.orebro_adoption.gap_rows.all())
        # Both open the form; the chair saves first.
        self.client.force_login(self.chair)
        first = self.form_data(rows) | {"rad-0-current_practice": "Ordförandens text", "rad-0-gap": "stort"}
        self.assertEqual(self.client.post(url, first).status_code, 302)
        self.client.force_login(self.member)
        second = self.form_data(rows) | {"rad-0-current_practice": "Ledamotens text", "rad-1-gap": "ingen"}
        response = self.client.post(url, second)
        self.assertEqual(response.status_code, 200)
        page = response.content.decode()
        self.assertIn("1 rader har ändrats av någon annan", page)
        self.assertIn("Ordförandens text", page)  # theirs, shown
        self.assertIn("Ledamotens text", page)  # mine, kept in the form
        rows = list(self.orebro_adoption.gap_rows.all())
        self.assertEqual((rows[0].current_practice, rows[1].gap), ("Ordförandens text", "ingen"))
        # Saving again (the form now carries the newer row version) keeps the member's text.
        again = {k: v for k, v in second.items()} | {"rad-0-row_version": rows[0].row_version,
                                                      "rad-1-row_version": rows[1].row_version}
        self.assertEqual(self.client.post(url, again).status_code, 302)
        self.assertEqual(self.orebro_adoption.gap_rows.first().current_practice, "Ledamotens text")

    def test_the_gap_form_says_what_is_wrong_in_swedish(self):
        url = reverse("implementation:gap_analysis", args=[self.orebro_adoption.pk])
        rows = list(self.orebro_adoption.gap_rows.all())
        self.client.force_login(self.chair)
        response = self.client.post(url, self.form_data(rows) | {"rad-0-cost_estimate": "-3", "rad-0-gap": "enorm"})
        self.assertEqual(response.status_code, 200)
        page = response.content.decode()
        self.assertIn("Det gick inte att spara", page)

    def test_the_adoption_page_routes_the_decision_and_a_new_version_is_announced(self):
        for row in self.orebro_adoption.gap_rows.all():
            work.gap_row_save(by=self.chair, row=row, based_on=row.row_version,
                              values={"gap": Gap.LARGE, "within_unit_budget": False})
        stages.adoption_move(by=self.chair, adoption=self.orebro_adoption, to=Stage.DECISION)
        self.client.force_login(self.orebro_coordinator)
        page = self.client.get(self.orebro_adoption.get_absolute_url()).content.decode()
        self.assertIn("Hälso- och sjukvårdens ledningsgrupp", page)
        self.assertIn("bereds av RMKS Region Örebro län", page)
        self.assertIn("Registrera ett beslut", page)
        self.assertIn("Ändrad: Införande av Hjärtsvikt – nydebuterad i Region Örebro län", page)  # the history
        self.assertNotIn(" as of ", page)

    def test_progress_over_time_has_a_chart_and_its_table(self):
        self.client.force_login(self.npo_editor)
        response = self.client.get(reverse("implementation:support_progress", args=[self.heart_pathway.pk]))
        self.assertEqual(response.context["spec"]["$schema"], "https://vega.github.io/schema/vega-lite/v6.4.1.json")
        self.assertEqual(len(response.context["spec"]["data"]["values"]), 21)
        self.assertContains(response, "vega-embed-7.1.0.min.js")

    def test_the_start_page_shows_the_adoptions_waiting_for_the_person(self):
        self.client.force_login(self.chair)
        page = self.client.get("/").content.decode()
        self.assertIn("Införanden ditt organ ansvarar för", page)
        self.assertIn(self.orebro_adoption.get_absolute_url(), page)
        self.client.force_login(self.orebro_coordinator)
        self.assertContains(self.client.get("/"), "Kartläggning: 1")
        self.client.force_login(self.uppsala_coordinator)
        self.assertNotContains(self.client.get("/"), self.orebro_adoption.get_absolute_url())

    def test_a_coordinator_starts_the_adoption_of_the_regions_own_routine_from_its_page(self):
        from kunskapsnav.knowledge import content, lifecycle
        from kunskapsnav.knowledge.models import SupportType

        routine = content.support_create(by=self.orebro_coordinator, type=SupportType.REGIONAL_ROUTINE,
                                         title="Rutin för hjärtsviktsmottagning", issuer_region=self.orebro,
                                         owning_body=self.orebro_lpo, review_date="2029-01-01")
        version = routine.versions.get()
        content.recommendation_create(by=self.orebro_coordinator, version=version, text="Ring patienten", priority=3)
        for to, by in (("remiss", self.orebro_coordinator), ("faststalld", self.admin),
                       ("publicerad", self.orebro_coordinator)):
            version = lifecycle.version_transition(version=version, to=to, by=by)
        self.client.force_login(self.orebro_coordinator)
        self.assertContains(self.client.get(version.get_absolute_url()), "Starta införandet i Region Örebro län")
        response = self.client.post(reverse("implementation:adoption_start", args=[version.pk, "18"]))
        adoption = version.adoptions.get()
        self.assertRedirects(response, adoption.get_absolute_url())
        page = self.client.get(version.get_absolute_url()).content.decode()
        self.assertNotIn("Starta införandet", page)
        self.assertIn("Införandet i regionerna", page)

    def test_a_follow_up_indicator_links_to_its_values_where_it_is_defined(self):
        from kunskapsnav.implementation.models import MeasureKind
        from kunskapsnav.indicators.runs import definitions_sync

        definitions_sync()
        work.measure_add(by=self.chair, adoption=self.orebro_adoption, kind=MeasureKind.INDICATOR,
                         name="RAS-blockad", indicator_code="HS-RAS")
        work.measure_add(by=self.chair, adoption=self.orebro_adoption, kind=MeasureKind.INDICATOR,
                         name="Egen indikator", indicator_code="EGEN-1")
        self.client.force_login(self.chair)
        page = self.client.get(self.orebro_adoption.get_absolute_url()).content.decode()
        self.assertIn('<a href="/uppfoljning/HS-RAS/">HS-RAS</a>', page)
        self.assertIn("(EGEN-1)", page)
