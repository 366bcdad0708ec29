"""The analytics refresh: registry + service events -> per-child status -> indicator tables.

``status`` and ``indicators`` are pure (Polars/numpy, no Django); ``extract``, ``store`` and
``refresh`` move frames in and out of the database.
"""
