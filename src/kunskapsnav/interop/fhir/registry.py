"""The resource types served at /fhir/: the views route by this table and the
CapabilityStatement is written from it."""

from .organization import ORGANIZATION
from .plandefinition import PLAN_DEFINITION
from .searchparameter import SEARCH_PARAMETER

RESOURCE_TYPES = {t.name: t for t in (PLAN_DEFINITION, ORGANIZATION, SEARCH_PARAMETER)}
