"""What `update_related` keeps between builds, and how it stays exact after an edit.

After an edit the index is updated in place and only the briefs whose links could have
changed are re-linked; the result is always exactly `compute_related`'s (see RelatedState).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence

from sitegen.config import RelatedConfig
from sitegen.model import Brief
from sitegen.parallel import map_ordered
from sitegen.relatedindex import RelatedIndex, Trace, link_chunk, span
from sitegen.relatedterms import same_terms

_SQRT2 = math.sqrt(2.0)
REBUILD_SHARE = 1 / 3
"""update_related builds afresh instead of re-linking more than this share of the briefs:
past that, drift has spread (many briefs re-worded) and a fresh build, which resets it, is
about as cheap and makes the next edits cheap again. (10,000 briefs of
bench/bench_related_quality.py: re-linking 16% of them took a quarter of a fresh build.)"""


class RelatedState:
    """Everything `update_related` keeps between calls.

    Re-wording one brief changes the IDF of its words, which re-normalises the vector of
    every brief using one of them: on a real corpus thousands of briefs, whose posting-list
    windows reach nearly every brief. But each of those vectors moves very little, and links
    are discrete: they change only if a float comparison (the shortlist cut, the order of
    the exact scores, the threshold) goes the other way. So each brief keeps the gaps of its
    comparisons (`Trace`) and keeps its links while the compared values provably cannot have
    moved by as much.

    The bound: vectors have unit norm per signal, so by Cauchy-Schwarz an exact score or an
    accumulated similarity of the pair (i, j) moves by at most drift(i) + drift(j), with
    drift(b) = sum over signals of |weight| * ||vector - reference||. A brief's reference is
    its vector at the first build or when its own terms last changed. The gaps were measured
    at some earlier state, so the values may have moved by the drift then plus the drift now
    (both against the same reference): that sum must stay under the gap. It does not grow with
    the number of edits, and an edit that is undone returns every drift to 0. `eta` covers
    rounding (values are O(1), rounding errors about 1e-15).

    Everything structural is re-linked, never bounded: briefs whose terms changed, briefs whose
    set of weighted terms changed (only theirs, as every IDF is positive), briefs whose posting-list
    window holds either (see `relatedindex.span`),
    posting list (their windows changed), briefs whose query terms changed, re-pinned briefs.
    """

    def __init__(self, index: RelatedIndex, briefs: Sequence[Brief], traces: Sequence[Trace]):
        self.index = index
        self.config = index.config
        self.inputs = list(briefs)
        """The briefs of the last call, in the caller's order (to find the changed ones fast)."""
        n = len(index.briefs)
        self.traces = list(traces)
        self.acc_off = [0.0] * n
        """Bound on how far the accumulated similarities were from their reference values
        when the trace was taken."""
        self.score_offs: list[tuple[float, ...]] = [(0.0,) * len(t.comparisons) for t in traces]
        """The same for each comparison of exact scores."""
        self.score_room = [_score_room(t.comparisons, offs) for t, offs in zip(traces, self.score_offs)]
        self.ref: dict[int, dict[int, float]] = {}
        """Position -> reference vector, for briefs whose vector differs from it."""
        self.drift: dict[int, float] = {}
        """Position -> weighted distance of its vector from its reference (> 0)."""
        self.eta = 1e-9 * (1.0 + sum(abs(w) for w in index.weights))
        self.result = {b.slug: t.links for b, t in zip(index.briefs, traces)}
        self.relinked = n
        """Briefs whose links the last call computed."""
        # Several briefs with one slug: positions are ambiguous, so never go incremental.
        self.consistent = len(index.position) == n

    @classmethod
    def build(cls, briefs: Sequence[Brief], config: RelatedConfig, workers: int | None = None) -> RelatedState:
        index = RelatedIndex(briefs, config, workers)
        return cls(index, briefs, list(map_ordered(index.traced, range(len(index.briefs)), workers,
                                      chunk=link_chunk(len(index.briefs)))))

    def advance(self, briefs: Sequence[Brief], config: RelatedConfig) -> bool:
        """Bring the state up to `briefs`; False when only a fresh build will do (the state
        is then spent if it was already touched)."""
        if not self.consistent or config != self.config:
            return False
        changes = self._diff(briefs)
        if changes is None:
            return False
        index = self.index
        self.consistent = False
        self.inputs = list(briefs)
        edited = [i for i, b in changes if not same_terms(index.briefs[i], b)]
        relink = {i for i, b in changes if b.related != index.briefs[i].related}
        for i, b in changes:
            index.briefs[i] = b
        if edited:
            relink |= self._reweight(edited)
            if len(relink) > REBUILD_SHARE * len(index.briefs):
                return False
        self._relink(sorted(relink))
        self.consistent = True
        return True

    def _diff(self, briefs: Sequence[Brief]) -> list[tuple[int, Brief]] | None:
        """(position, new version) of each brief that is a new object; None if the slugs or a
        date changed (positions and n would move)."""
        if len(briefs) != len(self.inputs):
            return None
        position = self.index.position
        changes = []
        for new, old in zip(briefs, self.inputs):
            if new is not old:
                if new.slug != old.slug:
                    return self._diff_by_slug(briefs)
                if new.date.timestamp() != old.date.timestamp():
                    return None
                changes.append((position[new.slug], new))
        return changes

    def _diff_by_slug(self, briefs: Sequence[Brief]) -> list[tuple[int, Brief]] | None:
        """`_diff` for briefs given in another order."""
        index = self.index
        seen: set[int] = set()
        changes = []
        for b in briefs:
            i = index.position.get(b.slug)
            if i is None or i in seen:
                return None
            seen.add(i)
            old = index.briefs[i]
            if b is not old:
                if b.date.timestamp() != old.date.timestamp():
                    return None
                changes.append((i, b))
        return changes

    def _reweight(self, edited: list[int]) -> set[int]:
        """Update the index for re-worded briefs; return the briefs that must be re-linked."""
        index = self.index
        old = index.retokenise(edited)
        moved = set(edited) | {j for j, vec in old.items() if vec.keys() != index.vectors[j].keys()}
        relink = index.repost(old, moved) | moved
        for m in moved:
            self.ref.pop(m, None)
            self.drift.pop(m, None)
        drifted = [j for j in old if j not in moved]
        for j in drifted:
            vec = index.vectors[j]
            ref = self.ref.setdefault(j, old[j])
            if vec == ref:
                del self.ref[j]
                self.drift.pop(j, None)
            else:
                self.drift[j] = index.distance(vec, ref)
            query = self.traces[j].query
            if query is not None and tuple(tid for tid, _ in index.query(vec)) != query:
                relink.add(j)
        if drifted:
            relink |= self._unsure(relink)
        return relink

    def _unsure(self, relink: set[int]) -> set[int]:
        """Briefs (not already in `relink`) whose gaps no longer cover the drift. Cheap bounds
        first: the largest drift anywhere, then among the briefs compared, then term by term."""
        drift, eta, traces = self.drift, self.eta, self.traces
        dmax = max(drift.values(), default=0.0)
        unsure = set()
        for i in range(len(traces)):
            if i in relink:
                continue
            t, di = traces[i], drift.get(i, 0.0)
            off, gap = self.acc_off[i], t.acc_gap
            if not (_covered(di + dmax, off, gap, eta) or _covered(di + _most(drift, t.seen), off, gap, eta)
                    or _covered(self._window_drift(i), off, gap, eta)):
                unsure.add(i)
            elif not (di + dmax + eta < self.score_room[i] or di + _most(drift, t.shortlist) + eta < self.score_room[i]
                      or self._comparisons_hold(i)):
                unsure.add(i)
        return unsure

    def _window_drift(self, i: int) -> float:
        """How far any accumulated similarity of i can be from its value at the references,
        term by term: i's own drift, plus for each query term i's reference weight times the
        largest change of that term's weight among the briefs in i's window."""
        index, ref, vectors = self.index, self.ref, self.index.vectors
        own = ref.get(i, vectors[i])
        total = self.drift.get(i, 0.0)
        drifting = ref.__contains__
        for tid in self.traces[i].query or ():
            idx = index.postings_idx[tid]
            most = 0.0
            for j in filter(drifting, idx[slice(*span(idx, i))]):
                d = abs(vectors[j][tid] - ref[j][tid])
                if d > most and j != i:
                    most = d
            if most:
                total += abs(index.weights[index.sig_of[tid]]) * own[tid] * most
        return total

    def _drifts(self, i: int, comparisons: tuple[tuple[float, int, int], ...]) -> tuple[float, ...]:
        """For each comparison (gap, a, b): how far score(i, a) - score(i, b) can be from its
        value at the references. i's own change moves the difference by at most
        drift(i) * ||t_a a - t_b b|| (t the time factors, at most 1), and for vectors of norm at
        most 1 with no negative entry that norm is at most √2."""
        drift = self.drift
        di = drift.get(i, 0.0)
        return tuple((_SQRT2 * di + drift.get(a, 0.0) + drift.get(b, 0.0)) if b >= 0 else di + drift.get(a, 0.0)
                     for _, a, b in comparisons)

    def _comparisons_hold(self, i: int) -> bool:
        comparisons = self.traces[i].comparisons
        return all(_covered(now, then, gap, self.eta) for (gap, _, _), now, then
                   in zip(comparisons, self._drifts(i, comparisons), self.score_offs[i]))

    def _relink(self, positions: list[int]) -> None:
        drift, briefs = self.drift, self.index.briefs
        for i, t in zip(positions, map(self.index.traced, positions)):
            self.traces[i] = t
            self.result[briefs[i].slug] = t.links
            # The gaps are measured now: keep how far today's values are from the references.
            seen = drift.get(i, 0.0) + _most(drift, t.seen)
            self.acc_off[i] = seen if seen <= t.acc_gap / 4 else min(seen, self._window_drift(i))
            self.score_offs[i] = self._drifts(i, t.comparisons)
            self.score_room[i] = _score_room(t.comparisons, self.score_offs[i])
        self.relinked = len(positions)


def _most(drift: dict[int, float], positions: Sequence[int]) -> float:
    """The largest drift among these positions (0 for those at their reference)."""
    return max(map(drift.get, positions, itertools.repeat(0.0, len(positions))), default=0.0)


def _covered(now: float, then: float, gap: float, eta: float) -> bool:
    """Do values that were `gap` apart still compare the same way, if they moved from their
    reference values by at most `now` and were `then` away from them when measured? Exactly
    equal inputs always do; NaN anywhere answers no."""
    return now + then == 0.0 or now + then + eta < gap


def _score_room(comparisons: tuple[tuple[float, int, int], ...], offs: tuple[float, ...]) -> float:
    """Least drift per score (the same for every brief) that could flip one of the comparisons."""
    return min(((gap - off) / (2 if b >= 0 else 1) for (gap, _, b), off in zip(comparisons, offs)),
               default=math.inf)
