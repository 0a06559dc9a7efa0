"""The related-updates index of every brief at once, in numpy arrays: term counts, vectors,
posting lists and each brief's shortlist of candidates.

`RelatedIndex` works one brief at a time in Python dicts, and stays the reference: after an
edit the live preview re-links a few briefs with it (`relatedstate`). Building the index and
the shortlists of 100,000 briefs that way took about 12 s on two cores; here the same numbers
take about a second. "The same" is meant to the bit, because an incremental rebuild must give
exactly a fresh build's links: every value is made by the same IEEE operations in the same
order as the Python code (numpy's elementwise + * / and sqrt round exactly as Python's), and
the sums that have an order (a vector's norm, a candidate's accumulated similarity) are added
one term at a time in that order, never with numpy's pairwise reductions.
tests/test_related_batch.py checks it against the Python code on random corpora.
"""

from __future__ import annotations

import contextlib
import itertools
import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from sitegen.model import Brief
from sitegen.parallel import beside, default_workers
from sitegen.relatedterms import FLOOR_NORM, NOT_A_TERM, TermCounter, idf_weight


@dataclass(frozen=True)
class Tables:
    """Term counts and vectors of n briefs, as flat entries in row-major order (a brief's
    terms in order of first occurrence, as `TermCounter.count` gives them)."""

    n: int
    terms: int
    count_rows: np.ndarray
    count_ids: np.ndarray
    count_values: np.ndarray
    """Every (brief, term, occurrences), a term of weight 0 (on one brief) included."""
    df: np.ndarray
    idf: list[float]
    rows: np.ndarray
    ids: np.ndarray
    values: np.ndarray
    """The vectors' entries: the terms of positive weight, as `term_vector` makes them."""
    post_start: np.ndarray
    """Where each term's posting list starts in post_rows/post_values (length terms + 1)."""
    post_rows: np.ndarray
    post_values: np.ndarray
    post_pos: np.ndarray
    """Each vector entry's place on its term's posting list."""
    row_start: np.ndarray
    """Where each brief's vector entries start (length n + 1)."""

    def vectors(self) -> list[dict[int, float]]:
        """Each brief's vector as `term_vector` returns it."""
        return _dicts(self.rows, self.ids, self.values, self.n)

    def counts(self) -> list[dict[int, int]]:
        """Each brief's counts as `TermCounter.count` returns them."""
        return _dicts(self.count_rows, self.count_ids, self.count_values, self.n)

    def postings(self) -> tuple[list[list[int]], list[list[float]]]:
        """Each term's posting list: briefs, and their values."""
        cut = self.post_start.tolist()
        rows, values = self.post_rows.tolist(), self.post_values.tolist()
        return ([rows[a:b] for a, b in zip(cut[:-1], cut[1:])], [values[a:b] for a, b in zip(cut[:-1], cut[1:])])


def _dicts(rows: np.ndarray, keys: np.ndarray, values: np.ndarray, n: int) -> list[dict]:  # type: ignore[type-arg]
    cut = np.searchsorted(rows, np.arange(n + 1)).tolist()
    k, v = keys.tolist(), values.tolist()
    return [dict(zip(k[a:b], v[a:b])) for a, b in zip(cut[:-1], cut[1:])]


try:
    from numpy._core.multiarray import _set_madvise_hugepage
except ImportError:  # numpy 1
    from numpy.core.multiarray import _set_madvise_hugepage


@contextlib.contextmanager
def _small_pages() -> Iterator[None]:
    """numpy asks Linux for huge pages for big arrays; with the usual `defrag=madvise`, a first
    touch can then wait for the kernel to compact memory. These arrays live for a second: that
    made building the tables twice as slow (1.0 s against 2.3 s at 100,000 briefs)."""
    before = _set_madvise_hugepage(False)
    try:
        yield
    finally:
        _set_madvise_hugepage(before)


UNIT = 2.0 ** -40
"""A score's products are rounded to whole multiples of UNIT (about 1e-12, far below any
difference between scores that matters) and added as integers, exactly, so in any order: by
Python's ints one pair at a time, by numpy's int64 for thousands at once, with the same bits.
Weights are at most 1,000 in size (sitegen.yaml is checked), so a sum stays under 2^53 units."""
SCALE = 2.0 ** 40
"""1 / UNIT."""

@dataclass(frozen=True)
class Counts:
    """Every (brief, term) with its occurrences, a brief's terms in order of first occurrence."""

    rows: np.ndarray
    ids: np.ndarray
    counts: np.ndarray
    n: int


PARALLEL_FROM = 20_000
"""Briefs from which another process counts the terms of half of them."""
OWN_SHARE = 0.5
"""The share of the briefs this process counts when another process counts the rest: half, as
this one also orders the briefs by date and makes the slice tables (`meanwhile`), about as
long as the other takes to start Python and take in its share."""


def term_counts(briefs: Sequence[Brief], counter: TermCounter, workers: int | None = None,
                meanwhile: Callable[[], None] = lambda: None) -> Counts:
    """Every brief's `counter.count`, as arrays; `counter` ends up knowing every term. From
    PARALLEL_FROM briefs on, another process (`parallel.beside`) counts the last briefs with its
    own numbering while this one counts the first and then calls `meanwhile`; the other's terms
    are then numbered in its order, which is the numbering counting alone would have given."""
    workers = default_workers() if workers is None else workers
    with _small_pages():
        if len(briefs) < PARALLEL_FROM or workers < 2:
            counts = _counted(list(map(counter.term_ids, briefs)))
            meanwhile()
            return counts
        own = int(len(briefs) * OWN_SHARE)

        def mine() -> Counts:
            counts = _counted(list(map(counter.term_ids, briefs[:own])))
            meanwhile()
            return counts
        fields = [(b.title, b.summary, b.tags, b.audience, b.source.name) for b in briefs[own:]]
        (vocabulary, sizes, ids, counts), first = beside(_count_alone, (fields, len(counter.ids), counter.text), mine)
        renumber = np.array([counter.intern(sig, name) for sig, name in vocabulary], dtype=np.int64)
        rows = np.repeat(np.arange(own, len(briefs), dtype=np.int64), sizes)
        return Counts(np.concatenate((first.rows, rows)), np.concatenate((first.ids, renumber[ids])),
                      np.concatenate((first.counts, counts)), len(briefs))


class _Source(NamedTuple):
    name: str


class _Fields(NamedTuple):
    """What `TermCounter.term_ids` reads of a brief."""

    title: str
    summary: str
    tags: tuple[str, ...]
    audience: tuple[str, ...]
    source: _Source


def _count_alone(fields: list[tuple[str, str, tuple[str, ...], tuple[str, ...], str]], signals: int,
                 text: int) -> tuple[list[tuple[int, str]], np.ndarray, np.ndarray, np.ndarray]:
    """The counts of the briefs with these fields (title, summary, tags, audience, source name),
    with a counter of their own, and its vocabulary; sent back compact (how many terms each
    brief has, and 32-bit ids and counts)."""
    counter = TermCounter(signals, text)
    briefs = [_Fields(title, summary, tags, audience, _Source(source)) for title, summary, tags, audience, source in fields]
    c = _counted(list(map(counter.term_ids, briefs)))  # type: ignore[arg-type]
    return (counter.vocabulary(), np.bincount(c.rows, minlength=len(briefs)).astype(np.int32),
            c.ids.astype(np.int32), c.counts.astype(np.int32))


def _counted(term_ids: list[list[int]]) -> Counts:
    """`TermCounter.count` of each of these `term_ids` lists."""
    n = len(term_ids)
    lengths = np.fromiter(map(len, term_ids), dtype=np.int64, count=n)
    flat = np.fromiter(itertools.chain.from_iterable(term_ids), dtype=np.int64, count=int(lengths.sum()))
    row = np.repeat(np.arange(n, dtype=np.int64), lengths)
    real = flat != NOT_A_TERM
    row, flat = row[real], flat[real]
    # Sorted stably by (brief, term), a run's first element is the term's first occurrence;
    # marking those in place keeps each brief's terms in order of first occurrence.
    key = row * (int(flat.max(initial=0)) + 1) + flat
    by_key = _stable_order(key)
    first = _run_starts(key[by_key])
    at = by_key[first]
    kept = np.zeros(len(flat), dtype=bool)
    kept[at] = True
    counts = np.zeros(len(flat), dtype=np.int64)
    counts[at] = np.diff(np.append(first, len(key)))
    return Counts(row[kept], flat[kept], counts[kept], n)


def reordered(c: Counts, order: Sequence[int]) -> Counts:
    """The counts of the briefs in another order: brief k of the result is brief order[k] of c."""
    with _small_pages():
        sizes = np.bincount(c.rows, minlength=c.n)
        starts = np.cumsum(sizes) - sizes
        take = np.asarray(order, dtype=np.int64)
        sizes = sizes[take]
        ends = np.cumsum(sizes)
        entry = np.arange(int(ends[-1]) if len(ends) else 0) + np.repeat(starts[take] - (ends - sizes), sizes)
        return Counts(np.repeat(np.arange(c.n, dtype=np.int64), sizes), c.ids[entry], c.counts[entry], c.n)


def tables(c: Counts, terms: int) -> Tables:
    """The tables of briefs with these counts; `terms` ids exist."""
    with _small_pages():
        return _tables(c, terms)


def _tables(c: Counts, terms: int) -> Tables:
    n, count_rows, count_ids, counts = c.n, c.rows, c.ids, c.counts
    df = np.bincount(count_ids, minlength=terms)
    idf = [idf_weight(n, d) for d in df.tolist()]
    # term_vector: w = idf, times 1 + ln(count) when count > 1, kept if positive.
    weight = np.asarray(idf, dtype=np.float64)[count_ids]
    kept = weight > 0.0
    rows, ids, w = count_rows[kept], count_ids[kept], weight[kept]
    many = counts[kept]
    tf = np.ones(int(many.max(initial=1)) + 1)
    tf[2:] = [1.0 + math.log(c) for c in range(2, len(tf))]
    w = np.where(many > 1, w * tf[many], w)
    norm = np.zeros(n)
    if len(rows):
        starts = _run_starts(rows)
        norm[rows[starts]] = _run_sums(w * w, starts)
    row_start = np.searchsorted(rows, np.arange(n + 1))
    root = np.maximum(np.sqrt(norm), FLOOR_NORM)
    values = w / root[rows]
    # Posting lists: each term's entries with rows ascending, which is date order.
    by_term = _stable_order(ids)
    post_start = np.zeros(terms + 1, dtype=np.int64)
    np.cumsum(np.bincount(ids, minlength=terms), out=post_start[1:])
    post_pos = np.empty(len(ids), dtype=np.int64)
    post_pos[by_term] = np.arange(len(ids)) - post_start[ids[by_term]]
    return Tables(n, terms, count_rows, count_ids, counts, df, idf, rows, ids, values, post_start,
                  rows[by_term], values[by_term], post_pos, row_start)


def _stable_order(key: np.ndarray) -> np.ndarray:
    """np.argsort(key, kind="stable") for keys >= 0; sorting key * len + index, all distinct,
    is several times faster when it fits in 63 bits."""
    size = len(key)
    if not size or int(key.max()) >= (2 ** 62) // size:
        return np.argsort(key, kind="stable")
    return np.sort(key * size + np.arange(size)) % size


def _run_starts(key: np.ndarray) -> np.ndarray:
    """Where each run of equal keys starts."""
    new = np.empty(len(key), dtype=bool)
    new[:1] = True
    np.not_equal(key[1:], key[:-1], out=new[1:])
    return np.flatnonzero(new)


def _run_sums(x: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """The sum of each run x[starts[k]:starts[k + 1]], added left to right from 0.0 as
    Python's `total += x` is: numpy's own sums add in another order, so other bits."""
    out = 0.0 + x[starts]
    ends = np.append(starts[1:], len(x))
    live = np.flatnonzero(ends - starts > 1)
    step = 1
    while len(live):
        out[live] += x[starts[live] + step]
        step += 1
        live = live[ends[live] - starts[live] > step]
    return out


def _ranked(run: np.ndarray, x: np.ndarray, first_on_tie: bool) -> np.ndarray:
    """The order of the elements by run (ascending, as given), then x descending, then on a
    tie the earlier element if first_on_tie else the later (x finite, runs contiguous)."""
    size = len(x)
    # Floats ordered as integers (the IEEE bits, negatives flipped), then ranked: equal
    # values get the same level, the place of the first of them in sorted order.
    bits = x.view(np.int64)
    bits = bits ^ ((bits >> 63) & np.int64(0x7FFFFFFFFFFFFFFF))
    by_bits = np.argsort(bits)
    ordered = bits[by_bits]
    level = np.empty(size, dtype=np.int64)
    level[by_bits] = np.cumsum(np.concatenate(([0], ordered[1:] != ordered[:-1])))
    levels = int(level.max(initial=0)) + 1
    tie = np.arange(size) if first_on_tie else size - 1 - np.arange(size)
    if int(run[-1]) + 1 > (2 ** 62) // (levels * size):
        return np.lexsort((tie, -x, run))
    return np.sort((run * levels + (levels - 1 - level)) * size + tie) % size if first_on_tie else \
        size - 1 - np.sort((run * levels + (levels - 1 - level)) * size + tie) % size


def shortlists(t: Tables, lo: int, hi: int, kind: Sequence[int], term_weight: Sequence[float], sizes: np.ndarray,
               query_terms: int, window: int, whole: int, text: int) -> list[list[int]] | None:
    """The shortlists of briefs lo to hi, as `RelatedIndex.shortlist(accumulate(i, query(vector)), size)`
    makes them, with size sizes[i - lo] (0: none wanted). None if an accumulated similarity is
    not finite (a weight of NaN or infinity): the Python code orders those, these arrays do not."""
    with _small_pages():
        return _shortlists(t, lo, hi, kind, term_weight, sizes, query_terms, window, whole, text)


def _shortlists(t: Tables, lo: int, hi: int, kind: Sequence[int], term_weight: Sequence[float], sizes: np.ndarray,
                query_terms: int, window: int, whole: int, text: int) -> list[list[int]] | None:
    n = t.n
    first, last = int(t.row_start[lo]), int(t.row_start[hi])
    rows, ids, values = t.rows[first:last], t.ids[first:last], t.values[first:last]
    # query(): a brief's tags (kind OTHER) and its `query_terms` heaviest words (kind TEXT),
    # heaviest first and on a tie the first seen, kept in the vector's order.
    kinds = np.asarray(kind, dtype=np.int8)[ids]
    words = np.flatnonzero(kinds == text)
    heavy = np.zeros(len(ids), dtype=bool)
    if len(words):
        order = _ranked(rows[words], values[words], first_on_tie=True)
        word_rows = rows[words][order]
        heavy[words[order[np.arange(len(order)) - np.searchsorted(word_rows, word_rows) < query_terms]]] = True
    query = np.flatnonzero(((kinds != 0) & (kinds != text)) | heavy)
    query = query[sizes[rows[query] - lo] > 0]
    # accumulate(): each query term's posting list, whole when short, else the `window`
    # nearest briefs on each side; one-brief lists skipped.
    q_ids = ids[query]
    length = t.post_start[q_ids + 1] - t.post_start[q_ids]
    query, q_ids, length = query[length > 1], q_ids[length > 1], length[length > 1]
    if not len(query):
        return [[] for _ in range(lo, hi)]
    pos = t.post_pos[first + query]
    short = length <= whole
    begin = np.where(short, 0, np.maximum(pos - window, 0))
    span = np.where(short, length, np.minimum(pos + window + 1, length)) - begin
    ends = np.cumsum(span)
    src = np.arange(int(ends[-1])) + np.repeat(t.post_start[q_ids] + begin - (ends - span), span)
    wv = np.asarray(term_weight, dtype=np.float64)[q_ids] * values[query]
    contribution = np.repeat(wv, span) * t.post_values[src]
    # A brief's own entry is dropped with its pair below (fewer pairs than entries).
    key = np.repeat(rows[query] * n, span) + t.post_rows[src]
    # Sum per pair in query order: a stable sort by pair keeps the order contributions were
    # made in, which is the order of the query's terms.
    by_pair = _stable_order(key)
    key, contribution = key[by_pair], contribution[by_pair]
    pair_start = _run_starts(key)
    acc = _run_sums(contribution, pair_start)
    if not np.isfinite(acc).all():
        return None
    pi, pj = np.divmod(key[pair_start], n)
    other = pi != pj
    pi, pj, acc = pi[other], pj[other], acc[other]
    if not len(pi):
        return [[] for _ in range(lo, hi)]
    # _top: the largest accumulated similarities first, on a tie the later brief (pairs are
    # in (i, j) order, so the later element).
    order = _ranked(pi, acc, first_on_tie=False)
    pi, pj = pi[order], pj[order]
    keep = np.arange(len(pi)) - np.searchsorted(pi, pi) < sizes[pi - lo]
    pi, pj = pi[keep], pj[keep]
    cut = np.searchsorted(pi, np.arange(lo, hi + 1)).tolist()
    js = pj.tolist()
    return [js[a:b] for a, b in zip(cut[:-1], cut[1:])]


def pair_scores(t: Tables, pi: np.ndarray, pj: np.ndarray, term_weight: Sequence[float], kind: Sequence[int],
                days: np.ndarray, half_life: float, w_rest: float, w_time: float) -> np.ndarray:
    """`RelatedIndex.score(i, j)` of each pair, to the bit: shared terms found by sorting the
    terms of both briefs of every pair together, products summed in whole units."""
    with _small_pages():
        return _pair_scores(t, pi, pj, term_weight, kind, days, half_life, w_rest, w_time)


def _pair_scores(t: Tables, pi: np.ndarray, pj: np.ndarray, term_weight: Sequence[float], kind: Sequence[int],
                 days: np.ndarray, half_life: float, w_rest: float, w_time: float) -> np.ndarray:
    pairs = len(pi)
    if not pairs:
        return np.zeros(0)
    entries = len(t.ids)
    both = np.concatenate((pi, pj))
    begin, size = t.row_start[both], t.row_start[both + 1] - t.row_start[both]
    ends = np.cumsum(size)
    entry = np.arange(int(ends[-1])) + np.repeat(begin - (ends - size), size)
    pair = np.repeat(np.tile(np.arange(pairs), 2), size)
    # Sorted by (pair, term), a term both briefs hold is two neighbours (one entry of each).
    if pairs * t.terms < (2 ** 62) // entries:
        pair_term, entry = np.divmod(np.sort((pair * t.terms + t.ids[entry]) * entries + entry), entries)
    else:  # the key would overflow (a million briefs and more): the same order, slower
        order = np.lexsort((entry, t.ids[entry], pair))
        pair_term, entry = pair[order] * t.terms + t.ids[entry[order]], entry[order]
    shared = np.flatnonzero(pair_term[1:] == pair_term[:-1])
    a, b = entry[shared], entry[shared + 1]
    term = t.ids[a]
    units = np.rint(np.asarray(term_weight, dtype=np.float64)[term] * (t.values[a] * t.values[b]) * SCALE)
    owner = pair_term[shared] // t.terms
    total = np.zeros(pairs, dtype=np.int64)
    np.add.at(total, owner, units.astype(np.int64))
    # Pairs that share only audience or source terms (kind 0) score nothing.
    meaningful = np.zeros(pairs, dtype=bool)
    meaningful[owner[np.asarray(kind, dtype=np.int8)[term] != 0]] = True
    apart = (np.abs(days[pi] - days[pj]) / half_life).tolist() if half_life > 0 else None
    decay = np.array([0.5 ** x for x in apart]) if apart is not None else 1.0  # Python's pow, as score()
    score = total.astype(np.float64) * UNIT * (w_rest + w_time * decay)
    return np.where(meaningful, score, 0.0)
