"""Admission targets (chỉ tiêu kết nạp): setting and splitting them, and the figures committees steer by.

Writing (`writing`): `set_target` and `split_target` are the only entry points (validated, atomic, audited through the
recorder's signals, attributed to the actor).

Reading (`facts`): `load(org, today)` reads the current tree under `org` with its kept counts; the tables
(`tables`) then ask the Facts for counts, which the database groups (#14: a province's page reads counts per
organisation, never a row per admission or per candidate): admissions per organisation for a batch of periods
(ketnap.stats.admissions, the one definition, attributed to a node of the tree through merges and splits), the
subtree's targets of a period per organisation, and the forecast (`forecast`), scored candidate by candidate in one SQL
statement and summed per organisation and per stage. Only the lists of names read rows, a page at a time. The table
functions return `stats.tables.Table` objects, so the screen, the .xlsx/.csv downloads and the yearly report show the
same numbers.

Which targets are compared (`periods`): targets of different organisations are "for the same period" when their dates
are the same (a split copies the parent's dates). A year target belongs to the term that contains its 1 January, so
each year counts for exactly one term (a term that starts on 01/07/2025 counts its years from 2026). A target of an
organisation that has since merged or split counts for its successor, as its admissions do (Attribution).

This module names what the screens, the report and the tests use; the rest stays in its module.
"""

from ketnap.stats.targets.facts import Facts, load
from ketnap.stats.targets.forecast import Chance, Forecast, forecast, forecast_figures, pipeline_count
from ketnap.stats.targets.periods import TargetPeriod, nq21_hint, target_keys
from ketnap.stats.targets.tables import (
    DORMANT_YEARS,
    ForecastSummary,
    admitted_names_table,
    dormant_table,
    forecast_stage_table,
    forecast_summary,
    forecast_table,
    pipeline_names_table,
    progress_table,
    report_tables,
    term_years_table,
    verdict,
)
from ketnap.stats.targets.writing import set_target, split_target, suggest_split

__all__ = [
    "DORMANT_YEARS",
    "Chance",
    "Facts",
    "Forecast",
    "ForecastSummary",
    "TargetPeriod",
    "admitted_names_table",
    "dormant_table",
    "forecast",
    "forecast_figures",
    "forecast_stage_table",
    "forecast_summary",
    "forecast_table",
    "load",
    "nq21_hint",
    "pipeline_count",
    "pipeline_names_table",
    "progress_table",
    "report_tables",
    "set_target",
    "split_target",
    "suggest_split",
    "target_keys",
    "term_years_table",
    "verdict",
]
