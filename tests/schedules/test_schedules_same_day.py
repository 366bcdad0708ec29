"""Events derived from codes on the same day (FED MC-02.01: iron "in the same visit as" an anemia
diagnosis, or not) and flags met by any of their parts; a schedule built here, by hand."""

import numpy as np
import pytest

from crecer.norms import Schedule
from crecer.schedules.engine import EventStatus, evaluate

BIRTH = np.datetime64("2025-01-01", "D")
SCHEDULE = Schedule.model_validate(
    {
        "id": "same_day",
        "valid_from": "2024-01-01",
        "same_day_codes": [
            {"code": "IRON+DX", "of": ["99199.17"], "with_any": ["D509", "D649"],
             "source": "test"},
            {"code": "IRON-DX", "of": ["99199.17"], "with_any": ["D509", "D649"],
             "without": True, "source": "test"},
        ],
        "requirements": [
            {"id": "treatment", "name": {"es": "t", "en": "t"}, "codes": ["IRON+DX"],
             "kind": "series", "source": "test", "doses": [{"label": "1", "from_day": 0}]},
            {"id": "preventive", "name": {"es": "p", "en": "p"}, "codes": ["IRON-DX"],
             "kind": "series", "source": "test", "doses": [{"label": "1", "from_day": 0}]},
            {"id": "mmn", "name": {"es": "m", "en": "m"}, "codes": ["99199.19"],
             "kind": "series", "source": "test", "doses": [{"label": "1", "from_day": 0}]},
        ],
        "flags": [
            {"id": "any_path", "any_of": ["treatment", "preventive", "mmn"], "source": "test"},
            {"id": "all_paths", "all_of": ["treatment", "preventive"], "source": "test"},
        ],
    }
)  # fmt: skip


def run(events: list[tuple[int, int, str]], children: int = 1):
    vocabulary = sorted({code for _, _, code in events}) or ["none"]
    return evaluate(
        SCHEDULE,
        origin=np.full(children, BIRTH),
        lbw_or_premature=np.zeros(children, dtype=bool),
        subject=np.array([child for child, _, _ in events], dtype=np.int64),
        event_date=np.array([BIRTH + day for _, day, _ in events], dtype="datetime64[D]"),
        code_index=np.array([vocabulary.index(code) for _, _, code in events], dtype=np.int64),
        vocabulary=vocabulary,
        as_of=BIRTH + 300,
    )


@pytest.mark.parametrize(
    ("events", "treatment", "preventive"),
    [
        ([(0, 200, "99199.17"), (0, 200, "D509")], True, False),  # same day: treatment
        ([(0, 200, "99199.17"), (0, 201, "D509")], False, True),  # the next day: preventive
        ([(0, 200, "99199.17")], False, True),
        ([(0, 200, "D649"), (0, 200, "99199.17"), (0, 240, "99199.17")], True, True),
        ([(0, 200, "D509")], False, False),  # a diagnosis alone is no delivery
    ],
)
def test_iron_with_or_without_a_diagnosis_the_same_day(events, treatment, preventive):
    got = run(events)
    assert bool(got.columns["treatment_complete"][0] and got.columns["treatment_done"][0]) == (
        treatment
    )
    assert bool(got.columns["preventive_done"][0]) == preventive
    # one status per event given: the derived events are not reported
    assert len(got.event_status) == len(events)


def test_a_diagnosis_of_another_child_does_not_count():
    got = run([(0, 200, "99199.17"), (1, 200, "D509")], children=2)
    assert (got.columns["treatment_done"][0], got.columns["preventive_done"][0]) == (0, 1)
    # codes the same-day rules read are known to the schedule, even if no requirement counts them
    assert list(got.event_status) == [EventStatus.USED, EventStatus.USED]
    assert run([(0, 200, "90722")]).event_status[0] == EventStatus.UNKNOWN_CODE


def test_any_of_and_all_of_flags():
    nothing = run([(0, 100, "D509")])
    assert not nothing.columns["any_path"][0]
    mmn = run([(0, 200, "99199.19")])
    assert mmn.columns["any_path"][0]
    assert not mmn.columns["all_paths"][0]
    both = run([(0, 200, "99199.17"), (0, 200, "D509"), (0, 240, "99199.17")])
    assert both.columns["any_path"][0]
    assert both.columns["all_paths"][0]


def test_a_flag_names_one_form():
    with pytest.raises(ValueError, match="either all_of, any_of"):
        Schedule.model_validate(
            {**SCHEDULE.model_dump(), "flags": [
                {"id": "x", "all_of": ["mmn"], "any_of": ["mmn"], "source": "test"}]}
        )  # fmt: skip


def test_a_derived_code_must_differ_from_what_it_reads():
    rules = [{"code": "D509", "of": ["99199.17"], "with_any": ["D509"], "source": "test"}]
    with pytest.raises(ValueError, match="also among the codes it reads"):
        Schedule.model_validate({**SCHEDULE.model_dump(), "same_day_codes": rules})
