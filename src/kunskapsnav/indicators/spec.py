"""The declarative form of an indicator definition (docs/indicator-definitions.md), checked
by pydantic. A definition says who is counted (population and index event), what counts
as reaching the goal (numerator condition with a time window), and how to stratify; the
engine compiles it to an Ibis expression."""

import json
from decimal import Decimal
from enum import StrEnum
from importlib import resources
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator


class Kind(StrEnum):
    PROPORTION = "andel"
    MEDIAN_TIME = "mediantid"
    RATE = "per_100000"


class Direction(StrEnum):
    HIGHER = "hogre"
    LOWER = "lagre"


# A baseline shorter than this gives trial limits only (NHSRplotthedots: fix_after_n_points ≥ 12).
BASELINE_MIN = 12


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class EventMatch(Strict):
    """Events of one kind whose code starts with one of the codes (ICD-10-SE I63 matches
    I63.9), optionally only in some settings."""

    kind: Literal["kontakt", "diagnos", "atgard", "lakemedel"]
    codes: tuple[str, ...] = Field(min_length=1)
    settings: tuple[Literal["primarvard", "oppenvard", "slutenvard"], ...] = ()


class Window(Strict):
    """Days after the index event: from `from_days` up to and including `to_days`."""

    from_days: int = 0
    to_days: int = Field(ge=0)

    @model_validator(mode="after")
    def _ordered(self):
        if self.to_days < self.from_days:
            raise ValueError("to_days must not come before from_days")
        return self


class Population(Strict):
    """Age at the index event (whole years, from the birth year)."""

    min_age: int | None = Field(default=None, ge=0)
    max_age: int | None = Field(default=None, ge=0)
    sex: Literal["K", "M"] | None = None


class Target(Strict):
    """A target level (målnivå); some indicators have two, hög and måttlig."""

    level: Decimal
    name: str = "målnivå"


class Definition(Strict):
    code: str = Field(pattern=r"^[A-Z0-9][A-Z0-9-]{1,39}$")
    version: int = Field(ge=1)
    name: str
    description: str = ""
    kind: Kind
    direction: Direction
    numerator_text: str
    denominator_text: str
    unit: str = "%"
    data_source: str = ""
    targets: tuple[Target, ...] = ()
    population: Population = Population()
    index_event: EventMatch
    # The first index event of each person in the data (a new diagnosis), or every
    # person's first one within each period.
    first_ever: bool = True
    # andel: the person reaches the goal if such an event falls within the window.
    # mediantid: days from the index event to the first such event within the window.
    # per_100000: not used; the index events are counted per 100 000 inhabitants.
    outcome_event: EventMatch | None = None
    window: Window | None = None
    age_bands: tuple[int, ...] = (18, 65, 80)  # lower bounds of the bands
    linked_support: str | None = Field(default=None, description="title of the knowledge support")
    # The chart over time (auto: by the stated rules in docs/statistics.md), the Dartmouth
    # kind of care that says how variation is read, and the points the limits are based on.
    chart_type: Literal["auto", "p", "p_prime", "xmr", "run"] = "auto"
    variation_type: Literal["", "effektiv", "preferenskanslig", "utbudskanslig"] = ""
    baseline_points: int | None = Field(default=None, ge=BASELINE_MIN, le=32_767)

    @model_validator(mode="after")
    def _outcome_where_needed(self):
        if self.kind in (Kind.PROPORTION, Kind.MEDIAN_TIME) and (self.outcome_event is None or self.window is None):
            raise ValueError("andel and mediantid need outcome_event and window")
        if self.chart_type in ("p", "p_prime") and self.kind != Kind.PROPORTION:
            raise ValueError("p and p_prime charts are for andel only")
        if list(self.age_bands) != sorted(set(self.age_bands)):
            raise ValueError("age_bands must rise")
        return self

    def age_band_labels(self) -> list[str]:
        bands = list(self.age_bands)
        labels = []
        if bands and bands[0] > 0:
            labels.append(f"0–{bands[0] - 1}")
        for low, high in zip(bands, bands[1:]):
            labels.append(f"{low}–{high - 1}")
        labels.append(f"{bands[-1]}+" if bands else "alla")
        return labels


def load(text: str) -> Definition:
    return Definition.model_validate(json.loads(text))


def shipped() -> list[Definition]:
    """The definitions that come with the platform (indicators/definitions/*.json)."""
    folder = resources.files("kunskapsnav.indicators") / "definitions"
    return [load(f.read_text(encoding="utf-8")) for f in sorted(folder.iterdir(), key=lambda f: f.name)
            if f.name.endswith(".json")]
