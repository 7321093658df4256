"""Needs for tests, built through the domain functions.

Adds to the knowledge personas: the member of LPO hjärta in Örebro sends a need in the heart
NPO's area (which npo_editor triages) and one without an area (which SKS, sks_chair, triages).
"""

from kunskapsnav.knowledge.tests.personas import KnowledgeTestCase
from kunskapsnav.needs import triage

TEXTS = {
    "title": "Hjärtsvikt hos sköra äldre",
    "problem": "Regionerna följer upp hjärtsvikt hos sköra äldre på mycket olika sätt (synthetic).",
    "target_group": "Personer över 80 år med hjärtsvikt",
    "evidence": "Stor skillnad mellan regionerna i återinläggningar inom 30 dagar.",
    "existing": "Vårdförloppet hjärtsvikt gäller nydebuterad sjukdom, inte uppföljning av sköra äldre.",
    "affected": "Patienterna, hemsjukvården i kommunerna och primärvården.",
}


def submit(*, by, body=None, organisation="", area=None, **changes):
    return triage.need_submit(by=by, on_behalf_of=body, organisation=organisation, area=area, **(TEXTS | changes))


class NeedsTestCase(KnowledgeTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.heart_need = submit(by=cls.member, body=cls.orebro_lpo, area=cls.heart_npo)
        cls.open_need = submit(by=cls.member, organisation="Hjärt- och lungsjukas riksförbund (synthetic)",
                               title="Långvarig trötthet efter covid")
