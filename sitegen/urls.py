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


MAX_SLUG_BYTES = 120


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
    cut = slug.encode("utf-8")[:MAX_SLUG_BYTES].decode("utf-8", errors="ignore").strip("-")
    return cut or "x"


@functools.lru_cache(maxsize=1 << 16)
def href(base_path: str, rel: str) -> str:
    """Site-relative `rel` ('briefs/x/') as a percent-encoded URL under the base path."""
    return quote(base_path + rel, safe="/#?=&%:@!$'()*+,;~-._")


def output_file(rel: str) -> str:
    """The file that serves URL path `rel`: directories get index.html."""
    return rel + "index.html" if rel == "" or rel.endswith("/") else rel
