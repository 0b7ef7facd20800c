"""The two-command setup: pyproject, environment.yml, Makefile and CI agree."""
import os
import re
import shutil
import subprocess
import tomllib

import nbformat
import pytest
import yaml

from analysis import paths


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~\[ ]", requirement.strip(), maxsplit=1)[0].lower()


def test_environment_yml_lists_the_same_dependencies_as_pyproject():
    project = tomllib.loads((paths.ROOT / "pyproject.toml").read_text())["project"]
    wanted = {_name(r): r.replace(" ", "") for r in project["dependencies"] + project["optional-dependencies"]["test"]}
    env = yaml.safe_load((paths.ROOT / "environment.yml").read_text())
    conda = {_name(d): d.replace(" ", "") for d in env["dependencies"]
             if isinstance(d, str) and _name(d) not in ("python", "pip")}
    assert wanted, "pyproject lists no dependencies"
    assert conda == wanted, "environment.yml and pyproject.toml disagree (same names and version ranges expected)"
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert "-e .[test]" in pip_section, "environment.yml must install the project in editable mode"


def test_ci_runs_make_test_and_makefile_documents_its_targets():
    ci = (paths.ROOT / ".ci" / "run").read_text()
    assert re.search(r"^make test$", ci, re.M)
    makefile = (paths.ROOT / "Makefile").read_text()
    documented = set(re.findall(r"^([a-z]+):.*## ", makefile, re.M))
    assert {"help", "setup", "report", "test", "validate", "lab"} <= documented


def test_readme_opens_with_the_two_commands():
    readme = (paths.ROOT / "README.md").read_text()
    head = readme[:1500]
    assert "make report" in head and "make test" in head


def _git(repo, *args):
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(GIT_CONFIG_NOSYSTEM="1", HOME=str(repo.parent))  # no user or system git config leaks in
    return subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t", *args], cwd=repo, env=env,
                          capture_output=True, text=True, check=True).stdout


@pytest.mark.skipif(shutil.which("git") is None or shutil.which("make") is None, reason="needs git and make")
def test_make_setup_installs_the_filter_that_keeps_outputs_out_of_git(tmp_path):
    """A notebook saved with outputs (as JupyterLab saves it) leaves `git status` and `git diff` clean."""
    repo = tmp_path / "project"
    (repo / "notebooks").mkdir(parents=True)
    for name in ("Makefile", "pyproject.toml", ".gitattributes", ".gitignore"):
        shutil.copy2(paths.ROOT / name, repo / name)
    nb_path = repo / "notebooks" / "00_data_overview.ipynb"
    shutil.copy2(paths.NOTEBOOKS / nb_path.name, nb_path)
    (repo / ".venv").symlink_to(paths.ROOT / ".venv")
    _git(repo, "init", "-q")
    with open(repo / ".git" / "info" / "exclude", "a") as fh:
        fh.write(".venv\n")  # a link, which .gitignore's `.venv/` does not match
    # the filter recipe of `make setup`, without reinstalling the project (-o: take the stamp as up to date)
    subprocess.run(["make", "-s", "-o", ".venv/.installed-stamp", "filter"], cwd=repo, check=True,
                   env={**os.environ, "HOME": str(tmp_path)}, capture_output=True)
    assert "filter: nbstripout" in _git(repo, "check-attr", "filter", "notebooks/00_data_overview.ipynb")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "clean")

    nb = nbformat.read(nb_path, as_version=4)
    code = next(c for c in nb.cells if c.cell_type == "code")
    code.execution_count = 7
    code.outputs = [nbformat.v4.new_output("stream", name="stdout", text="a result\n"),
                    nbformat.v4.new_output("display_data", data={"text/plain": "<Figure>", "image/png": "iVBORw0KGgo="})]
    nb.metadata["language_info"] = {"name": "python", "version": "3.11.2"}
    nbformat.write(nb, nb_path)

    # git skips the filter when a file's size differs from the index's (nbstripout issue #65), so
    # `git status` may list the notebook until it is staged; the diff, and what a commit records, are empty.
    assert _git(repo, "diff", "HEAD") == "", "outputs show in git diff"
    _git(repo, "add", "-A")
    assert _git(repo, "status", "--porcelain") == "", "staging the saved notebook would commit its outputs"
    assert _git(repo, "diff", "--cached", "--stat") == ""
    saved = nbformat.read(nb_path, as_version=4)
    assert any(c.get("outputs") for c in saved.cells), "the working copy keeps its outputs"
