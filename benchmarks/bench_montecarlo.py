"""Time the demand Monte Carlo (analysis.demand.simulate) for the base scenario.

Prints a timing table: draws, best and median wall time over repeats, and draws per second.
Not a test: run it with ``.venv/bin/python benchmarks/bench_montecarlo.py``. The issue's target is
10,000 draws well under a second.
"""
from __future__ import annotations

import statistics
import time

from analysis import demand, paths

DRAWS = (1_000, 10_000, 100_000)
REPEATS = 7


def main() -> None:
    scenario = demand.load_scenario(paths.SCENARIOS / demand.NOTEBOOK_STEM / "base.yaml")
    demand.simulate(scenario, 10, 0)  # warm up: load and validate the data once (cached afterwards)
    years = scenario["horizon_year"] - demand.ANCHOR_YEARS[-1]
    print(f"Monte Carlo of China NdFeB demand, scenario 'base': {len(scenario['mc_distributions'])} uncertain "
          f"parameters, {len(demand.SECTORS)} sectors, {years} projected years; best and median of {REPEATS} runs\n")
    print(f"{'draws':>9}  {'best, ms':>9}  {'median, ms':>10}  {'draws per s':>12}")
    for n in DRAWS:
        times = []
        for _ in range(REPEATS):
            start = time.perf_counter()
            demand.simulate(scenario, n, 20250529)
            times.append(time.perf_counter() - start)
        best, median = min(times), statistics.median(times)
        print(f"{n:>9,}  {best * 1000:>9.1f}  {median * 1000:>10.1f}  {n / median:>12,.0f}")
    start = time.perf_counter()
    demand.mc_percentiles(scenario)
    print(f"\nmc_percentiles with the scenario's {scenario['mc_draws']:,} draws (simulation + percentiles): "
          f"{(time.perf_counter() - start) * 1000:.1f} ms")


if __name__ == "__main__":
    main()
