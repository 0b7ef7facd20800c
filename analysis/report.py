"""Build the reports: execute every notebook with papermill, render HTML without code, publish atomically.

``python -m analysis report`` (``make report``) runs :func:`build`:

1. remove what builds that died left behind; work out each run (:mod:`analysis.runs`: a notebook
   with its defaults, plus one run per scenario file, read strictly) and the hash of its inputs
   (notebook, parameters, data files, the ``analysis`` package);
2. re-use a run whose inputs are unchanged and whose published files still match the manifest's
   checksums; anything else in ``reports/`` that no build made is dropped at the next publish;
3. before running anything, check data/ exactly as ``python -m analysis validate`` does
   (provenance included) and every scenario's parameters; refuse on any problem;
4. execute the runs in worker processes (Ctrl-C, or the build's death, stops every worker and
   kernel), render each to sanitised HTML (:mod:`analysis.render`);
5. only if every run succeeded, swap the new folder in for ``reports/``; otherwise keep the
   last good reports, save the failed notebooks under ``reports/_failed/`` and exit 1.
"""
from __future__ import annotations

import concurrent.futures as cf
import datetime as dt
import glob
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from importlib import metadata
from pathlib import Path

from analysis import brief, cache, paths, render
from analysis.runs import Run, RunError, check_parameters, discover, display_path

KERNEL_NAME = "nd-market"
OUTPUT_DIR_ENV = "ND_MARKET_OUTPUT_DIR"
RUN_NAME_ENV = "ND_MARKET_RUN_NAME"
MANIFEST = "manifest.json"
FAILED_DIR = "_failed"


def output_dir() -> Path:
    """Where a notebook writes its results file: the build's private folder during a build, else
    ``scratch/`` (ignored by git, never published).

    Only the build publishes: a run in JupyterLab or through papermill never writes into
    ``reports/``, so a published results file always belongs to its published report.
    """
    return Path(os.environ.get(OUTPUT_DIR_ENV, paths.SCRATCH))


def write_results(name: str, results: dict) -> Path:
    """Write a notebook's key figures as ``<name>.results.json`` next to its report.

    During a build the run's own name (``<notebook>__<scenario>``) replaces ``name``, so each
    scenario's results land next to its own report. ``data_as_of`` (the month the data runs to) is
    added unless the notebook gives its own. Keys keep the order the notebook wrote them in (the
    index shows ``key_figures`` in that order, so the notebook chooses what comes first) and floats
    are kept as Python writes them, so identical inputs give identical files.
    """
    name = os.environ.get(RUN_NAME_ENV) or name
    if "data_as_of" not in results:
        from analysis.data import data_as_of

        results = {**results, "data_as_of": data_as_of()}
    out = output_dir() / f"{name}.results.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2, default=str) + "\n", encoding="utf-8")
    return out


def results_note(path: Path) -> str:
    """A sentence for the notebook saying where its results file went: next to the report in a
    build, else under scratch/ (a run outside the build is never published)."""
    path = Path(path)
    if os.environ.get(OUTPUT_DIR_ENV):
        return f"The key figures are also written, machine-readable, to `{path.name}` next to this report."
    try:
        shown = path.resolve().relative_to(paths.ROOT)
    except ValueError:
        shown = path
    return (f"The key figures are also written, machine-readable, to `{shown}`. This run is not published: "
            "only the report build (`make report`) writes into `reports/`.")


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


def execute_run(run: Run, build_dir: str, kernel: str, shared_cache: str | None = None) -> dict:
    """Execute one run into ``build_dir`` (in a pool worker) and render it. Returns its status.

    The kernel talks to this process over IPC sockets in a private temporary folder, never TCP.
    Progress, ``(run name, code cells done, code cells in all)`` per cell, goes to the queue the
    worker was started with. ``shared_cache``: a folder where the build's kernels share results
    computed from the data (:mod:`analysis.cache`).
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
        if _WORKER["progress"] is not None:
            _WORKER["progress"].put((run.name, done[0], n_code))

    start = time.perf_counter()
    status, error = "ok", ""
    with tempfile.TemporaryDirectory(prefix=f"{KERNEL_DIR_PREFIX}{os.getppid()}-") as sockets:
        config = Config({"KernelManager": {"transport": "ipc", "ip": str(Path(sockets) / "kernel")}})
        try:
            # The notebook is written once at the end (and on error), not after every cell: the
            # build shows its own per-cell progress, and rewriting a notebook full of images 20-50
            # times cost up to half a second a run. The kernel logs only critical errors: jupyter_client
            # interrupts a kernel before shutting it down, which ipykernel logs as an error.
            executed = pm.execute_notebook(str(run.notebook), str(out_nb), parameters=run.parameters, kernel_name=kernel,
                                           cwd=str(paths.NOTEBOOKS), progress_bar=False, log_output=False, config=config,
                                           on_cell_executed=on_cell, request_save_on_cell_execute=False,
                                           extra_arguments=["--IPKernelApp.log_level=CRITICAL"])
            render.render_html(executed, Path(build_dir) / f"{run.name}.html")
            brief.write_thumbnail(Path(build_dir), run.name)
        except Exception as exc:  # noqa: BLE001 - every failure is reported in the status table
            message = str(exc).strip().splitlines()
            status, error = "failed", f"{type(exc).__name__}: {message[-1] if message else ''}"
    return {"run": run.name, "status": status, "error": error, "duration_s": round(time.perf_counter() - start, 2)}


# --- worker processes -------------------------------------------------------------------------------

KERNEL_DIR_PREFIX = "nd-kernel-"
SHARED_DIR_PREFIX = "nd-shared-cache-"
BUILD_DIR_PREFIX = ".reports-build-"
OLD_DIR_PREFIX = ".reports-old-"
_WORKER: dict = {"progress": None}


def _kill_tree(pid: int, grace_s: float = 1.0) -> None:
    """Terminate a process's descendants (kernels first), then the process; SIGKILL what is left after ``grace_s``."""
    import psutil

    try:
        proc = psutil.Process(pid)
        procs = proc.children(recursive=True) + [proc]
    except psutil.Error:
        return
    for p in procs:
        try:
            p.terminate()
        except psutil.Error:
            pass
    _, alive = psutil.wait_procs(procs, timeout=grace_s)
    for p in alive:
        try:
            p.kill()
        except psutil.Error:
            pass


def _worker_init(progress) -> None:
    """A pool worker ignores Ctrl-C (the build handles it), dies with the build, and takes its kernel with it."""
    import signal

    _WORKER["progress"] = progress
    signal.signal(signal.SIGINT, signal.SIG_IGN)

    def on_term(signum, frame):
        try:
            import psutil

            for child in psutil.Process().children(recursive=True):
                try:
                    child.kill()
                except psutil.Error:
                    pass
        finally:  # whatever happened above, this worker ends here
            os._exit(143)

    signal.signal(signal.SIGTERM, on_term)
    if sys.platform.startswith("linux"):
        try:  # PR_SET_PDEATHSIG: SIGTERM this worker when the build process dies, even by SIGKILL
            import ctypes

            ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)
        except OSError:
            pass
    if os.getppid() == 1:  # the build died before the line above ran
        os._exit(1)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_leftovers(parent: Path) -> list[Path]:
    """Remove build, swap, kernel and cache folders left by builds that died; return what was removed.

    Each folder's name carries the process id of the build that made it; a folder whose build is
    still running is left alone.
    """
    import re

    found = [p for p in Path(parent).glob(".reports-*-*") if p.name.startswith((BUILD_DIR_PREFIX, OLD_DIR_PREFIX))]
    tmp = Path(tempfile.gettempdir())
    found += [p for p in tmp.glob("nd-*-*") if p.name.startswith((KERNEL_DIR_PREFIX, SHARED_DIR_PREFIX))]
    removed = []
    for folder in found:
        m = re.search(r"-(\d+)-", folder.name[folder.name.index("-", 1):])
        if m and _pid_alive(int(m.group(1))):
            continue
        shutil.rmtree(folder, ignore_errors=True)
        removed.append(folder)
    return removed


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
    """Execute ``todo`` in ``jobs`` worker processes. On Ctrl-C (or any error here) every worker and
    its kernel is stopped before the exception goes on."""
    import multiprocessing as mp
    import queue

    statuses = {}
    progress = _Progress(todo)
    events = mp.get_context().Queue()
    with tempfile.TemporaryDirectory(prefix=f"{SHARED_DIR_PREFIX}{os.getpid()}-") as shared:
        pool = cf.ProcessPoolExecutor(max_workers=jobs, initializer=_worker_init, initargs=(events,))
        try:
            futures = {pool.submit(execute_run, run, str(build_dir), kernel, shared): run for run in todo}
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
        except BaseException:
            workers = list((getattr(pool, "_processes", None) or {}).keys())
            for pid in workers:
                _kill_tree(pid, grace_s=0.5)
            pool.shutdown(wait=False, cancel_futures=True)
            raise
        finally:
            progress.close()
        pool.shutdown(wait=True)
    events.close()
    return statuses


def _longest_first(todo: list[Run], *manifests: Path) -> list[Run]:
    """``todo`` with the runs that took longest last time first, so no long run starts last.

    Durations come from the first of ``manifests`` that has the run; runs never timed go first,
    in name order (with no history at all the order is unchanged).
    """
    took: dict[str, float] = {}
    for path in reversed(manifests):
        for r in read_manifest(path, quiet=True).get("runs", []):
            try:
                took[r["run"]] = float(r["duration_s"])
            except (KeyError, TypeError, ValueError):
                continue  # a damaged entry only costs the scheduling hint
    return sorted(todo, key=lambda r: -took.get(r.name, float("inf")))


# --- the manifest and the published files ------------------------------------------------------

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


def _sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def read_manifest(path: Path, quiet: bool = False) -> dict:
    """The previous build's manifest, or ``{}`` when it is missing or damaged (then nothing is cached)."""
    path = Path(path)
    if not path.exists():
        return {}
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(manifest, dict) or not isinstance(manifest.get("runs", []), list) \
                or not all(isinstance(r, dict) and "run" in r for r in manifest.get("runs", [])):
            raise ValueError("unexpected structure")
        return manifest
    except (ValueError, UnicodeDecodeError) as err:
        if not quiet:
            print(f"warning: {display_path(path)} is damaged ({err}); treating it as no cache and rebuilding everything",
                  file=sys.stderr)
        return {}


def _outputs(build_dir: Path, name: str) -> dict[str, str]:
    """Checksums of a run's published files: notebook, report, results, key-chart thumbnail and its
    charts' data (CSV)."""
    files = [build_dir / f"{name}{s}" for s in (".ipynb", ".html", ".results.json", brief.THUMB_SUFFIX)]
    files += sorted(build_dir.glob(f"{glob.escape(name)}.*.csv"))
    return {f.name: _sha256(f) for f in files if f.exists()}


def unverified(target: Path, manifest: dict) -> tuple[set[str], list[str]]:
    """Runs whose published files do not match the manifest's checksums, and files no build made.

    Returns ``(run names to rebuild, stray file names)``.
    """
    if not manifest:
        return set(), []  # nothing to verify against: every run is rebuilt anyway
    mismatched, listed = set(), {MANIFEST, "index.html", FAILED_DIR}
    for r in manifest.get("runs", []):
        files = r.get("outputs") or {}
        listed |= set(files)
        for name, digest in files.items():
            f = target / name
            if not f.is_file() or _sha256(f) != digest:
                mismatched.add(r["run"])
        if not files:
            mismatched.add(r["run"])  # a manifest from before checksums: verify by rebuilding
    for page, key in (("index.html", "index_sha256"), (brief.PDF_NAME, "brief_pdf_sha256")):
        f = target / page
        if f.is_file() and _sha256(f) == manifest.get(key):
            listed.add(page)
        else:
            listed.discard(page)
    strays = sorted(p.name for p in target.iterdir() if p.name not in listed) if target.is_dir() else []
    return mismatched, strays


def _print_table(results: list[dict]) -> None:
    width = max([len(r["run"]) for r in results] + [8])
    print(f"\n{'report':<{width}}  status   seconds  error")
    for r in results:
        print(f"{r['run']:<{width}}  {r['status']:<7}  {r['duration_s']:>7}  {r.get('error', '')}")


def _publish(build_dir: Path, target: Path) -> None:
    """Swap the finished build in for ``target`` (the old folder is removed only afterwards).

    The build folder was made private (0700) by ``mkdtemp``; the published folder gets the
    permissions the umask gives any new folder, so a web server can serve it.
    """
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(build_dir, 0o777 & ~umask)
    old = None
    if target.exists():
        old = target.with_name(f"{OLD_DIR_PREFIX}{os.getpid()}-{os.urandom(3).hex()}")
        target.rename(old)
    build_dir.rename(target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _check_data(shared_hash: str, previous: dict) -> list[str]:
    """Every schema and provenance problem in data/ (what ``validate`` prints); skipped when the inputs
    were validated by the last good build."""
    if previous.get("validated_inputs") == shared_hash:
        return []
    from analysis import data

    return [str(p) for p in data.validate_all()]


def _refuse(headline: str, lines: list[str], code: int) -> int:
    print(headline, file=sys.stderr)
    for line in lines:
        print(f"  - {line}", file=sys.stderr)
    return code


# --- the build -------------------------------------------------------------------------------------

def _plan(selected: list[Run], notebooks, force: bool, target: Path, previous: dict):
    """Split the runs into those to execute and those whose verified published files are re-used."""
    prev_runs = {r["run"]: r for r in previous.get("runs", [])}
    mismatched, strays = unverified(target, previous)
    for name in sorted(mismatched & set(prev_runs)):
        if prev_runs[name].get("outputs"):
            print(f"{display_path(target)}/{name}.*: published files do not match the manifest's checksums; rebuilding {name}",
                  file=sys.stderr)
    for name in strays:
        print(f"{display_path(target)}/{name}: not made by the build; it will not be published", file=sys.stderr)
    # Building some notebooks keeps the other published (and verified) reports as they are.
    chosen = {r.name for r in selected}
    kept = [r for r in discover() if r.name not in chosen and r.name in prev_runs and r.name not in mismatched] \
        if notebooks else []
    shared = _hash_files(input_files())
    hashes = {run.name: run_hash(run, shared) for run in selected}
    hashes.update({run.name: prev_runs[run.name].get("input_hash") for run in kept})
    cached = [r for r in selected if not force and r.name not in mismatched
              and prev_runs.get(r.name, {}).get("input_hash") == hashes[r.name]] + kept
    todo = [r for r in selected if r not in cached]
    runs = sorted(selected + kept, key=lambda r: r.name)
    dirty = bool(strays) or bool(todo) or {r["run"] for r in previous.get("runs", [])} != {r.name for r in runs}
    return runs, cached, todo, hashes, shared, dirty


def _finish(build_dir: Path, target: Path, runs: list[Run], statuses: dict, shared: str, previous: dict,
            pdf: bool = True) -> int:
    """Status table; then either publish the build (exit 0) or keep the failed notebooks aside (exit 1)."""
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
              f"errors, are in {display_path(keep)}/", file=sys.stderr)
        return 1
    manifest = _site(build_dir, target, runs, ordered, shared, previous, pdf)
    (build_dir / MANIFEST).write_text(json.dumps(manifest, indent=2, default=str) + "\n", encoding="utf-8")
    _publish(build_dir, target)
    print(f"\npublished {len(runs)} report(s) to {display_path(target)}/index.html")
    return 0


def _site(build_dir: Path, target: Path, runs: list[Run], ordered: list[dict], shared: str, previous: dict,
          pdf: bool) -> dict:
    """Thumbnails, the brief (index.html, what changed since the published build in ``target``) and
    its PDF; returns the manifest. The PDF is printed while the published files are checksummed."""
    notebooks = {r.name: r.notebook for r in runs}
    for s in ordered:
        if not (build_dir / f"{s['run']}{brief.THUMB_SUFFIX}").exists():
            brief.write_thumbnail(build_dir, s["run"])  # a run cached from a build that made none
        s["notebook_sha256"] = _sha256(notebooks[s["run"]])
    manifest = {
        "git_commit": _git_commit(),
        "built_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "package_versions": _versions(),
        "validated_inputs": shared,
        "input_checksums": {str(p.relative_to(paths.ROOT)): _sha256(p) for p in sorted(input_files())},
        "runs": [{"run": s["run"], **{k: v for k, v in s.items() if k != "run"}} for s in ordered],
    }
    change = brief.changes(previous, target, manifest, build_dir)  # target still holds the published results
    render.write_index(build_dir, runs, manifest["git_commit"], change=change, with_changes=True)
    printer = brief.PdfJob(build_dir / "index.html", build_dir / brief.PDF_NAME) if pdf else None
    try:
        for s in manifest["runs"]:
            s["outputs"] = _outputs(build_dir, s["run"])
    except BaseException:
        if printer:
            printer.kill()
        raise
    print(printer.wait() if printer else f"{brief.PDF_NAME} not printed (--no-pdf)", flush=True)
    manifest["index_sha256"] = _sha256(build_dir / "index.html")
    if (build_dir / brief.PDF_NAME).exists():
        manifest["brief_pdf_sha256"] = _sha256(build_dir / brief.PDF_NAME)
    manifest["changed_since_previous"] = change
    return manifest


def build(notebooks: list[str] | None = None, force: bool = False, jobs: int = 2, target: Path | None = None,
          pdf: bool = True) -> int:
    """Build the reports into ``target`` (default reports/); return the exit code. ``pdf``: print
    ``brief.pdf`` with headless Chromium where one is installed.

    0: published (or already up to date); 1: data problems or a failed run, the last good reports
    kept; 2: a usage or scenario problem, found before anything ran.
    """
    target = Path(target) if target is not None else paths.REPORTS
    if jobs < 1:
        return _refuse(f"Refusing to build: --jobs must be at least 1, got {jobs}.", [], 2)
    for folder in remove_leftovers(target.parent):
        print(f"removed {display_path(folder)}, left by a build that did not finish", file=sys.stderr)
    try:
        selected = discover(notebooks)
    except RunError as err:
        return _refuse(err.headline, err.problems, err.exit_code)
    if not selected:
        return _refuse("no notebooks found under notebooks/", [], 1)
    previous = read_manifest(target / MANIFEST)
    runs, cached, todo, hashes, shared, dirty = _plan(selected, notebooks, force, target, previous)
    if not dirty:
        print(f"reports are up to date ({len(cached)} cached, checksums verified); use --force to rebuild")
        return 0
    bad = _check_data(shared, previous)
    if bad:
        return _refuse(f"Refusing to build: {len(bad)} problem(s) in data/ (the same checks as `python -m analysis "
                       "validate`); the last good reports are untouched.", bad, 1)
    bad = check_parameters(todo)
    if bad:
        return _refuse("Refusing to build: parameters do not match the notebooks' declarations (nothing was run).", bad, 2)
    todo = _longest_first(todo, target / MANIFEST, paths.REPORTS / MANIFEST)
    prev_runs = {r["run"]: r for r in previous.get("runs", [])}
    target.parent.mkdir(parents=True, exist_ok=True)
    build_dir = Path(tempfile.mkdtemp(prefix=f"{BUILD_DIR_PREFIX}{os.getpid()}-", dir=target.parent))
    try:
        statuses: dict[str, dict] = {}
        for run in cached:  # every file the manifest lists for it: charts' CSVs and thumbnail too
            names = set(prev_runs[run.name].get("outputs") or {}) | {f"{run.name}{s}" for s in (".ipynb", ".html", ".results.json")}
            for name in sorted(names):
                src = target / name
                if src.is_file():
                    shutil.copy2(src, build_dir / name)
            statuses[run.name] = {**prev_runs[run.name], "status": "cached"}
        if todo:
            kernel = kernel_name()
            print(f"building {len(todo)} report(s), {len(cached)} cached, kernel {kernel}, {jobs} at a time", flush=True)
            statuses.update(_execute_all(todo, build_dir, kernel, jobs))
        for run in runs:
            statuses[run.name].update(input_hash=hashes[run.name], parameters=run.parameters,
                                      scenario_file=display_path(run.scenario_file) if run.scenario_file else None)
        return _finish(build_dir, target, runs, statuses, shared, previous, pdf)
    finally:
        if build_dir.exists():
            shutil.rmtree(build_dir, ignore_errors=True)


__all__ = ["build", "output_dir", "read_manifest", "records", "remove_leftovers", "write_results"]
