"""Adoptions for tests. Publishing the heart pathway (KnowledgeTestCase) has given every
region an adoption of version 1; Region Örebro län also has an RMKS, hälso- och sjukvårdens
and folktandvårdens ledningsgrupper, and Region Örebro län's decision order."""

from kunskapsnav.implementation import routing
from kunskapsnav.implementation.models import Adoption
from kunskapsnav.knowledge.tests.personas import KnowledgeTestCase
from kunskapsnav.organisation import bodies
from kunskapsnav.organisation.models import BodyKind, Municipality


class ImplementationTestCase(KnowledgeTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.rmks = bodies.body_create(by=cls.admin, kind=BodyKind.RMKS, name="RMKS Region Örebro län",
                                      region=cls.orebro)
        cls.health_board = bodies.body_create(by=cls.admin, kind=BodyKind.MANAGEMENT_GROUP,
                                              name="Hälso- och sjukvårdens ledningsgrupp", region=cls.orebro)
        cls.dental_board = bodies.body_create(by=cls.admin, kind=BodyKind.MANAGEMENT_GROUP,
                                              name="Folktandvårdens ledningsgrupp", region=cls.orebro)
        routing.decision_order_replace(by=cls.admin, region=cls.orebro, rules=routing.orebro_order(cls.orebro))
        cls.orebro_adoption = Adoption.objects.get(region=cls.orebro, version=cls.v1)
        cls.uppsala_adoption = Adoption.objects.get(region=cls.uppsala, version=cls.v1)
        cls.orebro_kommun = Municipality.objects.get(code="1880")
        cls.karlskoga = Municipality.objects.get(code="1883")
