"""Where things live: output paths, site-relative URLs and taxonomy slugs."""

from __future__ import annotations

import functools
import re
import unicodedata
from urllib.parse import quote


def brief_path(slug: str) -> str:
    return f"briefs/{slug}/"


def page_path(slug: str) -> str:
    return f"{slug}/"


def week_path(key: str) -> str:
    return f"weekly/{key}/"


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
