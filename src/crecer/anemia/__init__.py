"""Hemoglobin adjusted for altitude and classified by the norm in force, vectorized over arrays.

    >>> import numpy as np
    >>> from crecer.norms import load_profile
    >>> from crecer.anemia import assess_hemoglobin
    >>> result = assess_hemoglobin(
    ...     load_profile("peru").anemia,
    ...     hemoglobin=[12.0], altitude_m=[3796],
    ...     birth_date=np.array(["2024-03-10"], "datetime64[D]"),
    ...     test_date=np.array(["2025-05-20"], "datetime64[D]"),
    ... )
    >>> float(result["adjusted"][0]), str(result["severity_label"][0]), str(result["rule"][0])
    (9.5, 'mild', 'nts_213_2024')

Pure numpy: no Django, no I/O, no clock. Columns in (array-likes), columns out (a ``dict`` of
numpy arrays that pandas, polars or DuckDB take as a frame).
"""

from crecer.anemia.adjustment import altitude_adjustment
from crecer.anemia.classification import (
    SEVERITY_LABELS,
    Severity,
    assess_hemoglobin,
    classify,
    completed_months,
)

__all__ = [
    "SEVERITY_LABELS",
    "Severity",
    "altitude_adjustment",
    "assess_hemoglobin",
    "classify",
    "completed_months",
]
