"""The schema of pseudonymised patient-level data, as Parquet (docs/indicator-data.md).

Nothing in it identifies a person: a pseudonym, a birth year, a sex and a kommun. Times are
Swedish wall-clock times without a zone (timestamp without time zone, microseconds).
"""

import pyarrow as pa

PERSONS = pa.schema([
    pa.field("person_id", pa.string(), nullable=False),   # pseudonym, stable within the data set
    pa.field("birth_year", pa.int16(), nullable=False),
    pa.field("sex", pa.string(), nullable=False),          # "K" or "M"
    pa.field("municipality", pa.string(), nullable=False), # kommunkod of residence, 4 digits
])

EVENTS = pa.schema([
    pa.field("person_id", pa.string(), nullable=False),
    pa.field("time", pa.timestamp("us"), nullable=False),
    pa.field("kind", pa.string(), nullable=False),        # see KINDS
    pa.field("code", pa.string(), nullable=False),        # ICD-10-SE, KVÅ, ATC, or the contact's setting
    pa.field("setting", pa.string(), nullable=False),     # see SETTINGS
    pa.field("care_unit", pa.string(), nullable=False),   # the unit's id (HSA-id or the source's own)
    pa.field("region", pa.string(), nullable=False),      # county code of the region the unit belongs to
])

# Kinds of event and what their code is.
KINDS = {
    "kontakt": "the contact itself; code = the setting again",
    "diagnos": "a diagnosis, ICD-10-SE",
    "atgard": "a procedure, KVÅ",
    "lakemedel": "a drug dispensed or given, ATC",
}
SETTINGS = ("primarvard", "oppenvard", "slutenvard")
