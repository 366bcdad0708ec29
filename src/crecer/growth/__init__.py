"""WHO 2006 Child Growth Standards for children under 5: z-scores, flags, classification, charts.

A pure library (numpy only, no database, no I/O beyond its own package data) that reproduces the
WHO ``anthro`` R package's ``anthro_zscores()`` row for row, vectorized over millions of rows.

Public API
----------
``zscores(data=None, /, *, indices=None, raw=False, **columns) -> dict[str, numpy.ndarray]``
    z-scores for length/height-for-age (``lhfa``), weight-for-age (``wfa``),
    weight-for-length/height (``wflh``), BMI-for-age (``bfa``), head-circumference-for-age
    (``hcfa``) and arm-circumference-for-age (``acfa``), all of them or only the ``indices``
    named (e.g. ``indices=("lhfa", "wfa", "wflh")``): ``z_<index>`` rounded to 2 decimals as
    WHO publishes it, ``flag_<index>`` (biologically implausible), ``reason_<index>`` (why a z is
    missing; see ``REASONS``). Input columns: ``sex``, ``age_days`` | ``age_months`` |
    ``birth_date`` + ``measurement_date``, ``weight_kg``, ``length_cm``, ``measure`` ("l"/"h"),
    ``oedema``, ``head_cm``, ``arm_cm``; a dict of arrays or a pandas DataFrame works as ``data``.
``classify(z) -> dict[str, numpy.ndarray]``
    Nutritional status per WHO / MINSA cut-offs as integer-coded categoricals (see
    ``classification.CATEGORIES`` for the labels in English and Spanish).
``growth_chart_svg(indicator, sex, ...) -> str``
    A printable SVG chart (−3…+3 SD curves plus the child's points) for ``lhfa``, ``wfa``,
    ``wfl`` or ``wfh``.
``lms_zscore(y, l, m, s, restricted=False)``, ``lms_value(z, l, m, s)``
    The LMS formulas themselves.

Example::

    from crecer.growth import zscores, classify
    z = zscores(sex=[1, 2], age_days=[400, 1000], weight_kg=[9.1, 11.8],
                length_cm=[75.2, 88.0], measure=["l", "h"])
    z["z_lhfa"]            # array([-0.77, -1.31])
    classify(z)["stunting"]  # array([False, False])
"""

from crecer.growth.chart import growth_chart_svg
from crecer.growth.classification import CATEGORIES, classify
from crecer.growth.lms import lms_value, lms_zscore
from crecer.growth.zscores import FLAG_LIMITS, INDICES, REASONS, zscores

__all__ = [
    "CATEGORIES",
    "FLAG_LIMITS",
    "INDICES",
    "REASONS",
    "classify",
    "growth_chart_svg",
    "lms_value",
    "lms_zscore",
    "zscores",
]
