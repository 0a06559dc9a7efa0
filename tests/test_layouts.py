"""Layout lookup (site first, built-in theme as default/<name>) and template errors."""

from __future__ import annotations

from conftest import brief, tree_bytes


def test_site_partial_overrides_one_section(make_site, cli) -> None:  # type: ignore[no-untyped-def]
    site = make_site({
        "content/briefs/a.md": brief("Override me", extra="tldr: {what_changed: Something}"),
        "layouts/partials/brief-tldr.html": '<section class="my-tldr">{{ brief.tldr.what_changed | safe }}</section>\n',
    })
    result = cli("build", str(site))
    assert result.returncode == 0, result.stderr
    page = (site / "public/briefs/a/index.html").read_text()
    assert '<section class="my-tldr">Something</section>' in page
    assert "Key metrics" not in page  # absent parts stay absent
    assert "<h1>Override me</h1>" in page  # the rest of the built-in page is intact


def test_site_template_can_extend_the_builtin_one(make_site, cli) -> None:  # type: ignore[no-untyped-def]
    site = make_site({
        "content/briefs/a.md": brief("Extended"),
        "layouts/brief.html": '{% extends "default/brief.html" %}\n'
                              '{% block main %}<p class="banner">Sponsored by nobody</p>{{ super() }}{% endblock %}\n',
    })
    result = cli("build", str(site))
    assert result.returncode == 0, result.stderr
    page = (site / "public/briefs/a/index.html").read_text()
    assert page.index('class="banner"') < page.index("<h1>Extended</h1>")


def test_template_syntax_error_names_file_and_line(make_site, cli) -> None:  # type: ignore[no-untyped-def]
    site = make_site({
        "content/briefs/a.md": brief("A"),
        "layouts/partials/brief-share.html": "<p>ok</p>\n<p>{% if %}</p>\n",
    })
    result = cli("build", str(site))
    assert result.returncode == 1
    assert "layouts/partials/brief-share.html:2:1: error: template error:" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (site / "public").exists()


def test_undefined_variable_names_file_and_line(make_site, cli) -> None:  # type: ignore[no-untyped-def]
    site = make_site({
        "content/briefs/a.md": brief("A"),
        "layouts/partials/brief-week.html": "<p>\n{{ brief.no_such_field }}\n</p>\n",
    })
    result = cli("build", str(site))
    assert result.returncode == 1
    assert "layouts/partials/brief-week.html:2:1: error: template error:" in result.stderr
    assert "no_such_field" in result.stderr
    assert "Traceback" not in result.stderr


def test_template_error_keeps_previous_output(make_site, cli) -> None:  # type: ignore[no-untyped-def]
    site = make_site({"content/briefs/a.md": brief("A")})
    assert cli("build", str(site)).returncode == 0
    before = {p.relative_to(site / "public"): p.read_bytes() for p in (site / "public").rglob("*") if p.is_file()}
    (site / "layouts").mkdir()
    (site / "layouts/list.html").write_text("{% for %}\n")
    result = cli("build", str(site))
    assert result.returncode == 1
    after = {p.relative_to(site / "public"): p.read_bytes() for p in (site / "public").rglob("*") if p.is_file()}
    assert after == before


def test_template_error_in_parallel_render_workers(make_site, cli) -> None:  # type: ignore[no-untyped-def]
    # Enough pages that rendering runs in forked worker processes: the error must still
    # come back as a located diagnostic, not a traceback.
    files: dict[str, str | bytes] = {f"content/briefs/b{i:03d}.md": brief(f"Brief {i}") for i in range(450)}
    files["layouts/partials/brief-week.html"] = "<p>\n{{ brief.no_such_field }}\n</p>\n"
    site = make_site(files)
    result = cli("build", str(site), "--jobs", "2", timeout=120)  # an unpicklable error used to hang the pool
    assert result.returncode == 1
    assert "layouts/partials/brief-week.html:2:1: error: template error:" in result.stderr
    assert "Traceback" not in result.stderr


def test_every_template_error_of_a_build_is_reported_at_once(make_site, cli) -> None:  # type: ignore[no-untyped-def]
    """Like serve, build renders every page before failing: two broken templates, two errors."""
    site = make_site({
        "content/briefs/a.md": brief("A"),
        "content/about.md": "---\ntitle: About\n---\nWho we are.\n",
    })
    assert cli("build", str(site)).returncode == 0
    before = tree_bytes(site / "public")
    (site / "layouts/partials").mkdir(parents=True)
    (site / "layouts/partials/brief-week.html").write_text("<p>\n{{ brief.no_such_field }}\n</p>\n")
    (site / "layouts/page.html").write_text('{% extends "base.html" %}\n{% block main %}{{ doc.nope }}{% endblock %}\n')
    result = cli("build", str(site))
    assert result.returncode == 1
    assert "layouts/partials/brief-week.html:2:1: error: template error:" in result.stderr
    assert "(while rendering content/briefs/a.md)" in result.stderr
    assert "layouts/page.html:2:1: error: template error:" in result.stderr
    assert "(while rendering content/about.md)" in result.stderr
    assert result.stderr.rstrip().endswith("2 errors; nothing was written.")
    assert "Traceback" not in result.stderr
    assert tree_bytes(site / "public") == before


def test_site_layouts_link_with_url_for(make_site, cli) -> None:  # type: ignore[no-untyped-def]
    """url_for gives the same URLs the built-in pages use; a misspelt kind is a located error."""
    site = make_site({
        "sitegen.yaml": "base_url: https://example.org/repo/\n",
        "content/briefs/a.md": brief("A", extra="tags: [AI & Chips]"),
        "layouts/partials/brief-share.html": "<p class='mine'>{{ url_for('brief', brief.slug) }} "
                                             "{{ url_for('term', 'tags', brief.tags[0]) }} "
                                             "{{ url_for('week', week.key) }} {{ url_for('weekly') }}</p>\n",
    })
    result = cli("build", str(site))
    assert result.returncode == 0, result.stderr
    page = (site / "public/briefs/a/index.html").read_text()
    assert "<p class='mine'>/repo/briefs/a/ /repo/tags/ai-and-chips/ /repo/weekly/2026-w18/ /repo/weekly/</p>" in page
    (site / "layouts/partials/brief-share.html").write_text("<p>\n{{ url_for('breif', brief.slug) }}</p>\n")
    result = cli("build", str(site))
    assert result.returncode == 1
    assert "layouts/partials/brief-share.html:2:1: error: template error: url_for: no URL kind 'breif'" in result.stderr


def test_cached_card_partial_follows_every_value_it_reads(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Card partials keep their output by the values they read (templates.CACHED_PARTIALS): a
    site's override that reads more of the page, or a mutable value, still renders per page."""
    import dataclasses
    from pathlib import Path

    from sitegen.config import SiteConfig
    from sitegen.templates import make_environment

    @dataclasses.dataclass(frozen=True)
    class Item:
        slug: str

    (tmp_path / "layouts/partials").mkdir(parents=True)
    (tmp_path / "layouts/partials/brief-card.html").write_text(
        "{{ item.slug }}|{{ card_level | default(2) }}|{{ page }}|{{ extra.n }}\n")
    (tmp_path / "layouts/list.html").write_text('{% for item in items %}{% include "partials/brief-card.html" %}{% endfor %}')
    env = make_environment(Path(tmp_path), SiteConfig())
    a, b = Item("a"), Item("b")
    extra = {"n": 1}
    render = env.get_template("list.html").render
    assert render(items=(a, b, a), page="p1", extra=extra) == "a|2|p1|1\nb|2|p1|1\na|2|p1|1\n"
    extra["n"] = 2  # a dict is never a key: the partial is rendered again
    assert render(items=(a,), page="p2", extra=extra) == "a|2|p2|2\n"
    assert render(items=(a,), page="p2", extra=extra, card_level=True) == "a|True|p2|2\n"
    assert render(items=(a,), page="p2", extra=extra, card_level=1) == "a|1|p2|2\n"
