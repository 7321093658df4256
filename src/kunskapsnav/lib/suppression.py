"""Small-number suppression, the one rule for every count the platform publishes (indicator
values, the uptake of recommendations): a row from fewer cases than the threshold is
suppressed, and so is any row from which a suppressed one could be recovered by subtraction:
wherever parts add up to a whole that is shown (sexes and age bands to everyone, kommuner to
their region, regions to their sjukvårdsregion and to the nation, care units to the nation,
months to their quarter and year, quarters to their year) and exactly one part is
suppressed, the smallest other part is suppressed too, until nothing changes.

The rows are those of a frame with the columns level, geo, period_type, period (a date),
stratum_type and stratum, as indicator values have them.
"""

import pandas as pd


def _partitions(frame: pd.DataFrame, healthcare_regions: dict[str, str]):
    """(whole, parts) as lists of row positions: every place where parts add up to a whole."""
    index = {tuple(row): i for i, row in enumerate(
        frame[["level", "geo", "period_type", "period", "stratum_type", "stratum"]].itertuples(index=False))}

    def row(level, geo, period_type, period, stratum_type, stratum):
        return index.get((level, geo, period_type, period, stratum_type, stratum))

    keys = list(index)
    # Strata: sexes and age bands add up to everyone.
    by_cell: dict[tuple, list[int]] = {}
    for key, i in index.items():
        if key[4] != "alla":
            by_cell.setdefault(key[:4] + (key[4],), []).append(i)
    for cell, parts in by_cell.items():
        whole = row(*cell[:4], "alla", "alla")
        if whole is not None:
            yield whole, parts
    # Geography.
    children: dict[tuple, list[int]] = {}
    for level, geo, period_type, period, stratum_type, stratum in keys:
        rest = (period_type, period, stratum_type, stratum)
        i = index[(level, geo) + rest]
        if level == "kommun":
            children.setdefault(("region", geo[:2]) + rest, []).append(i)
        elif level == "region":
            children.setdefault(("riket", "SE") + rest, []).append(i)
            children.setdefault(("sjukvardsregion", healthcare_regions.get(geo, "okand")) + rest, []).append(i)
        elif level == "sjukvardsregion":
            children.setdefault(("riket", "SE", "hr") + rest, []).append(i)
        elif level == "vardenhet":
            children.setdefault(("riket", "SE", "unit") + rest, []).append(i)
    for parent, parts in children.items():
        whole = row(*parent[:2], *parent[-4:])
        if whole is not None:
            yield whole, parts
    # Time: months to quarters and years, quarters to years.
    periods: dict[tuple, list[int]] = {}
    for level, geo, period_type, period, stratum_type, stratum in keys:
        i = index[(level, geo, period_type, period, stratum_type, stratum)]
        year = period.replace(month=1, day=1)
        if period_type == "manad":
            quarter = period.replace(month=(period.month - 1) // 3 * 3 + 1, day=1)
            periods.setdefault((level, geo, "kvartal", quarter, stratum_type, stratum), []).append(i)
            periods.setdefault((level, geo, "ar", year, stratum_type, stratum, "m"), []).append(i)
        elif period_type == "kvartal":
            periods.setdefault((level, geo, "ar", year, stratum_type, stratum), []).append(i)
    for parent, parts in periods.items():
        whole = row(*parent[:6])
        if whole is not None:
            yield whole, parts


def suppress_counts(frame: pd.DataFrame, counts, *, threshold: int, healthcare_regions: dict[str, str]) -> pd.Series:
    """Which rows to suppress (a boolean Series in the frame's order), given the cases behind
    each row (a sequence in the frame's order)."""
    frame = frame.reset_index(drop=True)
    counts = pd.Series(counts, dtype="float").fillna(0).to_numpy()
    hidden = counts < threshold
    partitions = list(_partitions(frame, healthcare_regions))
    changed = True
    while changed:
        changed = False
        for whole, parts in partitions:
            if hidden[whole]:
                continue
            suppressed_parts = [p for p in parts if hidden[p]]
            if len(suppressed_parts) == 1:
                shown = [p for p in parts if not hidden[p]]
                if shown:
                    hidden[min(shown, key=lambda p: (counts[p], p))] = True
                    changed = True
    return pd.Series(hidden, index=frame.index)
