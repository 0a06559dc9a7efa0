"""The one configured Markdown renderer: CommonMark + GFM extras + heading anchors.

Raw HTML is sanitized with nh3 (Ammonia) against an allow-list unless the site opts
into `markdown.unsafe_html`. Links with script-capable schemes are never emitted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import nh3
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.gfm_autolink import gfm_autolink_plugin
from mdit_py_plugins.tasklists import tasklists_plugin

from sitegen.urls import is_safe_url


# Everything Markdown itself produces, plus harmless inline/structural HTML authors use.
_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "dd", "del", "details", "dfn",
    "div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i",
    "img", "input", "ins", "kbd", "label", "li", "mark", "ol", "p", "pre", "q", "s", "samp", "section",
    "small", "span", "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th",
    "thead", "time", "tr", "u", "ul", "var", "wbr",
}
_ATTRIBUTES = {
    "*": {"id", "class", "title", "lang", "dir"},
    "a": {"href", "hreflang", "rel"},
    "abbr": {"title"},
    "img": {"src", "alt", "width", "height", "loading"},
    "input": {"type", "checked", "disabled"},
    "ol": {"start", "reversed", "type"},
    "td": {"colspan", "rowspan", "style"},
    "th": {"colspan", "rowspan", "scope", "style"},
    "time": {"datetime"},
    "details": {"open"},
}


@dataclass(frozen=True)
class MarkdownRenderer:
    """Holds one configured MarkdownIt; render functions are pure given the same settings."""

    md: MarkdownIt
    unsafe_html: bool

    def render(self, body: str) -> str:
        html = self.md.render(body)
        return html if self.unsafe_html else sanitize(html)

    def render_inline(self, text: str) -> str:
        if not _INLINE_SYNTAX.search(text) and " ".join(text.split()) == text:
            # Plain text (most pipeline-written fields): exactly what the full path outputs
            # (nh3 writes quotes in text unescaped).
            html = escapeHtml(text)
            return html if self.unsafe_html else html.replace("&quot;", '"')
        html = self.md.renderInline(text)
        return html if self.unsafe_html else sanitize(html)


_INLINE_SYNTAX = re.compile(r"[\\`*_\[\]<>&!~:@\x00-\x1f\x7f]|www\.", re.IGNORECASE)
"""Anything that could make inline Markdown more than escaped text: emphasis, code, links,
images, HTML, entities, strikethrough, autolinks (scheme:, www., email), escapes, breaks."""


def is_theme_id(value: str) -> bool:
    """Ids the theme and `serve` use on every page: 'main', '<section>-h', 'sitegen-*'."""
    return value == "main" or value.endswith("-h") or value.startswith("sitegen-")


def _drop_theme_ids(element: str, attribute: str, value: str) -> str | None:
    # A raw-HTML id equal to one of the page's own ids would make a duplicate id (invalid
    # HTML, and the skip link or a section heading would point at the author's element).
    return None if attribute == "id" and is_theme_id(value) else value


def sanitize(html: str) -> str:
    return nh3.clean(
        html,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        attribute_filter=_drop_theme_ids,
        url_schemes={"http", "https", "mailto", "tel"},
        link_rel=None,
        strip_comments=True,
        filter_style_properties={"text-align"},
    )


def make_markdown(unsafe_html: bool = False) -> MarkdownRenderer:
    md = MarkdownIt("commonmark", {"html": True, "typographer": False})
    md.enable(["table", "strikethrough"])
    md.use(footnote_plugin)
    # label=True wraps box and text in <label>: a checkbox without a label fails axe-core.
    # (label_after would need ids, and the plugin makes those from random UUIDs.)
    md.use(tasklists_plugin, label=True)
    md.use(gfm_autolink_plugin)
    md.use(anchors_plugin, min_level=2, max_level=4, slug_func=slugify_heading)
    # markdown-it's default validator still lets some data:image URLs through; we allow none.
    md.validateLink = is_safe_url
    return MarkdownRenderer(md, unsafe_html)


def slugify_heading(text: str) -> str:
    """GitHub-style anchor ids that keep CJK and other letters readable.

    The theme's own ids ('main', and '<section>-h' for its headings) are never produced,
    so a body heading such as '## Main' cannot duplicate an id of the page around it.
    """
    text = re.sub(r"[^\w\- ]", "", text.strip().lower(), flags=re.UNICODE)
    slug = re.sub(r"\s+", "-", text) or "section"
    return f"{slug}-section" if is_theme_id(slug) else slug
