"""The decision support in the demo: a registered demo journal for Region Örebro län (so an
administrator sees what a registration holds), and a call a person can make with curl. The
demo opens anonymous calls (KUNSKAPSNAV_CDS_ALLOW_ANONYMOUS), so the curl line needs no JWT;
the patient in it is made up and has stroke (I63.9) and takes ASA (B01AC06), which the demo
supports' recommendations are coded with."""

import json
import shlex
import uuid

from django.db import transaction
from joserfc.jwk import ECKey

from kunskapsnav.interop.models import CdsClient
from kunskapsnav.organisation.models import Region

from . import request as cds_request
from .services import SERVICES

DEMO_ISSUER = "https://demojournal.example/"
DEMO_SERVICE = "kunskapsstod-patient-view"


@transaction.atomic
def demo_client_load() -> bool:
    """Register the demo journal, once. Its private key is not kept: the demo calls
    anonymously, and a real journal registers its own public keys."""
    if CdsClient.objects.filter(issuer=DEMO_ISSUER).exists():
        return False
    key = ECKey.generate_key("P-384", parameters={"kid": "demojournal-1", "alg": "ES384", "use": "sig"})
    CdsClient.objects.create(name="Demojournal (Region Örebro län)", issuer=DEMO_ISSUER,
                             region=Region.objects.get(county_code="18"),
                             jwks={"keys": [key.as_dict(private=False)]})
    return True


def demo_request(*, conditions=("I63.9",), medications=("B01AC06",), patient_id: str = "demo-1") -> dict:
    """A patient-view call for a made-up patient with the given ICD-10-SE (or SNOMED CT, all
    digits) conditions and ATC medications, as a journal sends it."""
    system = {code_system: uri for uri, code_system in cds_request.SYSTEM_OF_URI.items()}
    patient = {"reference": f"Patient/{patient_id}"}

    def condition(code):
        uri = system["snomed"] if code.isdigit() else system["icd10se"]
        return {"resource": {"resourceType": "Condition", "subject": patient,
                             "code": {"coding": [{"system": uri, "code": code}]}}}

    def medication(code):
        return {"resource": {"resourceType": "MedicationRequest", "status": "active", "intent": "order",
                             "subject": patient,
                             "medicationCodeableConcept": {"coding": [{"system": system["atc"], "code": code}]}}}

    return {
        "hook": SERVICES[DEMO_SERVICE].hook,
        "hookInstance": str(uuid.uuid4()),
        "context": {"userId": "Practitioner/demo", "patientId": patient_id},
        "prefetch": {
            "conditions": {"resourceType": "Bundle", "type": "searchset", "entry": [condition(c) for c in conditions]},
            "medications": {"resourceType": "Bundle", "type": "searchset",
                            "entry": [medication(m) for m in medications]},
        },
    }


def demo_curl(base_url: str) -> str:
    """A command line that calls patient-view on the demo server and prints the cards."""
    url = f"{base_url.rstrip('/')}/cds-services/{DEMO_SERVICE}"
    body = json.dumps(demo_request(), ensure_ascii=False, separators=(",", ":"))
    return f"curl -sS -X POST -H 'Content-Type: application/json' --data {shlex.quote(body)} {shlex.quote(url)}"
