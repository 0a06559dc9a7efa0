"""What makes HTML fit for an email: CSS inlined, absolute links, no images or scripts, and a
plain-text twin.

Email clients are not browsers: many strip <style> (so every rule that matters must sit in a
style attribute), none resolve relative links (the email has no URL of its own), and most block
images. The templates (layouts/email.html, email.txt) write the email; these helpers are their
filters and the job builder's (sitegen/pages/week_email.py) preparation of brief fragments.
"""

from __future__ import annotations

import html
import re
import textwrap
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import css_inline
from markupsafe import Markup

_INLINER = css_inline.CSSInliner(load_remote_stylesheets=False, keep_link_tags=False)
"""Inlines the rules of every <style> into style attributes and removes that <style>, except a
<style data-css-inline="keep"> (media queries: dark mode, narrow screens), which stays as it is."""


def inline_css(document: str) -> Markup:
    """A whole HTML document with its CSS inlined (the `inline_css` template filter)."""
    return Markup(_INLINER.inline(str(document)))


# --- brief fragments (inline HTML from the TL;DR) -------------------------------------------------

_KEPT = frozenset({"a", "abbr", "b", "bdi", "bdo", "br", "cite", "code", "del", "em", "i", "ins", "kbd", "mark",
                   "q", "s", "samp", "small", "span", "strong", "sub", "sup", "time", "u", "var"})
"""Inline elements an email keeps; every other element is dropped and its text kept."""
_SILENT = frozenset({"script", "style", "template", "iframe", "object", "embed", "noscript", "svg", "math",
                     "video", "audio", "canvas", "select", "textarea"})
"""Elements dropped with their content."""
_VOID = frozenset({"br", "img", "wbr", "hr", "input", "source", "track", "area", "col", "embed", "param", "meta",
                   "link", "base"})
_LINK_SCHEMES = ("http", "https", "mailto")


def absolute_url(url: str, base: str) -> str | None:
    """`url` resolved against the page URL `base`; None for schemes an email must not carry."""
    resolved = urljoin(base, url.strip())
    return resolved if urlsplit(resolved).scheme in _LINK_SCHEMES else None


class _Fragment(HTMLParser):
    def __init__(self, base: str) -> None:
        super().__init__(convert_charrefs=True)
        self.base = base
        self.out: list[str] = []
        self.open: list[tuple[str, bool, bool]] = []
        """Per open element: its name, whether it was kept (written out), whether it hides its content."""

    @property
    def silent(self) -> bool:
        return any(hides for _, _, hides in self.open)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.silent or tag in _SILENT:
            if tag not in _VOID:
                self.open.append((tag, False, True))
            return
        values = dict(attrs)
        if tag == "img":  # no images in an email: their alt text stands in
            self.out.append(html.escape(values.get("alt") or "", quote=False))
            return
        kept = ""
        if tag == "a":
            url = absolute_url(values.get("href") or "", self.base) if values.get("href") else None
            if url is None:  # a link to nowhere (or to a script) reads as its text
                tag = ""
            else:
                kept = f' href="{html.escape(url)}"'
        elif tag == "abbr" and values.get("title"):
            kept = f' title="{html.escape(values["title"] or "")}"'
        if tag in _KEPT:
            for name in ("lang", "dir"):
                if values.get(name):
                    kept += f' {name}="{html.escape(values[name] or "")}"'
            self.out.append(f"<{tag}{kept}>")
        if tag not in _VOID:
            self.open.append((tag or "a", tag in _KEPT, False))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in _VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.open) - 1, -1, -1):
            if self.open[i][0] == tag:
                for name, kept, _ in reversed(self.open[i:]):
                    if kept:
                        self.out.append(f"</{name}>")
                del self.open[i:]
                return

    def handle_data(self, data: str) -> None:
        if not self.silent:
            self.out.append(html.escape(data, quote=False))

    def result(self) -> str:
        self.close()
        return "".join(self.out) + "".join(f"</{name}>" for name, kept, _ in reversed(self.open) if kept)


def email_fragment(fragment: str, base: str) -> Markup:
    """Inline HTML (a TL;DR part) made fit for an email: links absolute (resolved against the
    page URL `base`, and only http, https or mailto), images replaced by their alt text, and no
    element but inline formatting (scripts and styles are dropped with their content)."""
    parser = _Fragment(base)
    parser.feed(str(fragment))
    return Markup(parser.result())


# --- plain text ------------------------------------------------------------------------------------

class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.links: list[tuple[str, int]] = []
        self.silent = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SILENT and tag not in _VOID:
            self.silent += 1
        elif tag == "a":
            self.links.append((dict(attrs).get("href") or "", len(self.out)))
        elif tag == "br":
            self.out.append("\n")
        elif tag == "img":
            self.out.append(dict(attrs).get("alt") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SILENT and tag not in _VOID and self.silent:
            self.silent -= 1
        elif tag == "a" and self.links:
            url, start = self.links.pop()
            text = "".join(self.out[start:]).strip()
            if url and url != text and url.removeprefix("mailto:") != text:
                self.out.append(f" ({url})")

    def handle_data(self, data: str) -> None:
        if not self.silent:
            self.out.append(data)


def plain_text(fragment: str) -> str:
    """Inline HTML as plain text for email.txt: tags dropped, entities decoded, whitespace
    collapsed, and each link's full URL after its text, in brackets."""
    parser = _Text()
    parser.feed(str(fragment))
    parser.close()
    return re.sub(r"[ \t\r\f\v]*\n[ \t\r\f\v]*", "\n", re.sub(r"[ \t\r\f\v]+", " ", "".join(parser.out))).strip()


TEXT_WIDTH = 72
"""Columns of email.txt (RFC 3676 suggests 72; long URLs stay whole on a line of their own)."""


def wrap(text: str, indent: str = "", first: str | None = None, width: int = TEXT_WIDTH) -> str:
    """Plain text wrapped at `width` columns, every line after the first indented by `indent`
    (the first by `first`, default `indent`). Words longer than a line (URLs) are never cut."""
    paragraphs = str(text).split("\n")
    lines: list[str] = []
    for i, para in enumerate(paragraphs):
        lead = (indent if first is None else first) if i == 0 else indent
        lines += textwrap.wrap(para, width, initial_indent=lead, subsequent_indent=indent,
                               break_long_words=False, break_on_hyphens=False) or [lead.rstrip()]
    return "\n".join(lines)


PREHEADER_CHARS = 140
"""Preview text shown after the subject line; clients show 40 to 140 characters."""


def preheader(text: str) -> str:
    """Plain preview text from inline HTML: one line, cut at a word near PREHEADER_CHARS."""
    line = " ".join(plain_text(re.sub(r"<a\b[^>]*>", "<span>", str(text)).replace("</a>", "</span>")).split())
    if len(line) <= PREHEADER_CHARS:
        return line
    cut = line[: PREHEADER_CHARS - 1].rsplit(" ", 1)[0].rstrip(",;:.–—-")
    return cut + "…"
