"""Fixtures for end-to-end tests: a real JupyterLab / Notebook 7 server and headless Chromium.

Each server runs on 127.0.0.1, on a free port, with a random token, isolated config,
runtime and settings folders, and serves a *copy* of the lessons (so autosave can never
touch the stored notebooks). Servers and browsers are stopped by the fixtures, also when a
test fails. Without Chromium (Debian's `chromium`) or playwright the tests skip, saying why.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "test-artifacts" / "e2e"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


@dataclass
class Server:
    base: str
    token: str
    root: Path
    ui: str  # "lab" or "notebook"

    def url(self, notebook: str) -> str:
        if self.ui == "lab":  # ?reset: a fresh layout, without the tabs of an earlier test
            return f"{self.base}/lab/tree/{notebook}?reset&token={self.token}"
        return f"{self.base}/notebooks/{notebook}?token={self.token}"

    def kernels(self) -> list[dict]:
        """The running kernels; [] while the server cannot list them (a 5xx while one starts or stops)."""
        try:
            with urllib.request.urlopen(f"{self.base}/api/kernels?token={self.token}", timeout=5) as r:
                return json.load(r)
        except urllib.error.HTTPError as err:
            if err.code >= 500:
                return []
            raise

    def shut_down_sessions(self) -> None:
        """End every notebook session and its kernel, so the next lesson opened starts on a fresh kernel
        (a lesson opened again would otherwise reuse its old kernel, whose prompts do not restart at [1])."""
        with urllib.request.urlopen(f"{self.base}/api/sessions?token={self.token}", timeout=5) as r:
            sessions = json.load(r)
        for session in sessions:
            request = urllib.request.Request(f"{self.base}/api/sessions/{session['id']}?token={self.token}",
                                             method="DELETE")
            urllib.request.urlopen(request, timeout=10).close()
        deadline = time.monotonic() + 20
        while sessions and self.kernels() and time.monotonic() < deadline:  # until the old kernels are gone
            time.sleep(0.25)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start_server(ui: str, tmp: Path) -> Iterator[Server]:
    root = tmp / "lessons"
    shutil.copytree(ROOT / "notebooks", root, ignore=shutil.ignore_patterns("student", ".ipynb_checkpoints"))
    env = dict(os.environ)
    for var in ("JUPYTER_CONFIG_DIR", "JUPYTER_RUNTIME_DIR", "JUPYTERLAB_SETTINGS_DIR", "JUPYTERLAB_WORKSPACES_DIR"):
        env[var] = str(tmp / var.lower())
    news = tmp / "jupyterlab_settings_dir" / "@jupyterlab" / "apputils-extension"
    news.mkdir(parents=True)
    (news / "notification.jupyterlab-settings").write_text('{"fetchNews": "false"}')
    # Lab 4 renders only the cells in view ("windowing"); render them all so every prompt can be read.
    tracker = tmp / "jupyterlab_settings_dir" / "@jupyterlab" / "notebook-extension"
    tracker.mkdir(parents=True)
    (tracker / "tracker.jupyterlab-settings").write_text('{"windowingMode": "none"}')
    port, token = _free_port(), secrets.token_hex(16)
    log = open(tmp / f"{ui}-server.log", "w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "jupyter", ui, "--no-browser", "--allow-root", f"--port={port}",
         f"--ServerApp.token={token}", "--ServerApp.ip=127.0.0.1", f"--ServerApp.root_dir={root}"],
        env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    server = Server(f"http://127.0.0.1:{port}", token, root, ui)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{server.base}/api/status?token={token}", timeout=2)
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"{ui} server did not start; see {log.name}") from None
                time.sleep(0.5)
        yield server
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip("no browser: /usr/bin/chromium is missing (apt-get install chromium)")
    playwright = pytest.importorskip("playwright.sync_api", reason="python package playwright is missing")
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture(scope="module")
def lab(tmp_path_factory) -> Iterator[Server]:
    yield from _start_server("lab", tmp_path_factory.mktemp("lab"))


@pytest.fixture(scope="module")
def notebook7(tmp_path_factory) -> Iterator[Server]:
    yield from _start_server("notebook", tmp_path_factory.mktemp("nb7"))


@pytest.fixture
def page(browser, request):
    """A fresh browser page; a screenshot of its last state is saved as a test artefact."""
    context = browser.new_context(viewport={"width": 1300, "height": 1000})
    pg = context.new_page()
    try:
        yield pg
    finally:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        try:
            pg.screenshot(path=str(ARTIFACTS / f"{request.node.name}-final.png"), full_page=False)
        finally:
            context.close()
