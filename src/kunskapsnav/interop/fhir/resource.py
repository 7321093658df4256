"""What a served resource type is: its FHIR model, its search parameters, the entries a reader
may see and how to build them. Each type's module makes one; registry.py lists them."""

import dataclasses
from collections.abc import Callable

from .search import COMMON_PARAMS, Entry, Page, Query, SearchParam, page_of


@dataclasses.dataclass(frozen=True)
class ResourceType:
    name: str
    model: type  # the fhir.resources R4B model every built resource is validated with
    documentation: str
    params: tuple[SearchParam, ...]
    entry: Callable[[str], Entry | None]  # one by id, or None
    build: Callable[[list[Entry]], list[dict]]  # the resources of these entries, in their order
    # How a search finds its page, one of the two: a type with few resources lists all a
    # reader may see (`entries`, before any criteria) and the page is filtered from them; a
    # type with many finds the page in the database (`search`).
    entries: Callable[[], list[Entry]] | None = None
    search: Callable[[Query], Page] | None = None
    # Whether every served resource is run through the model. A type with many and large
    # resources (PlanDefinition) builds them exactly as the model writes them, which the tests
    # check, because validating cost more than everything else in a page.
    validate_each: bool = True

    def __post_init__(self):
        if (self.entries is None) == (self.search is None):
            raise TypeError(f"{self.name}: give either entries or search")

    def page(self, query: Query) -> Page:
        return self.search(query) if self.search else page_of(self.entries(), query)

    @property
    def search_params(self) -> dict[str, SearchParam]:
        return {p.name: p for p in COMMON_PARAMS + self.params}

    def validated(self, resource: dict) -> dict:
        """The resource checked against the R4B model, as the model writes it."""
        return self.model.model_validate(resource).model_dump(mode="json")

    def served(self, resource: dict) -> dict:
        return self.validated(resource) if self.validate_each else resource

    @property
    def summary_elements(self) -> frozenset[str]:
        """The elements FHIR marks as summary, as the model knows them."""
        return frozenset(name for name, field in self.model.model_fields.items()
                         if (field.json_schema_extra or {}).get("summary_element_property"))

    def summary(self, resource: dict) -> dict:
        """_summary=true: the summary elements only, tagged SUBSETTED as FHIR asks."""
        kept = {k: v for k, v in resource.items() if k in self.summary_elements or k == "resourceType"}
        meta = dict(kept.get("meta", {}))
        meta["tag"] = [{"system": "http://terminology.hl7.org/CodeSystem/v3-ObservationValue", "code": "SUBSETTED"}]
        kept["meta"] = meta
        return kept
