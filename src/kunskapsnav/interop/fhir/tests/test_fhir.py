"""/fhir/: what a journal system reads, checked with fhir.resources' R4B models."""

import datetime
from unittest import mock
from urllib.parse import parse_qsl

from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.capabilitystatement import CapabilityStatement
from fhir.resources.R4B.operationoutcome import OperationOutcome
from fhir.resources.R4B.organization import Organization
from fhir.resources.R4B.plandefinition import PlanDefinition
from fhir.resources.R4B.searchparameter import SearchParameter

from kunskapsnav.interop.fhir import plandefinition, systems
from kunskapsnav.interop.fhir.registry import RESOURCE_TYPES
from kunskapsnav.knowledge import additions, content
from kunskapsnav.knowledge.models import Direction
from kunskapsnav.knowledge.tests.personas import KnowledgeTestCase, publish

SITE = "https://kunskapsnav.example"
MODELS = {"CapabilityStatement": CapabilityStatement, "PlanDefinition": PlanDefinition,
          "Organization": Organization, "SearchParameter": SearchParameter}


@override_settings(SITE_URL=SITE)
class FhirTests(KnowledgeTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.addition = additions.addition_save(by=cls.orebro_coordinator, recommendation=cls.rec_echo,
                                               region=cls.orebro, text="Remiss till USÖ")
        cls.v2 = content.version_create_next(by=cls.npo_editor, support=cls.heart_pathway)
        content.version_update(by=cls.npo_editor, version=cls.v2, review_date=cls.v1.review_date)
        publish(cls.v2, by_editor=cls.npo_editor, by_approver=cls.sks_chair)
        cls.pathway_id = cls.heart_pathway.pk

    def get(self, path, params=None, **kwargs):
        response = self.client.get(f"/fhir/{path}", params or {}, **kwargs)
        self.assertEqual(response["Content-Type"], "application/fhir+json; charset=utf-8")
        return response

    def read(self, path, params=None):
        response = self.get(path, params)
        self.assertEqual(response.status_code, 200, response.content)
        data = response.json()
        return MODELS[data["resourceType"]].model_validate(data), data

    def search(self, type_name, params=None):
        response = self.get(type_name, params)
        self.assertEqual(response.status_code, 200, response.content)
        data = response.json()
        Bundle.model_validate(data)
        for entry in data.get("entry", []):
            MODELS[type_name].model_validate(entry["resource"])
        return data

    def refused(self, path, params=None, status=400):
        response = self.get(path, params)
        self.assertEqual(response.status_code, status, response.content)
        outcome = OperationOutcome.model_validate(response.json())
        return outcome.issue[0].diagnostics

    def ids(self, bundle):
        return [e["resource"]["id"] for e in bundle.get("entry", [])]

    # -- the capability statement ------------------------------------------------------------

    def test_the_capability_statement_states_the_registry(self):
        statement, data = self.read("metadata")
        self.assertIsInstance(statement, CapabilityStatement)
        served = {r["type"]: r for r in data["rest"][0]["resource"]}
        self.assertEqual(set(served), set(RESOURCE_TYPES))
        params = {p["name"]: p for p in served["PlanDefinition"]["searchParam"]}
        self.assertEqual(set(params), {"_id", "_lastUpdated", "url", "version", "status", "condition"})
        self.assertEqual(params["condition"]["type"], "token")
        definition = params["condition"]["definition"]
        self.assertEqual(definition, f"{SITE}/fhir/SearchParameter/PlanDefinition-condition")
        parameter, _ = self.read(definition.removeprefix(f"{SITE}/fhir/"))
        self.assertEqual((parameter.code, parameter.base), ("condition", ["PlanDefinition"]))

    def test_every_search_parameter_the_statement_names_is_answered(self):
        _statement, data = self.read("metadata")
        samples = {"token": "x", "uri": "http://x", "date": "ge2020-01-01", "reference": "Organization/region-18"}
        samples_by_name = {"version": "1", "status": "active", "active": "true", "condition": "I50"}
        for resource in data["rest"][0]["resource"]:
            for param in resource["searchParam"]:
                value = samples_by_name.get(param["name"], samples[param["type"]])
                if (resource["type"], param["name"]) == ("MeasureReport", "status"):
                    value = "complete"
                self.search(resource["type"], {param["name"]: value})

    # -- PlanDefinition ------------------------------------------------------------------------

    def test_a_published_version_is_an_active_plan_definition_with_cpg_actions(self):
        plan, data = self.read(f"PlanDefinition/{self.pathway_id}-2")
        self.assertEqual((plan.status, plan.version, plan.title), ("active", "2", "Hjärtsvikt – nydebuterad"))
        self.assertEqual(plan.url, f"{SITE}/kunskapsstod/{self.pathway_id}/")
        self.assertEqual(plan.publisher, str(self.heart_npo))
        self.assertEqual(plan.description, "Vårdförlopp för personer med nydebuterad hjärtsvikt.")
        self.assertEqual(data["relatedArtifact"], [{"type": "predecessor", "resource": f"{plan.url}|1",
                                                    "display": "Version 1"}])
        contexts = {(c["code"]["code"], c["valueCodeableConcept"]["coding"][0]["code"]) for c in data["useContext"]}
        self.assertEqual(contexts, {("user", "vardpersonal"), ("focus", "I50")})
        echo, drug, dont = data["action"]
        self.assertEqual(echo["id"], str(self.rec_echo.key))
        self.assertEqual(echo["description"], "Vid misstänkt hjärtsvikt ska ekokardiografi göras inom fyra veckor.")
        self.assertEqual([(i["type"], i["codeFilter"][0]["code"][0]["system"], i["codeFilter"][0]["code"][0]["code"])
                          for i in echo["input"]],
                         [("Condition", systems.ICD10SE, "I50.9"), ("Procedure", systems.KVA, "FGC10")])
        self.assertEqual(echo["condition"][0]["kind"], "applicability")
        extensions = {e["url"]: e["valueCodeableConcept"]["coding"][0] for e in echo["extension"]}
        self.assertEqual(extensions[systems.STRENGTH_EXTENSION]["code"], "2")
        self.assertEqual(extensions[systems.DIRECTION_EXTENSION]["code"], "for")
        drug_strength = {e["url"]: e["valueCodeableConcept"]["coding"][0] for e in drug["extension"]}
        self.assertEqual(drug_strength[systems.STRENGTH_EXTENSION],
                         {"system": systems.RECOMMENDATION_STRENGTH, "code": "strong", "display": "Strong"})
        self.assertEqual(drug["input"][0]["codeFilter"][0]["code"][0]["system"], systems.ATC)
        dont_direction = {e["url"]: e["valueCodeableConcept"]["coding"][0]["code"] for e in dont["extension"]}
        self.assertEqual(dont_direction[systems.DIRECTION_EXTENSION], "against")

    def test_a_replaced_version_is_retired(self):
        plan, _data = self.read(f"PlanDefinition/{self.pathway_id}-1")
        self.assertEqual((plan.status, plan.version), ("retired", "1"))

    def test_a_region_addition_is_a_derived_plan_definition(self):
        plan, data = self.read(f"PlanDefinition/{self.pathway_id}-2-18")
        self.assertEqual(plan.publisher, "Region Örebro län")
        self.assertEqual(data["relatedArtifact"][0]["type"], "derived-from")
        self.assertEqual(data["relatedArtifact"][0]["resource"], f"{SITE}/kunskapsstod/{self.pathway_id}/|2")
        self.assertEqual([(a["id"], a["description"]) for a in data["action"]],
                         [(str(self.rec_echo.key), "Remiss till USÖ")])
        self.refused(f"PlanDefinition/{self.pathway_id}-2-12", status=404)

    def test_drafts_and_remiss_versions_are_not_served(self):
        guideline = self.heart_guideline.pk
        self.assertIn("finns inte", self.refused(f"PlanDefinition/{guideline}-1", status=404))
        every = self.search("PlanDefinition", {"_count": "100"})
        # Versions 1 and 2, and Örebro's addition on each (written on 1, kept by identity in 2).
        self.assertEqual(every["total"], 4)
        self.assertNotIn(f"{guideline}-1", self.ids(every))
        v3 = content.version_create_next(by=self.npo_editor, support=self.heart_pathway)
        self.refused(f"PlanDefinition/{self.pathway_id}-{v3.number}", status=404)

    def test_search_by_url_version_status_and_id(self):
        url = f"{SITE}/kunskapsstod/{self.pathway_id}/"
        self.assertEqual(self.ids(self.search("PlanDefinition", {"url": url})),  # not the regional ones
                         [f"{self.pathway_id}-1", f"{self.pathway_id}-2"])
        self.assertEqual(self.ids(self.search("PlanDefinition", {"url": url, "version": "2"})),
                         [f"{self.pathway_id}-2"])
        self.assertEqual(self.ids(self.search("PlanDefinition", {"status": "retired"})),
                         [f"{self.pathway_id}-1", f"{self.pathway_id}-1-18"])
        either = f"{self.pathway_id}-2-18,{self.pathway_id}-1"
        self.assertEqual(self.ids(self.search("PlanDefinition", {"_id": either})),
                         [f"{self.pathway_id}-1", f"{self.pathway_id}-2-18"])

    def test_condition_search_finds_codes_below_the_one_asked_for(self):
        self.assertEqual(len(self.search("PlanDefinition", {"condition": "I50"})["entry"]), 4)
        self.assertEqual(len(self.search("PlanDefinition", {"condition": "I50.9"})["entry"]), 4)
        self.assertEqual(self.search("PlanDefinition", {"condition": "I48"})["total"], 0)
        self.assertEqual(self.search("PlanDefinition", {"condition": f"{systems.ATC}|C09"})["total"], 4)
        self.assertEqual(self.search("PlanDefinition", {"condition": f"{systems.KVA}|C09"})["total"], 0)
        self.assertIn("Okänt kodverk", self.refused("PlanDefinition", {"condition": "http://example.org|I50"}))

    def test_condition_search_matches_codes_without_their_dots_as_the_search_box_does(self):
        self.assertEqual(self.search("PlanDefinition", {"condition": "I509"})["total"], 4)
        self.assertEqual(self.search("PlanDefinition", {"condition": "i50"})["total"], 4)
        self.assertEqual(self.search("PlanDefinition", {"condition": f"{systems.ICD10SE}|I50.9"})["total"], 4)

    def test_a_changed_condition_of_the_support_is_found_at_once(self):
        self.assertEqual(self.search("PlanDefinition", {"condition": "I63"})["total"], 0)
        content.support_update(by=self.npo_editor, support=self.heart_pathway, conditions=["I63.9"])
        found = self.search("PlanDefinition", {"condition": "I63"})
        self.assertEqual(sorted(self.ids(found)), sorted([f"{self.pathway_id}-1", f"{self.pathway_id}-2",
                                                          f"{self.pathway_id}-1-18", f"{self.pathway_id}-2-18"]))

    def test_a_code_is_letters_digits_and_dots(self):
        for code in (".", "I-50", "I50*", "I50 OR"):
            self.assertIn("En kod består av", self.refused("PlanDefinition", {"condition": code}), code)

    def test_many_matches_give_the_same_answer_as_few(self):
        # Up to MATCHES_AS_LIST matches are read from the index as a list, more stay a subquery.
        self.publish_next()
        self.publish_next()  # four national versions of one support: a window can cut a support's group
        searches = [{"condition": "I50", "_count": "2"}, {"condition": "I50,C09"}, {"condition": "I48"},
                    {"condition": f"{systems.ATC}|C09"}, {"condition": "I50", "status": "retired"},
                    *({"condition": "I50", "_count": str(count), "_offset": str(offset)}
                      for count in (1, 3) for offset in range(8))]
        as_list = [self.search("PlanDefinition", params) for params in searches]
        with mock.patch.object(plandefinition, "MATCHES_AS_LIST", 0):
            as_subquery = [self.search("PlanDefinition", params) for params in searches]
        for params, listed, subqueried in zip(searches, as_list, as_subquery, strict=True):
            self.assertEqual((self.ids(listed), listed["total"]), (self.ids(subqueried), subqueried["total"]), params)
        self.assertEqual(as_list[0]["total"], 8)  # four national versions, and Örebro's addition on each

    def test_last_updated_takes_prefixes(self):
        now = timezone.now()
        later = (now + datetime.timedelta(days=2)).date().isoformat()
        earlier = (now - datetime.timedelta(days=2)).date().isoformat()
        self.assertEqual(self.search("PlanDefinition", {"_lastUpdated": f"ge{earlier}"})["total"], 4)
        self.assertEqual(self.search("PlanDefinition", {"_lastUpdated": f"ge{later}"})["total"], 0)
        both = self.client.get("/fhir/PlanDefinition", {"_lastUpdated": [f"ge{earlier}", f"le{later}"]}).json()
        self.assertEqual(both["total"], 4)
        self.assertEqual(self.search("PlanDefinition", {"_lastUpdated": f"lt{earlier}T10:00:00Z"})["total"], 0)

    def test_pages_link_to_the_next_and_previous(self):
        first = self.search("PlanDefinition", {"_count": "2", "status": "active,retired"})
        self.assertEqual((first["total"], len(first["entry"])), (4, 2))
        links = {link["relation"]: link["url"] for link in first["link"]}
        self.assertNotIn("previous", links)
        self.assertTrue(links["next"].startswith(f"{SITE}/fhir/PlanDefinition?"))
        second = self.search("PlanDefinition", dict(parse_qsl(links["next"].split("?", 1)[1])))
        self.assertEqual(len(second["entry"]), 2)
        second_links = {link["relation"] for link in second["link"]}
        self.assertEqual(second_links, {"self", "first", "previous"})  # the last page has no next
        self.assertEqual(set(self.ids(first)) | set(self.ids(second)),
                         {f"{self.pathway_id}-1", f"{self.pathway_id}-1-18", f"{self.pathway_id}-2",
                          f"{self.pathway_id}-2-18"})

    def publish_next(self):
        version = content.version_create_next(by=self.npo_editor, support=self.heart_pathway)
        content.version_update(by=self.npo_editor, version=version, review_date=self.v1.review_date)
        publish(version, by_editor=self.npo_editor, by_approver=self.sks_chair)

    def queries(self, params) -> list[str]:
        with CaptureQueriesContext(connection) as captured:
            self.search("PlanDefinition", params)
        # Not reads: a code search turns PostgreSQL's sequential scans off and on again around
        # its statements (knowledge.search.planned_with_indexes).
        return [q["sql"] for q in captured.captured_queries if "set_config('enable_seqscan'" not in q["sql"]]

    def test_a_search_page_costs_the_same_queries_whatever_its_size_and_the_number_of_versions(self):
        self.publish_next()
        self.publish_next()  # versions 1–4: four national PlanDefinitions before the regional ones
        self.search("PlanDefinition")
        one = self.queries({"_count": "1", "status": "active,retired"})
        three = self.queries({"_count": "3", "status": "active,retired"})
        self.assertEqual(len(one), len(three))
        # The page is read from the database, not cut from every version read into memory.
        self.assertTrue(any("supportversion" in sql and "LIMIT" in sql for sql in three))
        self.publish_next()
        self.assertEqual(len(self.queries({"_count": "1", "status": "active,retired"})), len(one))

    def test_a_condition_search_costs_a_few_queries_whatever_its_page_size(self):
        self.publish_next()  # versions 1–3 with the code: three national PlanDefinitions with actions
        self.search("PlanDefinition", {"condition": "I50"})
        one = self.queries({"_count": "1", "condition": "I50"})
        two = self.queries({"_count": "2", "condition": "I50"})
        # The recommendations and their codes are read once for the page, not per version or
        # action (both pages end before the three national ones do: the same path through _search).
        self.assertEqual(len(one), len(two), "\n".join(two))
        self.assertLessEqual(len(two), 15, "\n".join(two))
        actions = [a for e in self.search("PlanDefinition", {"_count": "3", "condition": "I50"})["entry"]
                   for a in e["resource"].get("action", [])]
        self.assertTrue(any(a.get("input") for a in actions))

    def test_the_labels_of_actions_follow_the_language_once_kept(self):
        for language, label in (("sv", "Gör"), ("en", "Do"), ("sv", "Gör")):
            with translation.override(language):
                code = plandefinition._direction_code(Direction.DO, translation.get_language())
                self.assertEqual(code["text"], label)
                extensions = plandefinition._grade_extensions(None, "", Direction.DO, translation.get_language())
                self.assertEqual(extensions[-1]["valueCodeableConcept"]["text"], label)

    def test_plan_definitions_and_bundles_are_served_exactly_as_their_models_write_them(self):
        # PlanDefinitions are not run through the model per request: what is built must be its output.
        for path in (f"PlanDefinition/{self.pathway_id}-2", f"PlanDefinition/{self.pathway_id}-1-18"):
            _plan, data = self.read(path)
            self.assertEqual(PlanDefinition.model_validate(data).model_dump(mode="json"), data)
        for type_name in ("PlanDefinition", "Organization"):
            bundle = self.search(type_name, {"_count": "5"})
            self.assertEqual(Bundle.model_validate(bundle).model_dump(mode="json"), bundle)

    def test_the_national_plan_definitions_come_before_the_regional_ones(self):
        self.assertEqual(self.ids(self.search("PlanDefinition", {"_count": "100"})),
                         [f"{self.pathway_id}-1", f"{self.pathway_id}-2",
                          f"{self.pathway_id}-1-18", f"{self.pathway_id}-2-18"])

    def test_total_none_makes_no_count_and_still_links_the_next_page(self):
        with CaptureQueriesContext(connection) as captured:
            first = self.search("PlanDefinition", {"_count": "3", "_total": "none"})
        self.assertNotIn("total", first)
        self.assertFalse(any("COUNT(" in q["sql"].upper() for q in captured.captured_queries))
        self.assertEqual(len(first["entry"]), 3)
        links = {link["relation"]: link["url"] for link in first["link"]}
        last = self.search("PlanDefinition", dict(parse_qsl(links["next"].split("?", 1)[1])))
        self.assertEqual((len(last["entry"]), "total" in last), (1, False))
        self.assertNotIn("next", {link["relation"] for link in last["link"]})
        self.assertEqual(self.search("PlanDefinition", {"_total": "accurate"})["total"], 4)
        self.assertEqual(self.search("PlanDefinition", {"_total": "estimate", "_count": "1"})["total"], 4)
        self.assertIn("Okänt värde", self.refused("PlanDefinition", {"_total": "maybe"}))

    def test_pretty_and_json_formats_are_accepted_and_xml_is_not(self):
        pretty = self.get("PlanDefinition", {"_pretty": "true", "_count": "1"})
        self.assertIn('\n  "resourceType"', pretty.content.decode())
        self.assertNotIn("\n", self.get("PlanDefinition", {"_pretty": "false", "_count": "1"}).content.decode())
        for fhir_format in ("json", "application/json", "application/fhir+json; charset=utf-8"):
            self.read(f"PlanDefinition/{self.pathway_id}-2", {"_format": fhir_format, "_pretty": "true"})
        self.read("metadata", {"_format": "application/fhir+json", "_pretty": "true"})
        self.refused("PlanDefinition", {"_format": "application/fhir+xml"}, status=406)
        self.refused(f"PlanDefinition/{self.pathway_id}-2", {"_format": "xml"}, status=406)
        self.assertIn("Okänt värde", self.refused("PlanDefinition", {"_pretty": "ja"}))
        self.assertIn("Okänd sökparameter", self.refused(f"PlanDefinition/{self.pathway_id}-2", {"_total": "none"}))
        _statement, data = self.read("metadata")
        self.assertLessEqual({"_count", "_offset", "_summary", "_format", "_pretty", "_total"},
                             {p["name"] for p in data["rest"][0]["searchParam"]})

    def test_summary_leaves_out_the_actions(self):
        bundle = self.search("PlanDefinition", {"_summary": "true", "_id": f"{self.pathway_id}-2"})
        resource = bundle["entry"][0]["resource"]
        self.assertNotIn("action", resource)
        self.assertEqual(resource["meta"]["tag"][0]["code"], "SUBSETTED")
        _plan, read = self.read(f"PlanDefinition/{self.pathway_id}-2", {"_summary": "true"})
        self.assertNotIn("relatedArtifact", read)
        self.assertEqual(read["title"], "Hjärtsvikt – nydebuterad")

    # -- Organization --------------------------------------------------------------------------

    def test_regions_carry_their_county_code_and_sjukvardsregion(self):
        region, data = self.read("Organization/region-18")
        self.assertEqual(region.name, "Region Örebro län")
        self.assertEqual(data["identifier"], [{"system": systems.COUNTY_CODE, "value": "18"}])
        self.assertEqual(data["partOf"]["reference"], f"Organization/sjukvardsregion-{self.mellansverige.code}")
        self.read(f"Organization/sjukvardsregion-{self.mellansverige.code}")
        found = self.search("Organization", {"identifier": f"{systems.COUNTY_CODE}|18"})
        self.assertEqual(self.ids(found), ["region-18"])

    def test_municipalities_and_bodies_are_organizations(self):
        _kommun, data = self.read("Organization/kommun-1880")
        self.assertEqual(data["identifier"], [{"system": systems.MUNICIPALITY_CODE, "value": "1880"}])
        _lpo, lpo = self.read(f"Organization/organ-{self.orebro_lpo.pk}")
        self.assertEqual(lpo["partOf"]["reference"], "Organization/region-18")
        in_orebro = self.search("Organization", {"partof": "Organization/region-18", "_count": "100"})
        self.assertIn(f"organ-{self.orebro_lpo.pk}", self.ids(in_orebro))
        self.assertNotIn(f"organ-{self.uppsala_lpo.pk}", self.ids(in_orebro))
        every = self.search("Organization", {"_count": "0"})
        self.assertNotIn("entry", every)
        self.assertGreater(every["total"], 300)

    # -- refusals ------------------------------------------------------------------------------

    def test_unknown_parameters_and_bad_values_are_refused_in_swedish(self):
        self.assertIn("Okänd sökparameter", self.refused("PlanDefinition", {"title": "x"}))
        self.assertIn("Okänd sökparameter", self.refused("PlanDefinition", {"status:not": "active"}))
        self.assertIn("heltal", self.refused("PlanDefinition", {"_count": "1000"}))
        self.assertIn("heltal", self.refused("PlanDefinition", {"_count": "-1"}))
        self.assertIn("heltal", self.refused("PlanDefinition", {"version": "9" * 30}))
        self.assertIn("ÅÅÅÅ-MM-DD", self.refused("PlanDefinition", {"_lastUpdated": "igår"}))
        self.assertIn("finns inte", self.refused("PlanDefinition", {"_lastUpdated": "2026-02-30"}))
        # The site's middleware refuses a NUL anywhere in the address before any view; here
        # too as an OperationOutcome.
        self.assertIn("NUL", self.refused("PlanDefinition", {"url": "a\x00b"}))
        self.assertIn("NUL", self.refused("PlanDefinition/a\x00b"))
        self.assertIn("för långt", self.refused("PlanDefinition", {"url": "x" * 500}))
        self.assertIn("Okänt värde", self.refused("PlanDefinition", {"status": "published"}))
        self.assertIn("id", self.refused("PlanDefinition", {"_id": "a_b"}))
        self.assertIn("Okänd sökparameter", self.refused(f"PlanDefinition/{self.pathway_id}-2", {"version": "1"}))
        self.refused("metadata", {"_format": "xml"}, status=406)

    def test_unknown_ids_types_and_addresses_are_404_outcomes(self):
        self.refused("PlanDefinition/999999-1", status=404)
        self.refused(f"PlanDefinition/{'9' * 40}-{'9' * 40}", status=404)
        self.refused("PlanDefinition/not_an_id", status=404)
        self.refused("Organization/region-99", status=404)
        self.assertIn("Patient", self.refused("Patient", status=404))
        self.refused("PlanDefinition/1/_history", status=404)
        self.refused("", status=404)

    def test_writes_are_405_outcomes(self):
        response = self.client.post("/fhir/PlanDefinition", data="{}", content_type="application/fhir+json")
        self.assertEqual(response.status_code, 405)
        self.assertEqual(response["Allow"], "GET, HEAD")
        OperationOutcome.model_validate(response.json())
        self.assertEqual(self.client.delete(f"/fhir/PlanDefinition/{self.pathway_id}-2").status_code, 405)
