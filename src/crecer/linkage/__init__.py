"""Deduplication of the registry and linkage of outside lists (CNV, SIS, JUNTOS, Cuna Más):
identifier rules, then Splink on DuckDB, then people review the doubtful pairs."""
