"""Knowledge supports for tests, built through the domain functions.

Adds to the registry personas (organisation.tests.personas):
- sks_chair: chair of SKS, approves vårdförlopp;
- heart_pathway: the vårdförlopp "Hjärtsvikt – nydebuterad", owned by NPO Hjärt- och
  kärlsjukdomar, version 1 published with three recommendations;
- heart_guideline: a clinical support of the same NPO, a draft.
"""

import datetime

from kunskapsnav.knowledge import content, lifecycle
from kunskapsnav.knowledge.models import CodeSystem, Direction, SupportType, TargetGroup, VersionStatus
from kunskapsnav.organisation.models import Body, BodyKind, Role
from kunskapsnav.organisation.tests.personas import RegistryTestCase, make_person, make_user, seat

REVIEW = datetime.date(2028, 6, 30)


def publish(version, *, by_editor, by_approver):
    """Draft → remiss → fastställd → publicerad, as the people allowed to."""
    lifecycle.version_transition(version=version, to=VersionStatus.REMISS, by=by_editor)
    lifecycle.version_transition(version=version, to=VersionStatus.APPROVED, by=by_approver)
    return lifecycle.version_transition(version=version, to=VersionStatus.PUBLISHED, by=by_editor)


class KnowledgeTestCase(RegistryTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.sks = Body.objects.get(kind=BodyKind.SKS)
        cls.sks_chair = make_user("sks_chair")
        seat(by=cls.admin, body=cls.sks, person=make_person(by=cls.admin, region=cls.skane, user=cls.sks_chair),
             role=Role.CHAIR)
        cls.clinicians = TargetGroup.objects.get(code="vardpersonal")
        cls.heart_pathway = content.support_create(
            by=cls.npo_editor, type=SupportType.CARE_PATHWAY, title="Hjärtsvikt – nydebuterad",
            issuer_body=cls.heart_npo, owning_body=cls.heart_npo, target_groups=[cls.clinicians],
            conditions=["I50"], summary="<p>Vårdförlopp för personer med nydebuterad hjärtsvikt.</p>",
            review_date=REVIEW,
        )
        cls.v1 = cls.heart_pathway.versions.get(number=1)
        cls.rec_echo = content.recommendation_create(
            by=cls.npo_editor, version=cls.v1, section="Utredning",
            text="<p>Vid misstänkt hjärtsvikt ska ekokardiografi göras inom fyra veckor.</p>",
            priority=2, codes=[(CodeSystem.ICD10SE, "I50.9"), (CodeSystem.KVA, "FGC10")],
        )
        cls.rec_drug = content.recommendation_create(
            by=cls.npo_editor, version=cls.v1, section="Behandling",
            text="<p>Behandla hjärtsvikten med ACE-hämmare.</p>", strength="stark",
            codes=[(CodeSystem.ATC, "C09AA")],
        )
        cls.rec_dont = content.recommendation_create(
            by=cls.npo_editor, version=cls.v1, section="Behandling",
            text="<p>Ge inte NSAID till personer med hjärtsvikt.</p>", direction=Direction.DO_NOT,
            priority=1, codes=[(CodeSystem.ATC, "M01A")],
        )
        publish(cls.v1, by_editor=cls.npo_editor, by_approver=cls.sks_chair)
        cls.v1.refresh_from_db()
        cls.heart_guideline = content.support_create(
            by=cls.npo_editor, type=SupportType.CLINICAL, title="Kliniskt kunskapsstöd förmaksflimmer",
            issuer_body=cls.heart_npo, owning_body=cls.heart_npo, conditions=["I48"],
        )
