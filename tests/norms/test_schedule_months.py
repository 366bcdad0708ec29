"""Doses given in months of pregnancy, the postpartum subject and parallel requirements."""

import tomllib
from datetime import date
from importlib.resources import files

import numpy as np
import pytest
from pydantic import ValidationError

from crecer.norms import Schedule, load_profile
from crecer.norms.schedule import month_start_day
from crecer.schedules import EventStatus
from crecer.schedules.engine import evaluate


def raw_pregnancy_schedule() -> dict:
    text = files("crecer.norms").joinpath("profiles/peru.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)["schedules"]["pregnancy"][0]


def test_month_start_day_by_hand():
    # ceil((m - 1) x 30.4375): 0, 30.4375 -> 31, 60.875 -> 61, 91.3125 -> 92
    assert [month_start_day(m, 30.4375) for m in (1, 2, 3, 4)] == [0, 31, 61, 92]
    assert [month_start_day(m, 28) for m in (1, 5, 9)] == [0, 112, 224]  # exact, no float noise
    with pytest.raises(ValueError, match="counted from 1"):
        month_start_day(0, 28)


def test_month_days_is_the_one_setting_of_the_juntos_rule():
    raw = raw_pregnancy_schedule()
    assert raw["month_days"] == 30.4375
    raw["month_days"] = 28  # count months as four gestational weeks instead
    juntos = next(r for r in Schedule.model_validate(raw).requirements if r.id == "juntos_prenatal")
    assert [d.required_from_day for d in juntos.doses] == [112, 112, 140, 168, 196, 224]
    assert [d.to_day for d in juntos.doses] == [111, 111, 139, 167, 195, 223]
    assert [d.from_day for d in juntos.doses] == [0, 0, 112, 140, 168, 196]


def test_months_without_month_days_or_contradicting_days_are_refused():
    raw = raw_pregnancy_schedule()
    del raw["month_days"]
    with pytest.raises(ValidationError, match="needs month_days"):
        Schedule.model_validate(raw)
    raw = raw_pregnancy_schedule()
    juntos = next(r for r in raw["requirements"] if r["id"] == "juntos_prenatal")
    juntos["doses"][0]["to_day"] = 100  # before_month = 5 means to_day 121
    with pytest.raises(ValidationError, match="contradicts its month"):
        Schedule.model_validate(raw)


def test_a_dumped_schedule_reads_back():
    schedule = Schedule.model_validate(raw_pregnancy_schedule())
    assert Schedule.model_validate(schedule.model_dump()) == schedule


def test_shared_codes_need_parallel():
    raw = raw_pregnancy_schedule()
    count = next(r for r in raw["requirements"] if r["id"] == "prenatal_count")
    count["parallel"] = False  # same codes as `prenatal`, same first day: cannot be routed
    with pytest.raises(ValidationError, match="both start at day 0"):
        Schedule.model_validate(raw)


def test_the_profile_has_a_postpartum_schedule():
    schedules = load_profile("peru").schedules
    assert schedules is not None
    postpartum = schedules.in_force("postpartum", date(2025, 1, 1))
    assert postpartum.requirement_ids() == ["postnatal", "iron_folic_postpartum"]


def test_a_code_counted_only_by_a_parallel_requirement_is_used():
    schedule = Schedule.model_validate(
        {
            "id": "test",
            "valid_from": date(2024, 1, 1),
            "requirements": [
                {"id": "a", "name": {"es": "a", "en": "a"}, "codes": ["X"], "kind": "series",
                 "source": "s", "doses": [{"label": "1", "from_day": 0}]},
                {"id": "b", "name": {"es": "b", "en": "b"}, "codes": ["X", "Y"], "kind": "series",
                 "parallel": True, "source": "s",
                 "doses": [{"label": "1", "from_day": 0}, {"label": "2", "from_day": 0}]},
            ],
        }
    )  # fmt: skip
    origin = np.array(["2025-01-01"], dtype="datetime64[D]")
    result = evaluate(
        schedule,
        origin=origin,
        lbw_or_premature=np.zeros(1, dtype=bool),
        subject=np.array([0, 0, 0]),
        event_date=origin[0] + np.array([1, 2, 3]).astype("timedelta64[D]"),
        code_index=np.array([0, 1, 2]),
        vocabulary=["X", "Y", "Z"],
        as_of=np.datetime64("2025-02-01"),
    )
    used, unknown = EventStatus.USED, EventStatus.UNKNOWN_CODE
    assert list(result.event_status) == [used, used, unknown]
    assert result.columns["a_done"][0] == 1  # X only
    assert result.columns["b_done"][0] == 2  # X and Y
