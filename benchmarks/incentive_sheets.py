"""Incentive sheets on a synthetic population: 500,000 children born over 13 months with 20
random services each (10 M events, 11 codes); the nominal tables of FED 2024-2025 SI-03.01 and
MC-02.01 and of FED 2025-2026 MC-02.01 for November 2025 (seconds, peak RSS). The codes are
drawn at random, so the percentages mean nothing; the times do.

Run: python benchmarks/incentive_sheets.py
"""

import resource
import time

import numpy as np
import polars as pl

from crecer.incentives import consolidated, nominal_table
from crecer.norms import load_profile

PROFILE = load_profile("peru")
CODES = ["99381", "Z001", "99381.01", "90722", "90670", "90681", "90712", "99199.17", "99199.19",
         "85018", "D509"]  # fmt: skip
SHEETS = [("FED 2024-2025", "SI-03.01"), ("FED 2024-2025", "MC-02.01"),
          ("FED 2025-2026", "MC-02.01")]  # fmt: skip


def main(n: int = 500_000, per_child: int = 20) -> None:
    rng = np.random.default_rng(1)
    birth = np.datetime64("2024-11-01") + rng.integers(0, 395, n).astype("timedelta64[D]")
    children = pl.DataFrame(
        {
            "child_id": np.arange(n),
            "birth_date": birth.astype("datetime64[D]"),
            "birth_weight_g": rng.normal(3200, 450, n),
            "district_poverty_quintile": rng.integers(1, 6, n),
        }
    )
    who = rng.integers(0, n, per_child * n)
    age = rng.integers(0, 365, per_child * n).astype("timedelta64[D]")
    events = pl.DataFrame(
        {
            "child_id": who,
            "date": (birth[who] + age).astype("datetime64[D]"),
            "code": np.array(CODES)[rng.integers(0, len(CODES), per_child * n)],
        }
    )
    for edition, code in SHEETS:
        sheet = PROFILE.incentives.sheet(edition, code)
        start = time.perf_counter()
        table = nominal_table(PROFILE, sheet, children, events, 2025, 11)
        seconds = time.perf_counter() - start
        print(f"{edition} {code}: {table.height} rows, {consolidated(table)}, {seconds:.2f} s")
    print("peak RSS", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024, "MB")


if __name__ == "__main__":
    main()
