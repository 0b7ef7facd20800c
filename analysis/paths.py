"""Project paths, resolved from the package location so notebooks work from any directory."""
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
SEEDS = ROOT / "seeds"
NOTEBOOKS = ROOT / "notebooks"
REPORTS = ROOT / "reports"
SCRATCH = ROOT / "scratch"  # results of runs outside the build (JupyterLab, papermill); ignored by git
SCENARIOS = ROOT / "scenarios"
RESEARCH_NOTES = DATA / "research_notes"
CATALOGUE = DATA / "catalogue.yaml"
