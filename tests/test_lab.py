"""JupyterLab in a real browser, as an analyst uses it: open notebook 00, run all cells, save.

Runs on a temporary clone of the committed project with the nbstripout filter installed by the
Makefile, so nothing in the working tree changes: the kernel imports the clone's ``analysis`` and
writes its results under the clone's ``scratch/``. Checks that no cell shows an error or a warning,
that the charts rendered, and that the saved notebook, outputs and all, leaves git with nothing to
commit. Skips, saying why, where Debian's chromium or the ``playwright`` package is missing (the
package only drives the installed chromium: never ``playwright install``).
"""
from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest

from analysis import paths

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]
NOTEBOOK = "notebooks/00_data_overview.ipynb"

try:
    from playwright.sync_api import sync_playwright
except ImportError:  # pragma: no cover - the test extras install it
    sync_playwright = None

pytestmark = [
    pytest.mark.notebook,
    pytest.mark.skipif(not os.access(CHROMIUM, os.X_OK), reason=f"no {CHROMIUM}: install Debian's `chromium` to run the JupyterLab test"),
    pytest.mark.skipif(sync_playwright is None, reason="the `playwright` package is missing: `make setup` installs the test extras"),
    pytest.mark.skipif(shutil.which("git") is None or shutil.which("make") is None, reason="needs git and make"),
    pytest.mark.skipif(not (paths.ROOT / ".git").exists(), reason="the project is not a git clone: nothing to clone"),
]


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t", *args], cwd=repo, capture_output=True,
                          text=True, check=True).stdout


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def clone(tmp_path):
    """A clone of the committed project, with this .venv linked in and the git filter installed."""
    repo = tmp_path / "project"
    subprocess.run(["git", "clone", "-q", "--no-hardlinks", str(paths.ROOT), str(repo)], check=True)
    (repo / ".venv").symlink_to(paths.ROOT / ".venv")
    with open(repo / ".git" / "info" / "exclude", "a") as fh:
        fh.write(".venv\n")  # a link, which .gitignore's `.venv/` does not match
    # The checkout wrote the files in the second it wrote the index, so git would re-read every notebook
    # through the filter at the first `git diff` (two nbstripout processes each, about 25 s). Dating the
    # files back and refreshing the index before the filter exists records their stat info (their bytes
    # are the committed, already stripped ones): below, git filters only what Lab saved.
    past = time.time() - 60
    for name in _git(repo, "ls-files", "-z").split("\0"):
        if name:
            os.utime(repo / name, (past, past))
    _git(repo, "update-index", "-q", "--refresh")
    assert _git(repo, "status", "--porcelain") == "", "the fresh clone differs from its commit"
    subprocess.run(["make", "-s", "-o", ".venv/.installed-stamp", "filter"], cwd=repo, check=True, capture_output=True)
    return repo


@pytest.fixture
def lab(clone, tmp_path):
    """JupyterLab serving the clone; yields its URL with the token."""
    port, token = _free_port(), secrets.token_hex(16)
    settings = tmp_path / "settings" / "@jupyterlab" / "notebook-extension"
    settings.mkdir(parents=True)
    # every cell in the page (Lab 4 renders only the cells in view by default), so all can be checked
    (settings / "tracker.jupyterlab-settings").write_text('{"windowingMode": "none"}')
    env = {**os.environ, "PYTHONPATH": str(clone), "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),
           "JUPYTERLAB_WORKSPACES_DIR": str(tmp_path / "workspaces"), "JUPYTERLAB_SETTINGS_DIR": str(tmp_path / "settings")}
    env = {k: v for k, v in env.items() if not k.startswith("ND_MARKET_")}
    log = open(tmp_path / "lab.log", "w")
    proc = subprocess.Popen([str(paths.ROOT / ".venv" / "bin" / "jupyter"), "lab", "--no-browser", f"--port={port}",
                             "--ServerApp.ip=127.0.0.1", f"--ServerApp.token={token}", "--allow-root",
                             "--ServerApp.open_browser=False"], cwd=clone, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("JupyterLab did not start:\n" + (tmp_path / "lab.log").read_text()[-2000:])
                time.sleep(0.3)
        yield base, token
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def test_run_all_in_jupyterlab_and_save_leaves_git_clean(clone, lab, tmp_path):
    base, token = lab
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.set_default_timeout(30_000)
            page.goto(f"{base}/lab/tree/{NOTEBOOK}?token={token}")
            page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=45_000)
            # the status bar says so once the kernel is connected (the toolbar's indicator is idle before)
            page.get_by_text("Python (nd-market) | Idle").wait_for(timeout=45_000)
            page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
            page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
            # done: every code cell shows its execution count, none is queued or running ([*])
            page.wait_for_function("""() => {
                const prompts = [...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')].map(p => p.textContent.trim());
                return prompts.length > 0 && prompts.every(t => /^\\[\\d+\\]:$/.test(t));
            }""", timeout=45_000)
            errors = page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
            assert errors.count() == 0, "a cell shows an error or a warning:\n" + "\n".join(errors.all_inner_texts())[:2000]
            images = page.locator(".jp-OutputArea-output img")
            assert images.count() >= 3, f"expected the charts, found {images.count()} image(s)"
            assert page.evaluate("() => [...document.querySelectorAll('.jp-OutputArea-output img')]"
                                 ".every(i => i.complete && i.naturalWidth > 0)"), "a chart failed to render"
            page.screenshot(path=str(tmp_path / "lab.png"))
            saved_before = (clone / NOTEBOOK).stat().st_mtime_ns
            page.locator(".jp-Notebook").first.click()
            page.keyboard.press("Control+s")
            deadline = time.monotonic() + 20
            while (clone / NOTEBOOK).stat().st_mtime_ns == saved_before and time.monotonic() < deadline:
                time.sleep(0.2)
        finally:
            browser.close()

    nb = nbformat.read(clone / NOTEBOOK, as_version=4)
    assert any(c.get("outputs") for c in nb.cells), "the notebook was not saved with its outputs"
    # git may list a notebook whose size changed until it is staged (it skips the filter then); what
    # it would commit, and the diff, must be empty: the filter stripped every output
    assert _git(clone, "diff", "HEAD", "--stat") == "", "the saved notebook differs from the committed one"
    _git(clone, "add", "-A")
    assert _git(clone, "status", "--porcelain") == "", "saving in JupyterLab left something to commit"
    assert (clone / "scratch" / "00_data_overview.results.json").exists(), "the run's results went elsewhere than scratch/"
