"""A real FHIR client (fhirpy) reads and searches /fhir/ over HTTP, following the paging
links the server writes, against the demo supports on pytest-django's live server."""

from importlib import import_module

import pytest
from django.test import override_settings
from fhir.resources.R4B.organization import Organization
from fhir.resources.R4B.plandefinition import PlanDefinition
from fhirpy import SyncFHIRClient

from kunskapsnav.interop.fhir import systems
from kunskapsnav.knowledge.models import SupportVersion, VersionStatus

PUBLIC = [VersionStatus.PUBLISHED, VersionStatus.SUPERSEDED, VersionStatus.WITHDRAWN]


def _demo_supports_load():
    """The reference data, the organisation demo and the demo supports, as `kunskapsnav demo`
    loads them (a live server's database starts without the rows migrations write)."""
    from kunskapsnav.knowledge.demo import demo_supports_load
    from kunskapsnav.knowledge.models import TargetGroup
    from kunskapsnav.organisation.demo import demo_data_load
    from kunskapsnav.organisation.reference import reference_data_load

    reference_data_load()
    demo_data_load()
    for code, name in import_module("kunskapsnav.knowledge.migrations.0003_target_groups").TARGET_GROUPS:
        TargetGroup.objects.update_or_create(code=code, defaults={"name": name})
    demo_supports_load()


@pytest.mark.django_db(transaction=True)
def test_a_fhir_client_reads_and_searches_the_server(live_server):
    _demo_supports_load()
    with override_settings(SITE_URL=live_server.url):
        client = SyncFHIRClient(f"{live_server.url}/fhir")

        # Pages of two, so that the client follows next links to the end.
        stroke = list(client.resources("PlanDefinition").search(condition="I63").limit(2))
        public = SupportVersion.objects.filter(status__in=PUBLIC)
        expected = set(public.filter(recommendations__codes__code__startswith="I63").values_list("pk", flat=True))
        expected |= set(public.filter(support__conditions__code__startswith="I63").values_list("pk", flat=True))
        national = [p for p in stroke if p["id"].count("-") == 1]
        assert len(national) == len(expected) >= 2
        for plan in stroke:
            PlanDefinition.model_validate(plan.serialize())

        read = client.reference("PlanDefinition", national[0]["id"]).to_resource()
        assert read["title"] == national[0]["title"]
        assert PlanDefinition.model_validate(read.serialize()).status in ("active", "retired")

        orebro = client.resources("Organization").search(identifier=f"{systems.COUNTY_CODE}|18").fetch()
        assert [o["name"] for o in orebro] == ["Region Örebro län"]
        Organization.model_validate(orebro[0].serialize())
