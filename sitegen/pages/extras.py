"""Files for crawlers and hosts: sitemap.xml, robots.txt, .nojekyll and CNAME."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from xml.sax.saxutils import escape as xml_escape

from sitegen.config import SiteConfig
from sitegen.memo import NO_MEMO, FieldsOf, Memo
from sitegen.model import Brief, OutputFile, Site
from sitegen.pages.kind import PageKind, Reads
from sitegen.render import PageEntry, rel_of
from sitegen.urls import brief_path, href, is_email


def extra_files(site: Site, pages: Sequence[PageEntry], memo: Memo = NO_MEMO) -> list[OutputFile]:
    c = site.config
    sitemap_file = memo.get("sitemap.xml", (c, tuple(pages), FieldsOf(site.briefs, _lastmod)),
                            lambda: sitemap(site, [rel_of(p.path) for p in pages
                                                   if p.path.endswith(".html") and not p.noindex
                                                   and not is_email(p.path)],
                                            {brief_path(b.slug): b.updated or b.date for b in site.briefs}))
    sitemap_url = c.origin + href(c.base_path, "sitemap.xml")
    files = [
        sitemap_file,
        OutputFile("robots.txt", f"User-agent: *\nAllow: /\n\n{_sitemaps(c, sitemap_url)}".encode()),
        OutputFile(".nojekyll", b""),
    ]
    if c.cname:
        files.append(OutputFile("CNAME", (c.cname.strip() + "\n").encode()))
    return files


def _sitemaps(c: SiteConfig, first: str) -> str:
    """The Sitemap lines of robots.txt: the site's, then each other language's (/<lang>/sitemap.xml)."""
    urls = [first] + [c.origin + href(c.base_path, f"{code}/sitemap.xml") for code in c.languages[1:]]
    return "".join(f"Sitemap: {u}\n" for u in urls)


def sitemap(site: Site, rels: list[str], lastmod: dict[str, dt.datetime]) -> OutputFile:
    """Every HTML page (but the 404 and the emails), absolute URLs, lastmod from content dates."""
    base = site.config.origin
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    for rel in sorted(rels):
        loc = xml_escape(base + href(site.config.base_path, rel))
        mod = lastmod.get(rel)
        mod_xml = f"<lastmod>{mod.isoformat()}</lastmod>" if mod else ""
        lines.append(f"  <url><loc>{loc}</loc>{mod_xml}</url>")
    lines.append("</urlset>\n")
    return OutputFile("sitemap.xml", "\n".join(lines).encode())


def _lastmod(b: Brief) -> tuple[str, dt.datetime]:
    return b.slug, b.updated or b.date


# "assets" stays free for a site's static files. CARDS: the sitemap's lastmod is each brief's date.
KIND = PageKind("extras", Reads.SHAPE | Reads.CARDS | Reads.JOBS, files=extra_files,
                reserved=("sitemap.xml", "robots.txt", "assets"))
