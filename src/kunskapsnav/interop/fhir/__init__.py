"""FHIR R4 at /fhir/: knowledge supports as PlanDefinitions and the registry as Organizations,
read-only and public, for the journal systems (docs/content-api.md, "FHIR R4").

One module per resource type; `registry.py` lists them, and both the routing and the
CapabilityStatement are made from that list, so the statement cannot promise what the server
does not answer.
"""
