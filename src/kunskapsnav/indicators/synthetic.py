"""Synthetic patient-level data in the schema of schema.py, for the demo, the tests and the
benchmark. SYNTHETIC: no real person is behind any row, and every page and file that shows
values computed from it says so.

Persons are spread over the 21 regions in proportion to their real populations (2023,
rounded), over each region's kommuner and over an age pyramid close to Sweden's. Each year a
person may fall ill with the conditions the shipped indicators follow, at rates by age close
to Sweden's (docs/demo.md names the sources): so the counts per region and year are about
the real ones when `scale` is 1 (all of Sweden, about 10.5 million persons) and a fraction
of them at a smaller scale. What happens after a diagnosis depends on the region: most
regions lie close to the national level, a few are outliers (OUTLIERS), a few series shift
from a given month (SHIFTS), and care improves a little year by year.

The size is given either as `scale` (a share of Sweden's population) or as `events` (about
that many events in all: persons = events / EVENTS_PER_PERSON, and ordinary contacts fill up
to the number; the benchmark's sizes). The same seed and size give the same data.
"""

import csv
import datetime
import io
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from .schema import EVENTS, PERSONS

MARKER = "SYNTETISKA DATA"
# Raised whenever the same seed and size would give other data: the demo's cache is keyed by it.
VERSION = 2

# Inhabitants per region, 2023, rounded to thousands (SCB).
POPULATION = {
    "01": 2_454_000, "03": 403_000, "04": 301_000, "05": 468_000, "06": 367_000, "07": 203_000, "08": 246_000,
    "09": 61_000, "10": 157_000, "12": 1_414_000, "13": 342_000, "14": 1_744_000, "17": 283_000, "18": 306_000,
    "19": 279_000, "20": 288_000, "21": 287_000, "22": 244_000, "23": 132_000, "24": 275_000, "25": 249_000,
}
# Sweden's age pyramid, 2023, rounded (SCB, folkmängd efter ålder): (from age, to age, share).
AGE_PYRAMID = ((0, 19, 0.225), (20, 49, 0.385), (50, 64, 0.180), (65, 74, 0.105), (75, 84, 0.078), (85, 100, 0.027))

# New cases a year per person of each age band: (from age, to age, rate). See docs/demo.md.
INCIDENCE = {
    # First ischaemic stroke (I63): about 13 000 a year in Sweden (Riksstroke's annual reports).
    "stroke": ((0, 49, 0.0001), (50, 64, 0.0008), (65, 74, 0.003), (75, 84, 0.007), (85, 100, 0.012)),
    # New heart failure (I50): about 30 000–35 000 a year (Socialstyrelsen's patient register; SwedeHF).
    "heart_failure": ((18, 49, 0.0002), (50, 64, 0.0015), (65, 74, 0.006), (75, 84, 0.016), (85, 100, 0.04)),
    # A stay in hospital for KOL (J44): about 14 000–16 000 persons a year (Socialstyrelsen's statistics database).
    "copd_admission": ((40, 64, 0.0006), (65, 74, 0.004), (75, 84, 0.007), (85, 100, 0.008)),
}
# Share of persons 75 and older with a primary-care contact in a year.
PRIMARY_CARE_75 = 0.85

# The national level of care after a diagnosis, its spread between regions (standard
# deviation), the change a year, and the typical delay in days.
CARE = {
    "stroke": (0.88, 0.015, 0.005, 4),
    "hf_drug": (0.72, 0.025, 0.01, 20),
    "echo": (0.78, 0.03, 0.01, 25),
    "benzo": (0.08, 0.008, -0.004, 60),
}
# A few regions far from the others, so that the funnel plots have outliers: (region, care) →
# difference from the national level.
OUTLIERS = {("09", "stroke"): -0.07, ("25", "hf_drug"): -0.10, ("07", "hf_drug"): 0.08, ("12", "benzo"): 0.04,
            ("23", "echo"): -0.12}
# Series that shift from a month on, so that the SPC charts have a signal: (region, care) →
# (first month, change). Örebro and Jönköping improve after they take in the national
# supports; in Västernorrland fewer get benzodiazepines after a review of the medication lists.
SHIFTS = {("18", "stroke"): ((2024, 3), 0.06), ("06", "hf_drug"): ((2024, 9), 0.10),
          ("22", "benzo"): ((2024, 1), -0.03)}
# How far KOL admissions lie above or below the national rate (supply-sensitive care).
COPD_SPREAD = (0.7, 1.4)

# Average events per person when the size is given in events; persons = events / EVENTS_PER_PERSON.
EVENTS_PER_PERSON = 8
EPOCH = datetime.datetime(1970, 1, 1)
DAY = 86400


@dataclass(frozen=True)
class Care:
    """What follows a diagnosis in one region: the chance of the outcome within the
    indicator's window in the first year, rising by `trend` a year, plus `shift` from the
    month `shift_from` (seconds since the epoch); and the typical delay in days."""

    chance: float
    trend: float
    delay_days: float
    shift_from: int = 0
    shift: float = 0.0

    def chance_at(self, seconds, start: int):
        years = (seconds - start) / (365.25 * DAY)
        chance = self.chance + self.trend * years + np.where(seconds >= self.shift_from, self.shift, 0.0)
        return np.clip(chance, 0.01, 0.99)


def _municipalities() -> dict[str, list[str]]:
    text = (resources.files("kunskapsnav.organisation") / "data" / "municipalities.csv").read_text(encoding="utf-8")
    by_region: dict[str, list[str]] = {}
    for row in csv.DictReader(io.StringIO(text)):
        by_region.setdefault(row["county_code"], []).append(row["code"])
    return by_region


def _seconds(day: datetime.date) -> int:
    return int((datetime.datetime.combine(day, datetime.time()) - EPOCH).total_seconds())


def _strings(indices, values) -> pa.Array:
    """values[indices] as an Arrow string array, decoded in Arrow rather than in Python."""
    return pa.DictionaryArray.from_arrays(pa.array(np.asarray(indices, dtype=np.int32)),
                                          pa.array(list(values), pa.string())).cast(pa.string())


@dataclass
class _Part:
    """Events of one kind and setting: whose (index into the region's persons), when
    (seconds), which code (index into codes), at which unit (index)."""

    who: np.ndarray
    when: np.ndarray
    kind: str
    codes: list[str]
    code: np.ndarray
    setting: str
    unit: np.ndarray


class Generator:
    def __init__(self, *, events: int | None = None, scale: float | None = None, years: tuple[int, int] = (2022, 2025),
                 seed: int = 1):
        if (events is None) == (scale is None):
            raise ValueError("give either events or scale")
        self.target_events = events or 0
        self.scale = scale if scale is not None else events / EVENTS_PER_PERSON / sum(POPULATION.values())
        self.first_year, self.last_year = years
        self.seed = seed
        self.rng = np.random.default_rng(seed)
        self.kommuner = _municipalities()

    # --- regional differences, fixed per region and seed -------------------------------

    def care(self, region: str, what: str) -> Care:
        rng = np.random.default_rng([self.seed, int(region), sum(map(ord, what))])
        level, spread, trend, delay = CARE[what]
        chance = level + OUTLIERS.get((region, what), rng.normal(0, spread))
        (year, month), shift = SHIFTS.get((region, what), ((self.last_year + 1, 1), 0.0))
        return Care(chance=float(np.clip(chance, 0.01, 0.99)), trend=trend,
                    delay_days=float(delay * rng.uniform(0.6, 1.6)),
                    shift_from=_seconds(datetime.date(year, month, 1)), shift=shift)

    def copd_factor(self, region: str) -> float:
        return float(np.random.default_rng([self.seed, int(region), 7]).uniform(*COPD_SPREAD))

    def units(self, region: str) -> list[str]:
        """The region's care units: a few, and more in larger regions (by inhabitants, not by
        the scale, so that a unit's name means the same at every size)."""
        return [f"SE{region}-{k:03d}" for k in range(1, 4 + POPULATION[region] // 100_000)]

    def persons_in(self, region: str) -> int:
        return max(10, round(POPULATION[region] * self.scale))

    # --- writing ----------------------------------------------------------------------

    def write(self, folder, *, progress=None) -> dict:
        """Write persons.parquet and events.parquet into `folder`; returns the counts.
        `progress(done, total)` is called as regions are written."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        total = sum(POPULATION.values())
        metadata = {b"kunskapsnav": MARKER.encode()}
        counts = {"persons": 0, "events": 0}
        with pq.ParquetWriter(folder / "persons.parquet", PERSONS.with_metadata(metadata)) as persons_out, \
                pq.ParquetWriter(folder / "events.parquet", EVENTS.with_metadata(metadata)) as events_out:
            for done, (region, inhabitants) in enumerate(sorted(POPULATION.items()), start=1):
                persons, ages = self._persons(region, self.persons_in(region), counts["persons"])
                persons_out.write_table(persons)
                events = self._events(region, persons, ages, round(self.target_events * inhabitants / total))
                events_out.write_table(events)
                counts["persons"] += persons.num_rows
                counts["events"] += events.num_rows
                if progress:
                    progress(done, len(POPULATION))
        return counts

    def _ages(self, n: int) -> np.ndarray:
        """Ages in the last year, from the pyramid: a band by its share, then evenly within it."""
        rng = self.rng
        shares = np.array([share for *_, share in AGE_PYRAMID])
        band = rng.choice(len(AGE_PYRAMID), n, p=shares / shares.sum())
        low = np.array([b[0] for b in AGE_PYRAMID])[band]
        high = np.array([b[1] for b in AGE_PYRAMID])[band]
        return (low + rng.random(n) * (high - low + 1)).astype(int)

    def _persons(self, region: str, n: int, offset: int) -> tuple[pa.Table, np.ndarray]:
        rng = self.rng
        kommuner = self.kommuner[region]
        weights = rng.dirichlet(np.ones(len(kommuner)) * 2)
        ages = self._ages(n)
        numbers = pa.array(np.arange(offset, offset + n)).cast(pa.string())
        table = pa.table({
            "person_id": pc.binary_join_element_wise("S", pc.utf8_lpad(numbers, 9, "0"), ""),
            "birth_year": (self.last_year - ages).astype(np.int16),
            "sex": _strings(rng.random(n) < 0.5, ["M", "K"]),
            "municipality": _strings(rng.choice(len(kommuner), n, p=weights), kommuner),
        }, schema=PERSONS)
        return table, ages

    def _year(self, year: int) -> tuple[int, int]:
        return _seconds(datetime.date(year, 1, 1)), _seconds(datetime.date(year + 1, 1, 1))

    def _new_cases(self, ages: np.ndarray, rates) -> tuple[np.ndarray, np.ndarray]:
        """Who falls ill in each year, and when: persons by the rate of their age that year."""
        rng = self.rng
        who, when = [], []
        for year in range(self.first_year, self.last_year + 1):
            age = ages - (self.last_year - year)
            chance = np.zeros(len(ages))
            for low, high, rate in rates:
                chance[(age >= low) & (age <= high)] = rate
            sick = np.flatnonzero(rng.random(len(ages)) < chance)
            start, end = self._year(year)
            who.append(sick)
            when.append(rng.integers(start, end, len(sick)))
        return np.concatenate(who), np.concatenate(when)

    def _events(self, region: str, persons: pa.Table, ages: np.ndarray, wanted: int) -> pa.Table:
        rng = self.rng
        start = self._year(self.first_year)[0]
        units = self.units(region)
        parts: list[_Part] = []

        def emit(who, when, kind, codes, setting):
            parts.append(_Part(who=who, when=when, kind=kind, codes=codes, code=rng.integers(0, len(codes), len(who)),
                               setting=setting, unit=rng.integers(0, len(units), len(who))))

        def followed(index_people, index_time, what, kind, codes, setting, window_days, late_share=0.3):
            """The outcome for a share of those with the index event, by the region's care."""
            care = self.care(region, what)
            got = rng.random(len(index_people)) < care.chance_at(index_time, start)
            delay = np.minimum(rng.exponential(care.delay_days, got.sum()), window_days) * DAY
            emit(index_people[got], index_time[got] + delay.astype(np.int64), kind, codes, setting)
            # Some get it later, outside the window.
            late = ~got & (rng.random(len(index_people)) < late_share)
            emit(index_people[late], index_time[late] + (window_days + 1 + rng.integers(0, 200, late.sum())) * DAY,
                 kind, codes[:1], setting)

        # Stroke: ischaemic stroke, then antithrombotics.
        who, when = self._new_cases(ages, INCIDENCE["stroke"])
        emit(who, when, "diagnos", ["I63.9", "I63.4", "I63.5"], "slutenvard")
        followed(who, when, "stroke", "lakemedel", ["B01AC06", "B01AC04", "B01AF01", "B01AF02"], "oppenvard", 30)
        # Heart failure: a new diagnosis, then ACE inhibitor or ARB, and echocardiography.
        who, when = self._new_cases(ages, INCIDENCE["heart_failure"])
        emit(who, when, "diagnos", ["I50.9"], "oppenvard")
        followed(who, when, "hf_drug", "lakemedel", ["C09AA02", "C09AA05", "C09CA01"], "primarvard", 90)
        followed(who, when, "echo", "atgard", ["FGC10"], "oppenvard", 180)
        # KOL: stays in hospital for exacerbations, more in some regions; some come back within the year.
        factor = self.copd_factor(region)
        rates = [(low, high, rate * factor) for low, high, rate in INCIDENCE["copd_admission"]]
        who, when = self._new_cases(ages, rates)
        again = rng.random(len(who)) < 0.3
        who = np.concatenate([who, who[again]])
        when = np.concatenate([when, when[again] + rng.integers(20, 200, again.sum()) * DAY])
        emit(who, when, "diagnos", ["J44.1"], "slutenvard")
        # Older people in primary care each year, some of them on benzodiazepines (low-value care).
        who, when = self._new_cases(ages, [(75, 200, PRIMARY_CARE_75)])
        emit(who, when, "kontakt", ["primarvard"], "primarvard")
        # Few start later: a late one would fall in the next year's window.
        followed(who, when, "benzo", "lakemedel", ["N05BA01", "N05BA04", "N05BA12"], "primarvard", 300, late_share=0.01)
        # Everything else: ordinary contacts with common diagnoses, up to the size asked for.
        rest = max(0, wanted - sum(len(p.who) for p in parts))
        self._ordinary(parts, len(ages), rest, emit)
        return self._table(parts, persons, region, units)

    def _ordinary(self, parts, persons: int, rest: int, emit) -> None:
        rng = self.rng
        start, end = self._year(self.first_year)[0], self._year(self.last_year)[1]
        who = rng.integers(0, persons, rest)
        when = rng.integers(start, end, rest)
        is_diagnosis = rng.random(rest) < 0.6
        primary = rng.random(rest) < 0.5
        codes = ["J06.9", "M54.5", "I10", "E11.9", "F32.1", "K21.9", "R10.4", "Z00.0"]
        for setting, where in (("primarvard", primary), ("oppenvard", ~primary)):
            emit(who[is_diagnosis & where], when[is_diagnosis & where], "diagnos", codes, setting)
            emit(who[~is_diagnosis & where], when[~is_diagnosis & where], "kontakt", [setting], setting)

    @staticmethod
    def _table(parts: list[_Part], persons: pa.Table, region: str, units: list[str]) -> pa.Table:
        pieces = [pa.table({
            "person_id": persons.column("person_id").take(pa.array(part.who, pa.int64())),
            "time": pa.array(np.asarray(part.when, dtype=np.int64) * 1_000_000, pa.timestamp("us")),
            "kind": _strings(np.zeros(len(part.who)), [part.kind]),
            "code": _strings(part.code, part.codes),
            "setting": _strings(np.zeros(len(part.who)), [part.setting]),
            "care_unit": _strings(part.unit, units),
            "region": _strings(np.zeros(len(part.who)), [region]),
        }, schema=EVENTS) for part in parts]
        table = pa.concat_tables(pieces).combine_chunks()
        return table.take(pc.sort_indices(table, sort_keys=[("time", "ascending")]))


def generate(folder, *, events: int | None = None, scale: float | None = None, years=(2022, 2025), seed: int = 1,
             progress=None) -> dict:
    return Generator(events=events, scale=scale, years=years, seed=seed).write(folder, progress=progress)
