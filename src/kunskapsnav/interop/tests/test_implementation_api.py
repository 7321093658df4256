import json

from kunskapsnav.interop.tests.api_client import ApiCalls
from kunskapsnav.implementation import work
from kunskapsnav.implementation.tests.personas import ImplementationTestCase


class ImplementationApiTests(ApiCalls, ImplementationTestCase):
    def test_the_matrix_shows_every_stage_to_the_national_side_and_hides_unshared_work_from_others(self):
        rows = self.call("get", "/implementation-matrix", self.npo_editor).json()
        self.assertEqual([c["stage"] for c in rows[0]["cells"]], ["kartlaggning"] * 21)
        anonymous = self.call("get", "/implementation-matrix").json()
        self.assertTrue(all(c["hidden"] and c["stage"] is None for c in anonymous[0]["cells"]))
        work.sharing_set(by=self.orebro_coordinator, adoption=self.orebro_adoption, public=True)
        cells = {c["region"]: c for c in self.call("get", "/implementation-matrix").json()[0]["cells"]}
        self.assertEqual((cells["18"]["stage"], cells["18"]["hidden"]), ("kartlaggning", False))
        mellan = self.call("get", "/implementation-matrix?healthcare_region=mellansverige", self.admin).json()
        self.assertEqual(len(mellan[0]["cells"]), 7)

    def test_an_adoption_is_read_by_the_region_and_the_national_side_only(self):
        path = f"/adoptions/{self.orebro_adoption.pk}"
        data = self.call("get", path, self.chair).json()
        self.assertEqual(data["responsible"], ["LPO hjärta"])
        self.assertEqual(len(data["gap_rows"]), 3)
        self.assertEqual(self.call("get", path, self.analyst).status_code, 200)
        self.assertEqual(self.call("get", path, self.uppsala_coordinator).status_code, 403)
        self.assertEqual(self.call("get", path).status_code, 403)
        listed = self.call("get", "/adoptions?region=18", self.uppsala_coordinator).json()
        self.assertEqual(listed, [])

    def test_a_stale_gap_row_is_refused_with_409_and_the_current_row(self):
        row = self.orebro_adoption.gap_rows.first()
        first = self.call("patch", f"/gap-rows/{row.pk}", self.chair,
                          {"row_version": row.row_version, "gap": "stort", "municipalities": ["1880"]})
        self.assertEqual(first.status_code, 200, first.content)
        self.assertEqual(first.json()["municipalities"], ["1880"])
        stale = self.call("patch", f"/gap-rows/{row.pk}", self.member, {"row_version": row.row_version, "gap": "ingen"})
        self.assertEqual(stale.status_code, 409)
        self.assertEqual(stale.json()["current"]["gap"], "stort")
        bad = self.call("patch", f"/gap-rows/{row.pk}", self.member,
                        {"row_version": stale.json()["current"]["row_version"], "municipalities": ["0380"]})
        self.assertEqual(bad.status_code, 422)
        self.assertIn("ligger inte i Region Örebro län", json.dumps(bad.json(), ensure_ascii=False))

    def test_moves_follow_the_stage_table(self):
        response = self.call("post", f"/adoptions/{self.orebro_adoption.pk}/transitions", self.orebro_coordinator,
                             {"to": "implementering"})
        self.assertEqual(response.status_code, 422)
        response = self.call("post", f"/adoptions/{self.orebro_adoption.pk}/transitions", self.orebro_coordinator,
                             {"to": "ej_aktuell", "note": "Vården ges inte i regionen."})
        self.assertEqual(response.json()["stage"], "ej_aktuell")
