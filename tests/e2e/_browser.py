"""Browser steps shared by the end-to-end tests (the recipe measured in shared/TOOLING.md)."""

from __future__ import annotations

import time

from tests.e2e.conftest import Server


def open_and_run_all(page, server: Server, notebook: str, timeout_s: float = 180) -> None:
    """Open a lesson on a fresh kernel, wait for it, click Run ▸ Run All Cells, wait until every cell ran."""
    server.shut_down_sessions()
    page.goto(server.url(notebook))
    panel = page.locator(".jp-NotebookPanel:visible")  # the lesson's tab, not one restored from an earlier test
    panel.locator(".jp-Cell").first.wait_for(timeout=60_000)
    deadline = time.monotonic() + 60
    while not any(k["execution_state"] == "idle" and k["connections"] >= 1 for k in server.kernels()):
        if time.monotonic() > deadline:
            raise TimeoutError("kernel never became idle and connected")
        time.sleep(0.5)
    n_code = panel.locator(".jp-CodeCell").count()
    deadline = time.monotonic() + timeout_s
    for _attempt in range(3):
        page.locator(".lm-MenuBar-item", has_text="Run").first.click()
        page.locator("li.lm-Menu-item[data-command='runmenu:run-all']").click()
        try:
            panel.locator(".jp-CodeCell .jp-InputPrompt", has_text="[1]").first.wait_for(timeout=15_000)
            break
        except Exception:  # noqa: BLE001 - the race in TOOLING.md: Run All before the kernel connected
            continue
    # every code cell has a number (not "[ ]" or "[*]") once the run is over
    while time.monotonic() < deadline:
        prompts = page.locator(".jp-CodeCell .jp-InputPrompt").all_inner_texts()
        done = [p for p in prompts if p.strip().startswith("[") and p.strip()[1:-2].strip().isdigit()]
        if len(done) == n_code and "[*]:" not in "".join(prompts):
            return
        time.sleep(0.5)
    raise TimeoutError(f"Run All did not finish in {timeout_s} s; prompts: {prompts}")


def block_network(page) -> list[str]:
    """Refuse every request that is not a local file (as a machine with no network would); return the list
    the refused addresses are appended to, so a test can say what a page tried to fetch."""
    refused: list[str] = []

    def handle(route):
        if route.request.url.startswith(("file:", "data:", "blob:", "about:")):
            route.continue_()
        else:
            refused.append(route.request.url)
            route.abort()

    page.route("**/*", handle)
    return refused
