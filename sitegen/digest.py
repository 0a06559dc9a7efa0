"""`sitegen digest WEEK`: print a week's newsletter-ready email, the same bytes a build writes to
weekly/<week>/email.html (or email.txt, or an audience's)."""

from __future__ import annotations

import difflib

from sitegen.codes import Code
from sitegen.errors import BuildFailed, Diagnostic, SourceLocation
from sitegen.model import Site, Week
from sitegen.pages.week_audience import find_audience, week_audiences
from sitegen.pages.week_email import email_job_of
from sitegen.pipeline import BuildOptions, load_site, page_kinds, page_renderer
from sitegen.render import cards_of

def digest(options: BuildOptions, week_key: str, audience: str | None = None, fmt: str = "html") -> str:
    _, site = load_site(options)
    week = find_week(site, week_key)
    chosen = None
    if audience is not None:
        audiences = week_audiences(site, week)
        chosen = find_audience(audiences, audience)
        if chosen is None:
            names = [a.name for a in audiences]
            raise BuildFailed([Diagnostic(
                SourceLocation("content/briefs", 1, 1),
                f"no brief of {week.key} is for the audience '{audience}'",
                _close(audience, names, f"audiences of {week.key}") if names
                else f"no brief of {week.key} names an audience; leave out --audience", code=Code.NOT_FOUND)])
    job = email_job_of(site, cards_of(site), week, chosen, fmt)
    return page_renderer(site, options.site_dir, page_kinds(options))(job).data.decode("utf-8")


def find_week(site: Site, key: str) -> Week:
    wanted = key.strip().lower()
    for week in site.weeks:
        if week.key == wanted:
            return week
    if not site.weeks:
        raise BuildFailed([Diagnostic(SourceLocation("content/briefs", 1, 1), "the site has no published briefs, so no weeks",
                                      "write a brief: sitegen new \"Title\"", code=Code.NOT_FOUND)])
    hint = _close(wanted, [w.key for w in site.weeks], "weeks with briefs (newest first)")
    if not any(ch.isdigit() for ch in wanted) or "-w" not in wanted:
        hint = f"a week is written YYYY-wWW, like {site.weeks[0].key}; " + hint
    raise BuildFailed([Diagnostic(SourceLocation("content/briefs", 1, 1), f"no published brief falls in week '{key}'",
                                  hint, code=Code.NOT_FOUND)])


def _close(name: str, known: list[str], what: str) -> str:
    """'did you mean ...?' with up to three close matches, else what there is."""
    close = difflib.get_close_matches(name, known, n=3, cutoff=0.6)
    if close:
        return "did you mean " + " or ".join(f"'{c}'" for c in close) + "?"
    shown = known[:8]
    return f"{what}: " + ", ".join(shown) + (", ..." if len(known) > len(shown) else "")
