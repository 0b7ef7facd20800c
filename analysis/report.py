"""Build the reports: execute every notebook with papermill, render HTML without code, publish atomically.

``python -m analysis report`` (``make report``) runs :func:`build`:

1. work out each run (a notebook with its default parameters, plus one run per scenario file in
   ``scenarios/<notebook stem>/*.yaml``; a ``base.yaml`` there replaces the default run) and the hash of its inputs (notebook, parameters,
   data files, the ``analysis`` package);
2. re-use a run whose inputs are unchanged since the last good build, execute the others in
   separate processes;
3. render each executed notebook to HTML without input cells or stderr noise;
4. only if every run succeeded, swap the new folder in for ``reports/``; otherwise keep the
   last good reports, save the failed notebooks under ``reports/_failed/`` and exit non-zero.
"""
from __future__ import annotations

import concurrent.futures as cf
import datetime as dt
import functools
import hashlib
import html
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

import yaml

from analysis import cache, paths

KERNEL_NAME = "nd-market"
OUTPUT_DIR_ENV = "ND_MARKET_OUTPUT_DIR"
RUN_NAME_ENV = "ND_MARKET_RUN_NAME"
MANIFEST = "manifest.json"
FAILED_DIR = "_failed"


def output_dir() -> Path:
    """Where a notebook should write its results files: the build folder during a build,
    ``reports/`` when run interactively."""
    return Path(os.environ.get(OUTPUT_DIR_ENV, paths.REPORTS))


def write_results(name: str, results: dict) -> Path:
    """Write a notebook's key figures as ``<name>.results.json`` next to its report.

    During a build the run's own name (``<notebook>__<scenario>``) replaces ``name``, so each
    scenario's results land next to its own report. Keys are sorted and floats kept as Python
    writes them, so identical inputs give identical files.
    """
    name = os.environ.get(RUN_NAME_ENV) or name
    out = output_dir() / f"{name}.results.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2, sort_keys=True, default=str) + "\n", encoding="utf-8")
    return out


def records(frame, digits: int = 4) -> list[dict]:
    """JSON-ready rows of a DataFrame for a results file: periods and dates as text, floats
    rounded to ``digits``, missing values as None."""
    import pandas as pd

    out = frame.copy()
    for col in out.columns:
        if isinstance(out[col].dtype, pd.PeriodDtype):
            out[col] = out[col].astype(str)
        elif pd.api.types.is_datetime64_any_dtype(out[col]):
            out[col] = out[col].dt.strftime("%Y-%m-%d")
        elif pd.api.types.is_float_dtype(out[col]):
            out[col] = out[col].round(digits)
    out = out.astype(object).where(out.notna(), None)
    return out.to_dict(orient="records")


@dataclass
class Run:
    """One notebook execution: a notebook and a named set of parameters."""

    notebook: Path
    scenario: str = "default"
    parameters: dict = field(default_factory=dict)
    scenario_file: Path | None = None

    @property
    def name(self) -> str:
        return self.notebook.stem if self.scenario == "default" else f"{self.notebook.stem}__{self.scenario}"


def discover_runs(notebooks: list[str] | None = None) -> list[Run]:
    """Every run to build: each notebook with its defaults, plus its scenario files."""
    found = sorted(paths.NOTEBOOKS.glob("[0-9]*.ipynb"))
    if notebooks:
        wanted = {Path(n).stem for n in notebooks}
        unknown = wanted - {p.stem for p in found}
        if unknown:
            raise SystemExit(f"unknown notebook(s): {', '.join(sorted(unknown))}; known: {', '.join(p.stem for p in found)}")
        found = [p for p in found if p.stem in wanted]
    runs = []
    for nb in found:
        scenarios = sorted((paths.SCENARIOS / nb.stem).glob("*.yaml"))
        if not any(s.stem == "base" for s in scenarios):
            runs.append(Run(nb))  # a base.yaml, when present, stands for the defaults
        for scenario in scenarios:
            params = yaml.safe_load(scenario.read_text(encoding="utf-8")) or {}
            runs.append(Run(nb, scenario.stem, params, scenario))
    return runs


def _display(path: Path) -> str:
    """A path relative to the project when it is inside it, else as given."""
    try:
        return str(Path(path).relative_to(paths.ROOT))
    except ValueError:
        return str(path)


def _hash_files(files) -> str:
    h = hashlib.sha256()
    for f in sorted(files):
        h.update(str(Path(f).relative_to(paths.ROOT)).encode())
        h.update(Path(f).read_bytes())
    return h.hexdigest()


def input_files() -> list[Path]:
    """Inputs shared by every run: the data and the analysis package."""
    data = [p for p in paths.DATA.rglob("*") if p.is_file()]
    package = list((paths.ROOT / "analysis").rglob("*.py"))
    return data + package


def run_hash(run: Run, shared: str) -> str:
    h = hashlib.sha256(shared.encode())
    h.update(run.notebook.read_bytes())
    h.update(json.dumps(run.parameters, sort_keys=True, default=str).encode())
    return h.hexdigest()


def kernel_name() -> str:
    """The project's kernel if it is installed (``make`` installs it), else the default python3."""
    from jupyter_client.kernelspec import KernelSpecManager

    return KERNEL_NAME if KERNEL_NAME in KernelSpecManager().find_kernel_specs() else "python3"


def _strip_noise(nb) -> None:
    """Drop stderr streams (warnings, progress bars) from the rendered report."""
    for cell in nb.cells:
        if cell.get("cell_type") == "code":
            cell["outputs"] = [o for o in cell.get("outputs", []) if not (o.get("output_type") == "stream" and o.get("name") == "stderr")]


@functools.cache
def _html_exporter():
    """One exporter per process: building one compiles its templates (~0.2 s)."""
    from nbconvert import HTMLExporter

    return HTMLExporter(exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True)


def render_html(executed, out_html: Path) -> None:
    """Render an executed notebook (a path, or the notebook itself) to HTML without code cells or prompts."""
    import copy

    import nbformat

    nb = nbformat.read(executed, as_version=4) if isinstance(executed, (str, Path)) else copy.deepcopy(executed)
    _strip_noise(nb)
    exporter = _html_exporter()
    title = nb.metadata.get("title", Path(out_html).stem)
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": title}})
    out_html.write_text(body, encoding="utf-8")


def execute_run(run: Run, build_dir: str, kernel: str, progress=None, shared_cache: str | None = None) -> dict:
    """Execute one run into ``build_dir`` (in its own process) and render it. Returns its status.

    The kernel talks to this process over IPC sockets in a private temporary folder, never TCP.
    ``progress``, a queue, receives ``(run name, code cells done, code cells in all)`` per cell.
    ``shared_cache``: a folder where the build's kernels share results computed from the data
    (:mod:`analysis.cache`), so the scenarios of one notebook do not each recompute them.
    """
    import nbformat
    import papermill as pm
    from traitlets.config import Config

    os.environ[OUTPUT_DIR_ENV] = build_dir
    os.environ[RUN_NAME_ENV] = run.name
    if shared_cache:
        os.environ[cache.SHARED_DIR_ENV] = shared_cache
    out_nb = Path(build_dir) / f"{run.name}.ipynb"
    n_code = sum(1 for c in nbformat.read(run.notebook, as_version=4).cells if c.cell_type == "code") + (1 if run.parameters else 0)
    done = [0]

    def on_cell(cell, cell_index, execute_reply):
        done[0] += 1
        if progress is not None:
            progress.put((run.name, done[0], n_code))

    start = time.perf_counter()
    status, error = "ok", ""
    with tempfile.TemporaryDirectory(prefix="nd-kernel-") as sockets:
        config = Config({"KernelManager": {"transport": "ipc", "ip": str(Path(sockets) / "kernel")}})
        try:
            # The notebook is written once at the end (and on error), not after every cell: the
            # build shows its own per-cell progress, and rewriting a notebook full of images 20-50
            # times cost up to half a second a run.
            executed = pm.execute_notebook(str(run.notebook), str(out_nb), parameters=run.parameters, kernel_name=kernel,
                                           cwd=str(paths.NOTEBOOKS), progress_bar=False, log_output=False, config=config,
                                           on_cell_executed=on_cell, request_save_on_cell_execute=False)
            render_html(executed, Path(build_dir) / f"{run.name}.html")
        except Exception as exc:  # noqa: BLE001 - every failure is reported in the status table
            message = str(exc).strip().splitlines()
            status, error = "failed", f"{type(exc).__name__}: {message[-1] if message else ''}"
    return {"run": run.name, "status": status, "error": error, "duration_s": round(time.perf_counter() - start, 2)}


def _git_commit() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "HEAD"], cwd=paths.ROOT, capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def _versions() -> dict:
    names = ["pandas", "numpy", "matplotlib", "seaborn", "statsmodels", "scipy", "pandera", "papermill", "nbconvert"]
    out = {"python": sys.version.split()[0]}
    for n in names:
        try:
            out[n] = metadata.version(n)
        except metadata.PackageNotFoundError:
            out[n] = "not installed"
    return out


def _summary(notebook: Path) -> tuple[str, str]:
    """Title and first paragraph of a notebook's opening markdown cell."""
    import nbformat

    nb = nbformat.read(notebook, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            lines = [line for line in cell.source.splitlines()]
            title = next((line.lstrip("# ").strip() for line in lines if line.startswith("#")), notebook.stem)
            paras = [p.strip() for p in "\n".join(line for line in lines if not line.startswith("#")).split("\n\n") if p.strip()]
            return title, (paras[0] if paras else "")
    return notebook.stem, ""


def write_index(build_dir: Path, runs: list[Run], statuses: dict[str, dict]) -> None:
    """The landing page: one card per report with its summary and key figures."""
    cards = []
    for run in runs:
        title, summary = _summary(run.notebook)
        results_file = build_dir / f"{run.name}.results.json"
        figures = ""
        if results_file.exists():
            key = json.loads(results_file.read_text(encoding="utf-8")).get("key_figures", {})
            items = "".join(f"<li>{html.escape(str(k))}: <b>{html.escape(str(v))}</b></li>" for k, v in key.items())
            figures = f"<ul>{items}</ul>" if items else ""
        scenario = "" if run.scenario == "default" else f" <small>(scenario: {html.escape(run.scenario)})</small>"
        cards.append(f'<section><h2><a href="{run.name}.html">{html.escape(title)}</a>{scenario}</h2>'
                     f"<p>{html.escape(summary)}</p>{figures}</section>")
    page = f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Nd / NdFeB market reports</title>
<style>body{{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;line-height:1.5}}
section{{border-top:1px solid #ccc;padding:.5rem 0}} small{{color:#666}}</style></head><body>
<h1>Nd / NdFeB market reports</h1>
<p>Reproducible, parameterised analyses of the neodymium and NdFeB magnet market. Every figure names its
source; see each report's notes. Built from commit <code>{html.escape(_git_commit()[:12])}</code>.</p>
{''.join(cards)}
</body></html>
"""
    (build_dir / "index.html").write_text(page, encoding="utf-8")


def _print_table(results: list[dict]) -> None:
    width = max([len(r["run"]) for r in results] + [8])
    print(f"\n{'report':<{width}}  status   seconds  error")
    for r in results:
        print(f"{r['run']:<{width}}  {r['status']:<7}  {r['duration_s']:>7}  {r.get('error', '')}")


def _publish(build_dir: Path, target: Path) -> None:
    """Swap the finished build in for ``target`` (the old folder is removed only afterwards)."""
    old = None
    if target.exists():
        old = target.with_name(f".reports-old-{os.getpid()}")
        target.rename(old)
    build_dir.rename(target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def check_parameters(runs: list[Run]) -> list[str]:
    """Every parameter problem in every run, checked against the notebooks' declarations."""
    from analysis import params

    found = []
    for run in runs:
        label = _display(run.scenario_file) if run.scenario_file else run.notebook.name
        found += [f"{label}: {p}" for p in params.problems(run.notebook, run.parameters)]
    return found


class _Progress:
    """Per-notebook, per-cell progress: tqdm bars on a terminal, a line per quarter otherwise."""

    def __init__(self, runs: list[Run]):
        from tqdm.auto import tqdm

        self.tty = sys.stderr.isatty()
        self.bars = {}
        self.marks = {}
        if self.tty:
            width = max(len(r.name) for r in runs)
            self.bars = {r.name: tqdm(total=1, desc=r.name.ljust(width), unit="cell", position=i, leave=True)
                         for i, r in enumerate(runs)}

    def update(self, name: str, done: int, total: int) -> None:
        if self.tty:
            bar = self.bars[name]
            bar.total = total
            bar.n = done
            bar.refresh()
        else:
            quarter = 4 * done // total
            if quarter > self.marks.get(name, 0):
                self.marks[name] = quarter
                print(f"  {name}: cell {done}/{total}", flush=True)

    def close(self) -> None:
        for bar in self.bars.values():
            bar.close()


def _execute_all(todo: list[Run], build_dir: Path, kernel: str, jobs: int) -> dict[str, dict]:
    import multiprocessing as mp
    import queue

    statuses = {}
    progress = _Progress(todo)
    with mp.Manager() as manager, tempfile.TemporaryDirectory(prefix="nd-shared-cache-") as shared:
        events = manager.Queue()
        with cf.ProcessPoolExecutor(max_workers=max(1, jobs)) as pool:
            futures = {pool.submit(execute_run, run, str(build_dir), kernel, events, shared): run for run in todo}
            pending = set(futures)
            while pending:
                done, pending = cf.wait(pending, timeout=0.2, return_when=cf.FIRST_COMPLETED)
                while True:
                    try:
                        progress.update(*events.get_nowait())
                    except queue.Empty:
                        break
                for fut in done:
                    res = fut.result()
                    statuses[res["run"]] = res
                    if not progress.tty:
                        print(f"{res['run']}: {res['status']} in {res['duration_s']} s", flush=True)
    progress.close()
    return statuses


def _longest_first(todo: list[Run], *manifests: Path) -> list[Run]:
    """``todo`` with the runs that took longest last time first, so no long run starts last.

    Durations come from the first of ``manifests`` that has the run; runs never timed go first,
    in name order (with no history at all the order is unchanged).
    """
    took: dict[str, float] = {}
    for path in reversed(manifests):
        if path.exists():
            try:
                took.update({r["run"]: float(r["duration_s"]) for r in json.loads(path.read_text(encoding="utf-8"))["runs"]
                             if "duration_s" in r})
            except (ValueError, KeyError, TypeError):
                continue  # a damaged manifest only costs the scheduling hint
    return sorted(todo, key=lambda r: -took.get(r.name, float("inf")))


def build(notebooks: list[str] | None = None, force: bool = False, jobs: int = 2, target: Path | None = None) -> int:
    """Build the reports into ``target`` (default reports/); return the exit code (0 = published)."""
    target = Path(target) if target is not None else paths.REPORTS
    selected = discover_runs(notebooks)
    if not selected:
        print("no notebooks found under notebooks/", file=sys.stderr)
        return 1
    manifest_path = target / MANIFEST
    previous = {}
    if manifest_path.exists():
        previous = {r["run"]: r for r in json.loads(manifest_path.read_text(encoding="utf-8")).get("runs", [])}
    # Building some notebooks keeps the other published reports as they are.
    chosen = {r.name for r in selected}
    kept = [r for r in discover_runs() if r.name not in chosen and r.name in previous
            and (target / f"{r.name}.html").exists()] if notebooks else []
    runs = sorted(selected + kept, key=lambda r: r.name)
    shared = _hash_files(input_files())
    hashes = {run.name: run_hash(run, shared) for run in selected}
    hashes.update({run.name: previous[run.name].get("input_hash") for run in kept})
    cached = [r for r in selected if not force and previous.get(r.name, {}).get("input_hash") == hashes[r.name]
              and (target / f"{r.name}.html").exists()] + kept
    todo = _longest_first([r for r in selected if r not in cached], manifest_path, paths.REPORTS / MANIFEST)
    if not todo:
        print(f"reports are up to date ({len(cached)} cached); use --force to rebuild")
        return 0
    bad = check_parameters(todo)
    if bad:
        print("Refusing to build: parameters do not match the notebooks' declarations.", file=sys.stderr)
        for line in bad:
            print(f"  - {line}", file=sys.stderr)
        return 2

    target.parent.mkdir(parents=True, exist_ok=True)
    build_dir = Path(tempfile.mkdtemp(prefix=".reports-build-", dir=target.parent))
    try:
        statuses: dict[str, dict] = {}
        for run in cached:
            for suffix in (".ipynb", ".html", ".results.json"):
                src = target / f"{run.name}{suffix}"
                if src.exists():
                    shutil.copy2(src, build_dir / src.name)
            statuses[run.name] = {**previous[run.name], "status": "cached"}
        kernel = kernel_name()
        print(f"building {len(todo)} report(s), {len(cached)} cached, kernel {kernel}, {jobs} at a time", flush=True)
        statuses.update(_execute_all(todo, build_dir, kernel, jobs))
        for run in runs:
            statuses[run.name]["input_hash"] = hashes[run.name]
            statuses[run.name]["parameters"] = run.parameters
            statuses[run.name]["scenario_file"] = _display(run.scenario_file) if run.scenario_file else None
        ordered = [statuses[r.name] for r in runs]
        _print_table(ordered)
        failed = [s for s in ordered if s["status"] == "failed"]
        if failed:
            keep = target / FAILED_DIR
            keep.mkdir(parents=True, exist_ok=True)
            for s in failed:
                nb = build_dir / f"{s['run']}.ipynb"
                if nb.exists():
                    shutil.copy2(nb, keep / nb.name)
            names = ", ".join(s["run"] for s in failed)
            print(f"\nFAILED: {names}. The last good reports are untouched; the failed notebooks, with their "
                  f"errors, are in {keep}/", file=sys.stderr)
            return 1
        write_index(build_dir, runs, statuses)
        manifest = {
            "git_commit": _git_commit(),
            "built_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
            "package_versions": _versions(),
            "input_checksums": {str(p.relative_to(paths.ROOT)): hashlib.sha256(p.read_bytes()).hexdigest()
                                for p in sorted(input_files())},
            "runs": [{"run": s["run"], **{k: v for k, v in s.items() if k != "run"}} for s in ordered],
        }
        (build_dir / MANIFEST).write_text(json.dumps(manifest, indent=2, default=str) + "\n", encoding="utf-8")
        _publish(build_dir, target)
        print(f"\npublished {len(runs)} report(s) to {target}/index.html")
        return 0
    finally:
        if build_dir.exists():
            shutil.rmtree(build_dir, ignore_errors=True)


__all__ = ["Run", "build", "check_parameters", "discover_runs", "output_dir", "records", "render_html", "write_results"]
