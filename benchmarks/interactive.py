"""How fast the lessons answer a hand: widget redraws in a real browser, Run All, the test suite.

Run from the repository root (not a timed test; about 5-8 minutes on a 2-core machine)::

    python -m benchmarks.interactive                     # every lesson: writes results-interactive.md/.json
    python -m benchmarks.interactive --quick             # 5 changes per widget, no Run All of lessons without one
    python -m benchmarks.interactive --lessons 01,04 --changes 10
    python -m benchmarks.interactive --suite-seconds 312   # or --run-suite: time `pytest` too

For each lesson (``notebooks/NN_*.ipynb``):

- **Run All**: the notebook executed top to bottom by nbclient on a fresh kernel (the notebook is
  not written); ``run_all_s`` counts the cells, ``kernel_start_s`` the kernel's start.
- **kernel render**: in that same kernel, after the last cell, the lesson's ``FigureWidget`` is found
  and its controls are changed N times in-process (no browser): each change's time, which is
  ``FigureWidget.update`` (draw + PNG) and the observers around it.
- **browser response**: JupyterLab on 127.0.0.1 (the e2e harness in ``tests/e2e``) in headless
  Chromium; Run All; then N changes of the widget's controls, each timed inside the page from the
  user's event (the Enter key, the click, the arrow key, the select's change) to the ``load`` event
  of the new picture.

A widget is driven by a :class:`Plan`: its class name and the changes to cycle through. A new
lesson's widget is one line in ``PLANS``; a lesson whose notebook has a FigureWidget but no plan
is listed in the results as not measured.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
HERE = ROOT / "benchmarks"
NOTEBOOKS = ROOT / "notebooks"


# ---------------------------------------------------------------------------------------------
# What to change in each widget
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """One user action on control ``control`` of the widget.

    kind: ``text`` (type ``value``, press Enter), ``toggle`` (click the button labelled ``value``,
    or "next"), ``dropdown`` (pick the option labelled ``value``, or "next"), ``checkbox`` (click),
    ``slider`` (one arrow key: ``value`` = +1 or -1 step).
    """

    control: str
    kind: str
    value: Any = None


@dataclass(frozen=True)
class Plan:
    notebook: str  # file name in notebooks/
    widget: str  # class name of the FigureWidget the notebook shows
    controls: tuple[str, ...]  # the widget's control names, in the order it shows them (left to right)
    changes: tuple[Change, ...]


PLANS: tuple[Plan, ...] = (
    Plan("01_lookup_table.ipynb", "LookupExplorer", ('indices',), (
        Change("indices", "text", "4, 4, 0"), Change("indices", "text", "1, 2; 3, 0"),
        Change("indices", "text", "0, 2, 0, 1; 1, 3, 4, 4"))),
    Plan("02_one_hot_matmul.ipynb", "OneHotViews", ('view', 'i0', 'i1', 'i2', 'i3', 'i4', 'i5'), (
        Change("view", "toggle", "one-hot × matrix"), Change("i0", "dropdown", "next"),
        Change("view", "toggle", "lookup"), Change("i1", "dropdown", "next"))),
    Plan("03_padding_idx.ipynb", "PaddingExplorer", ('max_len',), (
        Change("max_len", "slider", -1), Change("max_len", "slider", +1),
        Change("max_len", "slider", +1), Change("max_len", "slider", -1))),
    Plan("04_max_norm.ipynb", "NormBallExplorer", ('max_norm', 'norm_type', 'indices'), (
        Change("max_norm", "slider", -1), Change("max_norm", "slider", -1), Change("norm_type", "toggle", "1"),
        Change("max_norm", "slider", +1), Change("norm_type", "toggle", "∞"), Change("max_norm", "slider", +1),
        Change("norm_type", "toggle", "2"))),
    Plan("05_gradients.ipynb", "GradientExplorer", ('indices', 'scale_grad_by_freq', 'padding'), (
        Change("scale_grad_by_freq", "checkbox"), Change("padding", "checkbox"),
        Change("indices", "text", "the cat sat on the mat"), Change("scale_grad_by_freq", "checkbox"),
        Change("padding", "checkbox"),
        Change("indices", "text", "the cat sat on the mat the dog saw the cat <pad>"))),
    Plan("06_embedding_bag.ipynb", "BagExplorer", ('offsets', 'mode'), (
        Change("mode", "toggle", "max"), Change("offsets", "text", "0, 1"), Change("mode", "toggle", "mean"),
        Change("offsets", "text", "0"), Change("mode", "toggle", "sum"))),
    Plan("07_one_hot_vs_embedding.ipynb", "ChoiceExplorer", ('num_items', 'dim'), (
        Change("num_items", "slider", +1), Change("num_items", "slider", +1), Change("dim", "slider", +1),
        Change("num_items", "slider", -1), Change("num_items", "slider", -1), Change("dim", "slider", -1))),
    Plan("08_embeddings_capture_meaning.ipynb", "NeighbourExplorer", ('word', 'k'), (
        Change("word", "dropdown", "next"), Change("k", "slider", -1), Change("word", "dropdown", "next"),
        Change("k", "slider", +1))),
    Plan("10_embeddings_in_a_language_model.ipynb", "TokenPositionExplorer", ('text', 'position'), (
        # the notebook starts at "let the" (7 characters, inside the context of 8)
        Change("text", "text", "and god"), Change("position", "slider", +1), Change("position", "slider", +1),
        Change("text", "text", "the lord"), Change("position", "slider", -1), Change("position", "slider", -1))),
    Plan("11_tables_too_big_for_one_machine.ipynb", "ShardExplorer", ('shards', 'layout', 'batch'), (
        Change("shards", "slider", +1), Change("layout", "dropdown", "next"), Change("batch", "dropdown", "next"),
        Change("shards", "slider", +1), Change("layout", "dropdown", "next"), Change("shards", "slider", -1),
        Change("batch", "dropdown", "next"), Change("shards", "slider", -1))),
)


def cycle(plan: Plan, n: int) -> list[Change]:
    """The first ``n`` changes of the plan, repeated as often as needed."""
    return [plan.changes[i % len(plan.changes)] for i in range(n)]


def lessons(selected: Sequence[str] | None = None) -> list[str]:
    """Notebook names of the lessons (``NN_*.ipynb``), or those whose number or name is in ``selected``."""
    names = sorted(p.name for p in NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
    if not selected:
        return names
    return [n for n in names if any(n.startswith(s) or n == s for s in selected)]


# ---------------------------------------------------------------------------------------------
# Statistics and the machine
# ---------------------------------------------------------------------------------------------


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100), linear between the closest ranks (NumPy's default)."""
    if not values:
        raise ValueError("no values")
    xs = sorted(values)
    pos = (len(xs) - 1) * q / 100
    lo = int(pos)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


def summary_ms(seconds: Sequence[float]) -> dict[str, Any]:
    """median_ms, p90_ms, max_ms and n of a list of durations in seconds."""
    ms = [s * 1e3 for s in seconds]
    return {"median_ms": round(statistics.median(ms), 1), "p90_ms": round(percentile(ms, 90), 1),
            "max_ms": round(max(ms), 1), "n": len(ms)}


def machine() -> dict[str, Any]:
    from benchmarks.run import _cpu_count, _cpu_name  # the same description as the CPU benchmark

    return {"cpu": _cpu_name(), "cpu_count": _cpu_count(), "python": platform.python_version(),
            "load_average": [round(x, 2) for x in os.getloadavg()]}


# ---------------------------------------------------------------------------------------------
# Kernel side: Run All with nbclient, then the widget's updates in-process
# ---------------------------------------------------------------------------------------------

# Runs in the lesson's kernel after its last cell; PLAN and N are filled in.
KERNEL_SNIPPET = r'''
import gc as _gc, json as _json, time as _time
from lookup_lib.lessons.kit.widget import FigureWidget as _FW
def _bench_widget(name, plan, n):
    found = [o for o in _gc.get_objects() if isinstance(o, _FW) and type(o).__name__ == name]
    if not found:
        return {"error": f"no {name} in the kernel"}
    w = found[-1]
    times = []
    for i in range(n):
        control, kind, value = plan[i % len(plan)]
        c = w.controls[control]
        if kind == "text":
            new = value
        elif kind == "checkbox":
            new = not c.value
        elif kind in ("toggle", "dropdown"):
            labels = list(c._options_labels)
            new = c._options_values[(c.index + 1) % len(labels) if value == "next" else labels.index(value)]
        elif kind == "slider":
            if hasattr(c, "_options_values"):
                new = c._options_values[max(0, min(len(c._options_values) - 1, c.index + value))]
            else:
                new = max(c.min, min(c.max, c.value + value * c.step))
        else:
            raise ValueError(kind)
        start = _time.perf_counter()
        c.value = new
        times.append(_time.perf_counter() - start)
    return {"seconds": times, "renders": getattr(w, "renders", None)}
print("BENCH" + _json.dumps(_bench_widget(NAME, PLAN, N)))
'''


def kernel_snippet(plan: Plan, n: int) -> str:
    changes = [(c.control, c.kind, c.value) for c in plan.changes]
    return f"NAME = {plan.widget!r}\nPLAN = {changes!r}\nN = {n}\n" + KERNEL_SNIPPET


def run_all(notebook: str, plan: Plan | None, n: int) -> dict[str, Any]:
    """Execute one lesson with nbclient on a fresh kernel; then time its widget in that kernel."""
    import nbformat
    from nbclient import NotebookClient

    path = NOTEBOOKS / notebook
    nb = nbformat.read(path, as_version=4)
    nb.metadata.pop("jupytext", None)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
    cells = list(nb.cells)
    extra = nbformat.v4.new_code_cell(kernel_snippet(plan, n)) if plan else None
    if extra is not None:
        nb.cells.append(extra)
    client = NotebookClient(nb, timeout=600, kernel_name="python3", record_timing=False,
                            resources={"metadata": {"path": str(path.parent)}})
    result: dict[str, Any] = {"load_average_before": round(os.getloadavg()[0], 2)}
    start = time.perf_counter()
    with client.setup_kernel():
        started = time.perf_counter()
        for index, cell in enumerate(cells):
            client.execute_cell(cell, index)
        result["run_all_s"] = round(time.perf_counter() - started, 2)
        result["kernel_start_s"] = round(started - start, 2)
        if extra is not None:
            client.execute_cell(extra, len(cells))
            text = "".join(o.get("text", "") for o in extra.outputs if o.get("output_type") == "stream")
            line = next((x for x in text.splitlines() if x.startswith("BENCH")), None)
            data = json.loads(line[5:]) if line else {"error": text[-500:] or "no output"}
            if "seconds" in data:
                result["kernel_render"] = summary_ms(data["seconds"])
            else:
                result["kernel_render_error"] = data.get("error")
    return result


# ---------------------------------------------------------------------------------------------
# Browser side: JupyterLab + headless Chromium (the e2e harness)
# ---------------------------------------------------------------------------------------------

# Arms the timer: the first user event after this starts it; the new picture's load event stops it.
ARM_JS = r"""
() => {
  const root = [...document.querySelectorAll('.lookup-figure-widget')].find(e => e.offsetParent !== null);
  const img = root.querySelector(':scope > .widget-image');
  const st = window.__bench = {start: null, loaded: null, src: img.src};
  const mark = () => { if (st.start === null) st.start = performance.now(); };
  for (const ev of ['keydown', 'mousedown', 'input', 'change']) {
    document.addEventListener(ev, mark, {capture: true, once: true});
  }
  img.addEventListener('load', () => {
    if (st.loaded === null && img.src !== st.src) st.loaded = performance.now();
  });
  return img.src.length;
}
"""

DONE_JS = "() => window.__bench.loaded !== null && window.__bench.start !== null"


def _control(page, control: str, controls: list[str]):
    root = page.locator(".jp-NotebookPanel:visible .lookup-figure-widget").first
    return root.locator(":scope > .widget-hbox > *").nth(controls.index(control))


def _act(page, box, change: Change) -> None:
    """Do the change (after the timer is armed, except the typing of a text box)."""
    if change.kind == "text":
        box.locator("input").press("Enter")
    elif change.kind == "checkbox":
        box.locator("input[type=checkbox]").click()
    elif change.kind == "toggle":
        if change.value == "next":
            buttons = box.locator("button")
            classes = [buttons.nth(i).get_attribute("class") or "" for i in range(buttons.count())]
            active = next((i for i, c in enumerate(classes) if "mod-active" in c), -1)
            buttons.nth((active + 1) % len(classes)).click()
        else:
            box.get_by_role("button", name=str(change.value), exact=True).click()
    elif change.kind == "dropdown":
        select = box.locator("select")
        if change.value == "next":
            options = select.locator("option").all_inner_texts()
            current = select.evaluate("s => s.selectedIndex")
            select.select_option(index=(current + 1) % len(options))
        else:
            select.select_option(label=str(change.value))
    elif change.kind == "slider":
        box.locator(".noUi-handle").first.press("ArrowRight" if change.value > 0 else "ArrowLeft")
    else:
        raise ValueError(f"unknown kind {change.kind!r}")


def _prepare(box, change: Change) -> None:
    if change.kind == "text":
        box.locator("input").fill(str(change.value))
    elif change.kind == "slider":
        box.locator(".noUi-handle").first.focus()


def browser_session(plans: Sequence[Plan], n: int, artifacts: Path | None) -> dict[str, dict[str, Any]]:
    """Start JupyterLab and Chromium once; for each plan, Run All then time n changes."""
    from playwright.sync_api import sync_playwright

    from tests.e2e._browser import open_and_run_all
    from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, _start_server

    results: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        servers = _start_server("lab", Path(tmp))
        server = next(servers)
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
                try:
                    for plan in plans:
                        out = _drive(browser, server, plan, n, artifacts, open_and_run_all)
                        if "error" in out:  # one more try (a server hiccup, e.g. an HTTP 500 on opening); both kept
                            out = {**_drive(browser, server, plan, n, artifacts, open_and_run_all),
                                   "first_try_error": out["error"]}
                        results[plan.notebook] = out
                        print(f"browser {plan.notebook}: {results[plan.notebook]}", file=sys.stderr, flush=True)
                finally:
                    browser.close()
        finally:
            servers.close()
    return results


def _drive(browser, server, plan: Plan, n: int, artifacts: Path | None, open_and_run_all) -> dict[str, Any]:
    context = browser.new_context(viewport={"width": 1300, "height": 1000})
    page = context.new_page()
    out: dict[str, Any] = {"load_average_before": round(os.getloadavg()[0], 2)}
    try:
        start = time.perf_counter()
        open_and_run_all(page, server, plan.notebook)
        out["open_and_run_all_s"] = round(time.perf_counter() - start, 1)
        root = page.locator(".jp-NotebookPanel:visible .lookup-figure-widget").first
        root.wait_for(timeout=30_000)
        root.scroll_into_view_if_needed()
        image = root.locator(":scope > .widget-image")
        controls = list(plan.controls)
        times, first, failures = [], [], 0
        for i, change in enumerate(cycle(plan, n)):
            box = _control(page, change.control, controls)
            _prepare(box, change)
            page.evaluate(ARM_JS)
            _act(page, box, change)
            try:
                page.wait_for_function(DONE_JS, polling=5, timeout=15_000)
            except Exception:  # noqa: BLE001 - a change that drew nothing new (e.g. a slider at its end)
                failures += 1
                continue
            st = page.evaluate("() => window.__bench")
            times.append((st["loaded"] - st["start"]) / 1e3)
            if i < len(plan.changes):  # the first pass: values not shown before (later passes may hit the memo)
                first.append(times[-1])
            time.sleep(0.1)  # a hand does not act twice within 100 ms; let the kernel go idle
        shown = image.evaluate("i => [i.naturalWidth, i.naturalHeight, i.clientWidth, i.clientHeight]")
        out["png_px"], out["shown_px"] = shown[:2], shown[2:]
        if times:
            out.update(summary_ms(times))
        if first:
            out["first_pass"] = summary_ms(first)
        out["no_new_picture"] = failures
        if artifacts is not None:
            artifacts.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(artifacts / f"interactive-{plan.notebook[:2]}.png"))
    except Exception as err:  # noqa: BLE001 - one lesson failing should not lose the others
        out["error"] = f"{type(err).__name__}: {err}"[:500]
    finally:
        context.close()
    return out


# ---------------------------------------------------------------------------------------------
# The suite, the report
# ---------------------------------------------------------------------------------------------


def time_suite() -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=ROOT, check=False)
    return round(time.perf_counter() - start, 1)


@dataclass
class Report:
    machine_before: dict[str, Any]
    command: str
    changes: int
    lessons: dict[str, dict[str, Any]] = field(default_factory=dict)
    suite: dict[str, Any] = field(default_factory=dict)
    machine_after: dict[str, Any] = field(default_factory=dict)


def to_markdown(report: dict[str, Any]) -> str:
    m = report["machine_before"]
    lines = [
        "# Interactive benchmark: widget response, Run All, suite", "",
        f"Written by `{report['command']}` on {m['cpu']}, {m['cpu_count']} CPU cores, Python {m['python']}. "
        f"Load average (1, 5, 15 min) before: {m['load_average']}, after: "
        f"{report['machine_after'].get('load_average')}. A busy machine makes every figure larger.", "",
        f"Widget figures: {report['changes']} changes per widget. **browser** = from the user's event to the "
        "new picture's `load` in headless Chromium (JupyterLab on 127.0.0.1); **kernel** = the same changes "
        "made in the kernel, no browser (`FigureWidget.update` and the observers). **Run All** = nbclient on "
        "a fresh kernel, cells only (the kernel's start is separate).", "",
        "**first pass** = the browser times of the plan's first pass alone (each value shown for the first "
        "time, so no picture comes from the widget's memo): median and max.", "",
        "| lesson | widget | browser median | browser p90 | first pass median (max) | kernel median | kernel p90 "
        "| PNG px (shown px) | Run All | kernel start |",
        "|---|---|---:|---:|---:|---:|---:|---|---:|---:|",
    ]
    for name, row in report["lessons"].items():
        b, k = row.get("browser", {}), row.get("kernel_render", {})

        def ms(d: dict, key: str) -> str:
            return f"{d[key]:.0f} ms" if key in d else "—"

        px = "—"
        if "png_px" in b:
            px = f"{b['png_px'][0]}×{b['png_px'][1]} ({b['shown_px'][0]}×{b['shown_px'][1]})"
        run = f"{row['run_all_s']:.1f} s" if "run_all_s" in row else "—"
        ks = f"{row['kernel_start_s']:.1f} s" if "kernel_start_s" in row else "—"
        fp = b.get("first_pass", {})
        first = f"{fp['median_ms']:.0f} ms ({fp['max_ms']:.0f})" if fp else "—"
        lines.append(f"| {name} | {row.get('widget') or '—'} | {ms(b, 'median_ms')} | {ms(b, 'p90_ms')} | {first} | "
                     f"{ms(k, 'median_ms')} | {ms(k, 'p90_ms')} | {px} | {run} | {ks} |")
    notes = []
    for name, row in report["lessons"].items():
        for key in ("error", "first_try_error", "kernel_render_error", "run_all_error"):
            if row.get(key) or row.get("browser", {}).get(key):
                notes.append(f"{name}: {row.get(key) or row['browser'].get(key)}")
        if row.get("browser", {}).get("no_new_picture"):
            notes.append(f"{name}: {row['browser']['no_new_picture']} change(s) drew no new picture in 15 s")
    suite = report["suite"]
    lines += ["", "Suite: " + (f"`pytest` took {suite['seconds']} s ({suite['source']})." if suite.get("seconds")
                               else "not measured (pass `--suite-seconds S` or `--run-suite`).")]
    if notes:
        lines += ["", "Notes:", ""] + [f"- {n}" for n in notes]
    return "\n".join(lines) + "\n"


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.interactive", description=__doc__.split("\n\n")[0])
    parser.add_argument("--changes", type=int, help="value changes per widget (default 20; --quick 5)")
    parser.add_argument("--quick", action="store_true", help="5 changes, only lessons with a widget")
    parser.add_argument("--lessons", help="comma-separated lesson numbers or notebook names (default: all)")
    parser.add_argument("--no-browser", action="store_true", help="kernel side and Run All only")
    parser.add_argument("--no-run-all", action="store_true", help="browser only (no nbclient runs)")
    parser.add_argument("--suite-seconds", type=float, help="the suite's time, measured elsewhere")
    parser.add_argument("--run-suite", action="store_true", help="time `pytest -q` here (minutes)")
    parser.add_argument("--out-dir", type=Path, default=HERE)
    parser.add_argument("--artifacts", type=Path, default=ROOT / "test-artifacts" / "interactive")
    args = parser.parse_args(argv)
    if args.changes is None:
        args.changes = 5 if args.quick else 20
    if args.changes < 1:
        parser.error("--changes must be >= 1")
    return args


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    args = parse_args(argv)
    selected = [s.strip() for s in args.lessons.split(",")] if args.lessons else None
    names = lessons(selected)
    plans = {p.notebook: p for p in PLANS}
    if args.quick:
        names = [n for n in names if n in plans]
    command = "python -m benchmarks.interactive" + ("" if argv is None else " " + " ".join(argv))
    if argv is None and len(sys.argv) > 1:
        command += " " + " ".join(sys.argv[1:])
    report = Report(machine(), command, args.changes)
    for name in names:
        plan = plans.get(name)
        row: dict[str, Any] = {"widget": plan.widget if plan else None}
        if not args.no_run_all:
            try:
                row.update(run_all(name, plan, args.changes))
            except Exception as err:  # noqa: BLE001 - keep the other lessons
                row["run_all_error"] = f"{type(err).__name__}: {err}"[:500]
        report.lessons[name] = row
        print(f"{name}: {row}", file=sys.stderr, flush=True)
    with_widgets = [plans[n] for n in names if n in plans]
    if not args.no_browser and with_widgets:
        for name, browser in browser_session(with_widgets, args.changes, args.artifacts).items():
            report.lessons[name]["browser"] = browser
    if args.suite_seconds:
        report.suite = {"seconds": args.suite_seconds, "source": "given with --suite-seconds"}
    elif args.run_suite:
        report.suite = {"seconds": time_suite(), "source": "measured with `pytest -q` here"}
    else:
        report.suite = {"seconds": None, "source": "skipped"}
    report.machine_after = machine()
    data = asdict(report)
    args.out_dir.mkdir(parents=True, exist_ok=True)
    stem = "results-interactive" + ("-quick" if args.quick else "")
    (args.out_dir / f"{stem}.json").write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    (args.out_dir / f"{stem}.md").write_text(to_markdown(data))
    print(f"wrote {args.out_dir / stem}.md and .json", file=sys.stderr)
    return data


if __name__ == "__main__":
    main()
