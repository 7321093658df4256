"""The URIs of the code systems and identifier systems the FHIR resources use (the choice and
its sources are in docs/content-api.md, "FHIR R4")."""

from django.conf import settings

from kunskapsnav.knowledge.models import CodeSystem

# Socialstyrelsen's OIDs, as Inera's service contracts (RIV-TA) and the Swedish journal
# systems carry them; HL7 Sweden's base profiles name no FHIR URI for either.
ICD10SE = "urn:oid:1.2.752.116.1.1.1.1.3"
KVA = "urn:oid:1.2.752.116.1.3.2.1.4"
# HL7's terminology (THO) names these two, and HL7 Sweden's profiles use SNOMED CT's.
ATC = "http://www.whocc.no/atc"
SNOMED = "http://snomed.info/sct"

CODE_SYSTEMS = {
    CodeSystem.ICD10SE: ICD10SE,
    CodeSystem.KVA: KVA,
    CodeSystem.ATC: ATC,
    CodeSystem.SNOMED: SNOMED,
}

# SCB's county and municipality codes under the OIDs Inera's code systems KV Län and
# KV Kommun give them.
COUNTY_CODE = "urn:oid:1.2.752.129.2.2.1.18"
MUNICIPALITY_CODE = "urn:oid:1.2.752.129.2.2.1.17"

# HL7 and CPG-on-FHIR (HL7's Clinical Practice Guidelines IG).
PLAN_DEFINITION_TYPE = "http://terminology.hl7.org/CodeSystem/plan-definition-type"
USAGE_CONTEXT_TYPE = "http://terminology.hl7.org/CodeSystem/usage-context-type"
RECOMMENDATION_STRENGTH = "http://terminology.hl7.org/CodeSystem/recommendation-strength"
STRENGTH_EXTENSION = "http://hl7.org/fhir/StructureDefinition/cqf-strengthOfRecommendation"
DIRECTION_EXTENSION = "http://hl7.org/fhir/uv/cpg/StructureDefinition/cpg-directionOfRecommendation"
DIRECTION = "http://hl7.org/fhir/uv/cpg/CodeSystem/cpg-recommendation-direction"
ORGANIZATION_TYPE = "http://terminology.hl7.org/CodeSystem/organization-type"


def site() -> str:
    return settings.SITE_URL.rstrip("/")


def local(name: str) -> str:
    """A code system of this installation's own (target groups, Socialstyrelsen's priority
    scale, the kind of a body): named under the site's own address."""
    return f"{site()}/fhir/CodeSystem/{name}"
