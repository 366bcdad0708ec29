"""Performance-incentive indicators (FED, PIM) computed as MIDIS verifies them: for a sheet of
the profile (``[incentives]``, an edition and a code) and a measurement month, the nominal table
of every child of the cohort, each evaluated on its own day, with each exclusion and component
as 1/0, and the consolidated count. Pure: Polars and the schedules engine; no Django, no I/O.

    >>> from datetime import date
    >>> import polars as pl
    >>> from crecer.norms import load_profile
    >>> from crecer.incentives import consolidated, nominal_table
    >>> profile = load_profile("peru")
    >>> sheet = profile.incentives.sheet("FED 2024-2025", "SI-03.01")
    >>> children = pl.DataFrame({"child_id": [1], "birth_date": [date(2024, 11, 10)]})
    >>> checks = [date(2024, 11, 10) + (45 + 30 * k) * (date(2000, 1, 2) - date(2000, 1, 1))
    ...           for k in range(11)]
    >>> services = pl.DataFrame({"child_id": [1] * 11, "date": checks, "code": ["99381"] * 11})
    >>> table = nominal_table(profile, sheet, children, services, 2025, 11)
    >>> table.select("evaluated_on", "age_days", "cred", "complies").row(0)
    (datetime.date(2025, 11, 9), 364, 1, 1)
    >>> consolidated(table)
    {'denominator': 1, 'numerator': 1, 'percent': 100.0}
"""

from crecer.incentives.nominal import consolidated, measurement_month, nominal_table

__all__ = ["consolidated", "measurement_month", "nominal_table"]
