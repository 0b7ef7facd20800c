"""Ctrl-C stops a build quickly and cleanly; a killed build takes its workers and kernels with it."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import nbformat
import psutil
import pytest

import project_copy

pytestmark = pytest.mark.notebook


def _slow_project(root):
    """A project copy whose two notebooks each sleep for a minute."""
    project_copy.make(root)
    for nb in (root / "notebooks").glob("*"):
        nb.unlink()
    for folder in (root / "scenarios").iterdir():
        for f in folder.iterdir():
            f.unlink()
        folder.rmdir()
    for name in ("10_slow", "11_slow"):
        nb = nbformat.v4.new_notebook()
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        nb.cells = [nbformat.v4.new_markdown_cell(f"# {name}"),
                    nbformat.v4.new_code_cell("x = 1  # a number", metadata={"tags": ["parameters"]}),
                    nbformat.v4.new_code_cell("import time\ntime.sleep(60)")]
        nbformat.write(nb, root / "notebooks" / f"{name}.ipynb")
    return root


def _start(root):
    env = {k: v for k, v in os.environ.items() if not k.startswith("ND_MARKET_")}
    env["PYTHONPATH"] = str(root)
    return subprocess.Popen([sys.executable, "-m", "analysis", "report"], cwd=root, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)


def _wait_for_kernels(proc, n=2, timeout=60):
    """The build's descendants once ``n`` kernels run."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        kids = psutil.Process(proc.pid).children(recursive=True)
        if sum("ipykernel" in " ".join(k.cmdline()) for k in kids if k.is_running()) >= n:
            return kids
        time.sleep(0.3)
    raise AssertionError("the kernels never started")


def _gone(procs, timeout=5.0) -> list:
    _, alive = psutil.wait_procs(procs, timeout=timeout)
    return [p for p in alive if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]


def test_ctrl_c_stops_the_build_within_seconds_with_one_line(tmp_path):
    root = _slow_project(tmp_path / "project")
    proc = _start(root)
    kids = _wait_for_kernels(proc)
    start = time.monotonic()
    os.killpg(proc.pid, signal.SIGINT)  # what a terminal's Ctrl-C does: the whole foreground group
    out, err = proc.communicate(timeout=30)
    took = time.monotonic() - start
    assert proc.returncode == 130, err
    assert took < 3.0, f"took {took:.1f} s to stop"
    assert "Traceback" not in out + err and "KeyboardInterrupt" not in out + err, err
    assert "interrupted" in err
    assert _gone(kids) == [], "a worker or kernel outlived the build"
    assert not list(root.glob(".reports-*")) and not (root / "reports").exists()


def test_a_killed_build_takes_its_workers_and_kernels_with_it(tmp_path):
    root = _slow_project(tmp_path / "project")
    proc = _start(root)
    kids = _wait_for_kernels(proc)
    proc.kill()  # SIGKILL: no chance to clean up
    proc.communicate(timeout=30)
    assert _gone(kids, timeout=10) == [], "workers or kernels kept running after the build died"
    leftovers = list(root.glob(".reports-build-*"))
    assert leftovers, "a killed build cannot remove its own folder"
    # the next build removes it (and stops at once here: no notebooks to run is not the point)
    proc2 = _start(root)
    _wait_for_kernels(proc2)
    assert not any(p.exists() for p in leftovers)
    os.killpg(proc2.pid, signal.SIGINT)
    proc2.communicate(timeout=30)
