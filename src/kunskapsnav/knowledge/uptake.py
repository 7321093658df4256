"""Uptake (följsamhet): what clinicians did with the recommendations shown to them in the
journal. The journal reports each card it showed as followed or set aside (with a reason);
here each report only adds one to a count per card, region, care unit, day, outcome and
reason. The service counts the cards it shows itself, per card, region and day. Nothing
about the patient or the clinician is kept, and no report is stored as such.

Cards shown are counted in memory in each process and written in one transaction every
CDS_SHOWN_FLUSH_SECONDS or CDS_SHOWN_FLUSH_CELLS counts, and when the process exits: a hook
call adds no row of its own, and the journal's call does not wait for a write each time. A
process that dies without exiting (kill -9, a crash of the machine) loses the counts since
the last write, a few seconds' worth.
"""

import atexit
import datetime
import logging
import os
import threading
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import F, Sum
from django.utils.translation import gettext as _

from .models import CardFeedback, FeedbackOutcome, OverrideReason, Recommendation, UptakeOutcome

logger = logging.getLogger(__name__)

# The namespace of card identities, uuid5(NAMESPACE_URL, "kunskapsnav:cds-card"): fixed for
# good, so that a card keeps its uuid across releases and installations.
CARD_NAMESPACE = uuid.UUID("12f7b78b-4ccc-50d9-b962-88e6750cf524")


def card_uuid(*, key: uuid.UUID | str, version_number: int) -> uuid.UUID:
    """The card of one recommendation in one version: the same in every answer, so that the
    feedback on it can be counted, and a new version starts a new count."""
    return uuid.uuid5(CARD_NAMESPACE, f"{key}:{version_number}")


def support_card_uuid(*, support_id: int, version_number: int) -> uuid.UUID:
    """The link card of one support version (the way to the support's page)."""
    return uuid.uuid5(CARD_NAMESPACE, f"support:{support_id}:{version_number}")


def feedback_record(*, card: uuid.UUID, region_code: str, care_unit: str, day: datetime.date, outcome: str,
                    override_reason: str = "") -> None:
    """Count one report. The caller has checked the values (interop.cds.feedback); the
    database's constraints hold the rest. Two workers counting the same cell at once both
    count: the insert that loses the race becomes an increment."""
    if outcome != FeedbackOutcome.OVERRIDDEN:
        override_reason = ""
    cell = CardFeedback.objects.filter(card=card, region_code=region_code, care_unit=care_unit, day=day,
                                       outcome=outcome, override_reason=override_reason)
    if cell.update(count=F("count") + 1):
        return
    try:
        with transaction.atomic():
            CardFeedback.objects.create(card=card, region_code=region_code, care_unit=care_unit, day=day,
                                        outcome=outcome, override_reason=override_reason, count=1)
    except IntegrityError:
        cell.update(count=F("count") + 1)


class ShownCounts:
    """The cards shown in this process and not yet written: a count per (card, region code,
    day). Thread-safe (runserver serves each request in a thread of its own)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._counts: Counter = Counter()
        self._since = time.monotonic()
        self._pid = os.getpid()

    def _own(self):
        # A forked child starts with a copy of its parent's counts, which the parent writes.
        if self._pid != os.getpid():
            self._counts, self._since, self._pid = Counter(), time.monotonic(), os.getpid()

    def add(self, cards: list[uuid.UUID], *, region_code: str, day: datetime.date) -> bool:
        """Count the cards; whether it is time to write them."""
        with self._lock:
            self._own()
            for card in cards:
                self._counts[(card, region_code, day)] += 1
            return (len(self._counts) >= settings.CDS_SHOWN_FLUSH_CELLS
                    or time.monotonic() - self._since >= settings.CDS_SHOWN_FLUSH_SECONDS)

    def take(self) -> Counter:
        with self._lock:
            self._own()
            counts, self._counts, self._since = self._counts, Counter(), time.monotonic()
            return counts

    def give_back(self, counts: Counter):
        """Counts whose write failed wait for the next one."""
        with self._lock:
            self._own()
            self._counts.update(counts)

    def __len__(self):
        with self._lock:
            return len(self._counts)


SHOWN = ShownCounts()


def _shown_write(counts: Counter):
    """One statement per cell, in one transaction: insert the count, or add it to the count
    already there (the same upsert on SQLite and PostgreSQL)."""
    quote = connection.ops.quote_name
    table = quote(CardFeedback._meta.db_table)
    column = CardFeedback._meta.get_field
    cell = ("card", "region_code", "care_unit", "day", "outcome", "override_reason")
    sql = (f"INSERT INTO {table} ({', '.join(quote(c) for c in cell)}, {quote('count')}) "
           f"VALUES (%s, %s, %s, %s, %s, %s, %s) "
           f"ON CONFLICT ({', '.join(quote(c) for c in cell)}) "
           f"DO UPDATE SET {quote('count')} = {table}.{quote('count')} + excluded.{quote('count')}")
    rows = [(column("card").get_db_prep_value(card, connection), region_code, "",
             column("day").get_db_prep_value(day, connection), UptakeOutcome.SHOWN, "", count)
            for (card, region_code, day), count in sorted(counts.items(), key=str)]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def shown_flush() -> int:
    """Write the counted cards; how many cells were written. A failed write keeps the counts
    for the next one and is only logged: it never reaches the journal's call."""
    counts = SHOWN.take()
    if not counts:
        return 0
    try:
        _shown_write(counts)
    except DatabaseError:
        logger.exception("Cards shown not written, kept for the next write (%s cells)", len(counts))
        SHOWN.give_back(counts)
        return 0
    return len(counts)


def cards_shown(cards: list[dict], *, region_code: str, day: datetime.date) -> None:
    """Count the cards of one answer as shown in the region on the day (the region code is
    empty for an anonymous demo call). Written by shown_flush when it is time."""
    ids = [uuid.UUID(card["uuid"]) for card in cards if card.get("uuid")]
    if ids and SHOWN.add(ids, region_code=region_code, day=day):
        shown_flush()


@atexit.register
def _flush_at_exit():
    if len(SHOWN):
        shown_flush()


# Uptake as it is published: per recommendation of a version, the region's figures beside the
# nation's, with small counts suppressed as indicator values are (lib/suppression.py, the
# threshold settings.INDICATOR_SMALL_COUNT). Two counts are behind a region's figures: the
# reports (followed + set aside), which the share followed and the reasons are parts of, and
# the cards shown. Each is suppressed on its own, and a region's count that the nation's
# minus the other regions' would give away is suppressed too.

NATION = "SE"
# The counts are over the version's whole life: one period, whose date the rule needs.
_ALL_TIME = datetime.date(2000, 1, 1)


@dataclass
class Figures:
    """One recommendation's uptake in one region or in the nation, as a reader may see it: a
    suppressed count is None unless the reader may see small counts."""

    shown: int | None = 0
    accepted: int | None = 0
    overridden: int | None = 0
    reasons: dict[str, int] | None = field(default_factory=dict)
    shown_suppressed: bool = False
    reports_suppressed: bool = False

    @property
    def reports(self) -> int | None:
        if self.accepted is None or self.overridden is None:
            return None
        return self.accepted + self.overridden

    @property
    def share_followed(self) -> float | None:
        """Followed of the reports, 0–1; None with no reports or suppressed."""
        return self.accepted / self.reports if self.reports else None

    @property
    def share_overridden(self) -> float | None:
        return self.overridden / self.reports if self.reports else None


@dataclass(frozen=True)
class Cell:
    """One figure in a table of uptake: a count, or a share (0–1); None when suppressed for
    the reader or when there is nothing to divide."""

    value: int | float | None
    suppressed: bool
    share: bool = False


@dataclass
class RecommendationUptake:
    recommendation: object
    card: uuid.UUID
    nation: Figures
    region: Figures | None = None
    # Set aside often in the region (is_overridden_often): a possible gap for the LPO.
    flagged: bool = False

    def rows(self) -> list[tuple[str, list[Cell]]]:
        """The table as pages show it: a row per figure, a cell for the region (if any) and
        one for the nation."""
        columns = [f for f in (self.region, self.nation) if f is not None]
        reasons = [(code, label) for code, label in OverrideReason.choices] + [("", _("Inget skäl angivet"))]
        rows = [
            (_("Visad"), [Cell(f.shown, f.shown_suppressed) for f in columns]),
            (_("Följd"), [Cell(f.accepted, f.reports_suppressed) for f in columns]),
            (_("Åsidosatt"), [Cell(f.overridden, f.reports_suppressed) for f in columns]),
        ]
        for code, label in reasons:
            rows.append((_("– %(reason)s") % {"reason": label},
                         [Cell(None if f.reasons is None else f.reasons[code], f.reports_suppressed) for f in columns]))
        rows.append((_("Andel följd"), [Cell(f.share_followed, f.reports_suppressed, share=True) for f in columns]))
        return rows


def _tallies(cards) -> dict[uuid.UUID, dict[str, Counter]]:
    """card -> geography (a region code, or NATION) -> outcome and "reason:<code>" -> count."""
    tallies: dict = defaultdict(lambda: defaultdict(Counter))
    rows = (CardFeedback.objects.filter(card__in=cards).values("card", "region_code", "outcome", "override_reason")
            .annotate(n=Sum("count")).order_by())
    for row in rows:
        for geo in (row["region_code"], NATION):
            tally = tallies[row["card"]][geo]
            tally[row["outcome"]] += row["n"]
            if row["outcome"] == UptakeOutcome.OVERRIDDEN:
                tally["reason:" + row["override_reason"]] += row["n"]
    return tallies


def _reports(tally: Counter) -> int:
    return tally[UptakeOutcome.ACCEPTED] + tally[UptakeOutcome.OVERRIDDEN]


def _suppressed(tallies: dict[uuid.UUID, dict[str, Counter]], count) -> set[tuple[uuid.UUID, str]]:
    """The (card, geography) pairs whose count (a function of a tally) is suppressed. One
    frame for all the cards: each card is a period of its own, so that only its regions and
    the nation add up, and the rule runs once per page rather than once per card."""
    # pandas only here, not on the journal's path through this module
    import pandas as pd

    from kunskapsnav.lib.suppression import suppress_counts

    keys = [(card, geo) for card, geos in tallies.items() for geo in geos]
    if not keys:
        return set()
    period_of = {card: _ALL_TIME + datetime.timedelta(days=i) for i, card in enumerate(tallies)}
    frame = pd.DataFrame({
        "level": ["riket" if geo == NATION else "region" for _card, geo in keys], "geo": [geo for _c, geo in keys],
        "period_type": "alla", "period": [period_of[card] for card, _geo in keys], "stratum_type": "alla",
        "stratum": "alla",
    })
    hidden = suppress_counts(frame, [count(tallies[card][geo]) for card, geo in keys],
                             threshold=settings.INDICATOR_SMALL_COUNT, healthcare_regions={})
    return {key for key, h in zip(keys, hidden) if h}


def _figures(tally: Counter, *, shown_hidden: bool, reports_hidden: bool, small_counts: bool) -> Figures:
    hide_shown = shown_hidden and not small_counts
    hide_reports = reports_hidden and not small_counts
    return Figures(
        shown=None if hide_shown else tally[UptakeOutcome.SHOWN],
        accepted=None if hide_reports else tally[UptakeOutcome.ACCEPTED],
        overridden=None if hide_reports else tally[UptakeOutcome.OVERRIDDEN],
        reasons=None if hide_reports else {code: tally["reason:" + code] for code in [*OverrideReason.values, ""]},
        shown_suppressed=shown_hidden, reports_suppressed=reports_hidden,
    )


def is_overridden_often(tally: Counter, *, suppressed: bool) -> bool:
    """The rule for the LPO's flag: at least UPTAKE_FLAG_MIN_REPORTS reports from the region,
    more than UPTAKE_FLAG_OVERRIDE_PERCENT per cent of them set aside, and figures that may be
    published (a flag must not give away a suppressed count)."""
    reports = _reports(tally)
    return (not suppressed and reports >= settings.UPTAKE_FLAG_MIN_REPORTS
            and tally[UptakeOutcome.OVERRIDDEN] * 100 > settings.UPTAKE_FLAG_OVERRIDE_PERCENT * reports)


def uptake_of(*, versions, region_codes: set[str], small_counts: bool) -> dict[int, dict]:
    """Uptake per recommendation of each version: {version id: {"nation": [...],
    region code: [...]}} with a RecommendationUptake per recommendation in position order
    (the nation's alone under "nation"; the region's beside the nation's under its code). Two
    queries whatever the number of versions."""
    versions = list(versions)
    recommendations = list(Recommendation.objects.filter(version__in=versions).select_related("version")
                           .order_by("version_id", "position"))
    card_of = {rec.pk: card_uuid(key=rec.key, version_number=rec.version.number) for rec in recommendations}
    tallies = _tallies(card_of.values())
    shown_hidden = _suppressed(tallies, lambda t: t[UptakeOutcome.SHOWN])
    reports_hidden = _suppressed(tallies, _reports)
    empty: dict[str, Counter] = {}
    result: dict[int, dict] = {v.pk: {"nation": [], **{code: [] for code in region_codes}} for v in versions}
    for rec in recommendations:
        card = card_of[rec.pk]
        geos = tallies.get(card, empty)
        figures = {geo: _figures(geos.get(geo, Counter()), shown_hidden=(card, geo) in shown_hidden,
                                 reports_hidden=(card, geo) in reports_hidden, small_counts=small_counts)
                   for geo in (NATION, *region_codes)}
        nation = figures[NATION]
        result[rec.version_id]["nation"].append(RecommendationUptake(rec, card, nation))
        for code in region_codes:
            result[rec.version_id][code].append(RecommendationUptake(
                rec, card, nation, figures[code],
                flagged=is_overridden_often(geos.get(code, Counter()), suppressed=(card, code) in reports_hidden)))
    return result


def any_counted(found: list[RecommendationUptake]) -> bool:
    """Whether any card of these recommendations was counted at all (a suppressed count is one)."""
    return any(item.nation.shown != 0 or item.nation.reports != 0 for item in found)
