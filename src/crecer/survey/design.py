"""A complex sample's design: sampling weights, strata and primary sampling units (clusters).

The variance of every estimate is the with-replacement ("ultimate cluster") approximation on the
first-stage units, as R's ``survey::svydesign(ids = ~cluster, strata = ~stratum, weights =
~weight)`` without ``fpc`` computes it (Lumley, *Complex Surveys*, 2010, §2.2 and §3.2; the
package's ``svyrecvar``/``onestrat``), and as WHO's ``anthro_prevalence`` builds its design
(``build_survey_design`` in ``R/prevalence.R`` of WorldHealthOrganization/anthro). Later stages
(households, children within the cluster) need not be given: with replacement at the first
stage, the PSU totals carry all the variance.

A stratum with a single PSU has no variance of its own ("lonely PSU"). ``lonely_psu`` says what
to do, with R's option names (``options(survey.lonely.psu = …)``):

- ``"fail"`` (default): :class:`ValueError` naming the strata.
- ``"adjust"``: the lonely PSU's total is centred at the average PSU total of the whole sample
  instead of its stratum mean, with no ``n/(n−1)`` factor (R survey ≥ 4.2; WHO ``anthro``
  sets this option for its prevalence tables). For a mean or a proportion that average is 0,
  so the lonely PSU contributes its squared linearised total.
- ``"remove"``: the stratum contributes nothing (R's "remove" and "certainty").
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = ["LonelyPsu", "SurveyDesign"]

LonelyPsu = Literal["fail", "adjust", "remove"]
LONELY_PSU: tuple[str, ...] = ("fail", "adjust", "remove")


@dataclass(frozen=True, eq=False)
class SurveyDesign:
    """One row per sampled unit (child). Build it with :meth:`from_columns`.

    ``psu`` holds codes 0…K−1 numbered stratum by stratum, so that the PSUs of stratum ``h``
    are the contiguous codes ``psu_start[h]`` to ``psu_start[h] + psu_count[h] − 1``.
    """

    weights: NDArray[np.float64]
    stratum: NDArray[np.int64]
    psu: NDArray[np.int64]
    psu_start: NDArray[np.int64]
    psu_count: NDArray[np.int64]
    stratum_labels: NDArray[np.generic]
    lonely_psu: LonelyPsu

    @classmethod
    def from_columns(
        cls,
        weights: ArrayLike,
        strata: ArrayLike | None = None,
        clusters: ArrayLike | None = None,
        *,
        nest: bool = False,
        lonely_psu: LonelyPsu = "fail",
        expected_weight_total: float | None = None,
        weight_total_tolerance: float = 1e-6,
    ) -> SurveyDesign:
        """Check and encode the design columns (any labels: numbers or texts).

        ``strata`` None is one stratum; ``clusters`` None makes every unit its own PSU (a
        stratified or simple random sample of units). With ``nest=False`` (R's default) a
        cluster label must belong to one stratum only, as ENDES's cluster numbers do; with
        ``nest=True`` the same label in two strata names two different PSUs.

        Every weight must be a finite number above 0 (a zero or missing weight is a row to
        leave out before, not a unit of the design). ``expected_weight_total`` is the sum the
        survey documents for its weights (the number of children for normalised weights, the
        population for expansion weights); a sum off by more than ``weight_total_tolerance``
        (relative) is an error: a truncated file, or the wrong weight column.
        """
        if lonely_psu not in LONELY_PSU:
            raise ValueError(f"lonely_psu must be one of {LONELY_PSU}, got {lonely_psu!r}")
        w = _weights(weights)
        n = w.size
        stratum_labels, stratum = _codes(strata, n, "strata")
        if clusters is None:
            cluster = np.arange(n, dtype=np.int64)
        else:
            _, cluster = _codes(clusters, n, "clusters")
        # PSU = (stratum, cluster), numbered stratum by stratum: one integer key per pair.
        n_clusters = int(cluster.max()) + 1
        keys, psu = np.unique(stratum * n_clusters + cluster, return_inverse=True)
        psu = psu.reshape(-1).astype(np.int64)
        psu_stratum = keys // n_clusters
        if not nest:
            strata_of_cluster = np.bincount(keys % n_clusters, minlength=n_clusters)
            if (strata_of_cluster > 1).any():
                raise ValueError(
                    f"{int((strata_of_cluster > 1).sum())} cluster(s) appear in more than one "
                    "stratum; number the clusters across strata, or pass nest=True if the same "
                    "cluster number in two strata means two clusters"
                )
        psu_count = np.bincount(psu_stratum, minlength=stratum_labels.size).astype(np.int64)
        psu_start = np.concatenate([[0], np.cumsum(psu_count)[:-1]]).astype(np.int64)
        lonely = np.flatnonzero(psu_count == 1)
        if lonely.size and lonely_psu == "fail":
            names = ", ".join(str(s) for s in stratum_labels[lonely][:10])
            raise ValueError(
                f"{lonely.size} stratum(s) have a single PSU ({names}): no variance can be "
                "estimated within them; merge them with a neighbouring stratum, or choose "
                "lonely_psu='adjust' (as WHO anthro does) or 'remove'"
            )
        if expected_weight_total is not None:
            total = float(w.sum())
            if not math.isclose(total, expected_weight_total, rel_tol=weight_total_tolerance):
                raise ValueError(
                    f"the weights sum to {total:.6g}, not to the expected "
                    f"{expected_weight_total:.6g} (relative tolerance {weight_total_tolerance:g}): "
                    "a truncated file or the wrong weight column?"
                )
        return cls(
            weights=w,
            stratum=stratum,
            psu=psu,
            psu_start=psu_start,
            psu_count=psu_count,
            stratum_labels=stratum_labels,
            lonely_psu=lonely_psu,
        )

    @property
    def n(self) -> int:
        """Number of sampled units."""
        return int(self.weights.size)

    @property
    def n_strata(self) -> int:
        return int(self.psu_count.size)

    @property
    def n_psu(self) -> int:
        return int(self.psu_count.sum())

    @property
    def degrees_of_freedom(self) -> int:
        """PSUs minus strata, R survey's ``degf(design)`` of the whole design (WHO anthro
        passes this one, not the domain's, to every domain's interval)."""
        return self.n_psu - self.n_strata


def _weights(weights: ArrayLike) -> NDArray[np.float64]:
    try:
        w = np.asarray(weights, dtype=np.float64).reshape(-1)
    except (TypeError, ValueError) as error:
        raise ValueError(f"weights must be numbers: {error}") from None
    if w.size == 0:
        raise ValueError("the design has no units")
    bad = ~np.isfinite(w)
    if bad.any():
        raise ValueError(
            f"{int(bad.sum())} weight(s) are missing or not finite (first at row "
            f"{int(np.argmax(bad))}); leave those rows out of the design"
        )
    if (w < 0).any():
        raise ValueError(
            f"{int((w < 0).sum())} weight(s) are negative (first at row {int(np.argmax(w < 0))})"
        )
    if (w == 0).any():
        raise ValueError(
            f"{int((w == 0).sum())} weight(s) are zero (first at row {int(np.argmax(w == 0))}); "
            "a unit with no weight is not in the sample: leave it out"
        )
    return w


def _codes(
    labels: ArrayLike | None, n: int, what: str
) -> tuple[NDArray[np.generic], NDArray[np.int64]]:
    if labels is None:
        return np.array([1]), np.zeros(n, dtype=np.int64)
    values = np.asarray(labels).reshape(-1)
    if values.size != n:
        raise ValueError(f"{what} has {values.size} values for {n} weights")
    if values.dtype.kind == "f" and np.isnan(values).any():
        raise ValueError(f"{int(np.isnan(values).sum())} value(s) of {what} are missing")
    if values.dtype.kind == "O":
        missing = np.array([v is None or v == "" for v in values])
        if missing.any():
            raise ValueError(f"{int(missing.sum())} value(s) of {what} are missing")
        values = values.astype(str)
    if values.dtype.kind == "U" and (values == "").any():
        raise ValueError(f"{int((values == '').sum())} value(s) of {what} are missing")
    unique, codes = np.unique(values, return_inverse=True)
    return unique, codes.reshape(-1).astype(np.int64)
