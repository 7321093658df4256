"""The synthetic data at national volumes: counts per region and year near Sweden's at any
scale, the same data from the same seed, and the demo's data generated once and reused."""

import datetime
import tempfile
from pathlib import Path

import duckdb
import pytest
from django.test import override_settings

from kunskapsnav.indicators import demo, runs, synthetic

# New cases a year in all of Sweden that the rates must give (docs/demo.md states the sources):
# first ischaemic strokes, new heart failure, persons in hospital for KOL.
NATIONAL_RANGES = {"I63": (11_000, 16_000), "I50": (28_000, 40_000), "J44": (12_000, 20_000)}
YEARS = (2022, 2025)


@pytest.fixture(scope="module", params=[0.01, 0.03])
def generated(request, tmp_path_factory):
    folder = tmp_path_factory.mktemp("synthetic")
    synthetic.generate(folder, scale=request.param, years=YEARS, seed=5)
    return folder, request.param


def _new_cases(folder: Path) -> list[tuple[str, str, int, int]]:
    """(code, region, year, persons with their first such diagnosis that year)."""
    return duckdb.sql(f"""
        SELECT left(code, 3) AS code, region, year(first) AS year, count(*) AS persons FROM (
            SELECT person_id, left(code, 3) AS code, region, year(time) AS y, min(time) AS first
            FROM '{folder}/events.parquet' WHERE kind = 'diagnos' AND left(code, 3) IN ('I63', 'I50', 'J44')
            GROUP BY ALL) GROUP BY ALL""").fetchall()


def test_national_counts_per_year_are_swedens_at_the_scale(generated):
    folder, scale = generated
    rows = _new_cases(folder)
    for code, (low, high) in NATIONAL_RANGES.items():
        for year in range(YEARS[0], YEARS[1] + 1):
            count = sum(n for c, _r, y, n in rows if c == code and y == year)
            assert low * scale * 0.85 <= count <= high * scale * 1.15, (code, year, count)


def test_each_regions_count_is_near_its_share_of_the_nation(generated):
    folder, scale = generated
    rows = _new_cases(folder)
    total = sum(synthetic.POPULATION.values())
    for code in NATIONAL_RANGES:
        for year in range(YEARS[0], YEARS[1] + 1):
            nation = sum(n for c, _r, y, n in rows if c == code and y == year)
            for region, inhabitants in synthetic.POPULATION.items():
                expected = nation * inhabitants / total
                if code == "J44":  # supply-sensitive: regions lie apart by design
                    expected_range = (expected * synthetic.COPD_SPREAD[0] * 0.6, expected * synthetic.COPD_SPREAD[1] * 1.5)
                else:
                    expected_range = (expected * 0.6, expected * 1.5)
                count = next((n for c, r, y, n in rows if (c, r, y) == (code, region, year)), 0)
                slack = 4 * expected ** 0.5 + 2  # chance, for the small regions at a small scale
                assert expected_range[0] - slack <= count <= expected_range[1] + slack, (code, region, year, count)


def test_at_full_scale_regions_have_hundreds_to_thousands_a_year():
    """What scale 1 gives, from the rates and the pyramid without generating 10 million persons."""
    generator = synthetic.Generator(scale=1.0)
    shares = {(low, high): share for low, high, share in synthetic.AGE_PYRAMID}

    def per_person(rates):
        total = 0.0
        for low, high, rate in rates:
            for (a, b), share in shares.items():
                overlap = max(0, min(high, b) - max(low, a) + 1)
                total += share * overlap / (b - a + 1) * rate
        return total

    stroke, heart = per_person(synthetic.INCIDENCE["stroke"]), per_person(synthetic.INCIDENCE["heart_failure"])
    assert NATIONAL_RANGES["I63"][0] <= stroke * sum(synthetic.POPULATION.values()) <= NATIONAL_RANGES["I63"][1]
    assert heart * generator.persons_in("12") > 1000  # Skåne: thousands with new heart failure a year
    assert heart * generator.persons_in("10") > 200  # Blekinge: hundreds


def test_every_month_of_every_year_has_cases_for_the_spc_charts(generated):
    folder, _scale = generated
    months = duckdb.sql(f"""SELECT count(DISTINCT date_trunc('month', time)) FROM '{folder}/events.parquet'
                            WHERE kind = 'diagnos' AND code LIKE 'I50%'""").fetchall()[0][0]
    assert months == 12 * (YEARS[1] - YEARS[0] + 1)


def test_the_same_seed_gives_the_same_data_and_another_seed_other_data(tmp_path):
    for name, seed in (("a", 1), ("b", 1), ("c", 2)):
        synthetic.generate(tmp_path / name, scale=0.002, seed=seed)
    assert runs.fingerprint(tmp_path / "a") == runs.fingerprint(tmp_path / "b")
    assert runs.fingerprint(tmp_path / "a") != runs.fingerprint(tmp_path / "c")


def test_a_shift_changes_the_chance_from_its_month_and_outliers_lie_apart():
    generator = synthetic.Generator(scale=0.001)
    (year, month), change = synthetic.SHIFTS[("18", "stroke")]
    care = generator.care("18", "stroke")
    start = synthetic._seconds(datetime.date(YEARS[0], 1, 1))
    before = synthetic._seconds(datetime.date(year, month, 1)) - 86400
    after = before + 2 * 86400
    assert care.chance_at(after, start) - care.chance_at(before, start) == pytest.approx(change, abs=0.001)
    level = synthetic.CARE["stroke"][0]
    assert generator.care("09", "stroke").chance == pytest.approx(level + synthetic.OUTLIERS[("09", "stroke")])


def test_the_size_is_given_one_way():
    with pytest.raises(ValueError):
        synthetic.Generator(events=1000, scale=0.1)


@pytest.mark.django_db
def test_the_demo_data_are_generated_once_and_reused():
    with tempfile.TemporaryDirectory() as media, override_settings(MEDIA_ROOT=media, DEMO_PERSONS=20_000):
        stale = Path(media) / "indikatordata" / "demo" / "v1-seed2026-persons20000"
        stale.mkdir(parents=True)
        told = []
        folder, generated = demo.demo_data_ready(progress=lambda done, total: told.append((done, total)))
        assert generated and (folder / "events.parquet").exists() and told[-1] == (21, 21)
        assert not stale.exists()  # another version's data are no longer read
        made = (folder / "events.parquet").stat().st_mtime_ns
        again, generated = demo.demo_data_ready()
        assert (again, generated) == (folder, False)
        assert (folder / "events.parquet").stat().st_mtime_ns == made


@pytest.mark.django_db
def test_an_interrupted_generation_is_done_again():
    with tempfile.TemporaryDirectory() as media, override_settings(MEDIA_ROOT=media, DEMO_PERSONS=20_000):
        folder = demo.demo_data_folder()
        folder.mkdir(parents=True)
        (folder / "events.parquet").write_bytes(b"half")
        _folder, generated = demo.demo_data_ready()
        assert generated and runs.is_synthetic(folder)
