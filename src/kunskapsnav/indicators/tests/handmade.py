"""A small data set whose indicator values are worked out by hand in the tests."""

import datetime

import pyarrow as pa
import pyarrow.parquet as pq

from kunskapsnav.indicators.schema import EVENTS, PERSONS

T = datetime.datetime
HEALTHCARE_REGIONS = {"18": "mellansverige", "03": "mellansverige"}

PERSON_ROWS = [
    ("p1", 1950, "K", "1880"),  # Örebro, 74 in 2024
    ("p2", 1980, "M", "1880"),  # Örebro, 44
    ("p3", 1945, "M", "0380"),  # Uppsala, 79
    ("p4", 2010, "K", "0380"),  # Uppsala, 14: outside an adult population
    ("p5", 1960, "K", "1880"),  # Örebro, 63 in 2023
]

EVENT_ROWS = [
    # p1: stroke, antiplatelet after 10 days
    ("p1", T(2024, 1, 10, 8), "diagnos", "I63.9", "slutenvard", "U-ORE-1", "18"),
    ("p1", T(2024, 1, 20, 8), "lakemedel", "B01AC06", "oppenvard", "U-ORE-2", "18"),
    # p2: stroke, anticoagulant after 43 days
    ("p2", T(2024, 2, 1, 12), "diagnos", "I63", "slutenvard", "U-ORE-1", "18"),
    ("p2", T(2024, 3, 15, 12), "lakemedel", "B01AF01", "oppenvard", "U-ORE-2", "18"),
    # p3: stroke, treated the same day
    ("p3", T(2024, 1, 5, 8), "diagnos", "I63.4", "slutenvard", "U-UPP-1", "03"),
    ("p3", T(2024, 1, 5, 9), "lakemedel", "B01AA03", "slutenvard", "U-UPP-1", "03"),
    # p4: a child with stroke
    ("p4", T(2024, 1, 1, 8), "diagnos", "I63", "slutenvard", "U-UPP-1", "03"),
    # p5: an I64 (not counted), stroke at new year and again, treated after 26 days
    ("p5", T(2023, 11, 1, 8), "diagnos", "I64", "slutenvard", "U-ORE-1", "18"),
    ("p5", T(2023, 12, 30, 8), "diagnos", "I63.5", "slutenvard", "U-ORE-1", "18"),
    ("p5", T(2024, 1, 2, 8), "diagnos", "I63.5", "oppenvard", "U-ORE-2", "18"),
    ("p5", T(2024, 1, 25, 8), "lakemedel", "B01AC06", "primarvard", "U-ORE-3", "18"),
]


def write(folder) -> None:
    persons = pa.Table.from_pylist([dict(zip(PERSONS.names, row)) for row in PERSON_ROWS], schema=PERSONS)
    events = pa.Table.from_pylist([dict(zip(EVENTS.names, row)) for row in EVENT_ROWS], schema=EVENTS)
    pq.write_table(persons, f"{folder}/persons.parquet")
    pq.write_table(events, f"{folder}/events.parquet")
