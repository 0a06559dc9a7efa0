"""The README's import example is what `sitegen import` writes for that record, byte for byte."""

from __future__ import annotations

import re

from conftest import REPO

EXAMPLE = re.compile(r"<!-- import example:.*?-->\n```json\n(.*?)\n```\n.*?`sitegen import briefs\.jsonl` writes "
                     r"`(content/briefs/[^`]+)`:\n\n```markdown\n(.*?)```\n<!-- end of import example -->", re.S)


def test_the_readme_record_becomes_the_readme_brief(make_site, cli) -> None:  # type: ignore[no-untyped-def]
    found = EXAMPLE.search((REPO / "README.md").read_text(encoding="utf-8"))
    assert found, "README.md lost its import example"
    record, path, brief = found.groups()
    site = make_site({"briefs.jsonl": record + "\n"})
    result = cli("import", "briefs.jsonl", cwd=site)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == f"wrote {path}"
    assert (site / path).read_text(encoding="utf-8") == brief
    built = cli("build", cwd=site, env={"SITEGEN_CARDS": "off", "SITEGEN_PAGEFIND": "off"})
    assert built.returncode == 0, built.stderr
