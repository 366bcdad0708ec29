"""Altitude adjustment of hemoglobin: how much to subtract from an observed value (g/dL)."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from crecer.norms import AltitudeAdjustment


def altitude_adjustment(altitude_m: ArrayLike, method: AltitudeAdjustment) -> NDArray[np.float64]:
    """G/dL to subtract from observed Hb at each altitude (metres above sea level).

    A band table subtracts the value of the band that holds the altitude (below the first band:
    0); the WHO 2024 formula subtracts ``(a·h + b·h²) / 10`` for ``h > 0``. A missing altitude
    (NaN) gives NaN, so the Hb stays unclassified rather than silently unadjusted.
    """
    altitude = np.asarray(altitude_m, dtype=np.float64)
    if method.kind == "bands":
        starts = np.array([band.from_m for band in method.bands])
        values = np.array([0.0] + [band.subtract for band in method.bands])
        # searchsorted 'right' puts an altitude equal to a band's start inside that band
        subtract = values[np.searchsorted(starts, altitude, side="right")]
    else:
        assert method.linear_g_per_l is not None
        assert method.quadratic_g_per_l is not None
        above = np.maximum(altitude, 0.0)
        subtract = (method.linear_g_per_l * above + method.quadratic_g_per_l * above**2) / 10.0
    return np.where(np.isnan(altitude), np.nan, subtract)
