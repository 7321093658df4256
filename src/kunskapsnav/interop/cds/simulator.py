"""A journal on the command line ("EHR simulator"): sends patient-view for one of a few
made-up patient profiles to a running Kunskapsnav, over HTTP as a journal would, and prints
the cards as a clinician would read them. For the demo (anonymous calls are open there)."""

import json
import urllib.error
import urllib.request

from .demo import DEMO_SERVICE, demo_request

# Made-up patients, coded as a Swedish journal codes them; each meets the demo supports.
PROFILES = {
    "stroke": {"label": "Stroke, behandlas med ASA", "conditions": ["I63.9"], "medications": ["B01AC06"]},
    "hjartsvikt": {"label": "Nydebuterad hjärtsvikt på ACE-hämmare", "conditions": ["I50.9"],
                   "medications": ["C09AA05"]},
    "kol": {"label": "KOL (SNOMED CT) med inhalationsbehandling", "conditions": ["13645005"],
            "medications": ["R03AL02"]},
    "multisjuk": {"label": "Äldre multisjuk", "conditions": ["I50.1", "I63.9", "J44.1", "M81.0", "F03.9"],
                  "medications": ["C09AA05", "B01AC06", "R03AL02", "M05BA04"]},
}
LABELS = {"info": "INFO", "warning": "VARNING", "critical": "KRITISKT"}


def patient_view(*, base_url: str, profile: str, timeout: float = 10) -> dict:
    chosen = PROFILES[profile]
    body = demo_request(conditions=chosen["conditions"], medications=chosen["medications"])
    request = urllib.request.Request(
        f"{base_url.rstrip('/')}/cds-services/{DEMO_SERVICE}", data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"}, method="POST",
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 – an address the user gave
        return json.loads(response.read())


def cards_as_text(answer: dict) -> str:
    lines = []
    for card in answer.get("cards", []):
        lines.append(f"[{LABELS.get(card['indicator'], card['indicator'])}] {card['summary']}")
        for paragraph in (card.get("detail") or "").replace("\\", "").split("\n\n"):
            if paragraph and paragraph not in card["summary"]:
                lines.append(f"    {paragraph}")
        source = card["source"]
        lines.append(f"    Källa: {source['label']}" + (f" ({source['url']})" if source.get("url") else ""))
        for link in card.get("links", []):
            lines.append(f"    {link['label']}: {link['url']}")
        lines.append("")
    return "\n".join(lines) if lines else "Inga kort för patienten.\n"
