"""The indicator engine: a Definition compiles to Ibis expressions over the persons and
events tables, so that the same definition runs on any Ibis backend — DuckDB embedded by
default, Apache Spark (PySpark) when the data outgrows one machine.

The cohort has one row per person (and period, where a definition counts every year): the
index event, where it happened, the person's age, sex and residence, and — for andel and
mediantid — whether and when the outcome came within the window. Every geography × period ×
stratum is then one aggregation of the cohort, all of them in one union, one query.
"""

import operator
from dataclasses import dataclass
from functools import reduce

import ibis
from ibis import _

from .spec import Definition, EventMatch, Kind

# Geography levels, from the nation down to the care unit.
NATION, HEALTHCARE_REGION, REGION, MUNICIPALITY, CARE_UNIT = "riket", "sjukvardsregion", "region", "kommun", "vardenhet"
LEVELS = (NATION, HEALTHCARE_REGION, REGION, MUNICIPALITY, CARE_UNIT)
PERIODS = {"ar": "Y", "kvartal": "Q", "manad": "M"}
ALL, SEX, AGE = "alla", "kon", "aldersgrupp"
STRATA = (ALL, SEX, AGE)
COLUMNS = ["level", "geo", "period_type", "period", "stratum_type", "stratum", "numerator", "denominator",
           "median_days"]


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
    population = definition.population
    if population.min_age is not None:
        people = people.filter(people.age >= population.min_age)
    if population.max_age is not None:
        people = people.filter(people.age <= population.max_age)
    if population.sex is not None:
        people = people.filter(people.sex == population.sex)
    people = people.mutate(
        region=people.municipality.substr(0, 2),
        age_band=_age_band(people.age, definition.age_bands, definition.age_band_labels()),
    )
    people = people.mutate(healthcare_region=people.region.substitute(healthcare_regions, else_="okand"))
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


def _geo(table, level: str):
    return {
        NATION: ibis.literal("SE"),
        HEALTHCARE_REGION: table.healthcare_region,
        REGION: table.region,
        MUNICIPALITY: table.municipality,
        CARE_UNIT: table.care_unit,
    }[level]


def _stratum(table, stratum: str):
    return {ALL: ibis.literal(ALL), SEX: table.sex, AGE: table.age_band}[stratum]


def aggregations(definition: Definition, people: ibis.Table, *, levels=LEVELS, periods=tuple(PERIODS),
                 strata=STRATA) -> ibis.Table:
    """Every level × period × stratum of the cohort, as one table in COLUMNS."""
    parts = []
    for level in levels:
        if definition.kind == Kind.RATE and level == CARE_UNIT:
            continue  # a care unit has no population to divide by
        for period_type in periods:
            for stratum_type in strata:
                grouped = people.mutate(
                    level=ibis.literal(level), geo=_geo(people, level).cast("string"),
                    period_type=ibis.literal(period_type),
                    period=people.index_time.truncate(PERIODS[period_type]).date(),
                    stratum_type=ibis.literal(stratum_type), stratum=_stratum(people, stratum_type).cast("string"),
                )
                keys = ["level", "geo", "period_type", "period", "stratum_type", "stratum"]
                if definition.kind == Kind.RATE:
                    part = grouped.group_by(keys).aggregate(
                        numerator=grouped.count(), denominator=ibis.null("int64"),
                        median_days=ibis.null("float64"))
                else:
                    part = grouped.group_by(keys).aggregate(
                        numerator=grouped.hit.cast("int64").sum(), denominator=grouped.count(),
                        median_days=grouped.days.median().cast("float64"))
                parts.append(part.select(COLUMNS))
    return ibis.union(*parts)


def populations(definition: Definition, data: Data, *, healthcare_regions: dict[str, str], years: list[int],
                levels=LEVELS, strata=STRATA) -> ibis.Table:
    """Inhabitants per geography, stratum and year, for rates (age in each year)."""
    persons = data.persons
    parts = []
    for year in years:
        people = persons.mutate(year=ibis.literal(year), age=(ibis.literal(year) - persons.birth_year).cast("int32"),
                                region=persons.municipality.substr(0, 2))
        # The inhabitants of the population the definition counts: its ages and sex.
        population = definition.population
        if population.min_age is not None:
            people = people.filter(people.age >= population.min_age)
        if population.max_age is not None:
            people = people.filter(people.age <= population.max_age)
        if population.sex is not None:
            people = people.filter(people.sex == population.sex)
        people = people.mutate(age_band=_age_band(people.age, definition.age_bands, definition.age_band_labels()),
                               healthcare_region=people.region.substitute(healthcare_regions, else_="okand"),
                               care_unit=ibis.literal(""))
        for level in levels:
            if level == CARE_UNIT:
                continue
            for stratum_type in strata:
                grouped = people.mutate(level=ibis.literal(level), geo=_geo(people, level).cast("string"),
                                        stratum_type=ibis.literal(stratum_type),
                                        stratum=_stratum(people, stratum_type).cast("string"))
                parts.append(grouped.group_by(["year", "level", "geo", "stratum_type", "stratum"]).aggregate(
                    inhabitants=grouped.count()))
    return ibis.union(*parts)


def run(definition: Definition, data: Data, *, healthcare_regions: dict[str, str], **choices):
    """The raw counts of one definition as a pandas DataFrame in COLUMNS (denominator of a
    rate: the inhabitants of the geography and stratum in the period's year)."""
    people = cohort(definition, data, healthcare_regions=healthcare_regions)
    result = aggregations(definition, people, **choices).to_pandas()
    # Backends give the period as a date or a midnight timestamp: one type for all.
    result["period"] = [p.date() if hasattr(p, "date") else p for p in result["period"]]
    if definition.kind == Kind.RATE and len(result):
        years = sorted({p.year for p in result["period"]})
        inhabitants = populations(definition, data, healthcare_regions=healthcare_regions, years=years,
                                  levels=choices.get("levels", LEVELS), strata=choices.get("strata", STRATA)
                                  ).to_pandas()
        result["year"] = [p.year for p in result["period"]]
        result = result.drop(columns=["denominator"]).merge(
            inhabitants.rename(columns={"inhabitants": "denominator"}),
            on=["year", "level", "geo", "stratum_type", "stratum"], how="left").drop(columns=["year"])
    return result[COLUMNS].sort_values(COLUMNS[:6]).reset_index(drop=True)
