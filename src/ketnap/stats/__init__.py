"""Targets, statistics and reports: the numbers committees steer by.

Layers (imports point down): registry and pipeline hold the data; this package computes figures from them and
returns `tables.Table` objects; the web views, the .xlsx/.csv/.pdf exports and `ketnap report` only present those
tables, so the screen and every file show the same numbers from one code path.
"""
