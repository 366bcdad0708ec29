"""Survey-weighted prevalence and mean: cases worked on paper, the binomial limit, domains,
lonely PSUs, bad weights, and the coverage of the interval on a synthetic population.

Formulas (1)-(5) are those of crecer.survey.estimate's docstring (R survey svymean /
svyciprop(method = "logit") / svyby, as WHO anthro's anthro_prevalence calls them)."""

import math

import numpy as np
import pytest

from crecer.survey import SurveyDesign, estimate_table, mean, prevalence, t_quantile
from crecer.survey.distributions import two_sided_probability

# The worked sample: 2 strata x 2 clusters, 6 children.
#   stratum A, cluster 1: w=2 y=1 (girl), w=2 y=0 (boy)     cluster 2: w=2 y=1 (girl)
#   stratum B, cluster 3: w=4 y=0 (boy),  w=4 y=0 (girl)    cluster 4: w=4 y=1 (girl)
WEIGHTS = [2, 2, 2, 4, 4, 4]
STRATA = ["A", "A", "A", "B", "B", "B"]
CLUSTERS = [1, 1, 2, 3, 3, 4]
STUNTED = [1, 0, 1, 0, 0, 1]
SEX = ["F", "M", "F", "M", "F", "F"]


@pytest.fixture
def design():
    return SurveyDesign.from_columns(WEIGHTS, strata=STRATA, clusters=CLUSTERS)


def test_stratified_cluster_sample_worked_by_hand(design):
    result = prevalence(design, STUNTED)
    # (1) p = (2 + 2 + 4) / 18 = 4/9.
    assert result.estimate[0] == pytest.approx(4 / 9, abs=1e-15)
    # (2) z_i = w_i (y_i - 4/9) / 18, summed by cluster:
    #   c1: (2*5/9 - 2*4/9)/18 = 1/81     c2: (2*5/9)/18 = 5/81
    #   c3: (-4*4/9 * 2)/18   = -16/81    c4: (4*5/9)/18 = 10/81        (sum 0)
    # (3) stratum A: mean 3/81, deviations -2/81, +2/81: 2/(2-1) * 8/6561  = 16/6561
    #     stratum B: mean -3/81, deviations -13/81, +13/81: 2 * 338/6561 = 676/6561
    #     v = 692/6561, se = sqrt(692)/81 = 0.3247641...
    assert result.se[0] ** 2 == pytest.approx(692 / 6561, rel=1e-13)
    # (4) sum w (y - p)^2 = 8*(5/9)^2 + 10*(4/9)^2 = 40/9;  v_srs = 40/9 / 18 / (6-1) = 4/81
    #     deff = (692/6561) / (4/81) = 692/324
    assert result.deff[0] == pytest.approx(692 / 324, rel=1e-13)
    # (5) df = 4 PSUs - 2 strata = 2, t(0.975, 2) = 4.30265273 (tables);
    #     logit(4/9) = ln(0.8); half-width on the logit scale t * se / (4/9 * 5/9)
    t = 4.302652729749464
    half = t * math.sqrt(692 / 6561) / (20 / 81)
    assert result.df == 2
    expit = lambda x: 1 / (1 + math.exp(-x))  # noqa: E731
    assert result.ci_low[0] == pytest.approx(expit(math.log(0.8) - half), rel=1e-12)
    assert result.ci_high[0] == pytest.approx(expit(math.log(0.8) + half), rel=1e-12)
    # The same numbers from samplics 0.6 (TaylorEstimator("proportion"), run by hand):
    # se 0.32476410957940505, CI 0.002780335018746745 to 0.9956625101004302.
    assert result.se[0] == pytest.approx(0.32476410957940505, rel=1e-12)
    assert result.ci_low[0] == pytest.approx(0.002780335018746745, rel=1e-10)
    assert result.ci_high[0] == pytest.approx(0.9956625101004302, rel=1e-10)
    assert (result.n[0], result.weighted_n[0], result.psus[0]) == (6, 18.0, 4)


def test_domain_keeps_the_whole_design(design):
    # Girls (rows 0, 2, 4, 5): w 2, 2, 4, 4 and y 1, 1, 0, 1: p = 8/12 = 2/3.
    # z: row0 2(1/3)/12 = 1/18, row2 1/18, row4 4(-2/3)/12 = -4/18, row5 4(1/3)/12 = 2/18.
    # Cluster totals 1/18, 1/18 | -4/18, 2/18: stratum A adds 0, stratum B mean -1/18,
    # deviations -3/18, 3/18: 2 * 18/324 = 1/9.  se = 1/3.
    result = prevalence(design, STUNTED, domain=SEX)
    assert list(result.domains) == ["F", "M"]
    assert result.estimate[0] == pytest.approx(2 / 3, abs=1e-15)
    assert result.se[0] == pytest.approx(1 / 3, rel=1e-13)
    assert result.df == 2  # the whole design's PSUs - strata, as WHO anthro passes it
    assert result.n.tolist() == [4, 2]


def test_a_domain_absent_from_a_cluster_counts_that_cluster_as_zero(design):
    # Domain = rows 0, 1, 2, 5 (none in cluster 3): w 2, 2, 2, 4; y 1, 0, 1, 1; p = 8/10.
    # z = w (y - 0.8)/10: 0.04, -0.16, 0.04, 0.08; cluster totals c1 -0.12, c2 0.04,
    # c3 0 (no child of the domain), c4 0.08.
    # Stratum A: mean -0.04, deviations -0.08, 0.08: 2 * 0.0128 = 0.0256
    # Stratum B: mean 0.04 (c3 counts as 0), deviations -0.04, 0.04: 2 * 0.0032 = 0.0064
    # v = 0.032.
    inside = np.array([1, 1, 1, 0, 0, 1], bool)
    result = prevalence(design, STUNTED, domain=np.where(inside, "D", ""))
    assert list(result.domains) == ["D"]  # "" is in no domain
    assert result.estimate[0] == pytest.approx(0.8)
    assert result.se[0] ** 2 == pytest.approx(0.032, rel=1e-13)
    # The same as a subpopulation of the whole design (units outside have no value) ...
    same = prevalence(design, STUNTED, valid=inside)
    assert same.se[0] == pytest.approx(result.se[0], rel=1e-15)
    # ... and not a design re-declared on the domain's rows: there stratum B would keep a
    # single cluster, whose variance cannot be estimated at all.
    with pytest.raises(ValueError, match="single PSU"):
        SurveyDesign.from_columns(
            np.array(WEIGHTS)[inside], np.array(STRATA)[inside], np.array(CLUSTERS)[inside]
        )


@pytest.mark.parametrize("n_stunted", [1, 7, 20])
def test_unweighted_simple_random_sample_is_the_binomial(n_stunted):
    # One stratum, every child its own PSU, equal weights: (3) gives
    # n/(n-1) * sum((y_i - p)/n)^2 = p(1-p)/(n-1) (R survey's svymean on svydesign(ids=~1)),
    # the binomial variance with the n-1 of the sample variance; deff exactly 1.
    n = 40
    y = np.r_[np.ones(n_stunted), np.zeros(n - n_stunted)]
    for weight in (1.0, 37.5):  # any common weight
        result = prevalence(SurveyDesign.from_columns(np.full(n, weight)), y)
        p = n_stunted / n
        assert result.estimate[0] == pytest.approx(p)
        assert result.se[0] ** 2 == pytest.approx(p * (1 - p) / (n - 1), rel=1e-12)
        assert result.deff[0] == pytest.approx(1.0, rel=1e-12)
        assert result.df == n - 1


def test_mean_of_z_scores_with_its_t_interval(design):
    # HAZ -2.5, -1.0, -2.1, -0.5, -3.0, -1.4 with the worked weights:
    # mean = (2(-2.5 - 1.0 - 2.1) + 4(-0.5 - 3.0 - 1.4)) / 18 = (-11.2 - 19.6)/18 = -30.8/18.
    haz = np.array([-2.5, -1.0, -2.1, -0.5, -3.0, -1.4])
    m = -30.8 / 18
    result = mean(design, haz)
    assert result.estimate[0] == pytest.approx(m)
    # Cluster totals of w (haz - m)/18, then (3), by hand in numpy's arithmetic:
    r = np.array(WEIGHTS) * (haz - m) / 18
    c = [r[0] + r[1], r[2], r[3] + r[4], r[5]]
    v = 2 * ((c[0] - (c[0] + c[1]) / 2) ** 2 * 2) + 2 * ((c[2] - (c[2] + c[3]) / 2) ** 2 * 2)
    assert result.se[0] ** 2 == pytest.approx(v, rel=1e-12)
    t = 4.302652729749464  # t(0.975, df = 2)
    assert result.ci_low[0] == pytest.approx(m - t * math.sqrt(v), rel=1e-12)
    assert result.ci_high[0] == pytest.approx(m + t * math.sqrt(v), rel=1e-12)


def test_missing_values_leave_the_denominator(design):
    # A NaN (not measured, flagged) is no value: rows 1 and 3 out, the rest as a domain.
    y = np.array([1, np.nan, 1, np.nan, 0, 1])
    result = prevalence(design, y)
    # w 2, 2, 4, 4 on y 1, 1, 0, 1: p = 8/12 (the girls of the worked sample).
    assert result.estimate[0] == pytest.approx(2 / 3)
    assert result.se[0] == pytest.approx(1 / 3, rel=1e-13)
    assert result.n[0] == 4


def test_wald_interval_is_symmetric_and_clipped(design):
    result = prevalence(design, STUNTED, ci="wald")
    t = 4.302652729749464
    assert result.ci_low[0] == 0.0  # 4/9 - 4.30 * 0.325 < 0, clipped
    assert result.ci_high[0] == pytest.approx(min(1.0, 4 / 9 + t * result.se[0]))


def test_normal_interval_when_asked(design):
    result = prevalence(design, STUNTED, df=math.inf)
    half = 1.959963984540054 * result.se[0] / (20 / 81)
    assert result.ci_low[0] == pytest.approx(1 / (1 + math.exp(-(math.log(0.8) - half))))


def test_prevalence_of_zero_or_one_has_the_point_as_interval(design):
    # No logit at 0 or 1; the SE is 0 and the interval collapses (samplics gives [0, 0] too).
    result = prevalence(design, [0, 0, 0, 0, 0, 0])
    assert (result.estimate[0], result.se[0]) == (0, 0)
    assert (result.ci_low[0], result.ci_high[0]) == (0, 0)
    result = prevalence(design, [1, 1, 1, 1, 1, 1])
    assert (result.ci_low[0], result.ci_high[0]) == (1, 1)


def test_an_empty_domain_has_no_estimate(design):
    result = prevalence(design, STUNTED, valid=np.zeros(6, bool))
    assert result.n[0] == 0
    assert np.isnan(result.estimate[0])
    assert np.isnan(result.se[0])


# Lonely PSU: stratum A clusters 1 (w1 y1, w1 y0) and 2 (w1 y1); stratum B one cluster 3
# (w2 y0, w2 y1).  p = (1 + 1 + 2)/7 = 4/7; z = w (y - 4/7)/7 summed by cluster:
# c1 (3 - 4)/49 = -1/49, c2 3/49, c3 (-8 + 6)/49 = -2/49.
# Stratum A: mean 1/49, deviations -2/49, 2/49: 2 * 8/2401 = 16/2401.
LONELY = {
    "weights": [1, 1, 1, 2, 2],
    "strata": ["A", "A", "A", "B", "B"],
    "clusters": [1, 1, 2, 3, 3],
}
LONELY_Y = [1, 0, 1, 0, 1]


def test_lonely_psu_fails_by_default_naming_the_stratum():
    with pytest.raises(ValueError, match=r"single PSU \(B\)"):
        SurveyDesign.from_columns(**LONELY)


def test_lonely_psu_adjust_centres_at_the_grand_mean():
    # R survey >= 4.2 "adjust": centre = sum of all PSU totals / 3 PSUs = 0, scale 1:
    # stratum B adds (-2/49)^2 = 4/2401; v = 20/2401.
    design = SurveyDesign.from_columns(**LONELY, lonely_psu="adjust")
    assert prevalence(design, LONELY_Y).se[0] ** 2 == pytest.approx(20 / 2401, rel=1e-13)
    assert design.degrees_of_freedom == 1


def test_lonely_psu_remove_drops_its_stratum():
    design = SurveyDesign.from_columns(**LONELY, lonely_psu="remove")
    assert prevalence(design, LONELY_Y).se[0] ** 2 == pytest.approx(16 / 2401, rel=1e-13)


@pytest.mark.parametrize(
    ("weights", "message"),
    [
        ([1, 2, -1], "negative"),
        ([1, 0, 3], "zero"),
        ([1, np.nan, 3], "missing or not finite"),
        ([1, np.inf, 3], "missing or not finite"),
        (["1", "x", "3"], "must be numbers"),
        ([], "no units"),
    ],
)
def test_bad_weights_are_refused(weights, message):
    with pytest.raises(ValueError, match=message):
        SurveyDesign.from_columns(weights)


def test_weights_must_sum_to_the_documented_total():
    # Normalised weights of a 3-child file sum to 3; a truncated file does not.
    SurveyDesign.from_columns([0.5, 1.5, 1.0], expected_weight_total=3)
    with pytest.raises(ValueError, match=r"sum to 2\.5, not to the expected 3 "):
        SurveyDesign.from_columns([0.5, 1.0, 1.0], expected_weight_total=3)


def test_clusters_must_be_nested_unless_told():
    strata, clusters = ["A", "A", "B", "B"], [1, 2, 1, 2]
    with pytest.raises(ValueError, match="more than one stratum"):
        SurveyDesign.from_columns([1, 1, 1, 1], strata, clusters)
    design = SurveyDesign.from_columns([1, 1, 1, 1], strata, clusters, nest=True)
    assert (design.n_psu, design.n_strata, design.degrees_of_freedom) == (4, 2, 2)


def test_missing_design_labels_are_refused():
    with pytest.raises(ValueError, match=r"1 value\(s\) of strata are missing"):
        SurveyDesign.from_columns([1, 1], strata=[1.0, np.nan])
    with pytest.raises(ValueError, match=r"1 value\(s\) of clusters are missing"):
        SurveyDesign.from_columns([1, 1], clusters=["c1", ""])
    with pytest.raises(ValueError, match="0/1"):
        prevalence(SurveyDesign.from_columns([1, 1]), [0, 2])


def test_table_of_every_indicator_by_every_domain(design):
    rows = estimate_table(
        design,
        {"stunting": (STUNTED, None), "other": (np.array([0, 1, 0, 0, 1, 0]), None)},
        {"all": None, "sex": SEX},
    )
    assert [(r["indicator"], r["by"], r["domain"]) for r in rows] == [
        ("stunting", "all", "all"),
        ("stunting", "sex", "F"),
        ("stunting", "sex", "M"),
        ("other", "all", "all"),
        ("other", "sex", "F"),
        ("other", "sex", "M"),
    ]
    assert rows[1]["se"] == pytest.approx(1 / 3)


@pytest.mark.parametrize("df", [1, 2, 3, 4, 7, 30, 56, 999])
def test_t_quantile_matches_tables(df):
    # two-sided 95 %: Student's t tables (e.g. df 1: 12.706, 2: 4.303, 30: 2.042)
    t = t_quantile(0.975, df)
    assert two_sided_probability(t, df) == pytest.approx(0.95, abs=1e-14)
    stats = pytest.importorskip("scipy.stats")
    assert t == pytest.approx(stats.t.ppf(0.975, df), rel=1e-12)


def test_t_quantile_table_values():
    assert round(t_quantile(0.975, 1), 3) == 12.706
    assert round(t_quantile(0.975, 2), 3) == 4.303
    assert round(t_quantile(0.975, 30), 3) == 2.042
    assert round(t_quantile(0.975, math.inf), 3) == 1.960
    assert t_quantile(0.025, 5) == -t_quantile(0.975, 5)


def _population(rng):
    """4 strata x 200 clusters of 20-60 children; a cluster's stunting risk varies (logit
    normal, sd 0.8) around a stratum level; HAZ normal around a cluster mean."""
    strata, clusters, stunted, haz = [], [], [], []
    for h, level in enumerate([-1.8, -1.2, -0.6, -1.0]):
        for c in range(200):
            size = int(rng.integers(20, 61))
            risk = 1 / (1 + math.exp(-(level + rng.normal(0, 0.8))))
            strata.append(np.full(size, h))
            clusters.append(np.full(size, h * 1000 + c))
            stunted.append(rng.random(size) < risk)
            haz.append(rng.normal(-1.2 + 0.3 * h + rng.normal(0, 0.4), 1.0, size))
    return (
        np.concatenate(strata),
        np.concatenate(clusters),
        np.concatenate(stunted),
        np.concatenate(haz),
    )


def test_the_interval_covers_the_true_value_in_most_samples():
    """Two-stage sample, 400 times: 15 of 200 clusters per stratum (simple random), 8 children
    per cluster (simple random), weight = (200/15) * (cluster size / 8). The population's
    prevalence and mean HAZ are known; the 95 % interval (logit for the prevalence, t for the
    mean, df = 60 PSUs - 4 strata = 56) should cover them in about 95 % of the samples.
    With seed 2026 (true prevalence 0.2783, mean HAZ -0.743): prevalence covered
    384/400, mean HAZ 383/400 (measured); asserted at least 368/400
    (92 %: 95 % less three binomial standard errors of 1.1 %) and at most 392/400 (98 %)."""
    rng = np.random.default_rng(2026)
    strata, clusters, stunted, haz = _population(rng)
    true_p, true_mean = stunted.mean(), haz.mean()
    by_cluster = {}
    for index, cluster in enumerate(clusters):
        by_cluster.setdefault(cluster, []).append(index)
    members = {c: np.array(rows) for c, rows in by_cluster.items()}
    per_stratum = [np.unique(clusters[strata == h]) for h in range(4)]
    covered_p = covered_mean = 0
    runs = 400
    for _ in range(runs):
        rows, weights = [], []
        for h in range(4):
            for cluster in rng.choice(per_stratum[h], 15, replace=False):
                pool = members[cluster]
                take = rng.choice(pool, 8, replace=False)
                rows.append(take)
                weights.append(np.full(8, 200 / 15 * pool.size / 8))
        chosen, w = np.concatenate(rows), np.concatenate(weights)
        design = SurveyDesign.from_columns(w, strata[chosen], clusters[chosen])
        p = prevalence(design, stunted[chosen])
        m = mean(design, haz[chosen])
        covered_p += bool(p.ci_low[0] <= true_p <= p.ci_high[0])
        covered_mean += bool(m.ci_low[0] <= true_mean <= m.ci_high[0])
    assert p.df == 56
    assert 368 <= covered_p <= 392, covered_p
    assert 368 <= covered_mean <= 392, covered_mean
