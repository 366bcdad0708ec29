"""Weighted prevalences and means with Taylor-linearised standard errors, by domain.

For a domain ``d`` (a department, an area of residence, an age group, a sex, or the whole
sample) and the units ``i`` of it that have a value (``δ_i = 1``; flagged z-scores, missing Hb
and children outside the domain have ``δ_i = 0``), the estimate is the ratio

    ȳ_d = Σ_i δ_i w_i y_i / Σ_i δ_i w_i                                  (1)

(a prevalence when ``y`` is 0/1). Its variance is that of the linearised variable (the influence
function of the ratio; Lumley 2010 §2.3.4, Woodruff 1971; SAS PROC SURVEYMEANS "Taylor series
method"; R survey ``svymean.survey.design2``: ``svyrecvar(x * pweights / psum, …)`` after
``sweep(x, 2, average)``)

    z_i = δ_i w_i (y_i − ȳ_d) / Σ_j δ_j w_j                                (2)

summed by PSU, ``z_hk = Σ_{i in PSU k of stratum h} z_i``, and spread within strata with the
with-replacement formula (R survey ``onestrat``; SAS ``V_h`` with ``f_h = 0``)

    v(ȳ_d) = Σ_h  n_h/(n_h − 1)  Σ_k (z_hk − z̄_h)²,   z̄_h = Σ_k z_hk / n_h        (3)

where ``n_h`` counts every PSU of the stratum in the design, including those with no unit of
the domain (their ``z_hk = 0``). That is domain estimation as a subpopulation: the units
outside the domain are zeroed, the design is kept, as R's ``svyby``/``subset`` and WHO
``anthro`` (``svyby(~var_prev, ~survey_subsets, design, svymean)``) compute it, never a
re-declared design on the domain's rows only (which would understate the variance). Strata
with one PSU follow :class:`~crecer.survey.design.SurveyDesign`'s ``lonely_psu``.

Design effect (Kish): ``deff = v(ȳ_d) / v_srs`` against a simple random sample *with
replacement* of the same unweighted size ``n_d`` (R ``svymean(…, deff = "replace")``):

    v_srs = s²_w / n_d,   s²_w = n_d/(n_d − 1) · Σ δ w (y − ȳ_d)² / Σ δ w            (4)

which for a proportion is ``p(1 − p)/(n_d − 1)``: an unweighted simple random sample (one
stratum, every unit its own PSU) has exactly that variance under (3), and deff 1.

95 % intervals use Student's t with ``df`` = PSUs − strata of the *whole* design (R
``degf(design)``; WHO anthro passes ``df = survey::degf(design)`` for every domain). Means:
``ȳ ± t·se`` (R ``confint(svymean(…), df = degf(design))``). Proportions: the logit interval
of R ``svyciprop(method = "logit")``, which WHO anthro reports, i.e.

    expit( logit(p) ± t · se / (p (1 − p)) )                                  (5)

(the intercept of ``svyglm(y ~ 1, family = quasibinomial)`` is ``logit(p)``, its sandwich
variance is ``v(p)/(p(1 − p))²``). A prevalence of exactly 0 or 1 has a standard error of 0
and the interval collapses to the point, [0, 0] or [1, 1], as samplics gives and R's logit
interval tends to; :func:`crecer.survey.reliability` flags it ("boundary"). ``ci="wald"``
gives ``p ± t·se`` clipped to [0, 1] (R ``svyciprop(method = "mean")``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from crecer.survey.design import SurveyDesign
from crecer.survey.distributions import t_quantile

__all__ = ["Estimates", "domain_codes", "estimate_table", "mean", "prevalence"]

Kind = Literal["proportion", "mean"]
CiMethod = Literal["logit", "wald"]
ALL = "all"


@dataclass(frozen=True, eq=False)
class Estimates:
    """One value per domain (``domains`` holds their labels, in sorted order).

    ``n`` is the unweighted number of units with a value, ``weighted_n`` their weight,
    ``psus`` the number of PSUs that hold at least one of them. Proportions are fractions
    (0.175, not 17.5). ``cv`` is se / estimate.
    """

    kind: Kind
    domains: NDArray[Any]
    estimate: NDArray[np.float64]
    se: NDArray[np.float64]
    ci_low: NDArray[np.float64]
    ci_high: NDArray[np.float64]
    deff: NDArray[np.float64]
    n: NDArray[np.int64]
    weighted_n: NDArray[np.float64]
    psus: NDArray[np.int64]
    df: float
    level: float

    @property
    def cv(self) -> NDArray[np.float64]:
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.asarray(self.se / np.abs(self.estimate), dtype=np.float64)

    def rows(self) -> list[dict[str, Any]]:
        """One dict per domain (for a table or a page)."""
        cv = self.cv
        return [
            {
                "domain": self.domains[i].item()
                if hasattr(self.domains[i], "item")
                else self.domains[i],
                "estimate": float(self.estimate[i]),
                "se": float(self.se[i]),
                "ci_low": float(self.ci_low[i]),
                "ci_high": float(self.ci_high[i]),
                "deff": float(self.deff[i]),
                "cv": float(cv[i]),
                "n": int(self.n[i]),
                "weighted_n": float(self.weighted_n[i]),
                "psus": int(self.psus[i]),
            }
            for i in range(self.domains.size)
        ]


def domain_codes(domain: ArrayLike | None, n: int) -> tuple[NDArray[Any], NDArray[np.int64]]:
    """Sorted labels and a code per unit (−1: in no domain: a missing label, None, "" or NaN).

    ``domain`` None is the whole sample, labelled "all".
    """
    if domain is None:
        return np.array([ALL]), np.zeros(n, dtype=np.int64)
    values = np.asarray(domain).reshape(-1)
    if values.size != n:
        raise ValueError(f"the domain column has {values.size} values for {n} units")
    if values.dtype.kind == "f":
        missing = np.isnan(values)
    elif values.dtype.kind in "OUS":
        missing = np.array([v is None or v == "" or v != v for v in values.tolist()], dtype=bool)
        values = np.where(missing, "", values.astype(str))
    else:
        missing = np.zeros(n, dtype=bool)
    labels, codes = np.unique(values[~missing], return_inverse=True)
    out = np.full(n, -1, dtype=np.int64)
    out[~missing] = codes.reshape(-1)
    return labels, out


def prevalence(
    design: SurveyDesign,
    indicator: ArrayLike,
    *,
    valid: ArrayLike | None = None,
    domain: ArrayLike | None = None,
    level: float = 0.95,
    df: float | None = None,
    ci: CiMethod = "logit",
) -> Estimates:
    """Weighted prevalence of a 0/1 ``indicator`` by ``domain`` (formulas (1)–(5) above).

    ``indicator`` is boolean, or numbers 0/1 with NaN where the unit has no value (not
    measured, flagged); ``valid`` (boolean) marks the units that have a value when the
    indicator alone cannot say it. ``df`` defaults to the design's PSUs − strata; ``math.inf``
    gives normal intervals.
    """
    y, ok = _values(design, indicator, valid)
    if ((y[ok] != 0) & (y[ok] != 1)).any():
        raise ValueError("a prevalence needs a 0/1 indicator (or booleans; NaN for no value)")
    return _estimate(design, "proportion", y, ok, domain, level, df, ci)


def mean(
    design: SurveyDesign,
    values: ArrayLike,
    *,
    valid: ArrayLike | None = None,
    domain: ArrayLike | None = None,
    level: float = 0.95,
    df: float | None = None,
) -> Estimates:
    """Weighted mean (e.g. of z-scores; NaN = no value) by ``domain``, t interval."""
    y, ok = _values(design, values, valid)
    return _estimate(design, "mean", y, ok, domain, level, df, "wald")


def estimate_table(
    design: SurveyDesign,
    indicators: Mapping[str, tuple[ArrayLike, ArrayLike | None]],
    domains: Mapping[str, ArrayLike | None],
    *,
    kind: Kind = "proportion",
    level: float = 0.95,
    df: float | None = None,
    ci: CiMethod = "logit",
) -> list[dict[str, Any]]:
    """Every indicator × every domain variable × each of its levels, as rows.

    ``indicators`` maps a name to ``(values, valid)``; ``domains`` maps a name ("department",
    "area", …) to its labels (None: the whole sample). Each row is :meth:`Estimates.rows`'s
    dict plus ``indicator`` and ``by``.
    """
    table: list[dict[str, Any]] = []
    coded = {by: domain_codes(labels, design.n) for by, labels in domains.items()}
    for name, (values, valid) in indicators.items():
        y, ok = _values(design, values, valid)
        if kind == "proportion" and ((y[ok] != 0) & (y[ok] != 1)).any():
            raise ValueError(f"indicator {name!r} is not 0/1")
        for by, (labels, codes) in coded.items():
            result = _estimate_coded(design, kind, y, ok, labels, codes, level, df, ci)
            table.extend({"indicator": name, "by": by, **row} for row in result.rows())
    return table


def _values(
    design: SurveyDesign, values: ArrayLike, valid: ArrayLike | None
) -> tuple[NDArray[np.float64], NDArray[np.bool_]]:
    y = np.asarray(values, dtype=np.float64).reshape(-1)
    if y.size != design.n:
        raise ValueError(f"{y.size} values for a design of {design.n} units")
    ok = ~np.isnan(y)
    if valid is not None:
        v = np.asarray(valid, dtype=bool).reshape(-1)
        if v.size != design.n:
            raise ValueError(f"valid has {v.size} values for a design of {design.n} units")
        ok &= v
    if np.isinf(y[ok]).any():
        raise ValueError("values must be finite numbers (NaN for no value)")
    return np.where(ok, y, 0.0), ok


def _estimate(
    design: SurveyDesign,
    kind: Kind,
    y: NDArray[np.float64],
    ok: NDArray[np.bool_],
    domain: ArrayLike | None,
    level: float,
    df: float | None,
    ci: CiMethod,
) -> Estimates:
    labels, codes = domain_codes(domain, design.n)
    return _estimate_coded(design, kind, y, ok, labels, codes, level, df, ci)


def _estimate_coded(
    design: SurveyDesign,
    kind: Kind,
    y: NDArray[np.float64],
    ok: NDArray[np.bool_],
    labels: NDArray[Any],
    codes: NDArray[np.int64],
    level: float,
    df: float | None,
    ci: CiMethod,
) -> Estimates:
    if not 0.0 < level < 1.0:
        raise ValueError(f"level must be between 0 and 1, got {level!r}")
    n_domains = labels.size
    k_psu = design.n_psu
    selected = ok & (codes >= 0)
    g = codes[selected]
    w = design.weights[selected]
    yv = y[selected]
    psu = design.psu[selected]
    weighted_n = np.bincount(g, weights=w, minlength=n_domains).astype(np.float64)
    n = np.bincount(g, minlength=n_domains).astype(np.int64)
    with np.errstate(divide="ignore", invalid="ignore"):
        estimate = np.bincount(g, weights=w * yv, minlength=n_domains) / weighted_n  # (1)
        residual = yv - estimate[g]
        z = w * residual / weighted_n[g]  # (2)
        cell = g * k_psu + psu
        totals = np.bincount(cell, weights=z, minlength=n_domains * k_psu).astype(np.float64)
        totals = totals.reshape(n_domains, k_psu)
        psus = (np.bincount(cell, minlength=n_domains * k_psu).reshape(n_domains, k_psu) > 0).sum(
            axis=1
        )
        variance = _stratified_variance(design, totals)  # (3)
        ss = np.bincount(g, weights=w * residual**2, minlength=n_domains)
        v_srs = ss / weighted_n / (n - 1)  # (4): s²_w / n with s²_w = n/(n−1)·Σw r²/Σw
        deff = np.where(n > 1, variance / v_srs, np.nan)
    se = np.sqrt(variance)
    empty = n == 0
    estimate[empty] = np.nan
    se[empty] = np.nan
    degrees = float(design.degrees_of_freedom if df is None else df)
    low, high = _interval(kind, estimate, se, level, degrees, ci)
    return Estimates(
        kind=kind,
        domains=labels,
        estimate=estimate,
        se=se,
        ci_low=low,
        ci_high=high,
        deff=deff,
        n=n,
        weighted_n=weighted_n,
        psus=psus.astype(np.int64),
        df=degrees,
        level=level,
    )


def _stratified_variance(design: SurveyDesign, totals: NDArray[np.float64]) -> NDArray[np.float64]:
    """Formula (3) for every row of ``totals`` (domains × PSUs, PSUs numbered by stratum)."""
    count = design.psu_count
    stratum_sum = np.add.reduceat(totals, design.psu_start, axis=1)
    deviation = totals - np.repeat(stratum_sum / count, count, axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = np.where(count > 1, count / (count - 1.0), 0.0)
    lonely = count == 1
    if lonely.any() and design.lonely_psu == "adjust":
        # R survey >= 4.2: centre a lonely PSU at the grand mean of the PSU totals, scale 1
        columns = design.psu_start[lonely]
        centre = totals.sum(axis=1, keepdims=True) / design.n_psu
        deviation[:, columns] = totals[:, columns] - centre
        scale = np.where(lonely, 1.0, scale)
    return np.asarray((deviation**2 * np.repeat(scale, count)).sum(axis=1), dtype=np.float64)


def _interval(
    kind: Kind,
    estimate: NDArray[np.float64],
    se: NDArray[np.float64],
    level: float,
    df: float,
    ci: CiMethod,
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    nan = np.full(estimate.shape, np.nan)
    if not (df >= 1 and (math.isinf(df) or float(df).is_integer())):
        return nan, nan.copy()
    t = t_quantile(0.5 + level / 2.0, df)
    with np.errstate(divide="ignore", invalid="ignore"):
        if kind == "mean" or ci == "wald":
            low = estimate - t * se
            high = estimate + t * se
            if kind == "proportion":
                low, high = np.clip(low, 0.0, 1.0), np.clip(high, 0.0, 1.0)
            return low, high
        inside = (estimate > 0) & (estimate < 1)
        p = np.where(inside, estimate, 0.5)
        logit = np.log(p / (1.0 - p))
        half = t * se / (p * (1.0 - p))  # (5)
        # 0 or 1 (no child, or every child, with the condition): the interval is the point
        low = np.where(inside, 1.0 / (1.0 + np.exp(-(logit - half))), estimate)
        high = np.where(inside, 1.0 / (1.0 + np.exp(-(logit + half))), estimate)
    return low, high
