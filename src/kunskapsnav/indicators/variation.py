"""Unwarranted variation: funnel plots for proportions, and statistical process control over
time.

Funnel plots follow Spiegelhalter, "Funnel plots for comparing institutional performance"
(Stat Med 2005) and "Handling over-dispersion of performance indicators" (Qual Saf Health
Care 2005): limits at 95 % and 99.8 % around the national proportion, exact binomial or the
normal approximation. Exact limits judge every unit by the mid-p tail probability of its
count, and the line is drawn where that probability reaches the level, so the line and the
judgement agree (docs/statistics.md). Over-dispersion is estimated from z-scores winsorised
at 10 % in each tail and, when units × φ exceeds the 95 % point of χ² on units − 1 degrees of
freedom, met by widening the limits multiplicatively (φ) or by additive random effects (τ²)
if the reader asks for it.

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


def upper_mid_p(x: int, n: int, theta: float) -> float:
    """P(X > x) + ½ P(X = x) for X ~ Binomial(n, θ): the mid-p of a count this high."""
    return float(binom.sf(x, n, theta) + 0.5 * binom.pmf(x, n, theta))


def lower_mid_p(x: int, n: int, theta: float) -> float:
    """P(X < x) + ½ P(X = x): the mid-p of a count this low."""
    return float(binom.cdf(x - 1, n, theta) + 0.5 * binom.pmf(x, n, theta)) if x > 0 else \
        float(0.5 * binom.pmf(0, n, theta))


def exact_limit(theta: float, n: int, p: float) -> float:
    """The exact binomial limit at probability p (upper for p > ½, lower for p < ½) for
    denominator n, drawn where the mid-p tail probability reaches 1 − p (or p below),
    interpolated linearly between the neighbouring counts. A unit whose count has a mid-p
    below the level lies beyond the line, every other unit on or within it: the line and
    the judgement of each unit are the same rule (see `beyond`)."""
    if p > 0.5:
        level = 1 - p
        tail = upper_mid_p
        centre = int(binom.ppf(p, n, theta))
        ks = range(max(0, centre - 3), n + 1)
        first = next((k for k in ks if tail(k, n, theta) < level), None)
        if first is None:
            return 1.0
        if first == 0:
            return 0.0
        before, at = tail(first - 1, n, theta), tail(first, n, theta)
        return (first - 1 + (before - level) / (before - at)) / n
    level = p
    tail = lower_mid_p
    centre = int(binom.ppf(p, n, theta))
    ks = range(min(n, centre + 3), -1, -1)
    last = next((k for k in ks if tail(k, n, theta) < level), None)
    if last is None:
        return 0.0
    if last == n:
        return 1.0
    at, after = tail(last, n, theta), tail(last + 1, n, theta)
    return (last + 1 - (after - level) / (after - at)) / n


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
        """One rule for every unit, the same above and below: exact binomial limits judge
        by the mid-p tail probability of the unit's count (P(X > x) + ½ P(X = x) above,
        P(X < x) + ½ P(X = x) below, beyond when under 1 − p); normal or adjusted limits by
        the unit's value against the drawn limit, which is symmetric about θ."""
        p = LIMITS[level]
        if adjust == "none" and method == "exact":
            if x / d > theta and upper_mid_p(x, d, theta) < 1 - p:
                return "over"
            if x / d < theta and lower_mid_p(x, d, theta) < 1 - p:
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
#
# The conventions (docs/statistics.md) follow NHS England's "Making Data Count" as
# NHSRplotthedots implements it, where it departs from a rule the guidance states, and say so.

IMPROVEMENT, CONCERN, COMMON = "forbattring", "forsamring", "slumpmassig"
NON_RANDOM = "icke_slumpmassig"  # a run chart's signal without a direction to it
TOO_FEW = "for_fa_punkter"
# NHSRplotthedots: seven points for a shift and for a trend; the MDC spreadsheet lets the
# user choose six or seven (settings.INDICATOR_SPC_RULE_LENGTH).
RULE_LENGTHS = (6, 7)
RULE_LENGTH = 7
# Fewer points than this and no classification is claimed (NHSRplotthedots warns below 12:
# the limits are trial limits).
MIN_POINTS = 12
# The XmR constants: 2.66 = 3 / d2 with d2 = 1.128 for moving ranges of two; the moving
# range chart's upper limit is D4 = 3.267 times the mean moving range.
XMR_LIMIT = 2.66
MR_LIMIT = 3.267
D2 = 1.128
# The order in which the latest point's signals decide its classification.
PRECEDENCE = ("utanfor", "trend", "tva_av_tre", "skift")
# Assurance against a target.
ASSURED_PASS, ASSURED_FAIL, HIT_AND_MISS = "uppnas", "missas", "ibland"


@dataclass
class Chart:
    kind: str  # "p", "p_prime", "xmr" or "run"
    values: list[float]
    centre: list[float]  # per point: a rebased chart steps
    lower: list[float | None]
    upper: list[float | None]
    sigma: list[float]
    signals: list[set[str]]  # per point: "utanfor", "skift", "trend", "tva_av_tre", "lang_serie", "fa_korsningar"
    classification: str
    side: str  # "over" / "under" / "" for the latest signal
    segments: list[int] = field(default_factory=lambda: [0])  # the first point of each set of limits
    baseline: int | None = None  # points each segment's limits are computed from (None: all)
    deciding: str = ""  # the signal that classified the latest point
    moving_ranges: list[float | None] = field(default_factory=list)  # XmR: the MR chart
    mr_centre: list[float] = field(default_factory=list)
    mr_upper: list[float] = field(default_factory=list)
    sigma_z: float | None = None  # p and p′: Laney's between-subgroup factor
    runs: dict | None = None  # run chart: longest run, crossings and their limits

    @property
    def enough(self) -> bool:
        return self.classification != TOO_FEW


def rule_length(value: int | None) -> int:
    return value if value in RULE_LENGTHS else RULE_LENGTH


def _mean_moving_range(values, *, screen: bool) -> float:
    """The mean moving range; with `screen`, moving ranges above the MR chart's limit are
    left out and the mean taken again (once, as NHSRplotthedots and qicharts2 do)."""
    moving = np.abs(np.diff(np.asarray(values, float)))
    if not len(moving):
        return 0.0
    mean = float(moving.mean())
    if screen:
        kept = moving[moving < MR_LIMIT * mean]
        mean = float(kept.mean()) if len(kept) else mean
    return mean


def xmr_limits(values, *, screen: bool = False) -> tuple[float, float]:
    """Centre and sigma of an XmR chart from the values it is based on: the limits are the
    centre ± 2.66 × the mean moving range (sigma = 2.66 / 3 × the mean moving range)."""
    v = np.asarray(values, float)
    return float(v.mean()), XMR_LIMIT / 3 * _mean_moving_range(v, screen=screen)


def p_limits(numerators, denominators) -> tuple[float, np.ndarray]:
    """Centre of a p-chart and, per point, the binomial sigma at that centre."""
    x, n = np.asarray(numerators, float), np.asarray(denominators, float)
    centre = float(x.sum() / n.sum())
    return centre, np.sqrt(centre * (1 - centre) / n)


def laney_sigma_z(numerators, denominators, *, screen: bool = False) -> float:
    """Laney (2002): the spread of the p-chart's z-scores between subgroups, as the mean
    moving range of the z-scores / 1.128."""
    x, n = np.asarray(numerators, float), np.asarray(denominators, float)
    centre, sigma = p_limits(x, n)
    if centre in (0.0, 1.0):
        return 1.0
    z = (x / n - centre) / sigma
    return _mean_moving_range(z, screen=screen) / D2


def _runs_of(signs) -> list[tuple[int, int]]:
    """(start, end exclusive) of each run of equal non-zero signs; a zero ends a run."""
    runs, start = [], 0
    for i in range(1, len(signs) + 1):
        if i == len(signs) or signs[i] != signs[start] or signs[i] == 0:
            if signs[start] != 0:
                runs.append((start, i))
            start = i
    return runs


def signals(values, centre, sigma, *, length: int = RULE_LENGTH) -> tuple[list[set[str]], list[int]]:
    """The special-cause rules, point by point, within one set of limits: each point's
    signals, and the direction (+1 / −1 / 0) of the trend it is part of.

    - utanfor: beyond the 3-sigma limits (a point on a limit is inside).
    - skift: `length` or more points in a row on one side of the centre line; a point on the
      line breaks the run.
    - trend: `length` or more points each higher (or each lower) than the one before; an
      equal value breaks it.
    - tva_av_tre: in a window of three points all on the same side of the centre, two or
      three beyond two sigma on that side; only those beyond two sigma are flagged.
    """
    v = np.asarray(values, float)
    centre = np.broadcast_to(np.asarray(centre, float), v.shape)
    s = np.broadcast_to(np.asarray(sigma, float), v.shape)
    found: list[set[str]] = [set() for _ in v]
    direction = [0] * len(v)
    for i in range(len(v)):
        if abs(v[i] - centre[i]) > 3 * s[i]:
            found[i].add("utanfor")
    side = np.sign(v - centre)
    for start, end in _runs_of(side):
        if end - start >= length:
            for j in range(start, end):
                found[j].add("skift")
    step = np.sign(np.diff(v))
    for start, end in _runs_of(step):
        # steps start..end-1 join points start..end
        if end - start + 1 >= length:
            for j in range(start, end + 1):
                found[j].add("trend")
                direction[j] = int(step[start])
    far = side * (v - centre) > 2 * s  # beyond two sigma on its own side
    for i in range(len(v) - 2):
        window = range(i, i + 3)
        if side[i] != 0 and all(side[j] == side[i] for j in window) and sum(far[j] for j in window) >= 2:
            for j in window:
                if far[j]:
                    found[j].add("tva_av_tre")
    return found, direction


def classify(values, centre: float, found: list[set[str]], direction: list[int], *,
             higher_is_better: bool) -> tuple[str, str, str]:
    """The latest point decides, by the first of its signals in PRECEDENCE: beyond a limit,
    two of three and a shift by its side of the centre line; a trend by its direction (a
    rising trend is improvement when higher is better, even below the centre line).
    Returns (classification, side, deciding signal)."""
    if not found or not found[-1]:
        return COMMON, "", ""
    deciding = next(rule for rule in PRECEDENCE if rule in found[-1])
    up = direction[-1] > 0 if deciding == "trend" else values[-1] > centre
    return (IMPROVEMENT if up == higher_is_better else CONCERN), ("over" if up else "under"), deciding


def _segments(count: int, starts) -> list[tuple[int, int]]:
    cuts = sorted({0, *[s for s in starts if 0 < s < count]})
    return list(zip(cuts, cuts[1:] + [count]))


def run_analysis(values, *, baseline: int | None = None) -> dict:
    """Anhøj's rules on a run chart around the median (qicharts2): a run longer than
    round(log2(n)) + 3, or fewer crossings than the 5 % quantile of Binomial(n − 1, ½),
    n being the points not on the median."""
    v = np.asarray(values, float)
    median = float(np.median(v[:baseline] if baseline else v))
    side = np.sign(v - median)
    useful = side[side != 0]
    n = len(useful)
    runs = _runs_of(list(useful))
    longest = max((end - start for start, end in runs), default=0)
    longest_max = round(math.log2(n)) + 3 if n else 0
    crossings = max(len(runs) - 1, 0)
    crossings_min = int(binom.ppf(0.05, n - 1, 0.5)) if n > 1 else 0
    return {"median": median, "useful": n, "longest": longest, "longest_max": longest_max,
            "crossings": crossings, "crossings_min": crossings_min,
            "long_run": longest > longest_max, "few_crossings": crossings < crossings_min}


def run_chart(values, *, higher_is_better: bool = True, baseline: int | None = None,
              min_points: int = MIN_POINTS) -> Chart:
    """A run chart: the median and Anhøj's rules. A long run decides the direction when the
    latest point is in it; too few crossings alone says the variation is not random."""
    v = [float(x) for x in values]
    found: list[set[str]] = [set() for _ in v]
    result = run_analysis(v, baseline=baseline)
    median = result["median"]
    side = [int(np.sign(x - median)) for x in v]
    last_in_long = False
    if result["long_run"]:
        # A point on the median is not part of any run, and does not end one.
        useful_index = [i for i, s in enumerate(side) if s != 0]
        useful_sides = [side[i] for i in useful_index]
        for start, end in _runs_of(useful_sides):
            if end - start > result["longest_max"]:
                for k in range(start, end):
                    found[useful_index[k]].add("lang_serie")
                last_in_long = last_in_long or useful_index[end - 1] == len(v) - 1
    if result["few_crossings"]:
        for f in found:
            f.add("fa_korsningar")
    if len(v) < min_points:
        classification, side_text = TOO_FEW, ""
    elif last_in_long:
        up = v[-1] > median
        classification, side_text = (IMPROVEMENT if up == higher_is_better else CONCERN), ("over" if up else "under")
    elif result["long_run"] or result["few_crossings"]:
        classification, side_text = NON_RANDOM, ""
    else:
        classification, side_text = COMMON, ""
    return Chart(kind="run", values=v, centre=[median] * len(v), lower=[None] * len(v), upper=[None] * len(v),
                 sigma=[0.0] * len(v), signals=found, classification=classification, side=side_text,
                 baseline=baseline, runs=result, deciding="lang_serie" if last_in_long else "")


def spc(kind: str, *, values=None, numerators=None, denominators=None, higher_is_better: bool = True,
        baseline: int | None = None, rebase_at=(), screen: bool = False, length: int = RULE_LENGTH,
        min_points: int = MIN_POINTS) -> Chart:
    """An SPC chart: "p", "p_prime" (Laney), "xmr" or "run".

    Limits are computed per segment: a segment starts at the first point and at each point
    in `rebase_at` (a recalculation after a sustained change). Within a segment the limits
    come from its first `baseline` points (all of them when None) and are held fixed after;
    the rules are applied within each segment. A p-chart's limits are drawn within 0–1; the
    rules use the unclipped ones. With fewer than `min_points` points in the latest segment
    no classification is claimed (TOO_FEW); the chart is still drawn."""
    if kind == "run":
        return run_chart(values, higher_is_better=higher_is_better, baseline=baseline, min_points=min_points)
    if kind in ("p", "p_prime"):
        x, n = np.asarray(numerators, float), np.asarray(denominators, float)
        points = x / n
    else:
        points = np.asarray(values, float)
    count = len(points)
    centre, sigma = np.zeros(count), np.zeros(count)
    found: list[set[str]] = []
    direction: list[int] = []
    segments = _segments(count, rebase_at)
    moving: list[float | None] = [None] + [float(d) for d in np.abs(np.diff(points))] if count else []
    mr_centre, mr_upper = [0.0] * count, [0.0] * count
    sigma_z = None
    for start, end in segments:
        base_end = min(end, start + baseline) if baseline else end
        if kind in ("p", "p_prime"):
            c, _s = p_limits(x[start:base_end], n[start:base_end])
            s = np.sqrt(c * (1 - c) / n[start:end])
            sigma_z = laney_sigma_z(x[start:base_end], n[start:base_end], screen=screen)
            if kind == "p_prime":
                s = s * sigma_z
        else:
            c, one = xmr_limits(points[start:base_end], screen=screen)
            s = np.full(end - start, one)
            amr = _mean_moving_range(points[start:base_end], screen=screen)
            mr_centre[start:end] = [amr] * (end - start)
            mr_upper[start:end] = [MR_LIMIT * amr] * (end - start)
            moving[start] = None  # the first moving range of a segment spans the recalculation
        centre[start:end], sigma[start:end] = c, s
        part, trend = signals(points[start:end], c, s, length=length)
        found += part
        direction += trend
    # The latest segment's own points count: just after a recalculation its limits are trial limits.
    if count - segments[-1][0] < min_points:
        classification, side, deciding = TOO_FEW, "", ""
    else:
        classification, side, deciding = classify(list(points), float(centre[-1]), found, direction,
                                                  higher_is_better=higher_is_better)
    lower, upper = list(centre - 3 * sigma), list(centre + 3 * sigma)
    if kind in ("p", "p_prime"):
        lower, upper = [max(0.0, v) for v in lower], [min(1.0, v) for v in upper]
    return Chart(kind=kind, values=[float(p) for p in points], centre=[float(c) for c in centre],
                 lower=[float(v) for v in lower], upper=[float(v) for v in upper], sigma=[float(s) for s in sigma],
                 signals=found, classification=classification, side=side, segments=[s for s, _e in segments],
                 baseline=baseline, deciding=deciding, moving_ranges=moving if kind == "xmr" else [],
                 mr_centre=mr_centre if kind == "xmr" else [], mr_upper=mr_upper if kind == "xmr" else [],
                 sigma_z=sigma_z)


def proportion_chart_kind(numerators, denominators, *, baseline: int | None = None) -> str:
    """The stated rule for proportions: Laney's p′ chart when the p-chart's z-scores vary
    more between subgroups than the binomial allows (σz > 1), else the p-chart. With
    σz ≤ 1 the p′ limits would be as wide or narrower, and the binomial limits are kept."""
    x, n = list(numerators)[:baseline], list(denominators)[:baseline]
    return "p_prime" if len(x) > 1 and laney_sigma_z(x, n) > 1 else "p"


def default_kind(points: int, *, proportion: bool, meaningful: bool = True) -> str:
    """Without a chosen chart type: a run chart for short series (under 20 points, where the
    limits are not yet reliable) or where limits are not meaningful; else p / p′ for
    proportions and XmR for the rest."""
    if points < 20 or not meaningful:
        return "run"
    return "p" if proportion else "xmr"


def assurance(chart: Chart, target: float, *, higher_is_better: bool) -> str:
    """Whether the latest process limits say a target will be met every time (the whole
    range between the limits on the right side of it), missed every time, or hit and miss
    (NHSRplotthedots ptd_calculate_assurance_type). A target on a limit is hit and miss."""
    low, high = chart.lower[-1], chart.upper[-1]
    if low is None or high is None:
        return ""
    if target > high:
        return ASSURED_FAIL if higher_is_better else ASSURED_PASS
    if target < low:
        return ASSURED_PASS if higher_is_better else ASSURED_FAIL
    return HIT_AND_MISS
