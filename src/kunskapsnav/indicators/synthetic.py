"""Synthetic patient-level data in the schema of schema.py, for the demo, the tests and the
benchmark. SYNTHETIC: no real person is behind any row, and every page and file that shows
values computed from it says so.

Persons are spread over the 21 regions in proportion to their real populations (2023,
rounded) and over each region's kommuner. Conditions come with age; what happens after a
diagnosis depends on the region (each region has its own, fixed level of care) and improves
over the years, so that indicators show differences between regions and over time.
`events` sets the size, from thousands to tens of millions of events; the same seed gives
the same data.
"""

import csv
import datetime
import io
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from .schema import EVENTS, PERSONS

MARKER = "SYNTETISKA DATA"

# Inhabitants per region, 2023, rounded to thousands (SCB).
POPULATION = {
    "01": 2_454_000, "03": 403_000, "04": 301_000, "05": 468_000, "06": 367_000, "07": 203_000, "08": 246_000,
    "09": 61_000, "10": 157_000, "12": 1_414_000, "13": 342_000, "14": 1_744_000, "17": 283_000, "18": 306_000,
    "19": 279_000, "20": 288_000, "21": 287_000, "22": 244_000, "23": 132_000, "24": 275_000, "25": 249_000,
}
# Average events per person; persons = events / EVENTS_PER_PERSON.
EVENTS_PER_PERSON = 8
EPOCH = datetime.datetime(1970, 1, 1)


@dataclass(frozen=True)
class Care:
    """What follows a diagnosis: the chance of the outcome within the indicator's window, in
    the first year, rising by `trend` a year; and the typical delay in days."""

    chance: float
    trend: float
    delay_days: float


def _municipalities() -> dict[str, list[str]]:
    text = (resources.files("kunskapsnav.organisation") / "data" / "municipalities.csv").read_text(encoding="utf-8")
    by_region: dict[str, list[str]] = {}
    for row in csv.DictReader(io.StringIO(text)):
        by_region.setdefault(row["county_code"], []).append(row["code"])
    return by_region


def _seconds(day: datetime.date) -> int:
    return int((datetime.datetime.combine(day, datetime.time()) - EPOCH).total_seconds())


class Generator:
    def __init__(self, *, events: int, years: tuple[int, int] = (2022, 2025), seed: int = 1):
        self.target_events = events
        self.first_year, self.last_year = years
        self.seed = seed
        self.rng = np.random.default_rng(seed)
        self.kommuner = _municipalities()

    # --- regional differences, fixed per region and seed -------------------------------

    def care(self, region: str, what: str) -> Care:
        rng = np.random.default_rng([self.seed, int(region), sum(map(ord, what))])
        base = {"stroke": 0.86, "hf_drug": 0.72, "echo": 0.80, "benzo": 0.09}[what]
        spread = {"stroke": 0.06, "hf_drug": 0.10, "echo": 0.08, "benzo": 0.04}[what]
        trend = {"stroke": 0.01, "hf_drug": 0.02, "echo": 0.01, "benzo": -0.008}[what]
        delay = {"stroke": 4, "hf_drug": 20, "echo": 25, "benzo": 60}[what]
        return Care(chance=float(np.clip(base + rng.uniform(-spread, spread), 0.01, 0.99)), trend=trend,
                    delay_days=float(delay * rng.uniform(0.6, 1.6)))

    # --- writing ----------------------------------------------------------------------

    def write(self, folder, *, progress=None) -> dict:
        """Write persons.parquet and events.parquet into `folder`; returns the counts.
        `progress(done, total)` is called as regions are written."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        total = sum(POPULATION.values())
        persons_wanted = max(len(POPULATION) * 10, self.target_events // EVENTS_PER_PERSON)
        metadata = {b"kunskapsnav": MARKER.encode()}
        counts = {"persons": 0, "events": 0}
        with pq.ParquetWriter(folder / "persons.parquet", PERSONS.with_metadata(metadata)) as persons_out, \
                pq.ParquetWriter(folder / "events.parquet", EVENTS.with_metadata(metadata)) as events_out:
            for done, (region, inhabitants) in enumerate(sorted(POPULATION.items()), start=1):
                n = max(10, round(persons_wanted * inhabitants / total))
                persons = self._persons(region, n, counts["persons"])
                persons_out.write_table(persons)
                events = self._events(region, persons, round(self.target_events * inhabitants / total))
                events_out.write_table(events)
                counts["persons"] += persons.num_rows
                counts["events"] += events.num_rows
                if progress:
                    progress(done, len(POPULATION))
        return counts

    def _persons(self, region: str, n: int, offset: int) -> pa.Table:
        rng = self.rng
        kommuner = self.kommuner[region]
        weights = rng.dirichlet(np.ones(len(kommuner)) * 2)
        ages = np.clip(rng.gamma(4.0, 11.0, n), 0, 104).astype(int)
        return pa.table({
            "person_id": [f"S{offset + i:09d}" for i in range(n)],
            "birth_year": (self.last_year - ages).astype(np.int16),
            "sex": np.where(rng.random(n) < 0.5, "K", "M"),
            "municipality": np.asarray(kommuner)[rng.choice(len(kommuner), n, p=weights)],
        }, schema=PERSONS)

    def _events(self, region: str, persons: pa.Table, wanted: int) -> pa.Table:
        rng = self.rng
        start, end = _seconds(datetime.date(self.first_year, 1, 1)), _seconds(datetime.date(self.last_year, 12, 31))
        ids = np.asarray(persons.column("person_id").to_pylist(), dtype=object)
        ages = self.last_year - persons.column("birth_year").to_numpy().astype(int)
        units = [f"SE{region}-{k:03d}" for k in range(1, 6 + len(ids) // 20_000)]
        parts = []

        def emit(who, when, kind, code, setting, unit):
            parts.append((who, when, np.full(len(who), kind, dtype=object), code, setting, unit))

        def unit_for(size):
            return np.asarray(units, dtype=object)[rng.integers(0, len(units), size)]

        def followed(index_people, index_time, what, kind, codes, setting, window_days):
            """The outcome for a share of those with the index event, by the region's care."""
            care = self.care(region, what)
            years = (index_time - start) / (365.25 * 86400)
            chance = np.clip(care.chance + care.trend * years, 0.01, 0.99)
            got = rng.random(len(index_people)) < chance
            delay = np.minimum(rng.exponential(care.delay_days, got.sum()), window_days) * 86400
            who, when = index_people[got], index_time[got] + delay.astype(np.int64)
            emit(who, when, kind, np.asarray(codes, dtype=object)[rng.integers(0, len(codes), got.sum())],
                 np.full(got.sum(), setting, dtype=object), unit_for(got.sum()))
            # Some get it later, outside the window.
            late = ~got & (rng.random(len(index_people)) < 0.3)
            emit(index_people[late], index_time[late] + ((window_days + 1 + rng.integers(0, 200, late.sum())) * 86400),
                 kind, np.full(late.sum(), codes[0], dtype=object), np.full(late.sum(), setting, dtype=object),
                 unit_for(late.sum()))

        scale = max(1.0, wanted / (len(ids) * EVENTS_PER_PERSON))
        old = ages >= 50
        # Stroke: ischemic stroke, then antithrombotics.
        sick = rng.random(len(ids)) < np.where(old, 0.012, 0.001) * scale
        who, when = ids[sick], rng.integers(start, end, sick.sum())
        emit(who, when, "diagnos", np.asarray(["I63.9", "I63.4", "I63.5"], dtype=object)[rng.integers(0, 3, sick.sum())],
             np.full(sick.sum(), "slutenvard", dtype=object), unit_for(sick.sum()))
        followed(who, when, "stroke", "lakemedel", ["B01AC06", "B01AC04", "B01AF01", "B01AF02"], "oppenvard", 30)
        # Heart failure: a new diagnosis, then ACE inhibitor or ARB, and echocardiography.
        sick = rng.random(len(ids)) < np.where(old, 0.015, 0.001) * scale
        who, when = ids[sick], rng.integers(start, end, sick.sum())
        emit(who, when, "diagnos", np.full(sick.sum(), "I50.9", dtype=object),
             np.full(sick.sum(), "oppenvard", dtype=object), unit_for(sick.sum()))
        followed(who, when, "hf_drug", "lakemedel", ["C09AA02", "C09AA05", "C09CA01"], "primarvard", 90)
        followed(who, when, "echo", "atgard", ["FGC10"], "oppenvard", 180)
        # KOL: admissions for exacerbations, more in some regions.
        rate = 0.004 * self.care(region, "stroke").delay_days / 4
        sick = rng.random(len(ids)) < np.where(old, rate, rate / 10) * scale
        who, when = ids[sick], rng.integers(start, end, sick.sum())
        emit(who, when, "diagnos", np.full(sick.sum(), "J44.1", dtype=object),
             np.full(sick.sum(), "slutenvard", dtype=object), unit_for(sick.sum()))
        # Older people in care, some of them on benzodiazepines (low-value care).
        aged = ids[ages >= 75]
        seen = aged[rng.random(len(aged)) < 0.9]
        when = rng.integers(start, end, len(seen))
        emit(seen, when, "kontakt", np.full(len(seen), "primarvard", dtype=object),
             np.full(len(seen), "primarvard", dtype=object), unit_for(len(seen)))
        followed(seen, when, "benzo", "lakemedel", ["N05BA01", "N05BA04", "N05BA12"], "primarvard", 300)
        # Everything else: ordinary contacts with common diagnoses, up to the size asked for.
        so_far = sum(len(p[0]) for p in parts)
        rest = max(0, wanted - so_far)
        who = ids[rng.integers(0, len(ids), rest)]
        when = rng.integers(start, end, rest)
        codes = np.asarray(["J06.9", "M54.5", "I10", "E11.9", "F32.1", "K21.9", "R10.4", "Z00.0"], dtype=object)
        settings = np.asarray(["primarvard", "oppenvard"], dtype=object)
        kinds = rng.random(rest)
        is_diagnosis = kinds < 0.6
        emit(who[is_diagnosis], when[is_diagnosis], "diagnos", codes[rng.integers(0, len(codes), is_diagnosis.sum())],
             settings[rng.integers(0, 2, is_diagnosis.sum())], unit_for(is_diagnosis.sum()))
        contact = ~is_diagnosis
        where = settings[rng.integers(0, 2, contact.sum())]
        emit(who[contact], when[contact], "kontakt", where, where, unit_for(contact.sum()))
        return self._table(parts, region)

    @staticmethod
    def _table(parts, region: str) -> pa.Table:
        who = np.concatenate([p[0] for p in parts])
        when = np.concatenate([np.asarray(p[1], dtype=np.int64) for p in parts])
        order = np.argsort(when, kind="stable")
        seconds = when[order]
        return pa.table({
            "person_id": pa.array(who[order], pa.string()),
            "time": pa.array(seconds * 1_000_000, pa.timestamp("us")),
            "kind": pa.array(np.concatenate([p[2] for p in parts])[order], pa.string()),
            "code": pa.array(np.concatenate([p[3] for p in parts])[order], pa.string()),
            "setting": pa.array(np.concatenate([p[4] for p in parts])[order], pa.string()),
            "care_unit": pa.array(np.concatenate([p[5] for p in parts])[order], pa.string()),
            "region": pa.array(np.full(len(who), region, dtype=object), pa.string()),
        }, schema=EVENTS)


def generate(folder, *, events: int, years=(2022, 2025), seed: int = 1, progress=None) -> dict:
    return Generator(events=events, years=years, seed=seed).write(folder, progress=progress)
