"""frontmatter: decoding bytes and splitting the YAML block from the Markdown body."""

from __future__ import annotations

import pytest

from sitegen.frontmatter import FrontMatterError, decode, split


@pytest.mark.parametrize(("data", "text"), [
    (b"---\na: 1\n---\nbody\n", "---\na: 1\n---\nbody\n"),
    (b"\xef\xbb\xbf---\na: 1\n---\n", "---\na: 1\n---\n"),
    (b"---\r\na: 1\r\n---\r\nbody\r\n", "---\na: 1\n---\nbody\n"),
    (b"---\ra: 1\r---\r", "---\na: 1\n---\n"),
    ("---\ntitle: 虎嗅\n---\n".encode(), "---\ntitle: 虎嗅\n---\n"),
], ids=["plain", "bom", "crlf", "old-mac-cr", "cjk"])
def test_decode(data: bytes, text: str) -> None:
    assert decode("x.md", data) == text


@pytest.mark.parametrize(("data", "where", "message"), [
    (b"---\ntitle: caf\xe9\n---\n", "x.md:2:11", "not valid UTF-8 (byte 0xe9)"),
    (b"\xff\xfe-\x00-\x00", "x.md:1:1", "not valid UTF-8"),
    (b"---\ntitle: a\x00b\n---\n", "x.md:2:1", "NUL bytes"),
], ids=["latin1", "utf16", "nul"])
def test_decode_refuses_with_location(data: bytes, where: str, message: str) -> None:
    with pytest.raises(FrontMatterError) as info:
        decode("x.md", data)
    d = info.value.diagnostic
    assert str(d.location) == where and message in d.message and d.hint


def test_split_keeps_line_numbers() -> None:
    s = split("x.md", "---\ntitle: a\ndate: b\n---\n# Body\n\ntext\n")
    assert s.yaml_text == "title: a\ndate: b"
    assert s.yaml_first_line == 2
    assert s.body == "# Body\n\ntext\n"
    assert s.body_first_line == 5


@pytest.mark.parametrize(("text", "yaml_text", "body"), [
    ("---\n---\n", "", ""),
    ("---\na: 1\n---", "a: 1", ""),
    ("---   \na: 1\n---  \nbody", "a: 1", "body"),
    ("---\na: 1\n...\nbody", "a: 1", "body"),
    ("---\na: 1\n---\nx\n---\ny\n", "a: 1", "x\n---\ny\n"),
], ids=["empty-block", "no-body", "trailing-spaces", "yaml-end-marker", "later-rule-is-body"])
def test_split_edge_cases(text: str, yaml_text: str, body: str) -> None:
    s = split("x.md", text)
    assert (s.yaml_text, s.body) == (yaml_text, body)


@pytest.mark.parametrize(("text", "message"), [
    ("", "missing front matter"),
    ("title: a\n---\n", "missing front matter"),
    ("# Just markdown\n", "missing front matter"),
    ("---\ntitle: a\n\nbody\n", "front matter never closes"),
    ("---", "front matter never closes"),
], ids=["empty-file", "no-opening-fence", "plain-markdown", "never-closes", "only-opening-fence"])
def test_split_refuses_at_line_one(text: str, message: str) -> None:
    with pytest.raises(FrontMatterError) as info:
        split("x.md", text)
    d = info.value.diagnostic
    assert str(d.location) == "x.md:1:1" and message in d.message and d.hint
