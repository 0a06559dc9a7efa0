"""markdown: GFM extras, heading anchors, the sanitizer and script-capable URLs."""

from __future__ import annotations

import pytest

from conftest import executable_url, unsafe_markup
from sitegen.markdown import is_safe_url, make_markdown, slugify_heading

SAFE = make_markdown(unsafe_html=False)
UNSAFE = make_markdown(unsafe_html=True)


@pytest.mark.parametrize(("source", "expected"), [
    ("| a | b |\n|---|:-:|\n| 1 | 2 |\n",
     '<table>\n<thead>\n<tr>\n<th>a</th>\n<th style="text-align:center">b</th>\n</tr>\n</thead>\n'
     '<tbody>\n<tr>\n<td>1</td>\n<td style="text-align:center">2</td>\n</tr>\n</tbody>\n</table>\n'),
    ("~~gone~~\n", "<p><s>gone</s></p>\n"),
    ("- [ ] todo\n- [x] done\n",
     '<ul class="contains-task-list">\n<li class="task-list-item"><label><input class="task-list-item-checkbox" '
     'disabled="disabled" type="checkbox"> todo</label></li>\n<li class="task-list-item"><label><input '
     'class="task-list-item-checkbox" checked="checked" disabled="disabled" type="checkbox"> done</label></li>\n'
     '</ul>\n'),
    ("see https://example.com/x.\n", '<p>see <a href="https://example.com/x">https://example.com/x</a>.</p>\n'),
    ("www.example.org\n", '<p><a href="http://www.example.org">www.example.org</a></p>\n'),
    ("<https://example.com/>\n", '<p><a href="https://example.com/">https://example.com/</a></p>\n'),
    ("**b** *i* `c`\n", "<p><strong>b</strong> <em>i</em> <code>c</code></p>\n"),
], ids=["table", "strikethrough", "task-list", "gfm-autolink", "www-autolink", "angle-autolink", "inline"])
def test_gfm_extras(source: str, expected: str) -> None:
    assert SAFE.render(source) == expected


def test_footnotes() -> None:
    html = SAFE.render("Claim.[^1]\n\n[^1]: The source.\n")
    assert '<sup class="footnote-ref"><a href="#fn1" id="fnref1">[1]</a></sup>' in html
    assert '<li id="fn1" class="footnote-item"><p>The source. <a href="#fnref1" class="footnote-backref">' in html


@pytest.mark.parametrize(("source", "ids"), [
    ("## Hello World\n", ["hello-world"]),
    ("## What's next?\n", ["whats-next"]),
    ("## 中文 标题\n", ["中文-标题"]),
    ("## 虎嗅：AI 资本开支\n", ["虎嗅ai-资本开支"]),
    ("## Same\n\n## Same\n", ["same", "same-1"]),
    ("## !!!\n", ["section"]),
    ("## Main\n\n## TL;DR h\n\n## Metrics-H\n", ["main-section", "tldr-h-section", "metrics-h-section"]),
], ids=["ascii", "punctuation", "cjk", "cjk-fullwidth-punctuation", "duplicates", "nothing-left", "theme-ids"])
def test_heading_anchors(source: str, ids: list[str]) -> None:
    html = SAFE.render(source)
    assert [part.split('"')[0] for part in html.split(' id="')[1:]] == ids


def test_raw_html_cannot_reuse_the_themes_ids() -> None:
    """`<main id="main">`, the section headings and serve's overlay keep their ids unique."""
    html = SAFE.render('<div id="main">a</div>\n\n<p id="tldr-h">b</p>\n\n<p id="sitegen-reload">c</p>\n\n'
                       '<p id="mine">d</p>\n')
    assert 'id="main"' not in html and 'id="tldr-h"' not in html and 'id="sitegen-reload"' not in html
    assert '<p id="mine">d</p>' in html


def test_h1_gets_no_anchor() -> None:
    assert SAFE.render("# Title\n") == "<h1>Title</h1>\n"


def test_slugify_heading_keeps_letters_of_every_script() -> None:
    assert slugify_heading("  Ünïcode Straße  ") == "ünïcode-straße"


@pytest.mark.parametrize("source", [
    "H<sup>2</sup>O", "x<sub>i</sub>", "<kbd>Ctrl</kbd>", "a<br>b", '<abbr title="HyperText">HTML</abbr>',
    "<mark>hot</mark>",
], ids=["sup", "sub", "kbd", "br", "abbr", "mark"])
def test_sanitizer_keeps_harmless_inline_html(source: str) -> None:
    assert SAFE.render(source) == f"<p>{source}</p>\n"


def test_sanitizer_keeps_details_summary() -> None:
    source = "<details open><summary>More</summary>\n\nHidden *text*\n\n</details>\n"
    assert SAFE.render(source) == '<details open=""><summary>More</summary>\n<p>Hidden <em>text</em></p>\n</details>\n'


@pytest.mark.parametrize(("source", "expected"), [
    ("<script>alert(1)</script>\n\nafter\n", "\n<p>after</p>\n"),
    ("x <script>alert(1)</script> y\n", "<p>x  y</p>\n"),
    ("<style>body{display:none}</style>\n\nafter\n", "\n<p>after</p>\n"),
    ("<iframe src='https://evil.example/'></iframe>\n", "\n"),
    ("<!-- secret note -->\n\nafter\n", "\n<p>after</p>\n"),
    ("a <!-- secret --> b\n", "<p>a  b</p>\n"),
    ('<p onclick="alert(1)">hi</p>\n', "<p>hi</p>\n"),
    ("<img src=x onerror=alert(1)>\n", '<img src="x">\n'),
    ('<a href="javascript:alert(1)">x</a>\n', "<p><a>x</a></p>\n"),
    ('<a href="jav&#x61;script:alert(1)">x</a>\n', "<p><a>x</a></p>\n"),
    ("<object data='x.swf'></object><embed src='x.swf'>\n", "<p></p>\n"),
    ('<form action="https://evil.example/"><input name=p></form>\n', "<input>\n"),
    ('<svg><script>alert(1)</script></svg>\n', "<p></p>\n"),
    ('<math><mi xlink:href="javascript:alert(1)">x</mi></math>\n', "<p></p>\n"),
    ('<div style="background:url(javascript:alert(1))">x</div>\n', "<div>x</div>\n"),
], ids=["script-block", "script-inline", "style", "iframe", "comment-block", "comment-inline", "onclick",
        "onerror", "javascript-href", "entity-href", "object-embed", "form", "svg-script", "math-xlink", "style-attr"])
def test_sanitizer_drops_executable_markup_without_showing_it(source: str, expected: str) -> None:
    html = SAFE.render(source)
    assert html == expected
    assert unsafe_markup(html) == []
    # Dropped, not escaped into visible text.
    for visible in ("&lt;", "alert", "secret", "display:none"):
        assert visible not in html


def test_unsafe_html_passes_raw_html_through() -> None:
    source = '<div class="embed"><script src="https://trusted.example/w.js"></script><!-- keep --></div>\n'
    assert UNSAFE.render(source) == source


TRICKS = [
    "javascript:alert(1)", "JaVaScRiPt:alert(1)", "jav&#x61;script:alert(1)", "&#106;avascript:alert(1)",
    "&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;&#x3A;alert(1)", "javascript&#58;alert(1)",
    "javascript&colon;alert(1)", "java&#09;script:alert(1)", "java&Tab;script:alert(1)", "java&#10;script:alert(1)",
    "&#x20;javascript:alert(1)", "vbscript:msgbox(1)", "VBScript:msgbox(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==", "data:image/svg+xml,%3Csvg%20onload=alert(1)%3E",
    "data:image/png;base64,iVBORw0KGgo=", "DATA:image/png;base64,iVBORw0KGgo=",
]


@pytest.mark.parametrize("renderer", [SAFE, UNSAFE], ids=["sanitized", "unsafe_html"])
@pytest.mark.parametrize("form", ["[x]({})", "![x]({})", "[x]\n\n[x]: {}", "<{}>", "[x](<{}>)"],
                         ids=["link", "image", "reference", "autolink", "angle-link"])
@pytest.mark.parametrize("url", TRICKS)
def test_script_urls_are_never_emitted(renderer, form: str, url: str) -> None:  # type: ignore[no-untyped-def]
    html = renderer.render(form.format(url) + "\n")
    assert unsafe_markup(html) == [], html


@pytest.mark.parametrize(("url", "safe"), [
    ("https://example.com/", True), ("mailto:a@example.com", True), ("/relative/path", True), ("#frag", True),
    ("javascript:x", False), (" \tjavascript:x", False), ("java\nscript:x", False), ("DATA:x", False),
    ("vbscript:x", False), ("file:///etc/passwd", False),
], ids=["https", "mailto", "relative", "fragment", "javascript", "leading-space", "newline", "data", "vbscript",
        "file"])
def test_is_safe_url(url: str, safe: bool) -> None:
    assert is_safe_url(url) is safe


@pytest.mark.parametrize(("url", "runs"), [
    ("javascript:x", True), ("\x01 JavaScript:x", True), ("java\tscript:x", True), ("https://x/", False),
    ("java%09script:x", False),
], ids=["plain", "control-prefix", "tab-inside", "https", "percent-encoded"])
def test_executable_url_helper_matches_browsers(url: str, runs: bool) -> None:
    assert executable_url(url) is runs


def test_unsafe_markup_helper_sees_what_a_browser_runs() -> None:
    assert unsafe_markup('<script type="application/ld+json">{"a": 1}</script><p>x</p>') == []
    assert len(unsafe_markup('<script type="application/ld+json">{"a": "</script><script>alert(1)</script>"}')) >= 2
    assert unsafe_markup('<a href="jav&#x61;script:x">x</a>') != []
    assert unsafe_markup("<img src=x onerror=alert(1)>") != []
    assert unsafe_markup("<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>") == []


def test_inline_rendering_is_sanitized_too() -> None:
    assert SAFE.render_inline('**a** <script>alert(1)</script><img src=x onerror=alert(1)>') == (
        '<strong>a</strong> <img src="x">')


# The plain-text shortcut of render_inline must never change output.
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@settings(max_examples=400, deadline=None)
@given(text=st.text(alphabet=st.characters(codec="utf-8"), max_size=40), unsafe=st.booleans())
def test_inline_plain_text_shortcut_matches_full_render(text: str, unsafe: bool) -> None:
    from sitegen.markdown import make_markdown, sanitize

    m = make_markdown(unsafe)
    full = m.md.renderInline(text)
    assert m.render_inline(text) == (full if unsafe else sanitize(full))
