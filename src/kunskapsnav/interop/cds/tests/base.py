"""The journal's side of the tests: a registered CDS client with a key pair of its own, calls
signed as CDS Hooks 2.0 prescribes, and the specification's JSON shapes
(interop/cds/schemas/, written from the specification's sections) to check answers against.

The data is the knowledge personas' (knowledge.tests.personas): the published vårdförlopp
"Hjärtsvikt – nydebuterad" (conditions I50) with ekokardiografi (priority 2, I50.9, FGC10),
ACE-hämmare (strong, C09AA) and "Ge inte NSAID" (do not, priority 1, M01A), and a draft
support on förmaksflimmer (I48)."""

import json
import time
import uuid
from pathlib import Path

import jsonschema
from joserfc import jwt
from joserfc.jwk import ECKey

from kunskapsnav.interop.cds import card_cache
from kunskapsnav.interop.fhir import systems
from kunskapsnav.interop.models import CdsClient
from kunskapsnav.knowledge import additions
from kunskapsnav.knowledge.tests.personas import KnowledgeTestCase

SCHEMAS = Path(__file__).resolve().parent.parent / "schemas"
ISSUER = "https://journal.regionorebrolan.se/"
CARE_UNIT = "SE2321000164-7381037590003"  # Region Örebro län's HSA-id form: orgnr 232100-0164
PATIENT_VIEW = "/cds-services/kunskapsstod-patient-view"
ORDER_SELECT = "/cds-services/kunskapsstod-order-select"
ORDER_SIGN = "/cds-services/kunskapsstod-order-sign"


def schema(name: str) -> dict:
    return json.loads((SCHEMAS / f"{name}.schema.json").read_text())


def validate(instance: dict, name: str):
    jsonschema.validate(instance, schema(name), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


def bundle(*resources) -> dict:
    return {"resourceType": "Bundle", "type": "searchset", "entry": [{"resource": r} for r in resources]}


def condition(code: str, system: str = systems.ICD10SE, *, status: str = "active", patient: str = "1288992") -> dict:
    return {
        "resourceType": "Condition", "id": f"c-{code}", "subject": {"reference": f"Patient/{patient}"},
        "clinicalStatus": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-clinical",
                                       "code": status}]},
        "code": {"coding": [{"system": system, "code": code}]},
    }


def medication(atc: str, *, status: str = "active", id: str | None = None, patient: str = "1288992") -> dict:
    return {
        "resourceType": "MedicationRequest", "id": id or f"m-{atc}", "status": status, "intent": "order",
        "subject": {"reference": f"Patient/{patient}"},
        "medicationCodeableConcept": {"coding": [{"system": systems.ATC, "code": atc}]},
    }


def procedure(kva: str, *, id: str, patient: str = "1288992") -> dict:
    return {"resourceType": "ServiceRequest", "id": id, "status": "draft", "intent": "order",
            "subject": {"reference": f"Patient/{patient}"}, "code": {"coding": [{"system": systems.KVA, "code": kva}]}}


def patient_view(*, conditions=(), medications=(), prefetch=None) -> dict:
    """The specification's patient-view example ('Calling a CDS Service' > 'Example'), with
    the prefetch this service asks for, in Swedish codes."""
    return {
        "hookInstance": "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea",
        "fhirServer": "https://fhir.journal.regionorebrolan.se",
        "hook": "patient-view",
        "context": {"userId": "Practitioner/example", "patientId": "1288992", "encounterId": "89284"},
        "prefetch": prefetch if prefetch is not None else {
            "conditions": bundle(*[condition(c) for c in conditions]),
            "medications": bundle(*[medication(m) for m in medications]),
        },
    }


def order_call(hook: str, *, orders, conditions=(), selections=None) -> dict:
    context = {"userId": "Practitioner/example", "patientId": "1288992", "encounterId": "89284",
               "draftOrders": bundle(*orders)}
    if hook == "order-select":
        context["selections"] = selections if selections is not None else [
            f"{o['resourceType']}/{o['id']}" for o in orders]
    return {"hookInstance": str(uuid.uuid4()), "hook": hook, "context": context,
            "prefetch": {"conditions": bundle(*[condition(c) for c in conditions])}}


class CdsTestCase(KnowledgeTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.key = ECKey.generate_key("P-384", parameters={"kid": "orebro-1"})
        cls.client_record = CdsClient.objects.create(
            name="Journalen i Region Örebro län", issuer=ISSUER, region=cls.orebro,
            jwks={"keys": [cls.key.as_dict(private=False)]},
        )
        cls.orebro_addition = additions.addition_save(
            by=cls.orebro_coordinator, recommendation=cls.rec_dont, region=cls.orebro,
            text="<p>I Region Örebro län: kontakta hjärtsviktsmottagningen vid behov av smärtlindring.</p>",
        )

    def setUp(self):
        super().setUp()
        card_cache.store_clear()  # a worker's cards belong to the test that made them

    def token(self, path: str, *, key=None, kid="orebro-1", alg="ES384", jku=None, **claims) -> str:
        now = int(time.time())
        payload = {"iss": ISSUER, "aud": systems.site() + path, "exp": now + 120, "iat": now,
                   "jti": str(uuid.uuid4()), "tenant": CARE_UNIT}
        payload.update(claims)
        payload = {k: v for k, v in payload.items() if v is not None}
        header = {"alg": alg, "typ": "JWT"}
        if kid:
            header["kid"] = kid
        if jku:
            header["jku"] = jku
        return jwt.encode(header, payload, key or self.key, algorithms=[alg])

    def post(self, path: str, body, *, token: str | None = "sign", **claims):
        headers = {}
        if token == "sign":
            token = self.token(path, **claims)
        if token:
            headers["HTTP_AUTHORIZATION"] = f"Bearer {token}"
        data = body if isinstance(body, (str, bytes)) else json.dumps(body)
        return self.client.post(path, data=data, content_type="application/json", **headers)

    def cards(self, path: str, body) -> list[dict]:
        response = self.post(path, body)
        self.assertEqual(response.status_code, 200, response.content)
        validate(response.json(), "response")
        return response.json()["cards"]
