"""Related updates: weighted signals over an inverted index, never all pairs.

`compute_related` links every brief; for the live preview, `update_related` keeps the index
between builds and, after an edit, re-links only the briefs whose links could have changed,
with exactly `compute_related`'s result. The parts, in import order:

- `relatedterms`: tokenising, IDF, one normalised term vector per brief;
- `relatedindex`: posting lists, candidates (rare terms whole, common ones nearest in time), exact
  scores (`RelatedIndex`);
- `relatedstate`: what `update_related` keeps between calls and why its result stays exact.
"""

from __future__ import annotations

from collections.abc import Sequence

from sitegen import collector
from sitegen.config import RelatedConfig
from sitegen.model import Brief, RelatedLink
from sitegen.parallel import map_slices
from sitegen.relatedindex import RelatedIndex, link_chunk, link_of
from sitegen.relatedstate import RelatedState


def compute_related(briefs: Sequence[Brief], config: RelatedConfig,
                    workers: int | None = None) -> dict[str, tuple[RelatedLink, ...]]:
    """slug -> pinned related briefs first, then automatic ones above the threshold."""
    # Scoring allocates millions of short-lived, acyclic objects next to a large live heap:
    # without the pause the cyclic collector rescans that heap again and again (2x slower at 100k).
    with collector.paused():
        index = RelatedIndex(briefs, config, workers)
        # Workers find candidates for a slice of briefs at once, score them exactly and send
        # positions and flags back, coded in arrays (much cheaper to pickle than RelatedLinks);
        # the links of a slice are made here while the workers go on with the next ones.
        slugs = [b.slug for b in index.briefs]
        made: dict[int, RelatedLink] = {}  # most links point to a brief others link to as well
        out: dict[str, tuple[RelatedLink, ...]] = {}
        done = 0
        for sizes, codes in map_slices(index.linked_slice, len(index.briefs), workers, chunk=link_chunk(len(index.briefs))):
            listed = codes.tolist()
            for code in set(listed).difference(made):
                position, later, pinned = link_of(code)
                made[code] = RelatedLink(slugs[position], later, pinned)
            links = list(map(made.__getitem__, listed))
            end = 0
            for slug, size in zip(slugs[done:done + len(sizes)], sizes.tolist()):
                out[slug] = tuple(links[end:end + size])
                end += size
            done += len(sizes)
        return out


def update_related(briefs: Sequence[Brief], config: RelatedConfig, previous: RelatedState | None,
                   workers: int | None = None) -> tuple[dict[str, tuple[RelatedLink, ...]], RelatedState]:
    """Same result as compute_related(briefs, config, workers), reusing `previous` where that is exact.

    `previous` is updated in place and returned (keep only the latest state). Anything that
    moves briefs in date order or changes n (a brief added or removed, a date changed, another
    config) rebuilds from scratch; so does a state left half-updated by an exception. `workers`
    applies to such builds: re-linking after an edit stays in this process (forking workers
    costs more than the few hundred briefs they would share).
    """
    with collector.paused():  # as in compute_related
        if previous is None or not previous.advance(briefs, config):
            previous = RelatedState.build(briefs, config, workers)
        return dict(previous.result), previous

