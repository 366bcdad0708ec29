"""Bringing a file into Crecer: the one room every import goes through.

- :mod:`~crecer.ingest.reading` reads CSV (any common encoding, delimiter, quotes) and XLSX
  block by block into tables of text with their line numbers; :mod:`~crecer.ingest.columns`
  maps a file's headers to an import's own column names by its aliases.
- :mod:`~crecer.ingest.reasons` is the registry of quarantine reasons (a code with its values,
  shown in the reader's language); :mod:`~crecer.ingest.checks` builds them on columns.
- :mod:`~crecer.ingest.runs` is the run skeleton (open a run, read in chunks, validate, write,
  quarantine, tally, check that the counts add up), :mod:`~crecer.ingest.kinds` the registry of
  import kinds that the upload page, the report page, the quarantine CSV and ``crecer import``
  serve, and :mod:`~crecer.ingest.bulk` the bulk writer (COPY / executemany).

- :mod:`~crecer.ingest.safe_cells` makes every cell Crecer writes back out formula-safe: each
  CSV and XLSX export (registry, work list, open data, quarantine) goes through it.

An import declares its columns, its pure row validation and its write step (see
``docs/adding-an-import.md``). The reading, columns, reasons, checks and safe_cells modules
are pure (no Django); the rest is a Django app.
"""
