"""Messy events: each has a defined outcome, never a crash."""

import numpy as np

from crecer.norms import load_profile
from crecer.schedules import EventStatus, child_status, pregnancy_status

PROFILE = load_profile("peru")
BIRTH = np.datetime64("2025-01-01", "D")
AS_OF = BIRTH + 200


def test_each_bad_event_is_ignored_with_its_reason():
    children = {"birth_date": np.array([BIRTH, "NaT", BIRTH + 300], dtype="datetime64[D]")}
    events = {
        "child": np.array([0, 0, 0, 0, 7, 1, 0, 0, 2]),
        "date": np.array(
            [
                BIRTH + 65,
                BIRTH + 65,
                BIRTH - 3,
                AS_OF + 1,
                BIRTH + 65,
                BIRTH + 65,
                "NaT",
                BIRTH + 130,
                BIRTH + 301,
            ],
            dtype="datetime64[D]",
        ),
        "code": np.array(
            ["90722", "90722", "90722", "90722", "90722", "90722", "90722", "XYZ", "90722"]
        ),
    }
    result = child_status(PROFILE, children, events, AS_OF)
    assert list(result.event_status) == [
        EventStatus.USED,
        EventStatus.USED,  # same day as the first: counted once
        EventStatus.BEFORE_ORIGIN,
        EventStatus.AFTER_AS_OF,  # in the future of the evaluation
        EventStatus.UNKNOWN_SUBJECT,  # no child 7
        EventStatus.NO_ORIGIN_DATE,  # child 1 has no birth date
        EventStatus.MISSING_DATE,
        EventStatus.UNKNOWN_CODE,
        EventStatus.AFTER_AS_OF,  # child 2 is born after the as-of date
    ]
    assert result.ignored_counts() == {
        "unknown_code": 1, "unknown_subject": 1, "no_origin_date": 1, "missing_date": 1,
        "before_origin": 1, "after_as_of": 2,
    }  # fmt: skip
    columns = result.columns
    assert columns["pentavalent_done"][0] == 1  # the duplicate did not make a second dose
    assert columns["duplicate_events"][0] == 1
    assert list(columns["evaluable"]) == [True, False, False]
    assert list(columns["age_days"]) == [200, -1, -1]
    # children that cannot be evaluated get neutral values, never a crash
    assert columns["pentavalent_required"][1] == 0
    assert not columns["pentavalent_complete"][1]
    assert np.isnat(columns["pentavalent_next_due"][2])


def test_dictionary_encoded_codes_give_the_same_result():
    vocabulary = ["90722", "99381", "unknown"]
    events = {
        "child": np.array([0, 0, 0, 0]),
        "date": np.array([BIRTH + d for d in (65, 130, 45, 50)], dtype="datetime64[D]"),
    }
    as_strings = child_status(
        PROFILE, {"birth_date": np.array([BIRTH])},
        {**events, "code": np.array(["90722", "90722", "99381", "unknown"])}, AS_OF,
    )  # fmt: skip
    as_codes = child_status(
        PROFILE, {"birth_date": np.array([BIRTH])},
        {**events, "code": np.array([0, 0, 1, 2], dtype=np.int16)}, AS_OF,
        code_vocabulary=vocabulary,
    )  # fmt: skip
    for name, column in as_strings.columns.items():
        np.testing.assert_array_equal(column, as_codes.columns[name], err_msg=name)
    np.testing.assert_array_equal(as_strings.event_status, as_codes.event_status)


def test_no_events_at_all():
    events = {"child": np.array([], dtype=np.int64), "date": np.array([], "datetime64[D]"),
              "code": np.array([], dtype=str)}  # fmt: skip
    result = child_status(PROFILE, {"birth_date": np.array([BIRTH])}, events, AS_OF)
    assert result.columns["cred_done"][0] == 0
    # at 200 days windows 1-5 are closed; window 6 (180-209, FED SI-03) is open: due from day 180
    assert result.columns["cred_next_due"][0] == BIRTH + 180
    assert result.columns["cred_overdue"][0]


def test_first_prenatal_check_in_the_first_trimester():
    # FED SI-01.01: first prenatal check in the 1st trimester (< 14 weeks = days 0-97 from FUR)
    lmp = np.datetime64("2025-01-01", "D")
    pregnancies = {"lmp_date": np.array([lmp, lmp])}
    events = {
        "pregnancy": np.array([0, 1]),
        "date": np.array([lmp + 97, lmp + 98], dtype="datetime64[D]"),
        "code": np.array(["Z3491", "Z3491"]),
    }
    result = pregnancy_status(PROFILE, pregnancies, events, lmp + 120)
    assert list(result.columns["first_check_first_trimester"]) == [True, False]
    assert list(result.columns["prenatal_done"]) == [1, 1]  # day 98 is check 2 (98-153)
