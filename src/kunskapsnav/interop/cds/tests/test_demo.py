"""The demo's curl line, run for real: curl against a live server holding the demo's
knowledge supports and its registered demo journal, with anonymous calls opened as
`kunskapsnav demo` opens them."""

import json
import subprocess
from io import StringIO
from importlib import import_module

from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import LiveServerTestCase, override_settings

from kunskapsnav.interop.cds.demo import DEMO_ISSUER, demo_curl
from kunskapsnav.interop.models import CdsClient
from kunskapsnav.knowledge import demo as knowledge_demo
from kunskapsnav.knowledge.models import TargetGroup
from kunskapsnav.organisation import bodies
from kunskapsnav.organisation.models import BodyKind, Region
from kunskapsnav.organisation.reference import reference_data_load

from .base import validate


@override_settings(CDS_ALLOW_ANONYMOUS=True)
class CdsDemoTest(LiveServerTestCase):
    def setUp(self):
        # A transactional test starts from a flushed database: the reference data and the
        # target groups (written by a migration) are put back first.
        reference_data_load()
        for code, name in import_module("kunskapsnav.knowledge.migrations.0003_target_groups").TARGET_GROUPS:
            TargetGroup.objects.update_or_create(code=code, defaults={"name": name})
        admin = get_user_model().objects.create_user(username="admin", password="demo-admin-123", national_admin=True)
        # the body the demo's regional routine belongs to (the registry demo data has it)
        bodies.body_create(by=admin, kind=BodyKind.SUPPORT_GROUP, name="Kunskapsstödsgrupp Örebro",
                           region=Region.objects.get(county_code="18"))
        knowledge_demo.demo_supports_load()
        call_command("load_cds_demo_data", stdout=open("/dev/null", "w"))

    def test_the_printed_curl_line_answers_cards_for_the_demo_patient(self):
        self.assertEqual(CdsClient.objects.get(issuer=DEMO_ISSUER).region.county_code, "18")
        line = demo_curl(self.live_server_url)
        result = subprocess.run(["sh", "-c", line], capture_output=True, text=True, timeout=60, check=True)
        answer = json.loads(result.stdout)
        validate(answer, "response")
        summaries = [card["summary"] for card in answer["cards"]]
        self.assertIn("Personer med misstänkt stroke eller TIA ska utredas akut, med datortomografi inom en timme "
                      "från ankomst.", summaries)
        self.assertTrue(any("Stroke och TIA" in s for s in summaries), summaries)

    def test_the_simulator_shows_the_cards_of_a_patient_profile(self):
        out = StringIO()
        call_command("cds_simulate", "--profile", "stroke", "--url", self.live_server_url, stdout=out)
        text = out.getvalue()
        self.assertIn("Patient: Stroke, behandlas med ASA", text)
        self.assertIn("[VARNING] Gör inte: Ge inte behandling utan dokumenterad effekt vid stroke och tia", text)
        self.assertIn("Källa: NPO nervsystemets sjukdomar (", text)
        self.assertIn("[INFO] Kunskapsstöd: Stroke och TIA", text)

    def test_the_simulator_says_when_the_server_does_not_answer(self):
        with self.assertRaisesMessage(CommandError, "svarar inte"):
            call_command("cds_simulate", "--url", "http://127.0.0.1:9", stdout=StringIO())

    def test_the_demo_journal_is_registered_once(self):
        call_command("load_cds_demo_data", stdout=open("/dev/null", "w"))
        self.assertEqual(CdsClient.objects.filter(issuer=DEMO_ISSUER).count(), 1)

    def test_the_demo_has_uptake_with_a_flag_for_orebro_and_is_loaded_once(self):
        from django.contrib.auth.models import AnonymousUser

        from kunskapsnav.knowledge import selectors
        from kunskapsnav.knowledge.models import CardFeedback, Direction, KnowledgeSupport

        stroke = selectors.valid_version(KnowledgeSupport.objects.get(title="Stroke och TIA"))
        orebro = selectors.version_uptake(AnonymousUser(), stroke, region=Region.objects.get(county_code="18"))
        self.assertEqual([i.recommendation.direction for i in orebro if i.flagged], [Direction.DO_NOT])
        self.assertTrue(all(i.region.shown > 0 and i.nation.reports > 0 for i in orebro))
        gotland = selectors.version_uptake(AnonymousUser(), stroke, region=Region.objects.get(county_code="09"))
        self.assertTrue(all(i.region.reports_suppressed and i.region.accepted is None for i in gotland))
        rows = CardFeedback.objects.count()
        call_command("load_cds_demo_data", stdout=open("/dev/null", "w"))
        self.assertEqual(CardFeedback.objects.count(), rows)
