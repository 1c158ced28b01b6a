"""Smoke tests of benchmarks/run.py on tiny sizes (about 2 s in all): it runs, and writes what it says.

The figures themselves are timings of a shared machine, so nothing here checks their values,
only that each is a positive, finite ratio and that the markdown shows every row of the JSON.
"""

from __future__ import annotations

import json
import math
from dataclasses import replace

import numpy as np
import pytest

from benchmarks import run as bench

TINY = replace(bench.QUICK, forward_vocab=(50,), forward_dims=(4,), num_indices=64, repeats=2)


def ratio_keys(section: dict) -> list[str]:
    """The row keys of a section's columns that hold ratios (not the labels V, D, indices, ...)."""
    return [key for _, key in section["columns"] if key not in ("V", "D", "indices", "options", "mode")]


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, str, dict]:
    out = tmp_path_factory.mktemp("bench")
    data = bench.main(["--quick", "--out-dir", str(out)])
    written = json.loads((out / "results-cpu-quick.json").read_text())
    return data, (out / "results-cpu-quick.md").read_text(), written


def test_quick_run_writes_json_and_markdown_for_every_section(quick_run: tuple[dict, str, dict]) -> None:
    data, markdown, written = quick_run
    assert written == json.loads(json.dumps(data))  # the file holds what main returned
    assert [s["name"] for s in data["sections"]] == list(bench.SECTIONS)
    assert data["machine"]["device"] == "cpu" and data["machine"]["torch_threads"] == 1
    for section in data["sections"]:
        assert section["rows"], section["name"]
        assert f"## {section['title']}" in markdown
        for row in section["rows"]:
            assert all(t > 0 for t in row["seconds"].values())
            assert row["rounds"] >= bench.QUICK.repeats if "rounds" in row else section["name"] == "onehot"
            for key in ratio_keys(section):
                if row.get(key) is not None:
                    assert math.isfinite(row[key]) and row[key] > 0, (section["name"], key, row[key])
    table_rows = [line for line in markdown.splitlines() if line.startswith("| ") and "---" not in line]
    headers = len(data["sections"])
    assert len(table_rows) == headers + sum(len(s["rows"]) for s in data["sections"])
    assert "nan×" not in markdown and "inf×" not in markdown


def test_quick_run_fills_every_target_column_on_cpu(quick_run: tuple[dict, str, dict]) -> None:
    sections = {s["name"]: s for s in quick_run[0]["sections"]}
    for row in sections["forward"]["rows"]:
        assert {"lib_over_torch", "lib_share_of_copy", "torch_share_of_copy"} <= row.keys()
    backward = sections["backward"]["rows"]
    assert all("lib_over_torch" in row for row in backward)
    assert {row["options"] for row in backward} >= {"—", "padding_idx", "scale_grad_by_freq"}
    assert {row["indices"] for row in backward} == {"uniform", "one row", "Zipf"}
    assert all("lib_peak_ratio" in row for row in sections["onehot"]["rows"])
    assert [row["mode"] for row in sections["bag"]["rows"]] == ["sum", "mean"]


def test_torch_threads_are_restored_after_a_run(tmp_path) -> None:
    torch = pytest.importorskip("torch")
    before = torch.get_num_threads()
    bench.main(["--quick", "--only", "bag", "--torch-threads", "1", "--out-dir", str(tmp_path)])
    assert torch.get_num_threads() == before


def test_the_gpu_code_path_runs_when_given_a_cpu_device_under_another_name() -> None:
    # "cpu:0" is not "cpu", so every section takes its --device cuda branch, on the CPU.
    sections = bench.run(TINY, "cpu:0", bench.SECTIONS, max_table_gb=1.0, seed=0)
    forward, backward = sections[0], sections[1]
    assert [key for _, key in forward.columns][-2:] == ["torch_share_of_copy", "cpu_over_gpu"]
    assert all("(GPU)" in name for name in forward.rows[0]["seconds"] if "CPU" not in name)
    assert all(row["cpu_over_gpu"] > 0 for row in backward.rows)
    assert "lookup_lib" not in json.dumps([s.rows for s in sections])


def test_forward_cases_with_too_big_a_table_are_skipped_and_said_so() -> None:
    section = bench.forward_section(
        replace(TINY, forward_vocab=(50, 5000)), "cpu", max_table_gb=50 * 4 * 4 / 1e9, seed=0
    )
    assert [row["V"] for row in section.rows] == [50]
    assert len(section.notes) == 1 and "V=5,000" in section.notes[0]
    assert "V=5,000" in bench.to_markdown(bench.machine("cpu"), [section], TINY, "cmd")


def test_side_by_side_takes_turns_and_keeps_medians() -> None:
    calls: list[str] = []
    contenders = {name: (lambda name=name: calls.append(name)) for name in "ABC"}
    timing = bench.side_by_side(contenders, replace(TINY, repeats=3, min_seconds=0.0), "cpu")
    assert calls == list("ABC" + "ABC" + "BCA" + "CAB")  # warm-up, then rounds that rotate
    assert timing.rounds == 3 and set(timing.seconds) == set("ABC")


def test_ratios_pair_the_samples_of_one_round() -> None:
    timing = bench.Timing({"a": [1.0, 30.0, 3.0], "b": [2.0, 10.0, 30.0]})
    assert timing.ratio("a", "b") == 0.5  # median of 0.5, 3 and 0.1; the medians' ratio would be 0.3
    assert timing.seconds == {"a": 3.0, "b": 10.0} and timing.record()["rounds"] == 3


def test_side_by_side_repeats_until_min_seconds_have_passed() -> None:
    timing = bench.side_by_side({"noop": lambda: None}, replace(TINY, repeats=2, min_seconds=0.02), "cpu")
    assert timing.rounds > 2


def test_indices_distributions() -> None:
    rng = np.random.default_rng(0)
    assert np.all(bench.draw_indices("one row", 10, 7, rng) == 5)
    uniform = bench.draw_indices("uniform", 10, 1000, rng)
    assert uniform.min() >= 0 and uniform.max() < 10
    p = bench.zipf_probabilities(5)
    assert np.isclose(p.sum(), 1) and np.all(np.diff(p) < 0) and np.isclose(p[0] / p[1], 2)
    zipf = bench.draw_indices("Zipf", 1000, 5000, rng)
    assert np.count_nonzero(zipf == 0) > np.count_nonzero(zipf == 10) > 0
    with pytest.raises(ValueError, match="unknown"):
        bench.draw_indices("normal", 10, 3, rng)


@pytest.mark.parametrize(
    ("value", "text"), [(0.615, "0.61×"), (12.34, "12.34×"), (1234.5, "1,234×"), (65536, "65,536"), (None, "—")]
)
def test_format_cell(value, text: str) -> None:
    assert bench.format_cell(value) == text


def test_unknown_section_is_refused() -> None:
    with pytest.raises(SystemExit):
        bench.parse_args(["--only", "forward,nope"])


# -- benchmarks/interactive.py: its pure parts (the browser run itself is not a test) ----------------------
from benchmarks import interactive as inter  # noqa: E402


def test_interactive_percentile_and_summary_in_ms() -> None:
    assert inter.percentile([1, 2, 3, 4, 5], 50) == 3 and inter.percentile([1, 2, 3, 4, 5], 90) == pytest.approx(4.6)
    s = inter.summary_ms([0.1, 0.2, 0.3])
    assert s == {"median_ms": 200.0, "p90_ms": 280.0, "max_ms": 300.0, "n": 3}
    with pytest.raises(ValueError):
        inter.percentile([], 50)


def test_interactive_plans_cover_the_lessons_and_name_real_controls() -> None:
    names = inter.lessons()
    assert names[:9] == sorted(names[:9]) and "01_lookup_table.ipynb" in names
    assert inter.lessons(["04"]) == ["04_max_norm.ipynb"]
    for plan in inter.PLANS:
        assert plan.notebook in names, plan.notebook
        assert {c.control for c in plan.changes} <= set(plan.controls)
        assert {c.kind for c in plan.changes} <= {"text", "toggle", "dropdown", "checkbox", "slider"}
        assert len(inter.cycle(plan, 11)) == 11 and inter.cycle(plan, 11)[0] == plan.changes[0]
        compile(inter.kernel_snippet(plan, 3), "<snippet>", "exec")


def test_interactive_markdown_has_a_row_per_lesson_and_says_the_load() -> None:
    report = {
        "machine_before": {"cpu": "X", "cpu_count": 2, "python": "3.11", "load_average": [1.0, 2.0, 3.0]},
        "machine_after": {"load_average": [1.5, 2.0, 3.0]}, "command": "cmd", "changes": 3,
        "lessons": {"00_setup_check.ipynb": {"widget": None, "run_all_s": 2.0, "kernel_start_s": 0.5},
                    "01_lookup_table.ipynb": {"widget": "LookupExplorer", "run_all_s": 4.0,
                                              "kernel_render": inter.summary_ms([0.05, 0.06]),
                                              "browser": {**inter.summary_ms([0.1, 0.12]), "png_px": [10, 20],
                                                          "shown_px": [10, 20], "no_new_picture": 1,
                                                          "first_pass": inter.summary_ms([0.2, 0.3])}}},
        "suite": {"seconds": None, "source": "skipped"},
    }
    md = inter.to_markdown(report)
    assert "[1.0, 2.0, 3.0]" in md and "| 01_lookup_table.ipynb | LookupExplorer | 110 ms |" in md
    assert "| 110 ms | 118 ms | 250 ms (300) | 55 ms |" in md  # median, p90, first pass median (max), kernel
    assert "| 00_setup_check.ipynb | — |" in md and "10×20 (10×20)" in md
    assert "not measured" in md and "1 change(s) drew no new picture" in md


def test_the_readmes_widget_figures_are_the_last_interactive_runs() -> None:
    """The README quotes median/p90 per widget: they must be the numbers in results-interactive.json."""
    import json
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    data = json.loads((root / "benchmarks" / "results-interactive.json").read_text(encoding="utf-8"))
    measured = {name[:2]: (round(b["median_ms"]), round(b["p90_ms"])) for name, row in data["lessons"].items()
                if "median_ms" in (b := row.get("browser", {}))}
    readme = (root / "README.md").read_text(encoding="utf-8")
    line = readme[readme.index("median / p90 in ms"):readme.index("([results](benchmarks/results-interactive.md)")]
    quoted = {n: (int(m), int(p)) for n, m, p in re.findall(r"\b(\d\d) (\d+)/(\d+)", line)}
    assert quoted == measured
