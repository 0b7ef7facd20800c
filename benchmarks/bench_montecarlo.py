"""Time the demand Monte Carlo of one 02 run and measure its peak memory, at 1e4, 1e5 and 1e6 draws.

    .venv/bin/python benchmarks/bench_montecarlo.py [--repeat 3] [--draws 10000 100000 1000000]
                                                    [--scenario base] [--chunk N]

For each draw count it times ``analysis.demand.mc_percentiles`` (the simulation and the
percentiles, what notebook 02 calls) ``--repeat`` times and prints a table:

- wall time, best and median, s; CPU time of this process, median, s (the machine is shared, and
  CPU time moves less than wall time when other work competes for the cores);
- peak traced memory, MB: the highest total of Python and numpy allocations during one call
  (``tracemalloc``, in a run of its own because tracing slows the call down);
- peak RSS over the start, MB: in a fresh process per draw count, the resident-set high-water mark
  (``VmHWM``) minus the resident set just before the call (data loaded, modules imported).

Not a test. The target (issue 12): under 3 s and under 500 MB at 1,000,000 draws, the largest
``mc_draws`` notebook 02 allows. ``--widest`` makes the largest run the parameters allow (horizon
2050, every uncertain parameter drawn). ``--chunk`` sets ``demand.MC_CHUNK_DRAWS`` (if the module has it).
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

DRAWS = (10_000, 100_000, 1_000_000)
SEED = 20250529


def _scenario(name: str, widest: bool = False) -> dict:
    """The scenario file's parameters; ``widest``: horizon 2050 and every uncertain parameter drawn."""
    from analysis import demand, parameters, paths

    scenario = demand.load_scenario(paths.SCENARIOS / demand.NOTEBOOK_STEM / f"{name}.yaml")
    if widest:
        dists = {k: {"dist": "uniform", "low": 0.2, "high": 1.0} if k.startswith("technology_share.")
                 else {"dist": "normal", "sd": 2.0} for k in demand.uncertain_keys()}
        scenario = demand.validate_scenario({**scenario, "horizon_year": parameters.LAST_PROJECTION_YEAR, "mc_distributions": dists})
    return scenario


def _set_chunk(chunk: int | None) -> None:
    from analysis import demand

    if chunk is not None and hasattr(demand, "MC_CHUNK_DRAWS"):
        demand.MC_CHUNK_DRAWS = chunk


def _status_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise LookupError(field)


def rss_child(name: str, widest: bool, n: int, chunk: int | None) -> None:
    """In a fresh process: the peak RSS added by one call, printed as JSON (MB)."""
    from analysis import demand

    _set_chunk(chunk)
    scenario = _scenario(name, widest)
    demand.mc_percentiles(scenario, 100, SEED)  # load and validate the data, import everything
    before = _status_kb("VmRSS")
    demand.mc_percentiles(scenario, n, SEED)
    print(json.dumps({"rss_mb": (_status_kb("VmHWM") - before) / 1024}))


def measure(name: str, widest: bool, n: int, repeat: int, chunk: int | None) -> dict:
    """Wall and CPU times over ``repeat`` calls, then the traced peak of one more, then the RSS peak."""
    from analysis import demand

    scenario = _scenario(name, widest)
    wall, cpu = [], []
    for _ in range(repeat):
        w0, c0 = time.perf_counter(), time.process_time()
        demand.mc_percentiles(scenario, n, SEED)
        wall.append(time.perf_counter() - w0)
        cpu.append(time.process_time() - c0)
    tracemalloc.start()
    demand.mc_percentiles(scenario, n, SEED)
    traced = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    cmd = [sys.executable, __file__, "--rss-child", str(n), "--scenario", name] + (["--widest"] if widest else [])
    if chunk is not None:
        cmd += ["--chunk", str(chunk)]
    rss = json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout)["rss_mb"]
    return {"draws": n, "best_s": min(wall), "median_s": statistics.median(wall),
            "cpu_s": statistics.median(cpu), "traced_mb": traced, "rss_mb": rss}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="timed calls per draw count (default 3)")
    parser.add_argument("--draws", type=int, nargs="+", default=list(DRAWS), help="draw counts (default 1e4 1e5 1e6)")
    parser.add_argument("--scenario", default="base", help="scenario file of 02 (default base)")
    parser.add_argument("--widest", action="store_true",
                        help="the largest run the parameters allow: horizon 2050, all 20 uncertain parameters drawn")
    parser.add_argument("--chunk", type=int, default=None, help="draws per chunk (default: the module's)")
    parser.add_argument("--rss-child", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.rss_child is not None:
        rss_child(args.scenario, args.widest, args.rss_child, args.chunk)
        return 0
    from analysis import demand

    _set_chunk(args.chunk)
    scenario = _scenario(args.scenario, args.widest)
    demand.mc_percentiles(scenario, 100, SEED)  # warm up: load and validate the data once
    chunk = getattr(demand, "MC_CHUNK_DRAWS", None)
    print(f"Monte Carlo of one 02 run (demand.mc_percentiles), scenario {args.scenario!r}"
          f"{' widened (--widest)' if args.widest else ''}: "
          f"{len(scenario['mc_distributions'])} uncertain parameters, {len(demand.SECTORS)} sectors, "
          f"{scenario['horizon_year'] - demand.ANCHOR_YEARS[-1]} projected years, seed {SEED}; "
          f"{args.repeat} timed calls; chunk: {f'{chunk:,} draws' if chunk else 'none'}")
    print(f"load average (1, 5, 15 min): {', '.join(f'{x:.1f}' for x in os.getloadavg())}; {os.cpu_count()} cores\n")
    print("| draws | wall s (best) | wall s (median) | CPU s (median) | peak traced MB | peak RSS over start, MB |")
    print("|---:|---:|---:|---:|---:|---:|")
    for n in args.draws:
        r = measure(args.scenario, args.widest, n, args.repeat, args.chunk)
        print(f"| {n:,} | {r['best_s']:.3f} | {r['median_s']:.3f} | {r['cpu_s']:.3f} | {r['traced_mb']:.0f} | "
              f"{r['rss_mb']:.0f} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
