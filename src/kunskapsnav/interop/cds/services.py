"""The services and what each asks the journal to send (CDS Hooks 2.0, "Discovery")."""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

PATIENT_VIEW = "patient-view"
ORDER_SELECT = "order-select"
ORDER_SIGN = "order-sign"

# The patient's active conditions and medications, as FHIR searches the journal runs before
# the call (CDS Hooks 2.0, "Prefetch Template").
CONDITIONS = "Condition?patient={{context.patientId}}&clinical-status=active"
MEDICATIONS = "MedicationRequest?patient={{context.patientId}}&status=active"


@dataclass(frozen=True)
class Service:
    id: str
    hook: str
    title: str
    description: str
    prefetch: dict[str, str] = field(default_factory=dict)

    def discovery(self) -> dict:
        return {"hook": self.hook, "id": self.id, "title": str(self.title), "description": str(self.description),
                "prefetch": dict(self.prefetch)}


SERVICES = {
    service.id: service
    for service in (
        Service(
            id="kunskapsstod-patient-view",
            hook=PATIENT_VIEW,
            title=_("Gällande rekommendationer för patienten"),
            description=_(
                "Gällande nationella rekommendationer vars koder (ICD-10-SE, SNOMED CT, ATC) stämmer med patientens "
                "aktiva diagnoser och läkemedel, med regionens tillägg, i prioritetsordning och med länk till "
                "kunskapsstödet."
            ),
            prefetch={"conditions": CONDITIONS, "medications": MEDICATIONS},
        ),
        Service(
            id="kunskapsstod-order-select",
            hook=ORDER_SELECT,
            title=_("Icke-göra-rekommendationer vid val av beställning"),
            description=_(
                "Varnar när en vald läkemedels- eller åtgärdsbeställning (ATC, KVÅ) träffar en gör-inte-"
                "rekommendation och föreslår alternativet när kunskapsstödet rekommenderar ett."
            ),
            prefetch={"conditions": CONDITIONS},
        ),
        Service(
            id="kunskapsstod-order-sign",
            hook=ORDER_SIGN,
            title=_("Icke-göra-rekommendationer vid signering av beställning"),
            description=_(
                "Varnar när en beställning som ska signeras (ATC, KVÅ) träffar en gör-inte-rekommendation och "
                "föreslår alternativet när kunskapsstödet rekommenderar ett."
            ),
            prefetch={"conditions": CONDITIONS},
        ),
    )
}


def discovery() -> dict:
    return {"services": [service.discovery() for service in SERVICES.values()]}
