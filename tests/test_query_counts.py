"""The heavy public pages ask the database a fixed number of times, however many supports,
recommendations, adoptions and indicator values there are: each page is counted on the data
set of the personas, then on one with more of everything, and the count is pinned. A page
whose count grows with the rows asks once per row somewhere (an N+1): fix the query, do not
raise the pin."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from kunskapsnav.implementation import work
from kunskapsnav.implementation.models import Adoption
from kunskapsnav.implementation.tests.personas import ImplementationTestCase
from kunskapsnav.indicators import imports, runs
from kunskapsnav.knowledge import additions, content
from kunskapsnav.knowledge.models import CodeSystem, SupportType
from kunskapsnav.knowledge.tests.personas import REVIEW, publish

INDICATOR = "STROKE-ANTITROMB"
COUNTIES = ["18", "03", "01", "12", "14"]


def values_csv(periods) -> bytes:
    rows = ["indicator;geography;period;stratum;numerator;denominator"]
    rows += [f"{INDICATOR};region:{county};{period};alla;{40 + i};{60 + i}"
             for period in periods for i, county in enumerate(COUNTIES)]
    rows += [f"{INDICATOR};kommun:1880;{period};alla;30;40" for period in periods]
    return ("\n".join(rows) + "\n").encode()


class QueryCountTests(ImplementationTestCase):
    # Anonymous readers, then Region Örebro län's coordinator on the region's dashboard, on the
    # start page (what waits for them), on the support page (with Örebro's additions) and on
    # their own declarations.
    PAGES = {
        "start": "/",
        "portal": "/kunskapsstod/",
        "support": None,  # the heart pathway, filled in below
        "search": "/kunskapsstod/sok/?q=hj%C3%A4rtsvikt",
        "matrix": "/inforande/matris/",
        "indicator": f"/uppfoljning/{INDICATOR}/",
    }
    PINNED = {
        "start": 2,
        "portal": 5,
        "support": 14,  # 2 of them the uptake in the journals (recommendations, counts)
        "matrix": 5,
        "indicator": 8,
        "region dashboard": 11,
        "coordinator start": 26,
        "coordinator support": 24,
        "coordinator declarations": 9,
    }
    # Search has a backend per database (knowledge/search.py): PostgreSQL's full-text query
    # and SQLite's FTS5 table ask differently.
    SEARCH = {"sqlite": 4, "postgresql": 6}

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        runs.definitions_sync()
        imports.values_import(by=cls.analyst, file_name="v.csv", data=values_csv([2023]))

    def count(self, url, user=None):
        self.client.logout()
        if user is not None:
            self.client.force_login(user)
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(url)
        self.assertEqual(response.status_code, 200, url)
        return len(queries)

    def counts(self) -> dict:
        pages = {**self.PAGES, "support": f"/kunskapsstod/{self.heart_pathway.pk}/"}
        found = {name: self.count(url) for name, url in pages.items()}
        found["region dashboard"] = self.count("/inforande/region/18/", user=self.orebro_coordinator)
        found["coordinator start"] = self.count("/", user=self.orebro_coordinator)
        found["coordinator support"] = self.count(pages["support"], user=self.orebro_coordinator)
        found["coordinator declarations"] = self.count("/organisation/jav/", user=self.orebro_coordinator)
        return found

    def more_data(self):
        """Three more published supports of the same NPO (each adopted by every region, Örebro's
        adoptions with a review cadence), with recommendations, codes and an addition by Örebro,
        and more indicator values."""
        for n in range(3):
            support = content.support_create(
                by=self.npo_editor, type=SupportType.CARE_PATHWAY, title=f"Hjärtsvikt fördjupning {n}",
                issuer_body=self.heart_npo, owning_body=self.heart_npo, target_groups=[self.clinicians],
                conditions=["I50", "I11"], summary="<p>Hjärtsvikt i fler led.</p>", review_date=REVIEW)
            version = support.versions.get(number=1)
            for i in range(3):
                rec = content.recommendation_create(
                    by=self.npo_editor, version=version, section=f"Del {i}",
                    text=f"<p>Hjärtsvikt: rekommendation {i}.</p>", priority=i + 1,
                    codes=[(CodeSystem.ICD10SE, "I50.9"), (CodeSystem.ATC, "C09AA")])
            publish(version, by_editor=self.npo_editor, by_approver=self.sks_chair)
            work.review_plan(by=self.orebro_coordinator, every_months=6,
                             adoption=Adoption.objects.get(version=version, region=self.orebro))
            additions.addition_save(by=self.orebro_coordinator, recommendation=rec, region=self.orebro,
                                    text="<p>I Örebro: remiss till hjärtsviktsmottagningen.</p>")
        additions.addition_save(by=self.orebro_coordinator, recommendation=self.rec_echo, region=self.orebro,
                                text="<p>I Örebro: eko på USÖ.</p>")
        imports.values_import(by=self.analyst, file_name="w.csv", data=values_csv([2024, 2025]))

    def test_each_heavy_page_asks_a_fixed_number_of_times_whatever_the_rows(self):
        small = self.counts()
        self.more_data()
        large = self.counts()
        self.assertEqual(large, small, "a page's count grew with the rows")
        self.assertEqual(small, {**self.PINNED, "search": self.SEARCH[connection.vendor]})
