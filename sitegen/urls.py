"""Where things live: output paths, site-relative URLs and taxonomy slugs."""

from __future__ import annotations

import functools
import re
import unicodedata
from urllib.parse import quote


UNSAFE_SCHEME = re.compile(r"^\s*(javascript|vbscript|data|file):", re.IGNORECASE)
"""Schemes that can run code or read local files; checked after entity decoding."""


def is_safe_url(url: str) -> bool:
    """False for javascript:, vbscript:, data: and file: URLs (whitespace/case tricks included)."""
    cleaned = re.sub(r"[\x00-\x20]", "", url)
    return not UNSAFE_SCHEME.match(cleaned)


def brief_path(slug: str) -> str:
    return f"briefs/{slug}/"


SOCIAL_CARD_FILE = "card.png"


def social_card_path(slug: str) -> str:
    """A brief's social card (og:image), next to its page: 'briefs/x/card.png'."""
    return brief_path(slug) + SOCIAL_CARD_FILE


def webfont_path(tag: str, flavor: str) -> str:
    """The site's CJK web font: 'fonts/cjk-sc.woff2'."""
    return f"fonts/cjk-{tag}.{flavor}"


def page_path(slug: str) -> str:
    return f"{slug}/"


def week_path(key: str) -> str:
    return f"weekly/{key}/"


def week_audience_path(key: str, slug: str) -> str:
    """One audience's digest of a week, by the audience's slug: 'weekly/2026-w18/investors/'."""
    return f"weekly/{key}/{slug}/"


EMAIL_HTML = "email.html"
EMAIL_TEXT = "email.txt"
"""The newsletter-ready email of a week digest (or of one audience's), next to its page."""


EMAIL_FORMATS = ("html", "text")
"""`sitegen digest --format`: email.html or email.txt."""


def email_path(rel: str, fmt: str = "html") -> str:
    """The email of the digest page at `rel`: 'weekly/2026-w18/email.html' (fmt 'html' or 'text')."""
    return rel + (EMAIL_HTML if fmt == "html" else EMAIL_TEXT)


def is_email(path: str) -> bool:
    """Whether an output path is an email (not a web page: no sitemap entry)."""
    return path.endswith("/" + EMAIL_HTML) or path.endswith("/" + EMAIL_TEXT)


def audience_weekly_feed_path(slug: str) -> str:
    """The Atom feed of one audience's weekly digests: 'audiences/investors/weekly.xml'."""
    return f"audiences/{slug}/weekly.xml"


WEEKLY_PATH = "weekly/"
"""The archive of weekly recaps."""
PREDICTIONS_PATH = "predictions/"
"""The prediction ledger."""
STORIES_PATH = "stories/"
"""The index of story arcs."""


def story_path(slug: str) -> str:
    return f"{STORIES_PATH}{slug}/"

WEEKLY_FEED_PATH = "weekly/feed.xml"


def taxonomy_path(taxonomy: str) -> str:
    """The index of a taxonomy: 'tags/'."""
    return f"{taxonomy}/"


def term_path(taxonomy: str, slug: str) -> str:
    """A term page by its slug: 'tags/ai/'."""
    return f"{taxonomy}/{slug}/"


def term_path_of(taxonomy: str, name: str) -> str:
    """A term page by the name an author wrote: 'Enterprise & Security Teams' -> 'audiences/enterprise-and-...'."""
    return term_path(taxonomy, taxonomy_slug(name))


def feed_path(rel: str) -> str:
    """The Atom feed of the list at `rel`."""
    return rel + "feed.xml"


def list_path(prefix: str, page: int) -> str:
    """Page 1 of a list lives at prefix itself; later pages at prefix + 'page/N/'."""
    return prefix if page == 1 else f"{prefix}page/{page}/"


# Anchored with \Z, not $: '$' also matches before a trailing newline ("x\n" is no slug).
SLUG_RE = re.compile(r"^[^\W_][\w-]*(?:\.[\w-]+)*\Z", re.UNICODE)
"""A brief or page slug: letters (any script), digits, '-', '_' and inner dots; one path
segment, never '..'."""
MAX_SLUG_BYTES = 200
"""A brief or page slug is a folder name; most file systems stop at 255 bytes (85 CJK characters)."""
MAX_TERM_SLUG_BYTES = 120
"""A tag, audience or source slug is cut to this many bytes (a name is at most 100 characters)."""


@functools.lru_cache(maxsize=1 << 16)
def taxonomy_slug(name: str) -> str:
    """A stable, readable URL segment for a tag, audience or source name.

    NFKC-normalise, lowercase, keep letters and digits of every script (so 虎嗅 stays
    虎嗅), turn every run of anything else into one '-', trim '-'. '&' becomes 'and'.
    """
    text = unicodedata.normalize("NFKC", name).casefold().replace("&", " and ")
    slug = re.sub(r"[^\w]+|_+", "-", text, flags=re.UNICODE).strip("-")
    # Keep folder names well under file-system limits (255 bytes); a clash caused by
    # the cut is reported like any other clash.
    cut = slug.encode("utf-8")[:MAX_TERM_SLUG_BYTES].decode("utf-8", errors="ignore").strip("-")
    return cut or "x"


@functools.lru_cache(maxsize=1 << 16)
def href(base_path: str, rel: str) -> str:
    """Site-relative `rel` ('briefs/x/') as a percent-encoded URL under the base path."""
    return quote(base_path + rel, safe="/#?=&%:@!$'()*+,;~-._")


def output_file(rel: str) -> str:
    """The file that serves URL path `rel`: directories get index.html."""
    return rel + "index.html" if rel == "" or rel.endswith("/") else rel


PATHS = {
    "brief": brief_path,
    "social_card": social_card_path,
    "page": page_path,
    "week": week_path,
    "week_audience": lambda key, name: week_audience_path(key, taxonomy_slug(name)),
    "week_email": lambda key, fmt="html": email_path(week_path(key), fmt),
    "audience_weekly_feed": lambda name: audience_weekly_feed_path(taxonomy_slug(name)),
    "weekly": lambda: WEEKLY_PATH,
    "weekly_feed": lambda: WEEKLY_FEED_PATH,
    "predictions": lambda: PREDICTIONS_PATH,
    "stories": lambda: STORIES_PATH,
    "story": story_path,
    "terms": taxonomy_path,
    "term": term_path_of,
}
"""What templates may link to by name: url_for('brief', slug), url_for('term', 'tags', name), ..."""


def path_for(kind: str, *args: str) -> str:
    """The site-relative path of a brief, week, term, ... (see PATHS)."""
    try:
        make = PATHS[kind]
    except KeyError:
        raise ValueError(f"url_for: no URL kind {kind!r} (known: {', '.join(PATHS)})") from None
    return make(*args)  # type: ignore[operator]
