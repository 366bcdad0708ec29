"""Drawing a two-stage cluster sample from a known population, so that an estimator can be
checked against the true value (the demo's synthetic population, the coverage tests).

Stage 1, within each stratum ``h``: ``m_h`` clusters, either by simple random sampling without
replacement (inclusion probability ``π_k = m_h / M_h``) or with probability proportional to
size by the systematic method (``π_k = m_h N_k / N_h``, a random start and a fixed step along
the cumulated sizes; Cochran 1977 §9A; the usual design of DHS/ENDES clusters, of populated
centers or census tracts). A cluster so large that ``π_k`` would exceed 1 is taken with
certainty (π = 1) and the others are drawn among the rest. Stage 2: ``b`` units of each
cluster by simple random sampling (all of them when the cluster has fewer), ``π_{i|k} =
b_k / N_k``. The weight is the inverse of the inclusion probability, ``1 / (π_k π_{i|k})``:
under PPS with a fixed take every unit of a stratum has the same weight (self-weighting).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = ["Sample", "two_stage_sample"]


@dataclass(frozen=True, eq=False)
class Sample:
    """The rows of the population drawn (``rows``), each with its ``weight``, ``stratum`` and
    ``cluster`` label (the population's)."""

    rows: NDArray[np.int64]
    weight: NDArray[np.float64]
    stratum: NDArray[np.generic]
    cluster: NDArray[np.generic]


def _pps_systematic(
    sizes: NDArray[np.float64], take: int, rng: np.random.Generator
) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
    """Indices drawn and their inclusion probabilities (certainty units first)."""
    chosen: list[int] = []
    probability = np.zeros(sizes.size)
    rest = np.arange(sizes.size)
    left = take
    while left > 0 and rest.size:
        pi = left * sizes[rest] / sizes[rest].sum()
        certain = rest[pi >= 1.0]
        if certain.size == 0:
            break
        chosen.extend(certain.tolist())
        probability[certain] = 1.0
        left -= certain.size
        rest = rest[pi < 1.0]
    if left > 0 and rest.size:
        pi = left * sizes[rest] / sizes[rest].sum()
        order = rng.permutation(rest.size)  # a random order before the systematic pass
        cumulated = np.cumsum(pi[order])
        points = rng.uniform(0.0, 1.0) + np.arange(left)
        picked = order[np.searchsorted(cumulated, points, side="right")]
        chosen.extend(rest[picked].tolist())
        probability[rest] = pi
    index = np.array(chosen, dtype=np.int64)
    return index, probability[index]


def two_stage_sample(
    strata: ArrayLike,
    clusters: ArrayLike,
    *,
    clusters_per_stratum: int,
    units_per_cluster: int,
    rng: np.random.Generator,
    first_stage: Literal["pps", "srs"] = "pps",
) -> Sample:
    """A two-stage sample of a population given as one row per unit with its stratum and
    cluster labels (a cluster belongs to one stratum). ``clusters_per_stratum`` is capped at
    the clusters a stratum has."""
    stratum = np.asarray(strata).reshape(-1)
    cluster = np.asarray(clusters).reshape(-1)
    if stratum.size != cluster.size:
        raise ValueError("strata and clusters must have one value per unit")
    if clusters_per_stratum < 1 or units_per_cluster < 1:
        raise ValueError("take at least one cluster per stratum and one unit per cluster")
    if first_stage not in ("pps", "srs"):
        raise ValueError(f"first_stage must be 'pps' or 'srs', got {first_stage!r}")
    labels, code = np.unique(cluster, return_inverse=True)
    code = code.reshape(-1)
    size = np.bincount(code).astype(np.float64)
    cluster_stratum = np.empty(labels.size, dtype=stratum.dtype)
    cluster_stratum[code] = stratum
    if (cluster_stratum[code] != stratum).any():  # a later row of the cluster overwrote it
        raise ValueError("a cluster lies in more than one stratum")
    members = np.split(np.argsort(code, kind="stable"), np.cumsum(size.astype(np.int64))[:-1])
    rows: list[NDArray[np.int64]] = []
    weights: list[NDArray[np.float64]] = []
    for h in np.unique(stratum):
        in_h = np.flatnonzero(cluster_stratum == h)
        take = min(clusters_per_stratum, in_h.size)
        if first_stage == "srs":
            picked = rng.choice(in_h, take, replace=False)
            pi = np.full(take, take / in_h.size)
        else:
            local, pi = _pps_systematic(size[in_h], take, rng)
            picked = in_h[local]
        for k, p in zip(picked.tolist(), pi.tolist(), strict=True):
            pool = members[k]
            b = min(units_per_cluster, pool.size)
            rows.append(rng.choice(pool, b, replace=False))
            weights.append(np.full(b, 1.0 / (p * b / pool.size)))
    chosen = np.concatenate(rows).astype(np.int64)
    return Sample(
        rows=chosen,
        weight=np.concatenate(weights),
        stratum=stratum[chosen],
        cluster=cluster[chosen],
    )
