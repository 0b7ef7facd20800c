# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python (nd-market)
#     language: python
#     name: nd-market
# ---

# %%

# %% [markdown]
# # Scenario explorer: move the main parameters and watch demand, the balance and the tornado
#
# For analysts in JupyterLab; not part of the report build (its name has no number), so the HTML
# reports never show it. Each slider recomputes the demand build-up of notebook 02 (from the
# chosen base scenario), the Pr-Nd oxide needed against the mining quota of notebook 04, and the
# tornado. Masses are kt of NdFeB **magnet**, or kt of Pr-Nd **oxide** where the title says so.
#
# To keep a setting, type a name and press **save as scenario YAML**: the file goes to
# `scenarios/02_demand_buildup/<name>.yaml` after the checks the report build runs, and the next
# `make report` builds a report for it.

# %% tags=["parameters"]
base_scenario = "base"  # demand scenario to start from; one of: base, high, humanoid_boom, low

# %%
from IPython.display import display

from analysis import explorer, tables

tables.install()  # every table: escaped, no index column, thousands separators
explore = explorer.Explorer(base_scenario)
display(explorer.slider_table())
display(explore.widget())
