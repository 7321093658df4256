"""Shared setup: the heart pathway's do-not recommendation (NSAID at heart failure, published,
adopted by every region), the shipped indicator definitions, and imported values of the
low-value-care indicator LV-BENSO-75: Örebro with two years and a monthly series, Uppsala
with two more regions for the funnel plot, and Skåne from too few people (suppressed)."""

from kunskapsnav.indicators import imports, runs
from kunskapsnav.knowledge.models import CodeSystem
from kunskapsnav.knowledge.tests.personas import KnowledgeTestCase
from kunskapsnav.lowvalue import practices
from kunskapsnav.lowvalue.models import Source

ROWS = [
    "LV-BENSO-75;region:18;2023;alla;60;400", "LV-BENSO-75;region:18;2024;alla;40;400",
    "LV-BENSO-75;region:03;2024;alla;30;300", "LV-BENSO-75;region:01;2024;alla;90;900",
    "LV-BENSO-75;region:05;2024;alla;20;250", "LV-BENSO-75;region:12;2024;alla;1;3",
    "LV-BENSO-75;riket;2024;alla;181;1853",
] + [f"LV-BENSO-75;region:18;2024-{m:02d};alla;{3 + m % 3};40" for m in range(1, 13)]
CSV = "indicator;geography;period;stratum;numerator;denominator\n" + "\n".join(ROWS) + "\n"


def practice_values(**changes) -> dict:
    return {"title": "NSAID vid hjärtsvikt", "source": Source.NATIONAL_DO_NOT, "practice_system": CodeSystem.ATC,
            "practice_code": "m01a", "condition": "Hjärtsvikt", "condition_code": "i50",
            "rationale": "Förvärrar hjärtsvikten.", "link": "https://example.se/icke-gora"} | changes


class LowValueTestCase(KnowledgeTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        runs.definitions_sync()
        report = imports.values_import(by=cls.analyst, data=CSV.encode("utf-8"), file_name="lagvarde.csv")
        assert report.ok, report.errors
        cls.practice = practices.practice_create(by=cls.admin, **practice_values())
        practices.practice_links_set(by=cls.admin, practice=cls.practice, recommendation_keys=[cls.rec_dont.key],
                                     indicator_codes=["LV-BENSO-75"])
