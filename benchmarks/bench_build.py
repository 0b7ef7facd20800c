"""Time the report build against its reference points, in one run.

    .venv/bin/python benchmarks/bench_build.py [--jobs 2]

Measures, wall clock, each as a separate process so start-up costs count:

1. cold build: ``python -m analysis report --force`` into a scratch folder;
2. rebuild with nothing changed: the same command again;
3. sequential CLI: each run through ``papermill`` then ``jupyter nbconvert --to html --no-input``;
4. floor: one trivial notebook per run, holding only that notebook's imports, through the same
   build pipeline (kernel start-up + imports + rendering, no analysis).

Prints a Markdown table (paste it into the README) and the ratios the project targets:
cold build <= 1.3 x floor, >= 2 x faster than the sequential CLI, no-change rebuild < 1 s.

``--repeat N`` runs the cold build, the rebuild and the floor N times, interleaved (cold, rebuild,
floor, cold, ...), so a slow minute on a shared machine hits all of them; the table gives the best
and the median of each. The sequential CLI, minutes long, runs once (``--skip-cli`` skips it).
"""
from __future__ import annotations

import argparse
import ast
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
BIN = Path(PY).parent


def timed(cmd: list[str], **kw) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT, **kw)
    return time.perf_counter() - start


def build_cmd(target: Path, jobs: int, notebooks_dir: Path | None = None, scenarios_dir: Path | None = None, force=True) -> list[str]:
    patch = ""
    if notebooks_dir is not None:
        patch = (f"paths.NOTEBOOKS = Path({str(notebooks_dir)!r}); "
                 f"paths.SCENARIOS = Path({str(scenarios_dir)!r}); ")
    code = ("import sys; from pathlib import Path; from analysis import paths, report; " + patch +
            f"sys.exit(report.build(target=Path({str(target)!r}), force={force}, jobs={jobs}))")
    return [PY, "-c", code]


def imports_of(notebook: Path) -> list[str]:
    """The import statements of a notebook's code cells."""
    import nbformat

    lines = []
    for cell in nbformat.read(notebook, as_version=4).cells:
        if cell.cell_type != "code" or "parameters" in cell.metadata.get("tags", []):
            continue
        try:
            tree = ast.parse(cell.source)
        except SyntaxError:
            continue
        lines += [ast.unparse(node) for node in tree.body if isinstance(node, (ast.Import, ast.ImportFrom))]
    return list(dict.fromkeys(lines))


def make_floor(runs, workdir: Path) -> tuple[Path, Path]:
    """Trivial stand-ins: same names, same parameters cell, same imports, nothing else."""
    import nbformat

    nbs, scen = workdir / "notebooks", workdir / "scenarios"
    nbs.mkdir(parents=True)
    scen.mkdir()
    for nb_path in sorted({r.notebook for r in runs}):
        original = nbformat.read(nb_path, as_version=4)
        params = [c for c in original.cells if "parameters" in c.metadata.get("tags", [])]
        trivial = nbformat.v4.new_notebook(metadata=original.metadata)
        trivial.cells = [nbformat.v4.new_markdown_cell(f"# {nb_path.stem} (floor)"), *params,
                         nbformat.v4.new_code_cell("\n".join(imports_of(nb_path)))]
        nbformat.write(trivial, nbs / nb_path.name)
        src = ROOT / "scenarios" / nb_path.stem
        if src.exists():
            shutil.copytree(src, scen / nb_path.stem)
    return nbs, scen


def sequential_cli(runs, workdir: Path) -> float:
    start = time.perf_counter()
    for run in runs:
        out = workdir / f"{run.name}.ipynb"
        cmd = [str(BIN / "papermill"), str(run.notebook), str(out), "-k", "nd-market", "--cwd", str(ROOT / "notebooks"),
               "--no-progress-bar"]
        if run.scenario_file:
            cmd += ["-f", str(run.scenario_file)]
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
        subprocess.run([str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(out)], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
    return time.perf_counter() - start


def breakdown(built: Path) -> list[tuple]:
    """Per run of a finished build: seconds in all, in cells, charts drawn, seconds in cells that draw one."""
    import json

    manifest = json.loads((built / "manifest.json").read_text(encoding="utf-8"))
    rows = []
    for run in manifest["runs"]:
        nb = json.loads((built / f"{run['run']}.ipynb").read_text(encoding="utf-8"))
        cells = [c for c in nb["cells"] if c["cell_type"] == "code"]
        took = [c["metadata"].get("papermill", {}).get("duration") or 0.0 for c in cells]
        charts = [sum("image/png" in o.get("data", {}) for o in c.get("outputs", [])) for c in cells]
        rows.append((run["run"], run["duration_s"], sum(took), sum(charts), sum(t for t, n in zip(took, charts) if n)))
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-j", "--jobs", type=int, default=2, help="parallel notebooks in the build (default 2)")
    parser.add_argument("-n", "--repeat", type=int, default=1, help="interleaved repetitions of cold/rebuild/floor (default 1)")
    parser.add_argument("--skip-cli", action="store_true", help="do not time the sequential papermill + nbconvert CLI")
    args = parser.parse_args()
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    sys.path.insert(0, str(ROOT))
    from analysis import runs as runs_mod

    runs = runs_mod.discover()
    times: dict[str, list[float]] = {"cold": [], "warm": [], "floor": []}
    with tempfile.TemporaryDirectory(prefix="nd-bench-") as tmp:
        tmp = Path(tmp)
        print(f"{len(runs)} runs, {args.jobs} jobs, {args.repeat} repetition(s)", file=sys.stderr)
        nbs, scen = make_floor(runs, tmp / "floor")
        for i in range(args.repeat):
            shutil.rmtree(tmp / "cold", ignore_errors=True)
            times["cold"].append(timed(build_cmd(tmp / "cold", args.jobs)))
            times["warm"].append(timed(build_cmd(tmp / "cold", args.jobs, force=False)))
            shutil.rmtree(tmp / "floor-out", ignore_errors=True)
            times["floor"].append(timed(build_cmd(tmp / "floor-out", args.jobs, nbs, scen)))
            print(f"  round {i + 1}: cold {times['cold'][-1]:.1f} s, rebuild {times['warm'][-1]:.2f} s, "
                  f"floor {times['floor'][-1]:.1f} s", file=sys.stderr)
        per_run = {"cold": breakdown(tmp / "cold"), "floor": breakdown(tmp / "floor-out")}
        cli = None
        if not args.skip_cli:
            (tmp / "cli").mkdir()
            cli = sequential_cli(runs, tmp / "cli")
    best = {k: min(v) for k, v in times.items()}
    med = {k: statistics.median(v) for k, v in times.items()}
    rows = [("cold build (`python -m analysis report --force`)", "cold"), ("rebuild, nothing changed", "warm"),
            ("floor: trivial notebooks, same imports, same pipeline", "floor")]
    print(f"| measurement | best of {args.repeat}, s | median, s |\n|---|---:|---:|")
    for label, key in rows:
        print(f"| {label} | {best[key]:.2f} | {med[key]:.2f} |")
    if cli is not None:
        print(f"| sequential `papermill` + `jupyter nbconvert` CLI (once) | {cli:.2f} | |")
    line = (f"\ncold / floor = {best['cold'] / best['floor']:.2f} best, {med['cold'] / med['floor']:.2f} median "
            f"(target <= 1.3); no-change rebuild {best['warm']:.2f} s (target < 1)")
    if cli is not None:
        line += f"; CLI / cold = {cli / best['cold']:.2f} (target >= 2)"
    print(line)
    print("\nWhere a run's time goes (last round; seconds summed over runs, which overlap in parallel):\n")
    print("| build | runs | run s | in cells s | charts | in cells drawing charts s |\n|---|---:|---:|---:|---:|---:|")
    for label, rows in per_run.items():
        total = [sum(r[i] for r in rows) for i in range(1, 5)]
        print(f"| {label} | {len(rows)} | {total[0]:.1f} | {total[1]:.1f} | {total[2]} | {total[3]:.1f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
