"""The patient-view cards already made, held by each worker process.

A recommendation's card depends on the recommendation, its version and support, its issuer,
the region's addition and the language; not on the patient. The journal asks for the same
few hundred recommendations all day (the highest ranked for the common conditions), so each
worker keeps the cards it has made and reads from the database only the recommendations it
has not made a card for yet.

The cards are as fresh as the code index (knowledge.code_index): they belong to the change
feed's entry the index is at, and a new entry (a version published, replaced or withdrawn, a
support changed, a regional addition written, changed or removed) empties the store before
the next call uses it. What the feed does not record (an issuing body's new name) is seen
within CDS_CARD_CACHE_SECONDS, after which the store is emptied whatever happened.
"""

import threading
import time
from dataclasses import dataclass, field

from django.conf import settings

from kunskapsnav.knowledge.code_index import CodeIndex

# A worker holds at most this many cards of each kind; past it the store starts again empty
# (the cards of the commonest codes come back at once).
MAX_CARDS = 20_000


@dataclass
class CardStore:
    cursor: int | None
    at: object
    made_at: float
    # (recommendation id, region id, language) -> (card, version id)
    recommendations: dict = field(default_factory=dict)
    # (version id, language) -> ((support title, support id), card)
    links: dict = field(default_factory=dict)

    def fits(self, index: CodeIndex, now: float) -> bool:
        # An empty feed marks no state to be fresh against: nothing is kept then.
        return (index.cursor is not None and (self.cursor, self.at) == (index.cursor, index.at)
                and now - self.made_at < settings.CDS_CARD_CACHE_SECONDS)

    def keep(self, kind: dict, key, value):
        if len(kind) >= MAX_CARDS:
            kind.clear()
        kind[key] = value


_store: CardStore | None = None
_lock = threading.Lock()


def store_for(index: CodeIndex) -> CardStore:
    """The store of cards made at the index's entry of the change feed: an empty one when the
    feed has moved on or the store is too old."""
    global _store
    now = time.monotonic()
    store = _store
    if store is not None and store.fits(index, now):
        return store
    with _lock:
        if _store is None or not _store.fits(index, now):
            _store = CardStore(cursor=index.cursor, at=index.at, made_at=now)
        return _store


def store_clear():
    """Forget every card (tests, and a worker that wants the database's word at once)."""
    global _store
    with _lock:
        _store = None
