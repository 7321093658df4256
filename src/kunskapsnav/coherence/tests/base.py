"""Supports for the coherence tests, published through the domain functions by the national
administrator (who may edit and approve every type, agencies' guidelines included)."""

from kunskapsnav.knowledge import content
from kunskapsnav.knowledge.models import Agency, Direction, SupportType
from kunskapsnav.knowledge.tests.personas import REVIEW, KnowledgeTestCase, publish


class CoherenceTestCase(KnowledgeTestCase):
    def national(self, title, *recs, conditions=("I50",), target_groups=()):
        support = content.support_create(
            by=self.admin, type=SupportType.CARE_PATHWAY, title=title, issuer_body=self.heart_npo,
            owning_body=self.heart_npo, conditions=list(conditions), target_groups=list(target_groups),
            review_date=REVIEW,
        )
        return self._publish_with(support, recs)

    def agency(self, title, *recs, agency=Agency.SOCIALSTYRELSEN, conditions=("I50",)):
        # Only Socialstyrelsen issues national guidelines; the other agencies' supports are clinical.
        type_ = SupportType.NATIONAL_GUIDELINE if agency == Agency.SOCIALSTYRELSEN else SupportType.CLINICAL
        support = content.support_create(
            by=self.admin, type=type_, title=title, issuer_agency=agency,
            owning_body=self.heart_npo, conditions=list(conditions), review_date=REVIEW,
        )
        return self._publish_with(support, recs)

    def routine(self, title, *recs, conditions=("I50",)):
        support = content.support_create(
            by=self.admin, type=SupportType.REGIONAL_ROUTINE, title=title, issuer_region=self.orebro,
            owning_body=self.orebro_lpo, conditions=list(conditions), review_date=REVIEW,
        )
        return self._publish_with(support, recs)

    def _publish_with(self, support, recs):
        version = support.versions.get(number=1)
        for text, codes, *rest in recs:
            options = rest[0] if rest else {}
            content.recommendation_create(by=self.admin, version=version, text=f"<p>{text}</p>", codes=codes,
                                          direction=options.get("direction", Direction.DO),
                                          priority=options.get("priority"))
        publish(version, by_editor=self.admin, by_approver=self.admin)
        version.refresh_from_db()
        return version

    def next_version(self, support, *, change=None):
        """A new version with the same recommendations (same keys), published; `change` maps a
        position to a new text, or to the values to change."""
        version = content.version_create_next(by=self.admin, support=support)
        for rec in version.recommendations.all():
            if change and rec.position in change:
                values = change[rec.position]
                values = values if isinstance(values, dict) else {"text": values}
                values["text"] = f"<p>{values['text']}</p>"
                content.recommendation_update(by=self.admin, recommendation=rec, **values)
        version.review_date = REVIEW
        version.save()
        publish(version, by_editor=self.admin, by_approver=self.admin)
        version.refresh_from_db()
        return version


DO_NOT = {"direction": Direction.DO_NOT}
