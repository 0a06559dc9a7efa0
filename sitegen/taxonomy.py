"""Tags, audiences and sources: group briefs by term, with stable Unicode-safe slugs."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from sitegen.codes import Code
from sitegen.errors import Diagnostic, SourceLocation
from sitegen.model import TAXONOMY_KINDS, Brief, Taxonomy, Term, term_names
from sitegen.urls import taxonomy_slug


def group_taxonomies(briefs: Sequence[Brief]) -> tuple[tuple[Taxonomy, ...], list[Diagnostic]]:
    """`briefs` newest first. Two different names with one slug are an error naming both."""
    diags: list[Diagnostic] = []
    result = []
    for kind in TAXONOMY_KINDS:
        key, singular = kind.key, kind.singular
        first: dict[str, tuple[str, SourceLocation]] = {}
        members: dict[str, list[str]] = defaultdict(list)
        # Visit oldest first so "first written" is stable as new briefs arrive.
        for b in reversed(briefs):
            locs = {name: loc for tax, name, loc in b.term_locations if tax == key}
            for name in dict.fromkeys(term_names(b, kind)):
                slug = taxonomy_slug(name)
                loc = locs.get(name, SourceLocation(b.source_path, 1, 1))
                if slug not in first:
                    first[slug] = (name, loc)
                elif first[slug][0] != name:
                    other, other_loc = first[slug]
                    diags.append(Diagnostic(
                        loc, f"{singular.lower()} '{name}' and '{other}' ({other_loc}) both map to the URL slug '{slug}'",
                        f"write the {singular.lower()} exactly as '{other}' everywhere, or rename one of them",
                        code=Code.TERM_CLASH))
                    continue
                members[slug].append(b.slug)
        terms = tuple(sorted((Term(first[s][0], s, tuple(reversed(m))) for s, m in members.items()),
                             key=lambda t: (t.name.casefold(), t.slug)))
        result.append(Taxonomy(key, singular, terms))
    return tuple(result), diags
