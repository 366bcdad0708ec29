"""WHO / MINSA categories: strict cut-offs, flagged values not classified, oedema as < −3."""

import numpy as np

from crecer.growth import classify, zscores
from crecer.growth.classification import labels

NAN = np.nan


def test_cut_offs_are_strict() -> None:
    z = {
        "z_lhfa": np.array([-3.01, -3.0, -2.01, -2.0, 0.0, NAN]),
        "z_wflh": np.array([-3.01, -2.01, -2.0, 2.0, 2.01, 3.01]),
        "z_wfa": np.array([-3.01, -3.0, -2.01, -2.0, 5.0, NAN]),
    }
    c = classify(z)
    assert c["lhfa"].tolist() == [2, 1, 1, 0, 0, -1]  # z = −2.00 is not stunted (z < −2)
    assert c["wflh"].tolist() == [2, 1, 0, 0, 3, 4]
    assert c["wfa"].tolist() == [2, 1, 1, 0, 0, -1]
    assert c["stunting"].tolist() == [True, True, True, False, False, False]
    assert c["severe_stunting"].tolist() == [True, False, False, False, False, False]
    assert c["overweight"].tolist() == [False, False, False, False, True, True]
    assert c["obesity"].tolist() == [False] * 5 + [True]
    assert labels("lhfa", c["lhfa"]).tolist()[:2] == [
        "Talla baja severa (desnutrición crónica severa)",
        "Talla baja (desnutrición crónica)",
    ]
    assert labels("wflh", c["wflh"], "en").tolist()[-1] == "Obesity"


def test_flagged_values_are_not_classified_and_oedema_is_severe() -> None:
    out = zscores(
        sex=[1, 1, 1],
        age_days=365,
        length_cm=[60.0, 75.0, 75.0],  # 60 cm at day 365: z = −6.62, flagged
        weight_kg=[9.0, 9.0, 9.0],
        measure="l",
        oedema=[False, False, True],
    )
    c = classify(out)
    assert c["lhfa"][0] == -1
    assert not c["stunting"][0]
    assert c["wflh"][2] == 2
    assert c["severe_wasting"][2]
    assert c["wasting"][2]
    assert c["wfa"][2] == 2
    assert c["severe_underweight"][2]
    assert c["lhfa"][2] == 0  # oedema does not affect length-for-age
