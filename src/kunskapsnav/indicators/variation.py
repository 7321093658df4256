"""Unwarranted variation: funnel plots for proportions, and statistical process control over
time.

Funnel plots follow Spiegelhalter, "Funnel plots for comparing institutional performance"
(Stat Med 2005) and "Handling over-dispersion of performance indicators" (Qual Saf Health
Care 2005): limits at 95 % and 99.8 % around the national proportion, exact binomial (with
the interpolation of the 2005 paper) or the normal approximation; over-dispersion estimated
from z-scores winsorised at 10 % in each tail, and met by widening the limits
multiplicatively (φ) or by additive random effects (τ²).

SPC follows NHS England's "Making Data Count": p-charts and XmR charts, and the special-cause
rules — a point outside the limits; a shift of 7 or more points on one side of the centre
line; a trend of 6 or more points each higher (or lower) than the one before; two of three
points in the outer third, beyond two sigma, on the same side. A series is classified by its
latest point: special cause of improving or concerning nature, or common cause.
"""

import math
from dataclasses import dataclass, field

import numpy as np
from scipy.stats import binom, chi2, norm

LIMITS = {"95": 0.975, "99.8": 0.999}
WINSOR = 0.10


# --- funnel plots ---------------------------------------------------------------------


def exact_limit(theta: float, n: int, p: float) -> float:
    """The exact binomial limit at probability p for denominator n, interpolated between
    the integer counts as in Spiegelhalter (2005), appendix A.1.1."""
    r = binom.ppf(p, n, theta)
    below, at = binom.cdf(r - 1, n, theta), binom.cdf(r, n, theta)
    alpha = (at - p) / (at - below) if at > below else 0.0
    return (r - alpha) / n


def normal_limit(theta: float, n: int, p: float, *, phi: float = 1.0, tau2: float = 0.0) -> float:
    variance = theta * (1 - theta) / n
    return theta + norm.ppf(p) * math.sqrt(phi * variance + tau2)


@dataclass
class Dispersion:
    """Over-dispersion from winsorised z-scores: φ, its test, and τ² for random effects."""

    phi: float
    units: int
    overdispersed: bool
    tau2: float


def z_scores(numerators, denominators, theta: float) -> np.ndarray:
    y = np.asarray(numerators, float) / np.asarray(denominators, float)
    s = np.sqrt(theta * (1 - theta) / np.asarray(denominators, float))
    return (y - theta) / s


def winsorised(z: np.ndarray, share: float = WINSOR) -> np.ndarray:
    """Each z below the `share` quantile set to it, each above the 1 − `share` quantile too."""
    low, high = np.quantile(z, [share, 1 - share], method="linear")
    return np.clip(z, low, high)


def dispersion(numerators, denominators, theta: float) -> Dispersion:
    z = winsorised(z_scores(numerators, denominators, theta))
    units = len(z)
    phi = float(np.mean(z ** 2))
    # Overdispersed if units × φ exceeds the 95 % point of χ² with units − 1 degrees of freedom.
    overdispersed = units * phi > chi2.ppf(0.95, units - 1) if units > 1 else False
    w = np.asarray(denominators, float) / (theta * (1 - theta))  # 1 / s²
    tau2 = max(0.0, (units * phi - (units - 1)) / (w.sum() - (w ** 2).sum() / w.sum())) if units > 1 else 0.0
    return Dispersion(phi=phi, units=units, overdispersed=bool(overdispersed), tau2=tau2)


@dataclass
class FunnelUnit:
    name: str
    numerator: int
    denominator: int
    value: float
    limits: dict[str, tuple[float, float]]  # "95" / "99.8" → (low, high)
    outside: str  # "", "over95", "under95", "over99.8", "under99.8"


@dataclass
class Funnel:
    theta: float
    method: str
    adjustment: str
    dispersion: Dispersion
    units: list[FunnelUnit]
    curve: list[dict] = field(default_factory=list)  # n, and the four limits, for drawing

    @property
    def outside(self) -> list[FunnelUnit]:
        return [u for u in self.units if u.outside]


def funnel(units: list[tuple[str, int, int]], *, theta: float | None = None, method: str = "exact",
           adjustment: str = "none") -> Funnel:
    """Units as (name, numerator, denominator); theta the national proportion (the pooled
    proportion of the units when not given). method: "exact" or "normal"; adjustment:
    "none", "multiplicative" or "additive" (applied only where over-dispersion is found)."""
    units = [(n, int(x), int(d)) for n, x, d in units if d > 0]
    nums, dens = [x for _n, x, _d in units], [d for _n, _x, d in units]
    theta = theta if theta is not None else sum(nums) / sum(dens)
    found = dispersion(nums, dens, theta)
    adjust = adjustment if found.overdispersed else "none"

    def limits_at(n: int) -> dict[str, tuple[float, float]]:
        result = {}
        for name, p in LIMITS.items():
            if adjust == "multiplicative":
                pair = (normal_limit(theta, n, 1 - p, phi=found.phi), normal_limit(theta, n, p, phi=found.phi))
            elif adjust == "additive":
                pair = (normal_limit(theta, n, 1 - p, tau2=found.tau2), normal_limit(theta, n, p, tau2=found.tau2))
            elif method == "exact":
                pair = (exact_limit(theta, n, 1 - p), exact_limit(theta, n, p))
            else:
                pair = (normal_limit(theta, n, 1 - p), normal_limit(theta, n, p))
            result[name] = (max(0.0, pair[0]), min(1.0, pair[1]))
        return result

    def beyond(x: int, d: int, level: str, limits) -> str:
        """Over or under the drawn limit; but a unit at 0 % or 100 % is judged by its exact
        tail probability, since the interpolated limit lies just inside 0 or 1 and would call
        every small unit with a full score unusual."""
        p = LIMITS[level]
        if adjust == "none" and method == "exact" and x in (0, d):
            if x == d and binom.sf(x - 1, d, theta) < 1 - p:
                return "over"
            if x == 0 and binom.cdf(x, d, theta) < 1 - p:
                return "under"
            return ""
        low, high = limits[level]
        return "over" if x / d > high else "under" if x / d < low else ""

    result = []
    for name, x, d in units:
        limits = limits_at(d)
        value = x / d
        outside = ""
        for level in ("99.8", "95"):
            side = beyond(x, d, level, limits)
            if side:
                outside = f"{side}{level}"
                break
        result.append(FunnelUnit(name=name, numerator=x, denominator=d, value=value, limits=limits, outside=outside))
    top = max(dens)
    sizes = sorted({max(1, round(v)) for v in np.geomspace(max(1, min(dens) / 2), top * 1.1, 60)})
    curve = [{"n": n, **{f"{side}{level}": limits_at(n)[level][i] for level in LIMITS
                         for i, side in ((0, "low"), (1, "high"))}} for n in sizes]
    return Funnel(theta=theta, method=method, adjustment=adjust, dispersion=found, units=result, curve=curve)


# --- statistical process control ------------------------------------------------------

IMPROVEMENT, CONCERN, COMMON = "forbattring", "forsamring", "slumpmassig"
SHIFT, TREND = 7, 6


@dataclass
class Chart:
    kind: str  # "p" or "xmr"
    values: list[float]
    centre: float
    lower: list[float]
    upper: list[float]
    sigma: list[float]
    signals: list[set[str]]  # per point: "utanfor", "skift", "trend", "tva_av_tre"
    classification: str
    side: str  # "over" / "under" / "" for the latest signal


def p_chart(numerators, denominators) -> tuple[list[float], float, list[float]]:
    x, n = np.asarray(numerators, float), np.asarray(denominators, float)
    centre = float(x.sum() / n.sum())
    sigma = np.sqrt(centre * (1 - centre) / n)
    return list(x / n), centre, list(sigma)


def xmr(values) -> tuple[list[float], float, list[float]]:
    v = np.asarray(values, float)
    centre = float(v.mean())
    moving = np.abs(np.diff(v))
    # 2.66 × mean moving range = 3 sigma: sigma = mean moving range / 1.128
    sigma = float(moving.mean() / 1.128) if len(moving) else 0.0
    return list(v), centre, [sigma] * len(v)


def signals(values, centre: float, sigma: list[float]) -> list[set[str]]:
    v = np.asarray(values, float)
    s = np.asarray(sigma, float)
    found = [set() for _ in v]
    for i in range(len(v)):
        if v[i] > centre + 3 * s[i] or v[i] < centre - 3 * s[i]:
            found[i].add("utanfor")
    # Shift: SHIFT or more points in a row on one side (a point on the line breaks the run).
    side = np.sign(v - centre)
    start = 0
    for i in range(1, len(v) + 1):
        if i == len(v) or side[i] != side[start] or side[i] == 0:
            if side[start] != 0 and i - start >= SHIFT:
                for j in range(start, i):
                    found[j].add("skift")
            start = i
    # Trend: TREND or more points each higher (or each lower) than the one before.
    step = np.sign(np.diff(v))
    start = 0
    for i in range(1, len(step) + 1):
        if i == len(step) or step[i] != step[start] or step[i] == 0:
            if step[start] != 0 and i - start + 1 >= TREND:
                for j in range(start, i + 1):
                    found[j].add("trend")
            start = i
    # Two of three in a row beyond two sigma on the same side.
    for i in range(len(v) - 2):
        for sign in (1, -1):
            near = [sign * (v[j] - centre) > 2 * s[j] for j in range(i, i + 3)]
            if sum(near) >= 2:
                for j in range(i, i + 3):
                    if near[j - i]:
                        found[j].add("tva_av_tre")
    return found


def classify(values, centre: float, found: list[set[str]], *, higher_is_better: bool) -> tuple[str, str]:
    """The latest point decides: part of a special cause, improving or concerning by its
    side of the centre line (or, for a trend, its direction); otherwise common cause."""
    if not found or not found[-1]:
        return COMMON, ""
    last = values[-1]
    if found[-1] == {"trend"} and len(values) > 1:
        up = values[-1] > values[-2]
    else:
        up = last > centre
    return (IMPROVEMENT if up == higher_is_better else CONCERN), ("over" if up else "under")


def spc(kind: str, *, values=None, numerators=None, denominators=None, higher_is_better: bool = True) -> Chart:
    """A p-chart's limits stay within 0–1; the rules are tested against the unclipped ones."""
    if kind == "p":
        points, centre, sigma = p_chart(numerators, denominators)
    else:
        points, centre, sigma = xmr(values)
    found = signals(points, centre, sigma)
    classification, side = classify(points, centre, found, higher_is_better=higher_is_better)
    lower, upper = [centre - 3 * s for s in sigma], [centre + 3 * s for s in sigma]
    if kind == "p":
        lower, upper = [max(0.0, v) for v in lower], [min(1.0, v) for v in upper]
    return Chart(kind=kind, values=points, centre=centre, lower=lower, upper=upper, sigma=sigma, signals=found,
                 classification=classification, side=side)
