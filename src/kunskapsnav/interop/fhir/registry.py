"""The resource types served at /fhir/: the views route by this table and the
CapabilityStatement is written from it."""

from .measure import MEASURE
from .measurereport import MEASURE_REPORT
from .organization import ORGANIZATION
from .plandefinition import PLAN_DEFINITION
from .searchparameter import SEARCH_PARAMETER

RESOURCE_TYPES = {t.name: t for t in (PLAN_DEFINITION, ORGANIZATION, MEASURE, MEASURE_REPORT, SEARCH_PARAMETER)}
