"""Benchmark of the indicator engine on DuckDB, side by side with hand-written DuckDB SQL and
with plain pandas.

    .venv/bin/python bench/indicators.py --events 1000000 10000000 30000000

For each size the script generates the synthetic data set (indicators.synthetic, seed 1) into
`--folder`/<events>, or reuses it if an earlier run left it there complete. It then computes
all five shipped definitions (spec.shipped()) three ways, every level × period × stratum:

1. engine: `engine.run` on `ibis.duckdb.connect()` in a fresh process (cold: Ibis' backend
   loaded and every expression compiled in the run);
   engine_warm: the same in a process that has already made one run, as the long-lived
   worker makes its second and later runs (its DuckDB connection kept, the definitions'
   SQL compiled; runs._connection, engine._COMPILED). Its time less the hand SQL's is the
   engine's fixed cost per run in the worker (goal ≤ 0.2 s at 1 M events);
2. sql: the same numbers in hand-written DuckDB SQL through the duckdb Python API, one query
   per definition (a materialised cohort, then GROUPING SETS);
3. pandas: the same with pandas (read the Parquet, merge, groupby).

Each way runs in its own child process, so that its peak resident memory is its own, and
writes its results to files. The parent checks that the three ways give the same numerator,
denominator and median for every row before it reports any time, and stops with an error if
they do not. Not a test: it measures; the check is only there so that the times compare the
same work.
"""

import argparse
import csv
import datetime
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from common import log

from kunskapsnav.indicators import engine, spec, synthetic
from kunskapsnav.lib.processes import child_command
from kunskapsnav.indicators.spec import Definition, EventMatch, Kind

WAYS = ("engine", "engine_warm", "sql", "pandas")
KEYS = engine.COLUMNS[:6]  # level, geo, period_type, period, stratum_type, stratum
SEED = 1
GIB = 1024 ** 3
# Where each geography level's value comes from in the cohort (riket: the constant "SE").
GEO_COLUMNS = {engine.NATION: None, engine.HEALTHCARE_REGION: "healthcare_region", engine.REGION: "region",
               engine.MUNICIPALITY: "municipality", engine.CARE_UNIT: "care_unit"}
STRATUM_COLUMNS = {engine.ALL: None, engine.SEX: "sex", engine.AGE: "age_band"}


def healthcare_regions() -> dict[str, str]:
    """County code → sjukvårdsregion, from the reference data the platform loads into its
    database (runs.healthcare_regions() reads the same pairs back from there)."""
    text = (resources.files("kunskapsnav.organisation") / "data" / "regions.csv").read_text(encoding="utf-8")
    return {row["county_code"]: row["healthcare_region"] for row in csv.DictReader(text.splitlines())}


def levels_for(definition: Definition) -> list[str]:
    """A rate has no care-unit level: a unit has no inhabitants to divide by."""
    return [level for level in engine.LEVELS if not (definition.kind == Kind.RATE and level == engine.CARE_UNIT)]


def rss_now() -> int:
    """Resident memory of this process now, in bytes."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


def rss_peak() -> int:
    """Peak resident memory of this process so far, in bytes (Linux gives kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def cpu_seconds() -> float:
    """User and system CPU time of this process and its threads (DuckDB works in threads).
    Beside the wall-clock time it shows how much the shared machine held a way back."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


# --- the data ------------------------------------------------------------------------------


def ensure_data(folder: Path, events: int) -> dict:
    """The synthetic data set in `folder`, generated unless a complete one for the same size
    and seed is there already. The marker file is written last, so an interrupted generation
    is not mistaken for a complete one."""
    marker = folder / "generated.json"
    if marker.exists():
        made = json.loads(marker.read_text())
        if made.get("events_asked") == events and made.get("seed") == SEED:
            log(f"[{events:,}] reusing the data in {folder}")
            return made
    log(f"[{events:,}] generating {events:,} events into {folder} …")
    # In a child process: generating holds a few GB of NumPy objects that the parent, which
    # lives through every measurement, should not keep.
    command = [sys.executable, __file__, "--worker", "generate", "--size", str(events), "--data", str(folder)]
    done = subprocess.run(child_command(command), stdout=subprocess.PIPE, text=True, check=True)
    made = json.loads(done.stdout.strip().splitlines()[-1])
    marker.write_text(json.dumps(made))
    return made


def generate(folder: Path, events: int) -> dict:
    started = time.perf_counter()
    counts = synthetic.generate(folder, events=events, seed=SEED)
    return {"events_asked": events, "seed": SEED, "seconds": time.perf_counter() - started, **counts}


# --- way 1: the engine ---------------------------------------------------------------------


def run_engine(folder: Path, definitions: list[Definition], regions: dict) -> tuple[dict, dict]:
    """engine.run for each definition, every level × period × stratum (its defaults)."""
    import ibis

    timings, results = {}, {}
    data = engine.open_parquet(ibis.duckdb.connect(), folder)
    for definition in definitions:
        started = time.perf_counter()
        results[definition.code] = engine.run(definition, data, healthcare_regions=regions)
        timings[definition.code] = time.perf_counter() - started
    return results, timings


_worker_connection = []  # the connection the worker keeps (runs._connection), once made


def warm_up_engine(folder: Path, definitions: list[Definition], regions: dict) -> None:
    """The worker's first run, not measured: the connection made and kept, every definition
    compiled (engine._COMPILED)."""
    import ibis

    _worker_connection.append(ibis.duckdb.connect())
    for definition in definitions:
        engine.run(definition, engine.open_parquet(_worker_connection[0], folder), healthcare_regions=regions)


def run_engine_warm(folder: Path, definitions: list[Definition], regions: dict) -> tuple[dict, dict]:
    """A later run of the worker, after warm_up_engine: the data opened anew on the kept
    connection, each definition's compiled SQL sent as it stands."""
    timings, results = {}, {}
    data = engine.open_parquet(_worker_connection[0], folder)
    for definition in definitions:
        started = time.perf_counter()
        results[definition.code] = engine.run(definition, data, healthcare_regions=regions)
        timings[definition.code] = time.perf_counter() - started
    return results, timings


# --- way 2: hand-written DuckDB SQL --------------------------------------------------------


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def sql_match(match: EventMatch, alias: str) -> str:
    """The events of a match: the kind, a code that starts with one of the codes, the settings."""
    codes = " OR ".join(f"starts_with({alias}.code, {_quote(code)})" for code in match.codes)
    condition = f"{alias}.kind = {_quote(match.kind)} AND ({codes})"
    if match.settings:
        condition += f" AND {alias}.setting IN ({', '.join(map(_quote, match.settings))})"
    return condition


def sql_age_band(definition: Definition, age: str) -> str:
    """The band label of an age; the bands are lower bounds, as in the engine."""
    bands, labels = list(definition.age_bands), definition.age_band_labels()
    branches = []
    if bands[0] > 0:
        branches.append(f"WHEN {age} < {bands[0]} THEN {_quote(labels.pop(0))}")
    for (low, high), label in zip(zip(bands, bands[1:]), labels):
        branches.append(f"WHEN {age} >= {low} AND {age} < {high} THEN {_quote(label)}")
    return f"CASE {' '.join(branches)} ELSE {_quote(labels[-1])} END"


def sql_population_filter(definition: Definition) -> str:
    population, conditions = definition.population, ["TRUE"]
    if population.min_age is not None:
        conditions.append(f"year(i.index_time) - p.birth_year >= {population.min_age}")
    if population.max_age is not None:
        conditions.append(f"year(i.index_time) - p.birth_year <= {population.max_age}")
    if population.sex is not None:
        conditions.append(f"p.sex = {_quote(population.sex)}")
    return " AND ".join(conditions)


def sql_people(definition: Definition) -> str:
    """CTEs index_events and people: the first index event per person (or per person and
    calendar year), its care unit, the person's sex, kommun, region and age, after the
    population filter."""
    per_year = "" if definition.first_ever else ", year(time)"
    return f"""
    index_events AS (
        SELECT person_id, min(time) AS index_time, arg_min(care_unit, time) AS care_unit
        FROM events e
        WHERE {sql_match(definition.index_event, "e")}
        GROUP BY person_id{per_year}
    ),
    people AS (
        SELECT i.person_id, i.index_time, i.care_unit, p.sex, p.municipality,
               left(p.municipality, 2) AS region,
               coalesce(h.healthcare_region, 'okand') AS healthcare_region,
               {sql_age_band(definition, "(year(i.index_time) - p.birth_year)")} AS age_band,
               date_trunc('year', i.index_time)::DATE AS ar,
               date_trunc('quarter', i.index_time)::DATE AS kvartal,
               date_trunc('month', i.index_time)::DATE AS manad
        FROM index_events i
        JOIN persons p USING (person_id)
        LEFT JOIN healthcare_regions h ON h.region = left(p.municipality, 2)
        WHERE {sql_population_filter(definition)}
    )"""


def sql_grouping(levels: list[str], periods=tuple(engine.PERIODS), strata=engine.STRATA) -> tuple[dict, str]:
    """The expressions that name each group (level, geo, period_type, period, stratum_type,
    stratum, told apart with GROUPING()) and the GROUPING SETS clause: one set per
    level × period × stratum, as the engine's union has one aggregation per combination."""
    sets = []
    for level in levels:
        for period in periods:
            for stratum in strata:
                columns = [c for c in (GEO_COLUMNS[level], period, STRATUM_COLUMNS[stratum]) if c]
                sets.append(f"({', '.join(columns)})")
    geos = [GEO_COLUMNS[level] for level in reversed(engine.LEVELS) if level in levels and GEO_COLUMNS[level]]
    levels_of = {column: level for level, column in GEO_COLUMNS.items()}
    strata_columns = [STRATUM_COLUMNS[s] for s in strata if STRATUM_COLUMNS[s]]
    strata_of = {column: stratum for stratum, column in STRATUM_COLUMNS.items()}

    def case(columns, then, otherwise=None):
        branches = " ".join(f"WHEN grouping({c}) = 0 THEN {then(c)}" for c in columns)
        return f"CASE {branches}{f' ELSE {otherwise}' if otherwise else ''} END"

    names = {
        "level": case(geos, lambda c: _quote(levels_of[c]), "'riket'"),
        "geo": case(geos, lambda c: c, "'SE'"),
        "period_type": case(periods, _quote),
        "period": case(periods, lambda c: c),
        "stratum_type": case(strata_columns, lambda c: _quote(strata_of[c]), "'alla'"),
        "stratum": case(strata_columns, lambda c: c, "'alla'"),
    }
    return names, f"GROUPING SETS ({', '.join(sets)})"


def _select(names: dict, only=None) -> str:
    return ",\n           ".join(f"{expression} AS {name}" for name, expression in names.items()
                                  if only is None or name in only)


def sql_proportion(definition: Definition) -> str:
    """andel and mediantid: the cohort with the first outcome within the window (inclusive at
    both ends), materialised once, then every group in one GROUPING SETS aggregation."""
    window = definition.window
    names, grouping = sql_grouping(levels_for(definition))
    return f"""
    WITH {sql_people(definition)},
    first_outcomes AS (
        SELECT pe.person_id, pe.index_time, min(o.time) AS first_outcome
        FROM people pe
        JOIN events o
          ON o.person_id = pe.person_id
         AND o.time >= pe.index_time + INTERVAL {window.from_days} DAY
         AND o.time <= pe.index_time + INTERVAL {window.to_days} DAY
        WHERE {sql_match(definition.outcome_event, "o")}
        GROUP BY pe.person_id, pe.index_time
    ),
    cohort AS MATERIALIZED (
        SELECT pe.*, f.first_outcome IS NOT NULL AS hit,
               floor((epoch(f.first_outcome) - epoch(pe.index_time)) / 86400)::BIGINT AS days
        FROM people pe
        LEFT JOIN first_outcomes f USING (person_id, index_time)
    )
    SELECT {_select(names)},
           count_if(hit) AS numerator, count(*) AS denominator, median(days)::DOUBLE AS median_days
    FROM cohort
    GROUP BY {grouping}
    """


def sql_rate(definition: Definition) -> str:
    """per_100000: persons with an index event per group, and the inhabitants of the same
    geography and stratum in the period's year (age in that year) as the denominator."""
    levels = levels_for(definition)
    names, grouping = sql_grouping(levels)
    # The year is in every set of the inhabitants' grouping, so it can be selected as it is.
    residents_names, residents_grouping = sql_grouping(levels, periods=("year",))
    return f"""
    WITH {sql_people(definition)},
    cohort AS MATERIALIZED (SELECT * FROM people),
    counts AS (
        SELECT {_select(names)}, count(*) AS numerator
        FROM cohort
        GROUP BY {grouping}
    ),
    residents AS (
        SELECT y.year, p.sex, p.municipality, left(p.municipality, 2) AS region,
               coalesce(h.healthcare_region, 'okand') AS healthcare_region,
               {sql_age_band(definition, "(y.year - p.birth_year)")} AS age_band
        FROM persons p
        CROSS JOIN (SELECT DISTINCT year(index_time) AS year FROM cohort) y
        LEFT JOIN healthcare_regions h ON h.region = left(p.municipality, 2)
    ),
    inhabitants AS (
        SELECT year, {_select(residents_names, only=("level", "geo", "stratum_type", "stratum"))},
               count(*) AS inhabitants
        FROM residents
        GROUP BY {residents_grouping}
    )
    SELECT c.level, c.geo, c.period_type, c.period, c.stratum_type, c.stratum, c.numerator,
           i.inhabitants AS denominator, NULL::DOUBLE AS median_days
    FROM counts c
    LEFT JOIN inhabitants i
      ON i.year = year(c.period) AND i.level = c.level AND i.geo = c.geo
     AND i.stratum_type = c.stratum_type AND i.stratum = c.stratum
    """


def run_sql(folder: Path, definitions: list[Definition], regions: dict) -> tuple[dict, dict]:
    import duckdb

    con = duckdb.connect()
    con.execute(f"CREATE VIEW events AS SELECT * FROM read_parquet({_quote(str(folder / 'events.parquet'))})")
    con.execute(f"CREATE VIEW persons AS SELECT * FROM read_parquet({_quote(str(folder / 'persons.parquet'))})")
    con.execute("CREATE TABLE healthcare_regions (region VARCHAR, healthcare_region VARCHAR)")
    con.executemany("INSERT INTO healthcare_regions VALUES (?, ?)", list(regions.items()))
    timings, results = {}, {}
    for definition in definitions:
        query = sql_rate(definition) if definition.kind == Kind.RATE else sql_proportion(definition)
        started = time.perf_counter()
        results[definition.code] = con.sql(query).df()
        timings[definition.code] = time.perf_counter() - started
    return results, timings


# --- way 3: pandas -------------------------------------------------------------------------

PANDAS_PERIODS = {"ar": "Y", "kvartal": "Q", "manad": "M"}


def pandas_matching(events: pd.DataFrame, match: EventMatch) -> pd.DataFrame:
    rows = events[events["kind"] == match.kind]
    rows = rows[rows["code"].str.startswith(tuple(match.codes))]
    if match.settings:
        rows = rows[rows["setting"].isin(list(match.settings))]
    return rows


def pandas_age_band(age: pd.Series, definition: Definition) -> np.ndarray:
    bands, labels = list(definition.age_bands), definition.age_band_labels()
    conditions = []
    if bands[0] > 0:
        conditions.append(age < bands[0])
    conditions += [(age >= low) & (age < high) for low, high in zip(bands, bands[1:])]
    return np.select(conditions, labels[:len(conditions)], default=labels[-1])


def pandas_places(frame: pd.DataFrame, regions: dict) -> pd.DataFrame:
    frame["region"] = frame["municipality"].str[:2]
    frame["healthcare_region"] = frame["region"].map(regions).fillna("okand")
    return frame


def pandas_people(definition: Definition, events: pd.DataFrame, persons: pd.DataFrame, regions: dict):
    index = pandas_matching(events, definition.index_event)[["person_id", "time", "care_unit"]]
    keys = ["person_id"]
    if not definition.first_ever:
        index = index.assign(index_year=index["time"].dt.year)
        keys.append("index_year")
    # The first index event of each person (or person and year), with its care unit.
    index = index.sort_values("time", kind="stable").drop_duplicates(keys)
    people = index.rename(columns={"time": "index_time"}).merge(persons, on="person_id")
    people["age"] = people["index_time"].dt.year - people["birth_year"]
    population = definition.population
    if population.min_age is not None:
        people = people[people["age"] >= population.min_age]
    if population.max_age is not None:
        people = people[people["age"] <= population.max_age]
    if population.sex is not None:
        people = people[people["sex"] == population.sex]
    people = pandas_places(people.copy(), regions)
    people["age_band"] = pandas_age_band(people["age"], definition)
    for period_type, freq in PANDAS_PERIODS.items():
        people[period_type] = people["index_time"].dt.to_period(freq).dt.start_time
    return people


def pandas_outcomes(definition: Definition, people: pd.DataFrame, events: pd.DataFrame) -> pd.DataFrame:
    """The first outcome within the window (inclusive at both ends), hit and whole days."""
    outcomes = pandas_matching(events, definition.outcome_event)[["person_id", "time"]]
    pairs = people[["person_id", "index_time"]].merge(outcomes, on="person_id")
    window = definition.window
    inside = ((pairs["time"] >= pairs["index_time"] + pd.Timedelta(days=window.from_days))
              & (pairs["time"] <= pairs["index_time"] + pd.Timedelta(days=window.to_days)))
    first = (pairs[inside].groupby(["person_id", "index_time"], as_index=False)["time"].min()
             .rename(columns={"time": "first_outcome"}))
    people = people.merge(first, on=["person_id", "index_time"], how="left")
    people["hit"] = people["first_outcome"].notna()
    people["days"] = np.floor((people["first_outcome"] - people["index_time"]).dt.total_seconds() / 86400)
    return people


def pandas_groups(frame: pd.DataFrame, levels: list[str], aggregate, values=(), periods=tuple(engine.PERIODS)):
    """`aggregate(groupby)` for every level × period × stratum, in COLUMNS order; each period
    type is a column of `frame` holding the period's first day. Only the three keys and the
    `values` columns are taken along into each groupby, not the whole frame."""
    parts = []
    for level in levels:
        for period_type in periods:
            for stratum_type in engine.STRATA:
                geo, stratum = GEO_COLUMNS[level], STRATUM_COLUMNS[stratum_type]
                keyed = frame[list(values)].assign(
                    geo=frame[geo] if geo else "SE", period=frame[period_type],
                    stratum=frame[stratum] if stratum else engine.ALL)
                part = aggregate(keyed.groupby(["geo", "period", "stratum"], sort=False)).reset_index()
                part.insert(0, "level", level)
                part.insert(2, "period_type", period_type)
                part.insert(4, "stratum_type", stratum_type)
                parts.append(part)
    return pd.concat(parts, ignore_index=True)


def pandas_inhabitants(definition: Definition, persons: pd.DataFrame, years: list[int], regions: dict):
    """Inhabitants per year, geography and stratum (age in each year): every person once a year."""
    places = pandas_places(persons.copy(), regions)
    residents = pd.concat([places.assign(year=year, age_band=pandas_age_band(year - places["birth_year"], definition))
                           for year in years], ignore_index=True)
    inhabitants = pandas_groups(residents, levels_for(definition), lambda g: g.size().rename("denominator"),
                                periods=("year",))
    return inhabitants.rename(columns={"period": "year"}).drop(columns=["period_type"])


def pandas_definition(definition: Definition, events: pd.DataFrame, persons: pd.DataFrame, regions: dict):
    people = pandas_people(definition, events, persons, regions)
    levels = levels_for(definition)
    if definition.kind == Kind.RATE:
        result = pandas_groups(people, levels, lambda g: g.size().rename("numerator"))
        result["year"] = result["period"].dt.year
        inhabitants = pandas_inhabitants(definition, persons, sorted(result["year"].unique()), regions)
        result = result.merge(inhabitants, on=["year", "level", "geo", "stratum_type", "stratum"], how="left")
        result["median_days"] = np.nan
        return result[engine.COLUMNS]
    people = pandas_outcomes(definition, people, events)
    return pandas_groups(people, levels, lambda g: g.agg(
        numerator=("hit", "sum"), denominator=("hit", "size"), median_days=("days", "median")),
        values=("hit", "days"))


def run_pandas(folder: Path, definitions: list[Definition], regions: dict) -> tuple[dict, dict]:
    timings, results = {}, {}
    started = time.perf_counter()
    # Reading once serves all five; the region column is the only one nobody needs.
    events = pd.read_parquet(folder / "events.parquet",
                             columns=["person_id", "time", "kind", "code", "setting", "care_unit"])
    persons = pd.read_parquet(folder / "persons.parquet")
    timings["read"] = time.perf_counter() - started
    for definition in definitions:
        started = time.perf_counter()
        results[definition.code] = pandas_definition(definition, events, persons, regions)
        timings[definition.code] = time.perf_counter() - started
    return results, timings


# --- the child: one way, one size -----------------------------------------------------------

RUNNERS = {"engine": run_engine, "engine_warm": run_engine_warm, "sql": run_sql, "pandas": run_pandas}


def normalised(frame: pd.DataFrame) -> pd.DataFrame:
    """One layout for all three ways: COLUMNS, the period as ISO text, counts as integers
    where none is missing, sorted by the keys."""
    frame = frame[engine.COLUMNS].copy()
    frame["period"] = pd.to_datetime(frame["period"]).dt.strftime("%Y-%m-%d")
    for column in ("numerator", "denominator"):
        if frame[column].notna().all():
            frame[column] = frame[column].astype("int64")
    frame["median_days"] = frame["median_days"].astype("float64")
    return frame.sort_values(KEYS).reset_index(drop=True)


def worker(args):
    folder = Path(args.data)
    if args.worker == "generate":
        print(json.dumps(generate(folder, args.size)))
        return
    definitions, regions = spec.shipped(), healthcare_regions()
    if args.worker == "engine_warm":
        warm_up_engine(folder, definitions, regions)
    rss_before, cpu_before = rss_now(), cpu_seconds()
    started = time.perf_counter()
    results, timings = RUNNERS[args.worker](folder, definitions, regions)
    seconds = time.perf_counter() - started
    cpu = cpu_seconds() - cpu_before
    peak = rss_peak()  # before the results are written out, which is not part of the way
    out = Path(args.out)
    for code, frame in results.items():
        normalised(frame).to_parquet(out / f"{args.worker}-{code}.parquet", index=False)
    print(json.dumps({"way": args.worker, "seconds": seconds, "cpu_seconds": cpu, "per_definition": timings,
                      "peak_rss": peak, "rss_after_imports": rss_before,
                      "rows": {code: len(frame) for code, frame in results.items()}}))


# --- the parent: children, the check, the table ---------------------------------------------


def run_way(way: str, folder: Path, out: Path) -> dict:
    command = [sys.executable, __file__, "--worker", way, "--data", str(folder), "--out", str(out)]
    load_before = os.getloadavg()[0]
    done = subprocess.run(child_command(command), stdout=subprocess.PIPE, text=True)
    if done.returncode != 0:
        raise SystemExit(f"the {way} child failed (exit {done.returncode}); see its error above")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["load_average"] = [load_before, os.getloadavg()[0]]
    return result


def warm_page_cache(folder: Path):
    """Read the files once, so that the first way measured does not pay the disk for the others."""
    for name in ("events.parquet", "persons.parquet"):
        with (folder / name).open("rb") as handle:
            while handle.read(1 << 24):
                pass


def differences(code: str, reference: str, other: str, out: Path) -> list[str]:
    """What differs between two ways' results for one definition (empty when they agree):
    rows only one has, numerators, denominators, medians (NaN equals NaN)."""
    a = pd.read_parquet(out / f"{reference}-{code}.parquet")
    b = pd.read_parquet(out / f"{other}-{code}.parquet")
    merged = a.merge(b, on=KEYS, how="outer", suffixes=("_a", "_b"), indicator=True)
    problems = []
    alone = merged[merged["_merge"] != "both"]
    if len(alone):
        problems.append(f"{code}: {len(alone)} rows in only one of {reference}/{other}, e.g.\n"
                        f"{alone[KEYS + ['_merge']].head(5).to_string()}")
    both = merged[merged["_merge"] == "both"]
    for column in ("numerator", "denominator"):
        x, y = both[f"{column}_a"].astype("float64"), both[f"{column}_b"].astype("float64")
        wrong = both[(x != y) & ~(x.isna() & y.isna())]
        if len(wrong):
            problems.append(f"{code}: {column} differs in {len(wrong)} rows between {reference} and {other}, e.g.\n"
                            f"{wrong[KEYS + [f'{column}_a', f'{column}_b']].head(5).to_string()}")
    x, y = both["median_days_a"], both["median_days_b"]
    wrong = both[~(np.isclose(x, y, rtol=0, atol=1e-9) | (x.isna() & y.isna()))]
    if len(wrong):
        problems.append(f"{code}: median_days differs in {len(wrong)} rows between {reference} and {other}, e.g.\n"
                        f"{wrong[KEYS + ['median_days_a', 'median_days_b']].head(5).to_string()}")
    return problems


def verify(ways: list[str], out: Path) -> int:
    """Every way against the engine, every definition; stops the benchmark on a difference.
    Returns the number of rows compared."""
    problems, rows = [], 0
    for definition in spec.shipped():
        rows += len(pd.read_parquet(out / f"engine-{definition.code}.parquet", columns=["level"]))
        for way in ways:
            if way != "engine":
                problems += differences(definition.code, "engine", way, out)
    if problems:
        print("\n\n".join(problems), file=sys.stderr)
        raise SystemExit("The ways do not give the same numbers: no times are reported.")
    return rows


def measure(events: int, args) -> dict:
    folder = Path(args.folder) / str(events)
    made = ensure_data(folder, events)
    warm_page_cache(folder)
    ways = [w for w in WAYS if not (w == "pandas" and events > args.pandas_max_events)]
    runs: dict[str, list[dict]] = {way: [] for way in ways}
    with tempfile.TemporaryDirectory(prefix="kunskapsnav-bench-indicators-") as out:
        for repeat in range(args.repeats):
            for way in ways:  # one round of every way, then the next, so drift hits all alike
                log(f"[{events:,}] {way}, run {repeat + 1}/{args.repeats} …")
                runs[way].append(run_way(way, folder, Path(out)))
            # Each round overwrites the results; check them every round, not only the last.
            rows = verify(ways, Path(out))
            log(f"[{events:,}] the ways agree on all {rows:,} rows")
    return {"events": events, "data": made, "ways": ways, "runs": runs, "rows": rows,
            "pandas_skipped": "pandas" not in ways}


def best(runs: list[dict]) -> dict:
    """The fastest of the repeats (the least disturbed by the shared machine), with the
    highest peak memory of any of them."""
    fastest = min(runs, key=lambda r: r["seconds"])
    return fastest | {"peak_rss": max(r["peak_rss"] for r in runs)}


def machine() -> dict:
    import duckdb
    import ibis
    import pyarrow

    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    memory_kb = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                     if line.startswith("MemTotal"))
    return {"nproc": os.cpu_count(), "cpu": cpu, "memory_gib": round(memory_kb / 1024 / 1024, 1),
            "python": platform.python_version(), "duckdb": duckdb.__version__, "ibis": ibis.__version__,
            "pandas": pd.__version__, "pyarrow": pyarrow.__version__}


def _cell(value, fmt: str) -> str:
    return "—" if value is None else format(value, fmt)


def tables(sizes: list[dict]) -> str:
    lines = ["| events | persons | engine (s) | SQL (s) | pandas (s) | SQL/engine (goal ≥ 0.8) "
             "| pandas/engine (goal ≥ 20) | engine peak RSS | SQL peak RSS | pandas peak RSS |",
             "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for size in sizes:
        b = {way: best(size["runs"][way]) for way in size["ways"]}
        t = {way: b[way]["seconds"] if way in b else None for way in WAYS}
        m = {way: b[way]["peak_rss"] / GIB if way in b else None for way in WAYS}
        pandas_ratio = t["pandas"] / t["engine"] if t["pandas"] is not None else None
        lines.append(
            f"| {size['data']['events']:,} | {size['data']['persons']:,} | {t['engine']:.2f} | {t['sql']:.2f} | "
            f"{_cell(t['pandas'], '.2f')} | {t['sql'] / t['engine']:.2f}× | {_cell(pandas_ratio, '.1f')}"
            f"{'×' if pandas_ratio else ''} | {m['engine']:.2f} GiB | {m['sql']:.2f} GiB | "
            f"{_cell(m['pandas'], '.2f')}{' GiB' if m['pandas'] else ''} |")
    lines += ["", "The engine's fixed cost per run: its time less the hand SQL's, in a fresh process (cold) and "
              "in a worker that has made a run before (warm):", "",
              "| events | engine cold (s) | engine warm (s) | SQL (s) | cold − SQL (s) | warm − SQL (s, goal ≤ 0.2) "
              "| the same in CPU seconds: cold − SQL | warm − SQL |",
              "|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for size in sizes:
        b = {way: best(size["runs"][way]) for way in size["ways"]}
        s = {way: b[way]["seconds"] for way in b}
        c = {way: min(r["cpu_seconds"] for r in size["runs"][way]) for way in b}
        lines.append(f"| {size['data']['events']:,} | {s['engine']:.2f} | {s['engine_warm']:.2f} | {s['sql']:.2f} | "
                     f"{s['engine'] - s['sql']:.2f} | {s['engine_warm'] - s['sql']:.2f} | "
                     f"{c['engine'] - c['sql']:.2f} | {c['engine_warm'] - c['sql']:.2f} |")
    lines += ["", "Seconds per million events, and CPU seconds (user + system, all threads) of the same run:", "",
              "| events | engine | SQL | pandas | engine CPU | SQL CPU | pandas CPU |",
              "|---:|---:|---:|---:|---:|---:|---:|"]
    for size in sizes:
        millions = size["data"]["events"] / 1e6
        b = {way: best(size["runs"][way]) for way in size["ways"]}
        per = {way: b[way]["seconds"] / millions if way in b else None for way in WAYS}
        cpu = {way: b[way]["cpu_seconds"] if way in b else None for way in WAYS}
        lines.append(f"| {size['data']['events']:,} | {per['engine']:.2f} | {per['sql']:.2f} | "
                     f"{_cell(per['pandas'], '.2f')} | {cpu['engine']:.1f} | {cpu['sql']:.1f} | "
                     f"{_cell(cpu['pandas'], '.1f')} |")
    lines += ["", "Seconds per definition (pandas: after reading the Parquet once, shown as `read`):", ""]
    codes = [d.code for d in spec.shipped()]
    lines += ["| events | way | " + " | ".join(codes) + " | read |", "|---:|---|" + "---:|" * (len(codes) + 1)]
    for size in sizes:
        for way in size["ways"]:
            per = best(size["runs"][way])["per_definition"]
            lines.append(f"| {size['data']['events']:,} | {way} | " + " | ".join(f"{per[c]:.2f}" for c in codes)
                         + f" | {_cell(per.get('read'), '.2f')} |")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, nargs="+", default=[1_000_000, 10_000_000],
                        help="sizes of the synthetic data set, in events")
    parser.add_argument("--folder", default="/tmp/kunskapsnav-bench-indicators",
                        help="where the generated data is cached, one folder per size: FOLDER/<events>")
    parser.add_argument("--pandas-max-events", type=int, default=10_000_000,
                        help="skip pandas above this many events (it takes several times the engine's time and memory)")
    parser.add_argument("--repeats", type=int, default=3,
                        help="runs of each way per size, each in a fresh process; the fastest is reported")
    parser.add_argument("--json", type=Path, help="also write the raw results here")
    parser.add_argument("--worker", choices=["generate", *WAYS], help=argparse.SUPPRESS)
    parser.add_argument("--size", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--data", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args)
        return
    started, began = time.perf_counter(), datetime.datetime.now()
    sizes = [measure(events, args) for events in args.events]
    info = machine()
    # Only now, with every size checked, are times reported.
    print(f"Machine: {info['nproc']} × {info['cpu']}, {info['memory_gib']} GiB; Python {info['python']}; "
          f"DuckDB {info['duckdb']}, Ibis {info['ibis']}, pandas {info['pandas']}, pyarrow {info['pyarrow']}")
    print(f"Five shipped definitions, every level × period × stratum; fastest of {args.repeats} run(s) per way, "
          f"each in its own process; peak RSS of that process.\n")
    print(tables(sizes))
    for size in sizes:
        if size["pandas_skipped"]:
            print(f"\npandas skipped at {size['data']['events']:,} events (above --pandas-max-events "
                  f"{args.pandas_max_events:,}); engine and SQL checked against each other only.")
    print("\nAgreement: " + "; ".join(
        f"{s['data']['events']:,} events: {', '.join(s['ways'])} agree on all {s['rows']:,} rows" for s in sizes))
    # The machine may be shared: the load around the runs says how far to trust the times.
    loads = {s["data"]["events"]: [x for way in s["ways"] for r in s["runs"][way] for x in r["load_average"]]
             for s in sizes}
    print("Load average (1 min) before and after the runs: " + "; ".join(
        f"{events:,} events {min(values):.2f}–{max(values):.2f}" for events, values in loads.items()))
    print(f"\nWhole run: {time.perf_counter() - started:.0f} s, generating or reusing the data included "
          f"(started {began:%Y-%m-%d %H:%M}).")
    if args.json:
        args.json.write_text(json.dumps({"machine": info, "sizes": sizes}, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
