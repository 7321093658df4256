"""Demo needs at each stage, from the demo accounts that would send and triage them (texts
are synthetic and say so):
- from LPO-ledamoten, in the heart NPO's area: decided as a revision of one of its supports;
- from the LPO chair, on behalf of a kommun: referred to Rådet för styrning med kunskap and
  answered;
- from Örebro's coordinator, area unknown: waiting for SKS;
- from LPO-ledamoten again: in the heart NPO's triage, with its criteria.

Created through the domain functions."""

from django.db import transaction

from kunskapsnav.accounts.models import User
from kunskapsnav.knowledge.models import KnowledgeSupport, VersionStatus
from kunskapsnav.organisation.models import Body

from . import permissions, triage
from .models import Decision, Need, Priority

HEART_NPO = "npo-hjart-och-karlsjukdomar"
MARK = " (demodata)"


def demo_needs_loaded() -> bool:
    return Need.objects.exists()


def _texts(title: str, problem: str) -> dict:
    return {
        "title": title, "problem": problem + MARK, "target_group": "Vuxna patienter" + MARK,
        "evidence": "Uppföljningen visar stor variation mellan regionerna" + MARK,
        "existing": "Inget nationellt kunskapsstöd täcker frågan helt" + MARK,
        "affected": "Patienter, primärvården och kommunernas hemsjukvård" + MARK,
    }


@transaction.atomic
def demo_needs_load() -> bool:
    if demo_needs_loaded():
        return False
    member, chair = User.objects.get(username="ledamot"), User.objects.get(username="ordforande")
    coordinator, editor = User.objects.get(username="samordnare-orebro"), User.objects.get(username="npo-redaktor")
    heart = Body.objects.get(reference_key=HEART_NPO)
    supported = KnowledgeSupport.objects.filter(owning_body=heart, versions__status=VersionStatus.PUBLISHED)

    revision = triage.need_submit(by=member, on_behalf_of=permissions.submitting_bodies(member).first(), area=heart,
                                  **_texts("Hjärtsvikt hos sköra äldre", "Uppföljningen efter utskrivning varierar"))
    triage.triage_start(by=editor, need=revision)
    triage.triage_decide(by=editor, need=revision, decision=Decision.REVISION, priority=Priority.HIGH,
                         reason="Stödet revideras med ett avsnitt om sköra äldre" + MARK,
                         support=supported.order_by("title").first())

    referral = triage.need_submit(by=chair, organisation="Lindesbergs kommun" + MARK, area=heart,
                                  **_texts("Läkemedelsgenomgångar i hemsjukvården", "Genomgångar görs sällan"))
    triage.triage_start(by=editor, need=referral)
    triage.triage_decide(by=editor, need=referral, decision=Decision.REFERRAL, priority=Priority.MEDIUM,
                         referred_to="Rådet för styrning med kunskap",
                         reason="Frågan gäller flera myndigheters föreskrifter" + MARK)
    triage.need_answer(by=editor, need=referral, answer="Rådet har gett Socialstyrelsen uppdraget" + MARK)

    triage.need_submit(by=coordinator, on_behalf_of=permissions.submitting_bodies(coordinator).first(),
                       **_texts("Långvariga besvär efter infektion", "Ingen vet vem som äger frågan"))

    in_triage = triage.need_submit(by=member, on_behalf_of=permissions.submitting_bodies(member).first(), area=heart,
                                   **_texts("Hjärtrehabilitering på distans", "Få erbjuds rehabilitering på distans"))
    triage.triage_start(by=editor, need=in_triage)
    triage.triage_assess(by=editor, need=in_triage, severity="medel", affected_count=4000,
                         unwarranted_variation="hog", evidence_available="medel",
                         existing_supports="Delvis i vårdförloppet" + MARK)
    return True
