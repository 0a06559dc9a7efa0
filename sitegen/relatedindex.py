"""The inverted index of the related updates: candidates from posting lists, scored exactly.

The score of a pair is

    (Σ over shared terms of weight[signal] · v₁ · v₂) · time_factor

(v the normalised vectors of `relatedterms`: the weighted parts of one cosine), with time_factor = (1 - w_time) + w_time · 0.5^(|Δdays| / half_life): closeness in time
amplifies a real similarity but cannot create one. Pairs that share neither a tag nor a
distinctive word never qualify, and scores under the threshold are dropped, so a brief
with nothing meaningful in common gets no "Related updates" at all.

Candidates come from posting lists (term → briefs, in date order) of a brief's tags and
its heaviest words: a short list (a rare term) is visited whole, a longer one only for the
`WINDOW` nearest briefs in time, so the work per brief is bounded and 100,000 briefs take
seconds. The best candidates are then re-scored exactly.
"""

from __future__ import annotations

import bisect
import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from operator import itemgetter

import numpy as np

from sitegen.config import SIGNALS, TIME_SIGNAL, RelatedConfig
from sitegen.model import Brief, RelatedLink
from sitegen.relatedbatch import SCALE, UNIT, Tables, pair_scores, reordered, shortlists, tables, term_counts
from sitegen.relatedterms import TermCounter, idf_weight, term_vector

MEANINGFUL = ("tags", "text")
"""A pair must share at least one of these to be related at all."""
WINDOW = 2
"""Posting-list neighbours visited on each side of a brief (nearest in time)."""
WHOLE = 32
"""Posting lists this short (rare terms: a product, a start-up) are visited whole, so a story
of many updates over many months finds all of them; longer ones only within WINDOW."""


def span(postings: Sequence[int], i: int) -> tuple[int, int]:
    """The slice of a posting list that brief i (on it, or about to be) visits."""
    if len(postings) <= WHOLE:
        return 0, len(postings)
    k = bisect.bisect_left(postings, i)
    return max(0, k - WINDOW), min(len(postings), k + WINDOW + 1)
QUERY_TERMS = 6
"""Most distinctive words of a brief used to find candidates (all words are scored)."""
SLACK = 2
"""Candidates scored exactly beyond the number shown (the approximate ranking can be off)."""


def link_chunk(n: int) -> int:
    """Briefs a worker process links per task (a slice of `linked_slice`): 1,024 from 16,384
    briefs (100 tasks at 100,000; with 64 a task, the parent spent seconds taking in results),
    a sixteenth of them below, so that small sites still share out."""
    return max(64, min(1024, n // 16))


@dataclass(frozen=True)
class Candidate:
    slug: str
    score: float
    parts: tuple[tuple[str, float], ...]
    """Weighted contribution of each signal before the time factor."""
    time_factor: float
    later: bool


@dataclass(frozen=True)
class Trace:
    """One brief's links, and what its float decisions depended on (for RelatedState)."""

    links: tuple[RelatedLink, ...]
    query: tuple[int, ...] | None
    """The terms it looked for neighbours with; None if pins alone filled the links."""
    seen: tuple[int, ...]
    """Positions the posting-list windows reached."""
    shortlist: tuple[int, ...]
    """Positions that were scored exactly."""
    acc_gap: float
    """Half the accumulated-similarity gap at the shortlist cut (inf: nothing was cut)."""
    comparisons: tuple[tuple[float, int, int], ...]
    """(gap, a, b): the exact score of brief a exceeded that of b by gap, b = -1 for the
    threshold (gap = score - threshold, or threshold - score for one below it)."""


class RelatedIndex:
    """Vectors and posting lists for one set of briefs (built once per build).

    Terms are small integers; `sig_of[term]` says which signal a term belongs to.
    Nothing depends on the numbering of terms, only on which brief holds which term,
    so terms first seen in an edit can simply take the next free number.
    """

    def __init__(self, briefs: Sequence[Brief], config: RelatedConfig, workers: int | None = None):
        self.config = config
        self.terms = TermCounter(len(SIGNALS), SIGNALS.index("text"))
        self.ids, self.sig_of = self.terms.ids, self.terms.sig_of
        # Terms are counted in the order given, a worker starting at once on some of them, while
        # this process puts the briefs in date order and makes the slice tables (before the fork
        # of `linked_slice`'s workers, so that they share them); the counts then follow.
        order: list[int] = []
        counts = term_counts(briefs, self.terms, workers, lambda: order.extend(self._date_order(briefs)))
        # Weighed all at once in arrays: the numbers of term_vector, to the bit (relatedbatch).
        self.tables: Tables | None = tables(reordered(counts, order), len(self.sig_of))
        self.df: list[int] = self.tables.df.tolist()
        self.idf = self.tables.idf
        self.vectors: list[dict[int, float]]
        """Each brief's normalised term vector (`term_vector`)."""
        self.counts: list[dict[int, int]]
        self.postings_idx: list[list[int]]
        """Each term's briefs, in date order."""
        self.postings_val: list[list[float]]
        """Their values of the term."""
        self.weights = [config.weight(sig) for sig in SIGNALS]
        self.meaningful = {SIGNALS.index(s) for s in MEANINGFUL}
        self.w_time = min(max(config.weight(TIME_SIGNAL), 0.0), 1.0)
        self.w_rest = 1.0 - self.w_time
        self.term_weight: list[float] = []
        """The weight of each term's signal."""
        self.text = SIGNALS.index("text")
        self.plain: set[int] = set()
        """Terms of the signals that cannot relate two briefs on their own (audience, source)."""
        self.kind: list[int] = []
        """Each term's part in a query: PLAIN (never), TEXT (the most distinctive words) or OTHER (always)."""
        self._grow_terms()
        self._scores: dict[int, float] = {}
        """The memo of `linked`'s pass (see `ranked`)."""

    def __getattr__(self, name: str) -> object:
        # The Python forms of the arrays are made on first use. Linking every brief at once
        # (`linked_slice`) finds candidates in the arrays and never needs counts or posting
        # lists; workers make their own vectors: reading dicts made before the fork would
        # copy every page they sit on (a worker's refcounts write to them), which cost more.
        tables = self.__dict__.get("tables")
        if name == "vectors" and tables is not None:
            self.vectors = tables.vectors()
            return self.vectors
        if name in ("counts", "postings_idx", "postings_val") and tables is not None:
            self.counts = tables.counts()
            self.postings_idx, self.postings_val = tables.postings()
            return self.__dict__[name]
        raise AttributeError(name)

    def _grow_terms(self) -> None:
        """Extend the per-term tables to terms numbered since the last call."""
        for tid in range(len(self.term_weight), len(self.sig_of)):
            sig = self.sig_of[tid]
            self.term_weight.append(self.weights[sig])
            if sig not in self.meaningful:
                self.plain.add(tid)
            self.kind.append(PLAIN if sig not in self.meaningful else TEXT if sig == self.text else OTHER)

    def time_factor(self, i: int, j: int) -> float:
        half_life = self.config.half_life_days
        decay = 0.5 ** (abs(self.days[i] - self.days[j]) / half_life) if half_life > 0 else 1.0
        return self.w_rest + self.w_time * decay

    def score(self, i: int, j: int) -> float:
        """Σ over shared terms of weight[signal] · a · b, times the time factor; 0 unless they
        share a tag or a word. Summed exactly in whole UNITs (see `units`), so neither the
        numbering of terms nor the order of the two briefs changes a bit of it."""
        a, b = self.vectors[i], self.vectors[j]
        common = a.keys() & b.keys()
        if common <= self.plain:
            return 0.0
        tw = self.term_weight
        return sum([round(tw[t] * (a[t] * b[t]) * SCALE) for t in common]) * UNIT * self.time_factor(i, j)

    def exact(self, i: int, j: int) -> Candidate:
        """`score(i, j)` and its parts, for display."""
        a, b = self.vectors[i], self.vectors[j]
        parts = [0.0] * len(SIGNALS)
        for tid in a.keys() & b.keys():
            parts[self.sig_of[tid]] += a[tid] * b[tid]
        weighted = tuple((SIGNALS[k], self.weights[k] * p) for k, p in enumerate(parts))
        return Candidate(self.briefs[j].slug, self.score(i, j), weighted, self.time_factor(i, j),
                         self.days[j] > self.days[i])

    def query(self, vec: dict[int, float]) -> list[tuple[int, float]]:
        """The terms a brief looks for neighbours with: its tags and its most distinctive words."""
        kind = self.kind
        query = [kv for kv in vec.items() if kind[kv[0]]]
        words = [kv for kv in query if kind[kv[0]] == TEXT]
        if len(words) <= QUERY_TERMS:
            return query
        # As heapq.nlargest, which is this sort: on a tie, the word seen first.
        keep = set(sorted(words, key=_BY_VALUE, reverse=True)[:QUERY_TERMS])
        return [kv for kv in query if kind[kv[0]] != TEXT or kv in keep]

    def accumulate(self, i: int, query: list[tuple[int, float]]) -> dict[int, float]:
        """Approximate similarity to the briefs nearest in time on each query term's posting list
        (all of them on a short list)."""
        acc: dict[int, float] = {}
        get = acc.get
        tw, postings_idx, postings_val = self.term_weight, self.postings_idx, self.postings_val
        for tid, v in query:
            idx = postings_idx[tid]
            n = len(idx)
            if n == 1:
                continue
            wv = tw[tid] * v
            if n <= WHOLE:
                pairs = zip(idx, postings_val[tid])
            else:  # span(idx, i), inlined: at 100,000 briefs this loop is the largest part of the time
                k = bisect.bisect_left(idx, i)
                lo, hi = (k - WINDOW if k > WINDOW else 0), k + WINDOW + 1
                pairs = zip(idx[lo:hi], postings_val[tid][lo:hi])
            for j, x in pairs:
                acc[j] = get(j, 0.0) + wv * x
        acc.pop(i, None)
        return acc

    def shortlist(self, acc: dict[int, float], size: int) -> list[int]:
        """The `size` best accumulated similarities (ties: the later position)."""
        return [j for _, j in _top(acc, size)]

    def ranked(self, i: int, shortlist: Sequence[int], memo: dict[int, float] | None = None) -> list[tuple[float, int]]:
        """(score, position) of the shortlist, best first; ties go to the newer brief, then the slug.

        `memo` (for one pass over briefs in increasing order, while no vector changes) keeps
        score(i, j) for j > i until brief j asks for it: most pairs are on each other's shortlist,
        and score(i, j) is score(j, i) to the bit (a · b = b · a, |Δdays| is symmetric, units add exactly).
        """
        # score(i, j) for each, inlined (the same operations, so the same bits).
        a, vectors, plain, tw, days = self.vectors[i], self.vectors, self.plain, self.term_weight, self.days
        keys, day, half_life, w_rest, w_time = a.keys(), days[i], self.config.half_life_days, self.w_rest, self.w_time
        n = len(vectors)
        scored = []
        for j in shortlist:
            if memo is not None and j < i:
                score = memo.pop(j * n + i, None)
                if score is not None:
                    scored.append((score, j))
                    continue
            b = vectors[j]
            common = keys & b.keys()
            if common <= plain:
                score = 0.0
            else:
                decay = 0.5 ** (abs(day - days[j]) / half_life) if half_life > 0 else 1.0
                score = sum([round(tw[t] * (a[t] * b[t]) * SCALE) for t in common]) * UNIT * (w_rest + w_time * decay)
            if memo is not None and j > i:
                memo[i * n + j] = score
            scored.append((score, j))
        briefs = self.briefs
        scored.sort(key=lambda sj: (-sj[0], -days[sj[1]], briefs[sj[1]].slug))
        return scored

    def candidates(self, i: int, limit: int) -> list[Candidate]:
        """The `limit` best-scoring other briefs, exactly scored, best first (for display)."""
        acc = self.accumulate(i, self.query(self.vectors[i]))
        return [self.exact(i, j) for _, j in self.ranked(i, self.shortlist(acc, limit + SLACK))[:limit]]

    def pinned(self, i: int) -> list[RelatedLink]:
        b = self.briefs[i]
        return [RelatedLink(s, self.days[self.position[s]] > self.days[i], True)
                for s in dict.fromkeys(b.related) if s in self.position]

    def pick(self, i: int, links: list[RelatedLink], ranked: list[tuple[float, int]]) -> tuple[RelatedLink, ...]:
        """Pinned links, then ranked candidates above the threshold, up to the count."""
        count, threshold = self.config.count, self.config.threshold
        taken = {self.briefs[i].slug, *(link.slug for link in links)}
        for score, j in ranked:
            if len(links) >= count:
                break
            slug = self.briefs[j].slug
            if score >= threshold and slug not in taken:
                links.append(RelatedLink(slug, self.days[j] > self.days[i]))
                taken.add(slug)
        return tuple(links[:count])

    def shortlists(self, lo: int, hi: int) -> list[list[int]] | None:
        """`shortlist` of briefs lo to hi as `links` looks for it, found for all of them at once
        in arrays (relatedbatch); None if the arrays cannot (after an edit: they are not kept
        current; with similarities that are not finite)."""
        if self.tables is None:
            return None
        count, pins = self.config.count, self._pins[lo:hi]
        sizes = np.where(pins >= count, 0, count + pins + SLACK)
        return shortlists(self.tables, lo, hi, self.kind, self.term_weight, sizes, QUERY_TERMS, WINDOW, WHOLE, TEXT)

    def _date_order(self, briefs: Sequence[Brief]) -> list[int]:
        """Put the briefs oldest first (so every posting list is sorted by date without sorting
        it), make the slice tables, and return where each brief was in `briefs`."""
        dated = sorted(((b.date.timestamp(), b.slug, k) for k, b in enumerate(briefs)))
        self.briefs = [briefs[k] for _, _, k in dated]
        self.position = {b.slug: i for i, b in enumerate(self.briefs)}
        self.days = [stamp / 86400.0 for stamp, _, _ in dated]
        self.prepare_slices()
        return [k for _, _, k in dated]

    def prepare_slices(self) -> None:
        """Make the per-brief tables `linked_slice` reads (and `_automatic` its `_slug_id`).
        Made once, before the fork of `linked_slice`'s workers, so that they share them."""
        slugs = [b.slug for b in self.briefs]
        ids: dict[str, int] = {}
        self._slug_id = [ids.setdefault(slug, len(ids)) for slug in slugs]
        self._pinning = [bool(b.related) for b in self.briefs]
        self._pins = np.array([len(self.pinned(i)) if pin else 0 for i, pin in enumerate(self._pinning)],
                              dtype=np.int64)
        self._day_array = day = np.array(self.days)
        # `ranked`'s tie-breaks as one number: newest first, then the slug; equal for equal briefs.
        alphabetical = {slug: k for k, slug in enumerate(sorted(ids))}
        slug_rank = np.array([alphabetical[slug] for slug in slugs], dtype=np.int64)
        order = np.lexsort((slug_rank, -day))
        day, slug_rank = day[order], slug_rank[order]
        new = np.ones(len(order), dtype=bool)
        new[1:] = (day[1:] != day[:-1]) | (slug_rank[1:] != slug_rank[:-1])
        self._rank_array = np.empty(len(order), dtype=np.int64)
        self._rank_array[order] = np.maximum.accumulate(np.where(new, np.arange(len(order)), 0))

    def linked_slice(self, lo: int, hi: int) -> list[tuple[np.ndarray, np.ndarray]]:
        """`linked(i)` for i from lo to hi, candidates found and scored for all of them at once
        in arrays when it can (`shortlists`); the same links, to the bit. As one pair of arrays
        (cheap to send from a worker): each brief's number of links, and the links in turn,
        coded `link_code(position, later, pinned)`."""
        lists = self.shortlists(lo, hi)
        if lists is None:
            return [_coded([self.linked(i) for i in range(lo, hi)])]
        pi = np.repeat(np.arange(lo, hi), [len(s) for s in lists])
        pj = np.fromiter(itertools.chain.from_iterable(lists), dtype=np.int64, count=len(pi))
        # A third of the pairs are another brief's pair the other way round: each scored once
        # (score(i, j) is score(j, i) to the bit, see `ranked`).
        both, back = np.unique(np.minimum(pi, pj) * len(self.briefs) + np.maximum(pi, pj), return_inverse=True)
        first, second = np.divmod(both, len(self.briefs))
        scores = pair_scores(self.tables, first, second, self.term_weight, self.kind, self._day_array,
                             self.config.half_life_days, self.w_rest, self.w_time)[back.reshape(-1)]
        # `ranked`'s order within each brief: best first, then the newer brief, then the slug
        # (equal briefs keep the shortlist's order, as the stable sort does).
        order = np.lexsort((np.arange(len(pi)), self._rank_array[pj], -scores, pi))
        pi, pj, scores = pi[order], pj[order], scores[order]
        cut = np.searchsorted(pi, np.arange(lo, hi + 1))
        # `_automatic` for the briefs without pins, when no two briefs share a slug (so none is skipped).
        shown = (np.arange(len(pi)) - cut[pi - lo] < self.config.count) & (scores >= self.config.threshold)
        codes = link_code(pj, self._day_array[pj] > self._day_array[pi], False)
        # The others (pins; slugs twice) the Python way, from the exactly ranked shortlist.
        special = [i for i in range(lo, hi) if self._pinning[i]] if len(self.position) == len(self.briefs) \
            else list(range(lo, hi))
        if not special:
            return [(np.diff(np.searchsorted(pi[shown], np.arange(lo, hi + 1))), codes[shown])]
        js, ss, bounds = pj.tolist(), scores.tolist(), cut.tolist()
        chosen = {i: self._chosen(i, list(zip(ss[bounds[i - lo]:bounds[i - lo + 1]], js[bounds[i - lo]:bounds[i - lo + 1]])))
                  for i in special}
        shown[np.isin(pi, special)] = False
        sizes = np.diff(np.searchsorted(pi[shown], np.arange(lo, hi + 1)))
        sizes[np.array(special) - lo] = [len(links) for links in chosen.values()]
        owner = np.concatenate((pi[shown], np.repeat(special, [len(links) for links in chosen.values()])))
        extra = _coded(list(chosen.values()))[1]
        return [(sizes, np.concatenate((codes[shown], extra))[np.argsort(owner, kind="stable")])]

    def _chosen(self, i: int, ranked: list[tuple[float, int]]) -> tuple[tuple[int, bool, bool], ...]:
        """`linked(i)` from the exactly ranked shortlist."""
        if self.briefs[i].related:
            links = self.pinned(i)
            count = self.config.count
            chosen = links[:count] if len(links) >= count else self.pick(i, links, ranked[:count + len(links)])
            return tuple((self.position[link.slug], link.later, link.pinned) for link in chosen)
        return self._automatic(i, ranked[:self.config.count])

    def _automatic(self, i: int, ranked: list[tuple[float, int]]) -> tuple[tuple[int, bool, bool], ...]:
        """The ranked candidates above the threshold, once per slug, other than i's own."""
        threshold, slug_id, days = self.config.threshold, self._slug_id, self.days
        out = []
        taken = {slug_id[i]}
        for score, j in ranked:
            if score >= threshold and slug_id[j] not in taken:
                out.append((j, days[j] > days[i], False))
                taken.add(slug_id[j])
        return tuple(out)

    def linked(self, i: int) -> tuple[tuple[int, bool, bool], ...]:
        """`links(i)` as (position, later, pinned), with a position of the same slug. For one
        pass over all briefs in increasing order (it remembers scores for the briefs after i)."""
        if self.briefs[i].related:
            position = self.position
            return tuple((position[link.slug], link.later, link.pinned) for link in self.links(i))
        # links(i) without pins, returning positions instead of making RelatedLinks.
        count = self.config.count
        if count <= 0:
            return ()
        shortlist = self.shortlist(self.accumulate(i, self.query(self.vectors[i])), count + SLACK)
        return self._automatic(i, self.ranked(i, shortlist, self._scores)[:count])

    def links(self, i: int) -> tuple[RelatedLink, ...]:
        """Pinned related briefs first, then automatic ones above the threshold."""
        links = self.pinned(i)
        limit = self.config.count + len(links)
        if len(links) >= self.config.count:
            return tuple(links[: self.config.count])
        acc = self.accumulate(i, self.query(self.vectors[i]))
        return self.pick(i, links, self.ranked(i, self.shortlist(acc, limit + SLACK))[:limit])

    def traced(self, i: int) -> Trace:
        """`links(i)`, computed the same way, plus what its float decisions depended on."""
        links = self.pinned(i)
        limit = self.config.count + len(links)
        if len(links) >= self.config.count:
            return Trace(tuple(links[: self.config.count]), None, (), (), math.inf, ())
        query = self.query(self.vectors[i])
        acc = self.accumulate(i, query)
        terms = tuple(tid for tid, _ in query)
        if not acc:
            return Trace(self.pick(i, links, []), terms, (), (), math.inf, ())
        # One more than the shortlist, to see the gap at the cut; the shortlist is unchanged.
        top = _top(acc, limit + SLACK + 1)
        shortlist = tuple(j for _, j in top[: limit + SLACK])
        acc_gap = (top[limit + SLACK - 1][0] - top[limit + SLACK][0]) / 2 if len(top) > limit + SLACK else math.inf
        ranked = self.ranked(i, shortlist)
        comparisons = _comparisons([(j, score) for score, j in ranked], limit, self.config.threshold)
        return Trace(self.pick(i, links, ranked[:limit]), terms, tuple(acc), shortlist, _not_nan(acc_gap),
                      comparisons)

    # Incremental maintenance, for RelatedState: same operations in the same order as
    # __init__, so every vector and posting value is bit-identical to a fresh build.

    def retokenise(self, edited: Sequence[int]) -> dict[int, dict[int, float]]:
        """Re-count the terms of the edited briefs (already in self.briefs) and re-weight every
        brief whose vector that changes: the edited ones and all holders of a term whose IDF
        moved. Returns their previous vectors; posting lists are left to `repost`."""
        n = len(self.briefs)
        self._scores.clear()  # vectors change
        self.counts, self.postings_idx, self.vectors  # noqa: B018 (made from the arrays, which go stale now)
        self.tables = None
        delta: dict[int, int] = {}
        for i in edited:
            for tid in self.counts[i]:
                delta[tid] = delta.get(tid, 0) - 1
            self.counts[i] = self.terms.count(self.briefs[i])
            for tid in self.counts[i]:
                delta[tid] = delta.get(tid, 0) + 1
        self._grow_terms()
        grow = len(self.sig_of) - len(self.df)
        self.df += [0] * grow
        self.idf += [0.0] * grow
        self.postings_idx += [[] for _ in range(grow)]
        self.postings_val += [[] for _ in range(grow)]
        stale = set(edited)
        for tid, d in delta.items():
            before = self.df[tid]
            self.df[tid] += d
            idf = idf_weight(n, self.df[tid])
            if d == 0 or idf == self.idf[tid]:
                continue
            if before:  # held by briefs other than the edited ones too
                stale.update(self.postings_idx[tid] if self.idf[tid] > 0.0
                             else (j for j, c in enumerate(self.counts) if tid in c))
            self.idf[tid] = idf
        old = {}
        for j in sorted(stale):
            old[j] = self.vectors[j]
            self.vectors[j] = term_vector(self.counts[j], self.idf)
        return old

    def repost(self, old: dict[int, dict[int, float]], moved: set[int]) -> set[int]:
        """Bring the posting lists up to the new vectors. `moved` briefs may have gained or
        lost terms (entries come and go); the others in `old` only changed values. Returns the
        briefs within WINDOW of a moved brief on a query-able list, before or after the move:
        the windows that can see a change of membership."""
        near: set[int] = set()
        self._near(old, moved, near)
        for m in moved:
            for tid in old[m]:
                idx = self.postings_idx[tid]
                k = bisect.bisect_left(idx, m)
                del idx[k], self.postings_val[tid][k]
        for m in moved:
            for tid, v in self.vectors[m].items():
                idx = self.postings_idx[tid]
                k = bisect.bisect_left(idx, m)
                idx.insert(k, m)
                self.postings_val[tid].insert(k, v)
        self._near(self.vectors, moved, near)
        for j, before in old.items():
            if j not in moved:
                for tid, v in self.vectors[j].items():
                    if v != before[tid]:
                        self.postings_val[tid][bisect.bisect_left(self.postings_idx[tid], j)] = v
        return near

    def _near(self, vectors: Mapping[int, dict[int, float]] | Sequence[dict[int, float]], moved: set[int],
              near: set[int]) -> None:
        for m in moved:
            for tid in vectors[m]:
                if self.sig_of[tid] in self.meaningful:
                    idx = self.postings_idx[tid]
                    near.update(idx[slice(*span(idx, m))])

    def distance(self, vec: dict[int, float], ref: dict[int, float]) -> float:
        """||W (vec - ref)||, W scaling each term by its signal's weight (same terms in both):
        a score with a vector of norm at most 1 moves by at most that much. Never 0 for
        different vectors, even when the difference underflows or weighs nothing."""
        squares = [0.0] * len(SIGNALS)
        for tid, v in vec.items():
            d = v - ref[tid]
            squares[self.sig_of[tid]] += d * d
        total = math.sqrt(sum(w * w * x for w, x in zip(self.weights, squares) if x))
        return total if total > 0.0 else (math.inf if total != total else 5e-324)


_BY_VALUE = itemgetter(1)
PLAIN, OTHER, TEXT = 0, 1, 2
"""`RelatedIndex.kind` of a term."""


def link_code(position: np.ndarray | int, later: np.ndarray | bool, pinned: bool) -> np.ndarray | int:
    """One integer for a link (the position of the brief linked to, and its two flags)."""
    return position * 4 + np.multiply(later, 2) + int(pinned)


def link_of(code: int) -> tuple[int, bool, bool]:
    """The (position, later, pinned) of a `link_code`."""
    return code >> 2, bool(code & 2), bool(code & 1)


def _coded(linked: list[tuple[tuple[int, bool, bool], ...]]) -> tuple[np.ndarray, np.ndarray]:
    """`linked` results as `linked_slice` sends them."""
    sizes = np.array([len(links) for links in linked], dtype=np.int64)
    flat = [link for links in linked for link in links]
    codes = link_code(np.array([j for j, _, _ in flat], dtype=np.int64), np.array([later for _, later, _ in flat], dtype=bool),
                      False) + np.array([pinned for _, _, pinned in flat], dtype=np.int64)
    return sizes, codes


def _top(acc: dict[int, float], size: int) -> list[tuple[float, int]]:
    """The `size` largest (value, key) pairs of acc, largest first (on a tie, the larger key)."""
    if len(acc) > size and (total := sum(acc.values())) == total:  # no NaN: they do not order
        # Sorting the bare floats finds the cut; only the pairs at or above it become tuples.
        cut = sorted(acc.values(), reverse=True)[size - 1]
        return sorted([(v, j) for j, v in acc.items() if v >= cut], reverse=True)[:size]
    return sorted([(v, j) for j, v in acc.items()], reverse=True)[:size]


def _comparisons(ranked: list[tuple[int, float]], limit: int, threshold: float) -> tuple[tuple[float, int, int], ...]:
    """The comparisons of exact scores ((position, score), best first) that decide which of
    the first `limit` are shown and in which order: neighbours among those above the
    threshold; the last of them against the threshold; then every later one against the
    threshold (if fewer than `limit` pass it) or against the last of the first `limit`."""
    if any(score != score for _, score in ranked):
        return ((-math.inf, -1, -1),)
    above = next((k for k, (_, score) in enumerate(ranked) if not score >= threshold), len(ranked))
    shown = min(above, limit)
    out = [(ranked[k][1] - ranked[k + 1][1], ranked[k][0], ranked[k + 1][0]) for k in range(shown - 1)]
    if shown:
        out.append((ranked[shown - 1][1] - threshold, ranked[shown - 1][0], -1))
    if above < limit:
        out += [(threshold - score, j, -1) for j, score in ranked[above:]]
    else:
        last, least = ranked[limit - 1]
        out += [(least - score, last, j) for j, score in ranked[limit:]]
    return tuple(out)


def _not_nan(x: float) -> float:
    return x if x == x else -math.inf
