"""Decision support in the journal: CDS Hooks 2.0 services (https://cds-hooks.hl7.org/2.0/)
that answer the valid national recommendations for the patient's codes, with the region's
additions, and count what the clinicians did with them (docs/cds-hooks.md)."""
