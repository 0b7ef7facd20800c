"""The two-command setup: pyproject, environment.yml, Makefile and CI agree."""
import re
import tomllib

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
