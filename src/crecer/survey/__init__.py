"""Survey estimates: weighted prevalences and means with Taylor-linearised standard errors.

What WHO ``anthro``'s ``anthro_prevalence`` and R's ``survey`` package (``svymean``,
``svyciprop(method = "logit")``, ``svyby``) compute for a stratified cluster sample such as
ENDES, in vectorised numpy: weights, strata and PSUs (:class:`SurveyDesign`), prevalence and
mean by domain with standard error, design effect and 95 % interval (:func:`prevalence`,
:func:`mean`, :func:`estimate_table`), the WHO indicators from z-scores and Hb
(:mod:`crecer.survey.indicators`) and the rule that withholds an estimate when the sample is
too thin (:func:`reliability`), and two-stage cluster samples drawn from a known population
to check it against the truth (:func:`two_stage_sample`). The formulas, with their sources,
are in the docstrings of :mod:`crecer.survey.design` and :mod:`crecer.survey.estimate` and in
docs/survey.md.

    >>> from crecer.survey import SurveyDesign, prevalence
    >>> design = SurveyDesign.from_columns([1.0] * 4)  # 4 children, simple random sample
    >>> result = prevalence(design, [1, 0, 0, 1])
    >>> float(result.estimate[0]), round(float(result.se[0]) ** 2, 6)  # p(1 − p)/(n − 1)
    (0.5, 0.083333)

Pure numpy: no Django, no I/O.
"""

from crecer.survey.design import LonelyPsu, SurveyDesign
from crecer.survey.distributions import normal_quantile, t_quantile
from crecer.survey.estimate import Estimates, domain_codes, estimate_table, mean, prevalence
from crecer.survey.indicators import (
    GROWTH_INDICATORS,
    anemia_indicator,
    growth_indicators,
    reliability,
)
from crecer.survey.sampling import Sample, two_stage_sample

__all__ = [
    "GROWTH_INDICATORS",
    "Estimates",
    "LonelyPsu",
    "Sample",
    "SurveyDesign",
    "anemia_indicator",
    "domain_codes",
    "estimate_table",
    "growth_indicators",
    "mean",
    "normal_quantile",
    "prevalence",
    "reliability",
    "t_quantile",
    "two_stage_sample",
]
