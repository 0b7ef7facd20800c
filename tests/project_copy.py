"""A scratch copy of the project, and the command line run against it, for end-to-end tests.

``python -m analysis`` run with the copy as its working directory imports the copy's own
``analysis`` package, so every path (data/, notebooks/, scenarios/, reports/) is the copy's.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

from analysis import paths

PARTS = ["analysis", "data", "notebooks", "scenarios", "seeds"]


def make(target: Path) -> Path:
    """Copy what a build needs into ``target``; return it."""
    target.mkdir(parents=True, exist_ok=True)
    for part in PARTS:
        shutil.copytree(paths.ROOT / part, target / part, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints"))
    return target


def cli(project: Path, *args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    """Run ``python -m analysis ARGS`` in ``project``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ND_MARKET_")}
    env["PYTHONPATH"] = str(project)
    return subprocess.run([sys.executable, "-m", "analysis", *args], cwd=project, env=env, capture_output=True,
                          text=True, timeout=timeout)


def snapshot(folder: Path) -> dict[str, str]:
    """Checksum of every file under ``folder``, by relative path."""
    folder = Path(folder)
    if not folder.exists():
        return {}
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}
