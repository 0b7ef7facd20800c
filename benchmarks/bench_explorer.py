"""Time the scenario explorer's update per slider change (model + redraw to PNG), without a browser.

    .venv/bin/python benchmarks/bench_explorer.py [--repeat 5]

Moves each control of ``analysis.explorer.controls()`` to a new value in turn, ``--repeat`` times,
and prints the median and worst milliseconds per change, split into the model (``compute``) and
the redraw (``png``), and the CPU time of this process per change (the machine is shared: when
other work competes for the cores, wall time grows and CPU time much less; the load average is
printed first). The target is under 200 ms per change.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="rounds over every control (default 5)")
    args = parser.parse_args()
    from analysis.explorer import Explorer, controls

    e = Explorer()
    values = e.initial()
    _, fig = e.png(e.compute(values))
    model, draw, cpu = ({c.key: [] for c in controls()} for _ in range(3))
    print(f"load average (1, 5, 15 min): {', '.join(f'{x:.1f}' for x in os.getloadavg())}; {os.cpu_count()} cores\n")
    for r in range(args.repeat):
        for c in controls():
            values[c.key] = c.low + (c.high - c.low) * (0.3 if r % 2 else 0.6)
            if c.key == "horizon_year":
                values[c.key] = int(values[c.key])
            c0, t0 = time.process_time(), time.perf_counter()
            out = e.compute(values)
            t1 = time.perf_counter()
            _, fig = e.png(out, fig)
            t2, c2 = time.perf_counter(), time.process_time()
            model[c.key].append((t1 - t0) * 1000)
            draw[c.key].append((t2 - t1) * 1000)
            cpu[c.key].append((c2 - c0) * 1000)
    print("| control | model ms (median) | redraw ms (median) | total ms (median) | total ms (worst) | CPU ms (median) |")
    print("|---|---:|---:|---:|---:|---:|")
    totals, cpus = [], []
    for c in controls():
        tot = [m + d for m, d in zip(model[c.key], draw[c.key])]
        totals += tot
        cpus += cpu[c.key]
        print(f"| {c.label} | {statistics.median(model[c.key]):.0f} | {statistics.median(draw[c.key]):.0f} | "
              f"{statistics.median(tot):.0f} | {max(tot):.0f} | {statistics.median(cpu[c.key]):.0f} |")
    print(f"\nmedian per change: {statistics.median(totals):.0f} ms wall, {statistics.median(cpus):.0f} ms CPU "
          f"(target < 200 ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
