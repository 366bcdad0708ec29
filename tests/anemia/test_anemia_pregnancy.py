"""Hb in pregnancy at altitude, classified by the trimester row of NTS 213-2024 (anemia.md).

The woman lives at 3,200 m: the profile's rule in force (nts_213_2024) adjusts with the MINSA
2024 bands (RM 429-2024, annex table 1), which subtract 2.1 g/dL at 3,000-3,499 m. Cut-offs for
pregnant women (g/dL, adjusted): 1st trimester (< 14 weeks) no anemia >= 11.0, mild 10.0-10.9;
2nd (14 to < 28) no anemia >= 10.5, mild 10.0-10.4; 3rd (28+) no anemia >= 11.0, mild
10.0-10.9; all trimesters moderate 7.0-9.9, severe < 7.0.
"""

import numpy as np
import pytest
from numpy.testing import assert_allclose

from crecer.anemia import Severity, assess_hemoglobin
from crecer.norms import load_profile
from crecer.schedules import gestational_weeks, trimester

ANEMIA = load_profile("peru").anemia
FUR = np.datetime64("2025-01-01", "D")
ALTITUDE_M = 3200


def assess(observed, gestational_day):
    tested = FUR + np.asarray(gestational_day).astype("timedelta64[D]")
    n = len(tested)
    return assess_hemoglobin(
        ANEMIA,
        hemoglobin=np.full(n, observed),
        altitude_m=np.full(n, ALTITUDE_M),
        test_date=tested,
        age_months=np.full(n, 300),  # a woman of 25
        sex=np.full(n, "F"),
        gestational_weeks=gestational_weeks(FUR, tested),
    )


WEEKS_12_20_30 = [84, 140, 210]  # days since the FUR


@pytest.mark.parametrize(
    ("observed", "expected"),
    [
        # 12.8 - 2.1 = 10.7: below 11.0 in the 1st and 3rd trimesters, above 10.5 in the 2nd
        (12.8, [Severity.MILD, Severity.NONE, Severity.MILD]),
        # 13.1 - 2.1 = 11.0: no anemia in any trimester (the threshold itself is "no anemia")
        (13.1, [Severity.NONE, Severity.NONE, Severity.NONE]),
        # 12.5 - 2.1 = 10.4: mild in all three (2nd: 10.0-10.4)
        (12.5, [Severity.MILD, Severity.MILD, Severity.MILD]),
        # 11.9 - 2.1 = 9.8: moderate (7.0-9.9); 9.0 - 2.1 = 6.9: severe (< 7.0)
        (11.9, [Severity.MODERATE] * 3),
        (9.0, [Severity.SEVERE] * 3),
    ],
)
def test_a_woman_at_3200_m_at_weeks_12_20_and_30(observed, expected):
    assert list(trimester(FUR, FUR + np.array(WEEKS_12_20_30))) == [1, 2, 3]
    result = assess(observed, WEEKS_12_20_30)
    assert_allclose(result["altitude_adjustment"], [2.1] * 3)
    assert list(result["severity"]) == expected
    assert list(result["rule"]) == ["nts_213_2024"] * 3


def test_trimester_edges_at_altitude():
    # adjusted 10.7 on days 97 (13 weeks 6 days: 1st trimester, < 11.0 mild), 98 (14 weeks:
    # 2nd, >= 10.5 none), 195 (27 weeks 6 days: 2nd, none) and 196 (28 weeks: 3rd, mild)
    result = assess(12.8, [97, 98, 195, 196])
    assert list(result["severity"]) == [Severity.MILD, Severity.NONE, Severity.NONE, Severity.MILD]
    assert list(result["anemic"]) == [True, False, False, True]
