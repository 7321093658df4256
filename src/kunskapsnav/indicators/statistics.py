"""From counts to published values: the value, its 95 % interval, and small-number
suppression.

- Proportions: Wilson score interval (statsmodels).
- Rates per 100 000: exact Poisson (Garwood) interval on the count (scipy).
- Median times: no interval.
- Suppression: a value from fewer cases than the threshold (persons in the denominator; for
  a rate, the events counted) is suppressed, and so is any value from which a suppressed one
  could be recovered by subtraction: wherever parts add up to a whole that is shown (sexes
  and age bands to everyone, kommuner to their region, regions to their sjukvårdsregion and
  to the nation, care units to the nation, months to their quarter and year, quarters to
  their year) and exactly one part is suppressed, the smallest other part is suppressed too,
  until nothing changes (lib/suppression.py, shared with the uptake of recommendations).
"""

import numpy as np
import pandas as pd
from scipy.stats import chi2
from statsmodels.stats.proportion import proportion_confint

from kunskapsnav.lib.suppression import suppress_counts

from .spec import Kind

Z_ALPHA = 0.05


def values(frame: pd.DataFrame, kind: str) -> pd.DataFrame:
    """Add value, ci_low, ci_high (proportions as fractions 0–1, rates per 100 000)."""
    frame = frame.copy()
    num = frame["numerator"].astype(float)
    den = frame["denominator"].astype(float)
    if kind == Kind.PROPORTION:
        frame["value"] = np.where(den > 0, num / den.where(den > 0, 1), np.nan)
        low, high = proportion_confint(num.to_numpy(), den.where(den > 0, 1).to_numpy(), alpha=Z_ALPHA,
                                       method="wilson")
        frame["ci_low"], frame["ci_high"] = np.where(den > 0, low, np.nan), np.where(den > 0, high, np.nan)
    elif kind == Kind.RATE:
        per = 100_000 / den.where(den > 0, np.nan)
        frame["value"] = num * per
        frame["ci_low"] = np.where(num > 0, chi2.ppf(Z_ALPHA / 2, 2 * num) / 2, 0.0) * per
        frame["ci_high"] = chi2.ppf(1 - Z_ALPHA / 2, 2 * (num + 1)) / 2 * per
    else:
        frame["value"] = frame["median_days"].astype(float)
        frame["ci_low"] = frame["ci_high"] = np.nan
    return frame


def cases(frame: pd.DataFrame, kind: str) -> pd.Series:
    return frame["numerator"] if kind == Kind.RATE else frame["denominator"]


def suppress(frame: pd.DataFrame, kind: str, *, threshold: int, healthcare_regions: dict[str, str]) -> pd.Series:
    """Which rows to suppress (a boolean Series in the frame's order): lib.suppression's rule
    on the cases behind each value."""
    frame = frame.reset_index(drop=True)
    return suppress_counts(frame, cases(frame, kind).to_numpy(), threshold=threshold,
                           healthcare_regions=healthcare_regions)
