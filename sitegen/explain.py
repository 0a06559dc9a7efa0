"""`sitegen related SLUG`: why two briefs are linked, signal by signal."""

from __future__ import annotations

from sitegen.config import SIGNALS
from sitegen.codes import Code
from sitegen.errors import BuildFailed, Diagnostic, SourceLocation
from sitegen.hints import did_you_mean
from sitegen.pipeline import BuildOptions, load_site
from sitegen.relatedindex import RelatedIndex


def explain_related(options: BuildOptions, slug: str, limit: int) -> str:
    config, root = load_site(options)
    every = (root, *root.editions)  # a multilingual site: each language scores its own briefs
    site = next((one for one in every if slug in one.by_slug), None)
    if site is None:
        known = {s: b for one in every for s, b in one.by_slug.items()}
        raise BuildFailed([Diagnostic(SourceLocation("content/briefs", 1, 1), f"no published brief with slug '{slug}'",
                                      did_you_mean(slug, known) if known else "", code=Code.NOT_FOUND)])
    rc = config.related
    index = RelatedIndex(site.briefs, rc)
    brief = site.by_slug[slug]
    shown = {link.slug: link for link in site.related.get(slug, ())}
    rows = index.candidates(index.position[slug], limit)
    header = ["brief", *SIGNALS, "time×", "score", "shown"]
    table = [header]
    for c in rows:
        mark = "yes" if c.slug in shown else ("below threshold" if c.score < rc.threshold else "no (count)")
        table.append([c.slug + (" (later)" if c.later else ""), *(f"{v:.3f}" for _, v in c.parts),
                      f"{c.time_factor:.2f}", f"{c.score:.3f}", mark])
    for s, link in shown.items():
        if link.lang:  # in another language: pinned, or the fallback when this language had none
            table.append([f"{s} ({link.language})" + (" (later)" if link.later else ""), *("" for _ in SIGNALS), "",
                          "pinned" if link.pinned else "other language", "yes"])
        elif link.pinned:
            table.append([s + (" (later)" if link.later else ""), *("" for _ in SIGNALS), "", "pinned", "yes"])
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    language = f", {site.config.language}" if root.editions else ""
    lines = [f"Related candidates for {slug} ({brief.source_path}{language})",
             f"weights: {', '.join(f'{k}={v:g}' for k, v in rc.weights)}; threshold {rc.threshold:g}; "
             f"half-life {rc.half_life_days:g} days; count {rc.count}; "
             "score = (sum of the signal columns) × time×"]
    for i, row in enumerate(table):
        lines.append("  ".join(cell.ljust(widths[j]) for j, cell in enumerate(row)).rstrip())
        if i == 0:
            lines.append("  ".join("-" * w for w in widths))
    if not rows:
        lines.append("(no candidate shares a tag or a distinctive word)")
    return "\n".join(lines)
