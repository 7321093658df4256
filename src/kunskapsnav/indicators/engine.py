"""The indicator engine: a Definition compiles to Ibis expressions over the persons and
events tables, so that the same definition runs on any Ibis backend — DuckDB embedded by
default, Apache Spark (PySpark) when the data outgrows one machine.

The cohort has one row per person (and period, where a definition counts every year): the
index event, where it happened, the person's age, sex and residence, and — for andel and
mediantid — whether and when the outcome came within the window. Its grouping keys (the
geographies, strata and periods) are computed once per row, and every geography × period ×
stratum then comes out of one aggregation with GROUPING SETS, in one query. A rate's
denominator, the inhabitants of its population, comes from one more such aggregation.
"""

import operator
from dataclasses import dataclass
from functools import reduce

import ibis
import pandas as pd
import pyarrow as pa
import sqlglot
from ibis import _
from ibis.expr import operations as ops

from .spec import Definition, EventMatch, Kind

# Geography levels, from the nation down to the care unit.
NATION, HEALTHCARE_REGION, REGION, MUNICIPALITY, CARE_UNIT = "riket", "sjukvardsregion", "region", "kommun", "vardenhet"
LEVELS = (NATION, HEALTHCARE_REGION, REGION, MUNICIPALITY, CARE_UNIT)
PERIODS = {"ar": "Y", "kvartal": "Q", "manad": "M"}
ALL, SEX, AGE = "alla", "kon", "aldersgrupp"
STRATA = (ALL, SEX, AGE)
COLUMNS = ["level", "geo", "period_type", "period", "stratum_type", "stratum", "numerator", "denominator",
           "median_days"]

# The cohort's column that holds each level's geography and each stratum; riket and alla are
# constants, not columns. The column of a period type is named after the period type.
GEO_KEYS = {NATION: None, HEALTHCARE_REGION: "healthcare_region", REGION: "region", MUNICIPALITY: "municipality",
            CARE_UNIT: "care_unit"}
STRATUM_KEYS = {ALL: None, SEX: "sex", AGE: "age_band"}
KEYS_SCHEMA = {"level": "string", "geo": "string", "period_type": "string", "period": "date",
               "stratum_type": "string", "stratum": "string"}


@dataclass(frozen=True)
class Data:
    """The two tables of one data set on one backend."""

    persons: ibis.Table
    events: ibis.Table


def open_parquet(con, folder) -> Data:
    """The data set in `folder` (persons.parquet and events.parquet, or directories of
    Parquet parts with those names) on the Ibis connection `con`."""
    return Data(persons=con.read_parquet(f"{folder}/persons.parquet", table_name="persons"),
                events=con.read_parquet(f"{folder}/events.parquet", table_name="events"))


def matches(events: ibis.Table, match: EventMatch):
    condition = (events.kind == match.kind) & reduce(operator.or_, [events.code.startswith(c) for c in match.codes])
    if match.settings:
        condition &= events.setting.isin(list(match.settings))
    return condition


def _age_band(age, bands: tuple[int, ...], labels: list[str]):
    """The band label of an age: bands are the lower bounds."""
    branches = []
    if bands[0] > 0:
        branches.append((age < bands[0], labels[0]))
        labels = labels[1:]
    for (low, high), label in zip(zip(bands, bands[1:]), labels):
        branches.append(((age >= low) & (age < high), label))
    return ibis.cases(*branches, else_=labels[-1])


def in_population(people: ibis.Table, definition: Definition) -> ibis.Table:
    """The rows of `people` (with `age` and `sex`) in the definition's population."""
    population = definition.population
    if population.min_age is not None:
        people = people.filter(people.age >= population.min_age)
    if population.max_age is not None:
        people = people.filter(people.age <= population.max_age)
    if population.sex is not None:
        people = people.filter(people.sex == population.sex)
    return people


def with_residence_and_band(people: ibis.Table, definition: Definition, healthcare_regions: dict[str, str]):
    """`people` (with `municipality` and `age`) with their region, sjukvårdsregion and age band."""
    people = people.mutate(
        region=people.municipality.substr(0, 2),
        age_band=_age_band(people.age, definition.age_bands, definition.age_band_labels()),
    )
    return people.mutate(healthcare_region=people.region.substitute(healthcare_regions, else_="okand"))


def cohort(definition: Definition, data: Data, *, healthcare_regions: dict[str, str]) -> ibis.Table:
    """One row per counted person: person_id, index_time, the index event's care unit, the
    person's sex, age band, kommun, region and sjukvårdsregion, and for andel and mediantid
    `hit` (the outcome came within the window) and `days` (whole days until it did)."""
    events = data.events
    index = events.filter(matches(events, definition.index_event))
    keys = ["person_id"] if definition.first_ever else ["person_id", "index_year"]
    if not definition.first_ever:
        index = index.mutate(index_year=index.time.year())
    index = index.group_by(keys).aggregate(index_time=_.time.min(), care_unit=_.care_unit.argmin(_.time))
    persons = data.persons
    people = index.join(persons, index.person_id == persons.person_id).select(
        index.person_id, index.index_time, index.care_unit, persons.sex, persons.municipality,
        age=(index.index_time.year() - persons.birth_year).cast("int32"),
    )
    people = with_residence_and_band(in_population(people, definition), definition, healthcare_regions)
    if definition.kind == Kind.RATE:
        return people
    outcomes = events.filter(matches(events, definition.outcome_event))
    window = definition.window
    joined = people.left_join(outcomes, [
        people.person_id == outcomes.person_id,
        outcomes.time >= people.index_time + ibis.interval(days=window.from_days),
        outcomes.time <= people.index_time + ibis.interval(days=window.to_days),
    ])
    columns = [c for c in people.columns]
    reached = joined.group_by([joined[c] for c in columns]).aggregate(first_outcome=joined.time.min())
    seconds = reached.first_outcome.epoch_seconds() - reached.index_time.epoch_seconds()
    return reached.mutate(hit=reached.first_outcome.notnull(), days=(seconds // 86400).cast("int64"))


def _counted_levels(definition: Definition, levels) -> list[str]:
    # A care unit has no population to divide a rate by.
    return [level for level in levels if not (definition.kind == Kind.RATE and level == CARE_UNIT)]


def _key_columns(choices, columns: dict) -> list[str]:
    return [columns[choice] for choice in choices if columns[choice]]


def grouping_keys(table: ibis.Table, *, levels, strata, periods=(), **measures) -> ibis.Table:
    """`table` cut down to the keys of the aggregation, each computed once per row (the
    geographies and strata as text, the index time truncated to each period type as a
    date), and the `measures`."""
    keys = {column: table[column].cast("string") for column in _key_columns(levels, GEO_KEYS)}
    keys |= {period_type: table.index_time.truncate(PERIODS[period_type]).date() for period_type in periods}
    keys |= {column: table[column].cast("string") for column in _key_columns(strata, STRATUM_KEYS)}
    return table.select(**keys, **measures)


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def grouping_sets(*, levels, periods, strata) -> tuple[dict[str, str], str]:
    """The GROUPING SETS clause for every level × period × stratum (in SQL), and the SQL that
    gives each group its level, geo, period_type, period, stratum_type and stratum.
    GROUPING(column) = 0 tells which key columns the group's set has: at most one geography,
    exactly one period, at most one stratum."""
    sets = [", ".join(c for c in (GEO_KEYS[level], period, STRATUM_KEYS[stratum]) if c)
            for level in levels for period in periods for stratum in strata]
    geos = [level for level in levels if GEO_KEYS[level]]
    stratified = [stratum for stratum in strata if STRATUM_KEYS[stratum]]

    def case(choices, column_of, then, otherwise: str) -> str:
        branches = " ".join(f"WHEN grouping({column_of(c)}) = 0 THEN {then(c)}" for c in choices)
        return f"CASE {branches} ELSE {otherwise} END" if branches else otherwise

    first, *other_periods = periods
    names = {
        "level": case(geos, GEO_KEYS.get, _quote, _quote(NATION)),
        "geo": case(geos, GEO_KEYS.get, GEO_KEYS.get, "'SE'"),
        "period_type": case(other_periods, str, _quote, _quote(first)),
        "period": case(other_periods, str, str, first),
        "stratum_type": case(stratified, STRATUM_KEYS.get, _quote, _quote(ALL)),
        "stratum": case(stratified, STRATUM_KEYS.get, STRATUM_KEYS.get, _quote(ALL)),
    }
    return names, f"GROUPING SETS ({', '.join(f'({s})' for s in sets)})"


def _aggregate(table: ibis.Table, name: str, *, names: dict[str, str], grouping: str, measures: str,
               schema: dict[str, str]) -> ibis.Table:
    """`table`, under the name `name`, grouped once by `grouping`; `schema` is the result's.

    Ibis has no GROUPING SETS, so this one step is SQL, written in DuckDB's dialect and
    transpiled by sqlglot for the backend (Spark SQL has GROUPING SETS and GROUPING() too).
    Ibis compiles `table` for the backend like any other expression and puts it in a CTE.
    This is what `Table.sql` builds, except that the result's schema is given rather than asked
    of the database: asking would plan the query twice, and Ibis 12 cannot ask DuckDB 2."""
    select = ", ".join(f"{expression} AS {column}" for column, expression in names.items())
    (query,) = sqlglot.transpile(f"SELECT {select}, {measures} FROM {name} GROUP BY {grouping}", read="duckdb",
                                 write=table.get_backend().dialect)
    return ops.SQLStringView(parent=table.alias(name).op(), query=query, schema=ibis.schema(schema)).to_expr()


def aggregations(definition: Definition, people: ibis.Table, *, levels=LEVELS, periods=tuple(PERIODS),
                 strata=STRATA) -> ibis.Table:
    """Every level × period × stratum of the cohort in one aggregation: the six key columns
    of COLUMNS, the numerator, and for andel and mediantid the denominator and median_days.

    One aggregation, not a union of one per combination (45 of them): the union took longer
    for Ibis to compile and for the database to plan than the data took to aggregate, and
    each part computed the keys anew."""
    levels, periods = _counted_levels(definition, levels), list(periods)
    names, grouping = grouping_sets(levels=levels, periods=periods, strata=strata)
    if definition.kind == Kind.RATE:
        keyed = grouping_keys(people, levels=levels, periods=periods, strata=strata)
        return _aggregate(keyed, "cohort", names=names, grouping=grouping, measures="count(*) AS numerator",
                          schema=KEYS_SCHEMA | {"numerator": "int64"})
    keyed = grouping_keys(people, levels=levels, periods=periods, strata=strata, hit=people.hit, days=people.days)
    # median is exact on both backends and interpolates between the two middle values alike
    # (DuckDB: quantile_cont(0.5); Spark: percentile(0.5)), unlike Spark's percentile_approx.
    measures = "count_if(hit) AS numerator, count(*) AS denominator, CAST(median(days) AS DOUBLE) AS median_days"
    return _aggregate(keyed, "cohort", names=names, grouping=grouping, measures=measures,
                      schema=KEYS_SCHEMA | {"numerator": "int64", "denominator": "int64", "median_days": "float64"})


def populations(definition: Definition, data: Data, *, healthcare_regions: dict[str, str], years: list[int],
                levels=LEVELS, strata=STRATA) -> ibis.Table:
    """Inhabitants of the definition's population per year, geography and stratum, for
    rates (age in each year): year, level, geo, stratum_type, stratum, inhabitants."""
    # Persons of the same birth year, kommun and sex fall in the same groups every year, so
    # they are counted together first: then the years multiply tens of thousands of rows,
    # not every person.
    alike = data.persons.group_by(["birth_year", "municipality", "sex"]).aggregate(persons=_.count())
    alike = alike.mutate(year=ibis.literal(years, type="array<int32>").unnest())
    alike = alike.mutate(age=(alike.year - alike.birth_year).cast("int32"))
    alike = with_residence_and_band(in_population(alike, definition), definition, healthcare_regions)
    levels = [level for level in levels if level != CARE_UNIT]
    names, grouping = grouping_sets(levels=levels, periods=["year"], strata=strata)
    keyed = grouping_keys(alike, levels=levels, strata=strata, year=alike.year, persons=alike.persons)
    names = {"year": "year"} | {name: names[name] for name in ("level", "geo", "stratum_type", "stratum")}
    return _aggregate(keyed, "residents", names=names, grouping=grouping,
                      measures="CAST(sum(persons) AS BIGINT) AS inhabitants",
                      schema={"year": "int32"} | {name: "string" for name in names if name != "year"}
                      | {"inhabitants": "int64"})


def _to_pandas(table: ibis.Table | pa.Table):
    """The result as pandas by way of Arrow, which turns a date column into datetime.date
    values in one vectorised step (a backend may give a midnight timestamp instead)."""
    arrow = table if isinstance(table, pa.Table) else table.to_pyarrow()
    for index, field in enumerate(arrow.schema):
        if pa.types.is_timestamp(field.type):
            arrow = arrow.set_column(index, field.name, arrow.column(index).cast(pa.date32()))
    return arrow.to_pandas()


# Compiled queries, kept for the life of the process (the long-lived worker): building and
# compiling a definition's Ibis expressions costs about 0.3 s for the five shipped ones,
# more than DuckDB needs to run them at a million events. The SQL depends only on the
# definition version, the choices, the region table and the backend's dialect; the data
# come in through the views `persons` and `events` (open_parquet), which every data set
# names alike. A handful of definitions × choices: no eviction is needed.
_COMPILED: dict[tuple, tuple[str, ibis.Schema]] = {}


def _key(part: str, definition: Definition, data: Data, healthcare_regions: dict[str, str], **choices) -> tuple:
    frozen = tuple(sorted((name, tuple(value) if isinstance(value, (list, tuple)) else value)
                          for name, value in choices.items()))
    return (part, data.persons.get_backend().name, definition.model_dump_json(),
            tuple(sorted(healthcare_regions.items())), frozen)


def _compiled(key: tuple, data: Data, build) -> ibis.Table | pa.Table:
    """The result of the expression `build()` makes, compiled once per key and sent as SQL
    after that. DuckDB gets the SQL as it stands: through `Backend.sql` Ibis would parse it
    again with sqlglot to wrap it in a query of its own, which costs as much as compiling.
    Other backends get it through `Backend.sql`, with the schema given so that the database
    does not plan the query once more to learn it."""
    backend = data.persons.get_backend()
    found = _COMPILED.get(key)
    if found is None:
        expression = build()
        found = _COMPILED[key] = (str(backend.compile(expression)), expression.schema())
    query, schema = found
    if backend.name == "duckdb":
        return backend.con.sql(query).to_arrow_table()
    return backend.sql(query, schema=schema)


def run(definition: Definition, data: Data, *, healthcare_regions: dict[str, str], **choices):
    """The raw counts of one definition as a pandas DataFrame in COLUMNS (denominator of a
    rate: the inhabitants of the geography and stratum in the period's year)."""
    counts = _compiled(_key("counts", definition, data, healthcare_regions, **choices), data, lambda: aggregations(
        definition, cohort(definition, data, healthcare_regions=healthcare_regions), **choices))
    result = _to_pandas(counts)
    if definition.kind == Kind.RATE:
        result = _divided_by_inhabitants(definition, data, result, healthcare_regions=healthcare_regions,
                                         levels=choices.get("levels", LEVELS), strata=choices.get("strata", STRATA))
    return result[COLUMNS].sort_values(COLUMNS[:6]).reset_index(drop=True)


def _divided_by_inhabitants(definition: Definition, data: Data, result, *, healthcare_regions, levels, strata):
    """A rate's counts with the inhabitants of the same year, geography and stratum as the
    denominator."""
    # Few distinct periods: their years are looked up once each, not once per row.
    years_of = {period: period.year for period in result["period"].unique()}
    result = result.assign(year=result["period"].map(years_of), median_days=float("nan"))
    if result.empty:
        return result.assign(denominator=pd.Series(index=result.index, dtype="int64"))
    years = sorted(set(years_of.values()))
    key = _key("inhabitants", definition, data, healthcare_regions, years=years, levels=levels, strata=strata)
    inhabitants = _to_pandas(_compiled(key, data, lambda: populations(
        definition, data, healthcare_regions=healthcare_regions, years=years, levels=levels, strata=strata)))
    return result.merge(inhabitants.rename(columns={"inhabitants": "denominator"}),
                        on=["year", "level", "geo", "stratum_type", "stratum"], how="left")
