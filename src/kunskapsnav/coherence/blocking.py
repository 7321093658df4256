"""Which pairs the full run compares: those compare() could raise, and no others.

Every pair that shares a code by hierarchy used to be compared, and on a corpus where a code
is shared by thousands of recommendations those pairs grow with the square of the corpus while
most of them agree. Each rule in detection.compare needs more than a shared code, and what it
needs can be counted for a whole block of recommendations at once:

- a text rule needs the stemmed texts to share words: with m the stems in common (counted with
  their repeats, as the metrics over sorted lists of stems count them) and la, lb the lengths,
  a duplicate or overlap needs the same direction and Dice ≥ 0.5 (4m ≥ la + lb) or containment
  ≥ 0.8 (5m ≥ 4·min); gör against gör inte needs containment ≥ 0.5 (2m ≥ min); a threshold
  needs the same direction, numbers on both sides and Dice ≥ 0.6 over the words that are not
  numbers (10m′ ≥ 3(la′ + lb′));
- the priority rule needs the same direction, two priorities INCOMPATIBLE_PRIORITY_GAP apart
  and, as gör against gör inte, containment ≥ 0.5 (the same advice ranked apart, not two
  measures for one condition).

The conditions are the rules' thresholds in whole numbers, so a pair left out is one compare()
returns None for (tests/test_blocking.py checks it against comparing every pair). The stems in
common are counted for all pairs of a block (the recommendations with one exact code against
those with the same or a broader one) by a product of sparse stem-count matrices (SciPy),
instead of one Python comparison per pair.
"""

from collections import defaultdict

import numpy as np
from scipy import sparse

from kunskapsnav.knowledge.models import Direction

from .detection import _NUMBER, INCOMPATIBLE_PRIORITY_GAP, Item, broader_or_same

# Rows of one block multiplied at a time: bounds the dense block in memory (rows × block).
ROWS_AT_A_TIME = 1024


class _Columns:
    """The items as arrays, one entry per item, in the order of the list."""

    def __init__(self, items: list[Item]):
        directions = {Direction.DO: 1, Direction.DO_NOT: 2}
        other = {}
        self.support = np.array([i.support_id for i in items], dtype=np.int64)
        self.direction = np.array(
            [directions.get(i.direction) or other.setdefault(i.direction, 3 + len(other)) for i in items],
            dtype=np.int16,
        )
        self.priority = np.array([i.priority or 0 for i in items], dtype=np.int16)
        self.has_numbers = np.array([bool(i.numbers) for i in items])
        self.words, self.numbers = _stem_matrices(items)
        self.length = np.asarray(self.words.sum(axis=1)).ravel().astype(np.int32)
        self.number_length = np.asarray(self.numbers.sum(axis=1)).ravel().astype(np.int32)


def _stem_matrices(items: list[Item]):
    """(stems, number stems) as sparse 0/1 matrices, one row per item; a stem said twice is two
    columns, so the product of two rows is the stems in common counted with their repeats."""
    columns: dict = {}
    rows, cols, number_rows, number_cols = [], [], [], []
    for row, item in enumerate(items):
        seen = defaultdict(int)
        for stem in item.stems:
            seen[stem] += 1
            column = columns.setdefault((stem, seen[stem]), len(columns))
            rows.append(row)
            cols.append(column)
            if _NUMBER.fullmatch(stem):
                number_rows.append(row)
                number_cols.append(column)
    shape = (len(items), max(len(columns), 1))

    def matrix(r, c):
        return sparse.csr_matrix((np.ones(len(r), dtype=np.int32), (r, c)), shape=shape)

    return matrix(rows, cols), matrix(number_rows, number_cols)


def _could_raise(cols: _Columns, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """For the pairs (a[k], b[k][l]) of a block: whether any rule of compare() could hold."""
    m = (cols.words[a] @ cols.words[b].T).toarray()
    la, lb = cols.length[a][:, None], cols.length[b][None, :]
    shorter = np.minimum(la, lb)
    worded = (la > 0) & (lb > 0)
    same = cols.direction[a][:, None] == cols.direction[b][None, :]
    opposite = (cols.direction[a][:, None] + cols.direction[b][None, :] == 3) & ~same

    alike = worded & ((4 * m >= la + lb) | (5 * m >= 4 * shorter))
    contained_half = worded & (2 * m >= shorter)

    m_words = m - (cols.numbers[a] @ cols.numbers[b].T).toarray()
    la_words = la - cols.number_length[a][:, None]
    lb_words = lb - cols.number_length[b][None, :]
    threshold = (
        cols.has_numbers[a][:, None] & cols.has_numbers[b][None, :]
        & (la_words > 0) & (lb_words > 0) & (10 * m_words >= 3 * (la_words + lb_words))
    )
    pa, pb = cols.priority[a][:, None].astype(np.int32), cols.priority[b][None, :].astype(np.int32)
    priority = (pa > 0) & (pb > 0) & (np.abs(pa - pb) >= INCOMPATIBLE_PRIORITY_GAP)

    other_support = cols.support[a][:, None] != cols.support[b][None, :]
    return other_support & ((same & (alike | threshold | (priority & contained_half))) | (opposite & contained_half))


def pairs_to_compare(items: list[Item]) -> np.ndarray:
    """The pairs (i, j), i < j, of positions in items that share a code by hierarchy and could
    be raised, each once, sorted: an array of shape (pairs, 2)."""
    if len(items) < 2:
        return np.empty((0, 2), dtype=np.int64)
    cols = _Columns(items)
    by_code = defaultdict(list)
    for position, item in enumerate(items):
        for term in item.codes:
            by_code[term].append(position)
    by_code = {term: np.array(positions, dtype=np.int64) for term, positions in by_code.items()}
    found = []
    for (system, code), narrower in by_code.items():
        for term in broader_or_same(system, code):
            broader = by_code.get(term)
            if broader is not None:
                found += _block_pairs(cols, narrower, broader, same_block=term == (system, code))
    if not found:
        return np.empty((0, 2), dtype=np.int64)
    keys = np.unique(np.concatenate(found))
    n = len(items)
    return np.stack([keys // n, keys % n], axis=1)


def _block_pairs(cols: _Columns, narrower: np.ndarray, broader: np.ndarray, *, same_block: bool) -> list:
    """The pairs of one block (an item with the exact code against one with the same or a
    broader code) that could be raised, as keys i·n + j with i < j."""
    n = len(cols.support)
    keys = []
    for start in range(0, len(narrower), ROWS_AT_A_TIME):
        a = narrower[start:start + ROWS_AT_A_TIME]
        keep = _could_raise(cols, a, broader)
        rows, columns = np.nonzero(keep)
        i, j = a[rows], broader[columns]
        if same_block:
            wanted = i < j  # each pair of the block once
        else:
            wanted = i != j  # one item can have both the code and a broader one
        i, j = i[wanted], j[wanted]
        keys.append(np.minimum(i, j) * n + np.maximum(i, j))
    return keys
