"""Links from briefs to their tag, audience and source pages, as pages show them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sitegen.model import Brief
from sitegen.slotted import fast_state
from sitegen.urls import term_path_of


@fast_state
@dataclass(frozen=True, slots=True)
class TermLink:
    name: str
    rel: str
    lang: str = ""


def term_links(b: Brief) -> dict[str, tuple[TermLink, ...] | TermLink]:
    """Links from a brief to its tag, audience and source pages."""
    return {
        "tags": tuple(TermLink(n, term_path_of("tags", n)) for n in dict.fromkeys(b.tags)),
        "audiences": tuple(TermLink(n, term_path_of("audiences", n)) for n in dict.fromkeys(b.audience)),
        "source": TermLink(b.source.name, term_path_of("sources", b.source.name), b.source.lang),
    }


def term_counts(briefs: Sequence[Brief], key: str) -> list[tuple[TermLink, int]]:
    """The tags (key 'tags') or audiences of these briefs with how many carry each, most first."""
    counts: dict[str, int] = {}
    for b in briefs:
        for name in dict.fromkeys(b.tags if key == "tags" else b.audience):
            counts[name] = counts.get(name, 0) + 1
    return [(TermLink(n, term_path_of(key, n)), c)
            for n, c in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0].casefold()))]
