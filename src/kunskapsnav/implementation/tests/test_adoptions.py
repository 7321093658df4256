from django.core.exceptions import PermissionDenied, ValidationError

from kunskapsnav.implementation import adoptions, work
from kunskapsnav.implementation.models import Adoption, Gap, ReviewFlag, Stage
from kunskapsnav.knowledge import content, lifecycle
from kunskapsnav.knowledge.models import SupportType, VersionStatus
from kunskapsnav.knowledge.tests.personas import publish

from .personas import ImplementationTestCase


class AdoptionCreationTests(ImplementationTestCase):
    def test_publication_gives_every_region_an_adoption_seeded_from_the_recommendations(self):
        self.assertEqual(Adoption.objects.filter(version=self.v1).count(), 21)
        rows = self.orebro_adoption.gap_rows.all()
        self.assertEqual([r.recommendation for r in rows], [self.rec_echo, self.rec_drug, self.rec_dont])
        self.assertEqual({r.gap for r in rows}, {""})
        self.assertEqual(self.orebro_adoption.stage, Stage.MAPPING)
        self.assertEqual(self.orebro_adoption.transitions.get().new_stage, Stage.MAPPING)

    def test_responsible_is_the_mirroring_lpo_else_the_contact_else_nobody_loudly(self):
        found = adoptions.responsibilities([self.orebro_adoption, self.uppsala_adoption])
        self.assertEqual(found[self.orebro_adoption.pk].bodies, [self.orebro_lpo])
        self.assertTrue(found[self.uppsala_adoption.pk].missing)  # Uppsala's LPO mirrors the lung NPO
        self.assertEqual(str(found[self.uppsala_adoption.pk]), "Ingen ansvarig")

    def test_a_routine_is_adopted_on_demand_by_its_own_region_only(self):
        routine = content.support_create(by=self.orebro_coordinator, type=SupportType.REGIONAL_ROUTINE,
                                         title="Rutin för hjärtsviktsmottagning", issuer_region=self.orebro,
                                         owning_body=self.orebro_lpo, review_date="2029-01-01")
        version = routine.versions.get()
        content.recommendation_create(by=self.orebro_coordinator, version=version, text="Ring patienten", priority=3)
        lifecycle.version_transition(version=version, to=VersionStatus.REMISS, by=self.orebro_coordinator)
        lifecycle.version_transition(version=version, to=VersionStatus.APPROVED, by=self.admin)
        version = lifecycle.version_transition(version=version, to=VersionStatus.PUBLISHED, by=self.orebro_coordinator)
        self.assertFalse(Adoption.objects.filter(version=version).exists())
        with self.assertRaises(PermissionDenied):
            adoptions.adoption_start(by=self.uppsala_coordinator, version=version, region=self.orebro)
        with self.assertRaises(ValidationError):
            adoptions.adoption_start(by=self.uppsala_coordinator, version=version, region=self.uppsala)
        adoption = adoptions.adoption_start(by=self.orebro_coordinator, version=version, region=self.orebro)
        self.assertEqual(adoption.gap_rows.count(), 1)
        self.assertEqual(adoptions.responsibilities([adoption])[adoption.pk].bodies, [self.orebro_lpo])
        with self.assertRaises(ValidationError):
            adoptions.adoption_start(by=self.orebro_coordinator, version=version, region=self.orebro)


class NewVersionTests(ImplementationTestCase):
    def test_a_new_version_carries_the_gap_analysis_over_by_recommendation_identity(self):
        echo, drug, dont = self.orebro_adoption.gap_rows.all()
        work.gap_row_save(by=self.chair, row=echo, based_on=echo.row_version, municipalities=[self.orebro_kommun],
                          values={"gap": Gap.LARGE, "current_practice": "Sex veckors väntan", "within_unit_budget": False})
        work.gap_row_save(by=self.chair, row=drug, based_on=drug.row_version,
                          values={"gap": Gap.NONE, "current_practice": "Görs redan"})
        work.gap_row_save(by=self.chair, row=dont, based_on=dont.row_version,
                          values={"gap": Gap.SMALL, "within_unit_budget": True})
        v2 = content.version_create_next(by=self.npo_editor, support=self.heart_pathway)
        recs = {r.key: r for r in v2.recommendations.all()}
        content.recommendation_update(by=self.npo_editor, recommendation=recs[self.rec_echo.key],
                                      text="<p>Ekokardiografi inom två veckor.</p>", priority=2)
        content.recommendation_delete(by=self.npo_editor, recommendation=recs[self.rec_dont.key])
        new = content.recommendation_create(by=self.npo_editor, version=v2, text="<p>Mät NT-proBNP.</p>", priority=3)
        content.version_update(by=self.npo_editor, version=v2, review_date=self.v1.review_date)
        publish(v2, by_editor=self.npo_editor, by_approver=self.sks_chair)

        adoption = Adoption.objects.get(region=self.orebro, version=v2)
        self.assertEqual(adoption.previous, self.orebro_adoption)
        self.orebro_adoption.refresh_from_db()
        self.assertEqual(self.orebro_adoption.successor, adoption)
        rows = {r.recommendation.key: r for r in adoption.gap_rows.select_related("recommendation")}
        self.assertEqual(set(rows), {self.rec_echo.key, self.rec_drug.key, new.key})
        changed, same, fresh = rows[self.rec_echo.key], rows[self.rec_drug.key], rows[new.key]
        self.assertEqual((changed.review_flag, changed.gap, changed.current_practice),
                         (ReviewFlag.CHANGED, Gap.LARGE, "Sex veckors väntan"))
        self.assertEqual(list(changed.municipalities.all()), [self.orebro_kommun])
        self.assertEqual((same.review_flag, same.gap), ("", Gap.NONE))
        self.assertEqual((fresh.review_flag, fresh.gap), (ReviewFlag.NEW, ""))
