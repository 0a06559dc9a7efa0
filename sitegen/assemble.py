"""Assemble parsed briefs and pages into a Site: drafts, order, collisions, weeks, related."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sitegen.config import RelatedConfig, SiteConfig
from sitegen.codes import Code
from sitegen.errors import BuildFailed, Diagnostic
from sitegen.memo import NO_MEMO, FieldsOf, Memo
from sitegen.model import TAXONOMY_KINDS, Brief, Page, RelatedLink, Site
from sitegen.related import compute_related, update_related
from sitegen.localize import separators
from sitegen.series import group_series
from sitegen.stories import group_stories, with_story_mates
from sitegen.taxonomy import group_taxonomies
from sitegen.weekly import group_weeks

def assemble(config: SiteConfig, briefs: Iterable[Brief], pages: Iterable[Page], drafts: bool = False,
             unparsed_slugs: frozenset[str] = frozenset(), memo: Memo = NO_MEMO, *,
             reserved_slugs: frozenset[str], now: dt.datetime) -> Site:
    """Raises BuildFailed with every cross-file problem. `unparsed_slugs`: briefs that
    failed to parse (already reported), so links to them are not reported again.
    `reserved_slugs`: what plain pages may not be called (the page kinds' URLs).
    `now`: the build clock (sitegen/clock.py): drafts, scheduled and expired briefs are left
    out unless `drafts` (a preview).
    `memo` (serve keeps one) skips grouping and related scoring when the fields they
    read are unchanged: a body edit costs none of them."""
    diags: list[Diagnostic] = []
    all_briefs = sorted(briefs, key=_source_path)
    off = {b.slug: status for b in all_briefs if (status := offline_status(b, now))}
    published = [b for b in all_briefs if drafts or b.slug not in off]

    seen: dict[str, Brief] = {}
    folded: dict[str, Brief] = {}
    for b in all_briefs:  # drafts too: a slug clash is a bug even before publishing
        if b.slug in seen:
            first = seen[b.slug]
            diags.append(Diagnostic(b.slug_location, f"duplicate slug '{b.slug}': also used by {first.source_path}",
                                    "give one of the two briefs a different slug: or file name",
                                    code=Code.DUPLICATE_SLUG))
        elif b.slug.casefold() in folded:
            first = folded[b.slug.casefold()]
            diags.append(Diagnostic(b.slug_location, f"slug '{b.slug}' differs from '{first.slug}' "
                                    f"({first.source_path}) only by letter case",
                                    "case-insensitive file systems (macOS, Windows) would merge the two pages; "
                                    "rename one of them", code=Code.DUPLICATE_SLUG))
        else:
            seen[b.slug] = b
            folded[b.slug.casefold()] = b
    page_slugs: dict[str, Page] = {}
    for p in sorted(pages, key=lambda p: p.source_path):
        if p.slug in reserved_slugs:
            diags.append(Diagnostic(p.slug_location, f"page slug '{p.slug}' is reserved for generated pages",
                                    "rename the file or set another slug:", code=Code.RESERVED_SLUG))
        elif p.slug in page_slugs:
            diags.append(Diagnostic(p.slug_location, f"duplicate slug '{p.slug}': also used by "
                                    f"{page_slugs[p.slug].source_path}", "give one page a different slug:",
                                    code=Code.DUPLICATE_SLUG))
        else:
            page_slugs[p.slug] = p

    by_slug = {b.slug: b for b in published}
    alias_of: dict[str, Brief] = {}
    for b in all_briefs:
        for slug, loc in zip(b.related, b.related_locations):
            if slug not in seen and slug not in unparsed_slugs:
                diags.append(Diagnostic(loc, f"related brief '{slug}' does not exist",
                                        "use the slug of another brief (its file name without .md)",
                                        code=Code.UNKNOWN_RELATED))
            elif slug == b.slug:
                diags.append(Diagnostic(loc, "a brief cannot be related to itself", "remove this slug",
                                        code=Code.UNKNOWN_RELATED))
        for alias, loc in zip(b.aliases, b.alias_locations):
            if alias in seen:
                other = seen[alias]
                what = "its own slug" if other is b else f"the slug of {other.source_path}"
                diags.append(Diagnostic(loc, f"alias '{alias}' is {what}",
                                        "an alias is an old address of this brief: remove it, or rename one of them",
                                        code=Code.ALIAS_CONFLICT))
            elif alias in alias_of:
                diags.append(Diagnostic(loc, f"alias '{alias}' is also an alias of {alias_of[alias].source_path}",
                                        "one old address can redirect to one brief: remove it from one of them",
                                        code=Code.ALIAS_CONFLICT))
            else:
                alias_of[alias] = b
        for p in b.predictions:
            if p.resolved_in and p.resolved_in not in seen and p.resolved_in not in unparsed_slugs:
                assert p.resolved_in_location is not None
                diags.append(Diagnostic(p.resolved_in_location, f"resolved_in: brief '{p.resolved_in}' does not exist",
                                        "use the slug of the brief that settled the prediction (its file name without .md)",
                                        code=Code.UNKNOWN_RELATED))
    if diags:
        raise BuildFailed(diags)

    # Newest first; the order is remembered while no slug or date moved (sorting 10,000 briefs by
    # aware datetimes is most of what assemble costs after one edit).
    order = memo.get("order", (FieldsOf(tuple(published), _order_fields),),
                     lambda: sorted(range(len(published)), key=lambda i: (-published[i].date.timestamp(),
                                                                            published[i].slug)))
    ordered = tuple([published[i] for i in order])
    taxonomies, tax_diags = memo.get("taxonomies", (FieldsOf(ordered, _taxonomy_fields),),
                                     lambda: group_taxonomies(ordered))
    if tax_diags:
        raise BuildFailed(tax_diags)
    weeks, week_of = memo.get("weeks", (config.tz, FieldsOf(ordered, _week_fields)),
                              lambda: group_weeks(ordered, config.tz))
    related = memo.get("related", (config.related, FieldsOf(ordered, _related_fields)),
                       lambda: _related(ordered, config.related, memo))
    series, series_diags = memo.get("series", (config.language, FieldsOf(ordered, _series_fields)),
                                    lambda: group_series(ordered, separators(config.language)))
    if series_diags:
        raise BuildFailed(series_diags)
    series = memo.same("series=", series)  # unchanged series keep their identity: serve patches, not rebuilds
    stories = memo.get("stories", (config.stories, FieldsOf(ordered, _story_fields), related),
                       lambda: group_stories(ordered, dict(config.stories), related))
    stories = memo.same("stories=", stories)
    # Story-mates join the related links (after grouping, which reads the links as scored).
    related = memo.get("related+stories", (related, stories, config.related.count),
                       lambda: with_story_mates(ordered, related, stories, config.related.count))
    offline = memo.same("offline", {s: off[s] for s in by_slug if s in off})
    events = tuple(sorted({e for b in all_briefs for e in (b.publish_at, b.expires) if e is not None}))
    return Site(config, ordered, tuple(page_slugs.values()), by_slug, weeks, week_of, related, taxonomies, now,
                series, stories, offline, events)


def _related(briefs: tuple[Brief, ...], config: RelatedConfig, memo: Memo) -> dict[str, tuple[RelatedLink, ...]]:
    """serve carries the related index from rebuild to rebuild and updates it (exactly:
    the same links as computing them again, in a fraction of the time for one edit)."""
    if not memo.remembers:
        return compute_related(briefs, config)
    links, state = update_related(briefs, config, memo.carried("related"))
    memo.carry("related", state)
    return links


# What each grouping reads of a brief: its memo is reused while these are unchanged.
def _taxonomy_fields(b: Brief) -> tuple[object, ...]:
    return (b.slug, b.source_path, b.tags, b.audience, b.source.name, b.term_locations)


def _source_path(b: Brief) -> str:
    return b.source_path


def _order_fields(b: Brief) -> tuple[object, ...]:
    return (b.slug, b.date)


def _week_fields(b: Brief) -> tuple[object, ...]:
    return (b.slug, b.date, b.weight)


def offline_status(b: Brief, now: dt.datetime) -> str:
    """Why a brief is not on the public site at `now`: 'draft', 'scheduled', 'expired', or ''."""
    if b.draft:
        return "draft"
    if b.publish_at is not None and now < b.publish_at:
        return "scheduled"
    if b.expires is not None and now >= b.expires:
        return "expired"
    return ""


def _story_fields(b: Brief) -> tuple[object, ...]:
    return (b.slug, b.story, b.title)


def _series_fields(b: Brief) -> tuple[object, ...]:
    return (b.slug, b.date, b.source_path, b.metrics, tuple(m.series_location for m in b.metrics))


def _related_fields(b: Brief) -> tuple[object, ...]:
    return (b.slug, b.date, b.title, b.summary, b.tags, b.audience, b.source.name, b.related)
