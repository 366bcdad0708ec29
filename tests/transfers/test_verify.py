"""Worked cases of the JUNTOS verification engine (pure: no database).

Every rule and number is the Peru profile's [juntos] (../shared/domain/juntos.md, the historical
co-responsibilities after Correa 2013). The period is the May-June 2025 bimester: 2025-05-01 to
2025-06-30, 61 days, so a 61-day window ending on the period's end is the period itself.
"""

from datetime import date

import numpy as np
import pytest

from crecer.norms import load_profile
from crecer.norms.juntos import CitedFlag
from crecer.norms.schedule import month_start_day
from crecer.schedules import pregnancy_month
from crecer.transfers import (
    STATUSES,
    district_eligible,
    household_entitlements,
    next_standing,
    pepi,
    verify_members,
)

PROFILE = load_profile("peru")
START, END = np.datetime64("2025-05-01"), np.datetime64("2025-06-30")
CRED = "99381"  # services.cred
PRENATAL = "Z3491"  # the pregnancy schedule's prenatal codes
POSTNATAL = "Z392"  # the postpartum schedule's postnatal code
NAT = np.datetime64("NaT", "D")


def day(offset: int) -> np.datetime64:
    """The period's end plus ``offset`` days (negative: before it)."""
    return END + np.timedelta64(offset, "D")


def member(mid, household=1, *, age=None, lmp=None, delivery=None, **flags):
    return {
        "member": mid,
        "household": household,
        "birth_date": NAT if age is None else day(-age),
        "lmp": NAT if lmp is None else lmp,
        "delivery": NAT if delivery is None else delivery,
        "facility_declared": flags.get("facility", True),
        "school_declared": flags.get("school", True),
        "upper_secondary": flags.get("upper", False),
        "waived": flags.get("waived", False),
    }


def frame(rows, columns, dtypes):
    return {c: np.array([r[c] for r in rows], dtype=dtypes.get(c)) for c in columns}


MEMBER_TYPES = {"birth_date": "datetime64[D]", "lmp": "datetime64[D]", "delivery": "datetime64[D]"}


def run(members, events=(), school=(), profile=PROFILE):
    m = frame(members, list(members[0]), MEMBER_TYPES)
    e = {
        "member": np.array([x[0] for x in events], np.int64),
        "date": np.array([x[1] for x in events], "datetime64[D]"),
        "code": np.array([x[2] for x in events], object),
    }
    s = {
        "member": np.array([x[0] for x in school], np.int64),
        "term_start": np.array([x[1] for x in school], "datetime64[D]"),
        "term_end": np.array([x[2] for x in school], "datetime64[D]"),
        "enrolled": np.array([x[3] for x in school], bool),
        "days_attended": np.array([x[4] for x in school], np.int64),
        "days_absent": np.array([x[5] for x in school], np.int64),
    }
    return m, verify_members(m, e, s, START, END, profile)


def rows_of(result, mid, condition=None):
    keep = result["member"] == mid
    if condition is not None:
        keep &= result["condition"] == condition
    return {k: v[keep] for k, v in result.items()}


def one(result, mid, condition):
    found = rows_of(result, mid, condition)
    assert len(found["member"]) == 1, (mid, condition, found)
    return {k: v[0] for k, v in found.items()}


def same(a, b):
    """Equal columns (NaT equal to NaT)."""
    return a.keys() == b.keys() and all(
        np.array_equal(a[k].astype(np.int64) if a[k].dtype.kind == "M" else a[k],
                       b[k].astype(np.int64) if b[k].dtype.kind == "M" else b[k])
        for k in a
    )  # fmt: skip


def conditions(result, mid):
    return [c for c in rows_of(result, mid)["condition"] if not c.startswith("tpi_")]


# --- children: CRED by the JUNTOS age rule ----------------------------------------------------


def test_child_of_11_months_with_monthly_checks_complies():
    # 0-12 months: CRED once a month -> 2 checks in a two-month period (juntos.md)
    _, result = run([member(1, age=335)], [(1, "2025-05-15", CRED), (1, "2025-06-14", CRED)])
    row = one(result, 1, "cred_0_11m")
    assert (row["status"], row["required"], row["done"], row["reason"]) == (
        "complied", 2, 2, "",
    )  # fmt: skip
    assert np.isnat(row["due_by"])


def test_one_check_missed_in_the_period_does_not_comply():
    _, result = run([member(1, age=335)], [(1, "2025-06-14", CRED), (1, "2025-06-14", CRED)])
    row = one(result, 1, "cred_0_11m")  # the same-day repeat counts once
    assert (row["status"], row["done"], row["reason"]) == ("not_complied", 1, "missing_checks")
    assert row["due_by"] == END


def test_a_check_before_the_period_does_not_count():
    _, result = run([member(1, age=335)], [(1, "2025-04-30", CRED), (1, "2025-06-14", CRED)])
    assert one(result, 1, "cred_0_11m")["status"] == "not_complied"


def test_facility_not_declared_is_not_verifiable_not_non_compliance():
    _, result = run([member(1, age=335, facility=False)])
    row = one(result, 1, "cred_0_11m")
    assert (row["status"], row["reason"]) == ("not_verifiable", "no_facility_declared")


@pytest.mark.parametrize(
    ("age", "expected"),
    [
        (20, []),  # the first month ends after the period: nothing due yet
        (29, ["cred_newborn"]),  # day 29 (end of the first month) is the period's end
        (89, ["cred_newborn"]),  # day 29 falls on the period's first day
        (90, ["cred_0_11m"]),  # 2 monthly checks in the 61 days after the first month
        (364, ["cred_0_11m"]),
        (365, ["cred_1_2y"]),  # 1-2 years: every 2 months
        (729, ["cred_1_2y"]),
        (730, ["cred_2_5y"]),  # 2-5 years: every 3 months
        (2191, ["cred_2_5y"]),  # the day before the 6th birthday (6 x 365.25 = 2191.5)
        (2192, ["health_6_plus", "school"]),  # 6+: a yearly health check, and school
        (7304, ["health_6_plus", "school"]),  # up to 19 (before day 7305 = 20 years)
        (7305, []),
    ],
)
def test_which_conditions_apply_at_each_age_boundary(age, expected):
    _, result = run([member(1, age=age)])
    assert conditions(result, 1) == expected


def test_newborn_needs_two_checks_in_the_first_month():
    # Newborn: 2 CRED checks in the first month (days 0-29); born 2025-05-10
    born = np.datetime64("2025-05-10")
    age = int((END - born).astype(int))
    checks = [(1, born + np.timedelta64(3, "D"), CRED), (1, born + np.timedelta64(29, "D"), CRED)]
    _, result = run([member(1, age=age)], checks)
    assert one(result, 1, "cred_newborn")["status"] == "complied"
    late = [checks[0], (1, born + np.timedelta64(30, "D"), CRED)]  # day 30 is the 2nd month
    _, result = run([member(1, age=age)], late)
    row = one(result, 1, "cred_newborn")
    assert (row["status"], row["done"]) == ("not_complied", 1)
    assert row["due_by"] == born + np.timedelta64(29, "D")


def test_cred_every_three_months_counts_the_last_91_days():
    # 2-5 years: every 3 months -> 1 check in the last 91 days (days end-90 .. end)
    _, result = run([member(1, age=1000)], [(1, day(-90), CRED)])
    assert one(result, 1, "cred_2_5y")["status"] == "complied"
    _, result = run([member(1, age=1000)], [(1, day(-91), CRED)])
    assert one(result, 1, "cred_2_5y")["status"] == "not_complied"


def test_yearly_health_check_from_six():
    _, result = run([member(1, age=3000)], [(1, day(-364), CRED)])
    assert one(result, 1, "health_6_plus")["status"] == "complied"
    _, result = run([member(1, age=3000)], [(1, day(-365), CRED)])
    assert one(result, 1, "health_6_plus")["status"] == "not_complied"


def test_unknown_birth_date_is_not_verifiable():
    _, result = run([member(1)])
    row = one(result, 1, "age_unknown")
    assert (row["status"], row["reason"]) == ("not_verifiable", "no_birth_date")


# --- pregnant women: the JUNTOS month rule -----------------------------------------------------

MONTH_DAYS = PROFILE.schedules.in_force("pregnancy", date(2025, 6, 30)).month_days


def test_month_boundaries_agree_with_the_pregnancy_schedule():
    # 30.4375-day months: month 5 starts on day 122, 6 on 153, 7 on 183, 8 on 214, 9 on 244
    starts = [month_start_day(m, MONTH_DAYS) for m in (5, 6, 7, 8, 9)]
    assert starts == [122, 153, 183, 214, 244]
    for start, month in zip(starts, (5, 6, 7, 8, 9), strict=True):
        assert pregnancy_month(day(-start), END, MONTH_DAYS) == month
        assert pregnancy_month(day(-start + 1), END, MONTH_DAYS) == month - 1


@pytest.mark.parametrize(
    ("gestational_day", "required"),
    [
        (121, 0),  # month 4: nothing due yet
        (122, 2),  # month 5: 2 checks before month 5
        (152, 2),
        (153, 3),  # month 6: + 1 before month 6
        (183, 4),  # month 7
        (214, 5),  # month 8
        (244, 6),  # month 9: + 1 before month 9
        (280, 6),
    ],
)
def test_the_number_required_by_the_month_at_the_periods_end(gestational_day, required):
    lmp = day(-gestational_day)
    # one check on day 10, then one in each month 4..8 (well before each deadline)
    checks = [(1, lmp + np.timedelta64(d, "D"), PRENATAL) for d in (10, 100, 130, 160, 190, 220)]
    checks = [c for c in checks if c[1] <= END]
    _, result = run([member(1, age=9000, lmp=lmp)], checks)
    row = one(result, 1, "prenatal")
    assert row["required"] == required
    assert row["status"] == "complied"


def test_a_check_on_the_first_day_of_month_5_is_too_late_for_the_first_two():
    lmp = day(-130)  # month 5 at the period's end
    on_time = [(1, lmp + np.timedelta64(10, "D"), PRENATAL)]
    _, result = run(
        [member(1, age=9000, lmp=lmp)],
        [*on_time, (1, lmp + np.timedelta64(121, "D"), PRENATAL)],  # day 121: still month 4
    )
    assert one(result, 1, "prenatal")["status"] == "complied"
    _, result = run(
        [member(1, age=9000, lmp=lmp)],
        [*on_time, (1, lmp + np.timedelta64(122, "D"), PRENATAL)],  # day 122: month 5
    )
    row = one(result, 1, "prenatal")
    assert (row["status"], row["required"], row["done"]) == ("not_complied", 2, 2)
    assert row["due_by"] == lmp + np.timedelta64(121, "D")


def test_pregnant_woman_without_facility_is_not_verifiable():
    _, result = run([member(1, age=9000, lmp=day(-200), facility=False)])
    assert one(result, 1, "prenatal")["reason"] == "no_facility_declared"


# --- postpartum: 2 checks within 42 days ---------------------------------------------------------


def test_postpartum_two_checks_within_42_days():
    delivery = day(-42)  # day 42 is the period's end
    checks = [(1, delivery + np.timedelta64(7, "D"), POSTNATAL)]
    _, result = run(
        [member(1, age=9000, delivery=delivery)],
        [*checks, (1, delivery + np.timedelta64(42, "D"), POSTNATAL)],
    )
    assert one(result, 1, "postnatal")["status"] == "complied"
    _, result = run(
        [member(1, age=9000, delivery=delivery)],
        [*checks, (1, delivery, POSTNATAL), (1, delivery + np.timedelta64(43, "D"), POSTNATAL)],
    )  # the delivery day and day 43 do not count
    row = one(result, 1, "postnatal")
    assert (row["status"], row["required"], row["done"]) == ("not_complied", 2, 1)
    assert row["due_by"] == delivery + np.timedelta64(42, "D")


def test_postpartum_is_verified_in_the_period_where_day_42_falls():
    _, result = run([member(1, age=9000, delivery=day(-41))])  # day 42 after the period
    assert conditions(result, 1) == []
    _, result = run([member(1, age=9000, delivery=day(-103))])  # day 42 before the period
    assert conditions(result, 1) == []


# --- students: enrolment and absence -------------------------------------------------------------

TERM = ("2025-03-17", "2025-07-25")


@pytest.mark.parametrize(
    ("attended", "absent", "status", "reason"),
    [
        (85, 15, "complied", ""),  # exactly 15 % of school days
        (849, 151, "not_complied", "absence_over_limit"),  # 15.1 %
        (0, 0, "not_verifiable", "no_attendance_record"),
    ],
)
def test_school_absence_at_most_15_percent_per_term(attended, absent, status, reason):
    _, result = run([member(1, age=3000)], school=[(1, *TERM, True, attended, absent)])
    row = one(result, 1, "school")
    assert (row["status"], row["reason"]) == (status, reason)
    assert (row["required"], row["done"]) == (attended + absent, attended)


def test_each_overlapping_term_counts_and_others_are_ignored():
    school = [
        (1, "2025-03-17", "2025-05-09", True, 40, 0),
        (1, "2025-05-12", "2025-07-25", True, 40, 10),  # 20 % in the second term
        (1, "2024-03-11", "2024-12-20", True, 100, 90),  # last year: ignored
    ]
    _, result = run([member(1, age=3000)], school=school)
    assert one(result, 1, "school")["reason"] == "absence_over_limit"


def test_school_not_enrolled_no_record_not_declared():
    _, result = run([member(1, age=3000)], school=[(1, *TERM, False, 0, 0)])
    assert one(result, 1, "school")["reason"] == "not_enrolled"
    _, result = run([member(1, age=3000)], school=[(1, "2024-03-11", "2024-12-20", True, 9, 1)])
    row = one(result, 1, "school")
    assert (row["status"], row["reason"]) == ("not_verifiable", "no_school_record")
    _, result = run([member(1, age=3000, school=False)], school=[(1, *TERM, True, 90, 0)])
    assert one(result, 1, "school")["reason"] == "no_school_declared"


# --- households: entitlements, waiver, TPI, TAS ------------------------------------------------


def test_tpi_and_tas_amounts():
    # a complying pregnant woman (month 5, 2 checks before it) and two upper-secondary students
    lmp = day(-130)
    members = [
        member(1, 7, age=9000, lmp=lmp),
        member(2, 7, age=5900, upper=True),
        member(3, 7, age=6000, upper=True),
    ]
    events = [(1, lmp + np.timedelta64(d, "D"), PRENATAL) for d in (20, 90)]
    events += [(2, day(-30), CRED), (3, day(-60), CRED)]  # their yearly health checks
    school = [(2, *TERM, True, 95, 5), (3, *TERM, True, 90, 10)]
    m, result = run(members, events, school)
    assert set(result["status"]) == {"complied"}
    pay = household_entitlements(result, m, END, PROFILE)
    # Andina (Jul 2025): base S/ 200, TPI S/ 100, TAS S/ 80 per upper-secondary student
    assert pay["household"].tolist() == [7]
    assert pay["complies"].tolist() == [True]
    assert (pay["base"][0], pay["tpi"][0], pay["tas"][0]) == (200.0, 100.0, 160.0)
    assert pay["total"][0] == 200 + 100 + 2 * 80
    assert pay["reason"][0] == ""


def test_a_failing_student_loses_the_tas_and_the_base():
    members = [member(2, 7, age=5900, upper=True)]
    m, result = run(members, [(2, day(-30), CRED)], [(2, *TERM, True, 80, 20)])
    pay = household_entitlements(result, m, END, PROFILE)
    assert (pay["complies"][0], pay["total"][0], pay["reason"][0]) == (False, 0.0, "school")


def test_a_member_crecer_holds_no_health_record_of_is_reported_apart_and_does_not_withhold():
    # An older sibling (8 years, 2920 days) has no record in the padrón (children under 6) nor
    # as a woman: Crecer cannot see the yearly check, which is the source's gap, not the
    # household's failure. Beside a complying school term (90 days, none absent) the
    # household is paid the base S/ 200 (andina_2025_juntos).
    sibling = member(1, 5, age=2920) | {"health_record": False}
    m, result = run([sibling], school=[(1, *TERM, True, 90, 0)])
    row = one(result, 1, "health_6_plus")
    assert (row["status"], row["reason"]) == ("not_verifiable", "no_health_record")
    pay = household_entitlements(result, m, END, PROFILE)
    assert (pay["complies"][0], pay["total"][0]) == (True, 200.0)
    # Without a declared facility the household's own gap withholds, as before.
    undeclared = sibling | {"facility_declared": False}
    m, result = run([undeclared], school=[(1, *TERM, True, 90, 0)])
    assert one(result, 1, "health_6_plus")["reason"] == "no_facility_declared"
    assert not household_entitlements(result, m, END, PROFILE)["complies"][0]


def test_not_verifiable_withholds_but_is_reported_apart():
    m, result = run([member(1, 3, age=335, facility=False)])
    assert one(result, 1, "cred_0_11m")["status"] == "not_verifiable"
    pay = household_entitlements(result, m, END, PROFILE)
    assert (pay["complies"][0], pay["total"][0], pay["reason"][0]) == (False, 0.0, "cred_0_11m")
    lenient = PROFILE.juntos.model_copy(
        update={"unverifiable_withholds": CitedFlag(value=False, source="juntos_gob_update")}
    )
    profile = PROFILE.model_copy(update={"juntos": lenient})
    pay = household_entitlements(result, m, END, profile)
    assert pay["complies"][0]


def test_a_waiver_exempts():
    m, result = run([member(1, 4, age=335, waived=True), member(2, 4, age=3000, waived=True)])
    assert set(result["status"]) == {"exempt"}
    assert set(result["reason"]) == {"waiver"}
    pay = household_entitlements(result, m, END, PROFILE)
    assert pay["complies"][0]
    assert pay["base"][0] == 200.0


def test_tpi_package_of_a_young_child():
    # a 1-day-old: nothing of the package is due yet -> TPI paid; base: nothing to verify
    m, result = run([member(1, 5, age=1)])
    tpi = rows_of(result, 1)
    assert set(tpi["condition"]) == {"tpi_cred", "tpi_hb", "tpi_vaccines", "tpi_iron"}
    assert set(tpi["status"]) == {"complied"}
    pay = household_entitlements(result, m, END, PROFILE)
    assert (pay["base"][0], pay["tpi"][0]) == (200.0, 100.0)
    # 20 days old without newborn checks: FED requires them only from day 29 (cred_schedule.md,
    # Newborn checks in FED) -> still complied
    m, result = run([member(1, 5, age=20)])
    assert one(result, 1, "tpi_cred")["status"] == "complied"
    # 30 days old with newborn checks (99381.01) on days 3 and 5: JUNTOS's 2 checks in the
    # first month hold (base paid), but FED counts only day 3 (day 5 is < 3 days after it) and
    # requires all 4 from day 29 (no monthly check before day 60): TPI withheld
    checks = [(1, str(day(-30 + d)), "99381.01") for d in (3, 5)]
    m, result = run([member(1, 5, age=30)], checks)
    assert one(result, 1, "cred_newborn")["status"] == "complied"
    row = one(result, 1, "tpi_cred")
    assert (row["status"], row["reason"]) == ("not_complied", "incomplete_for_age")
    assert row["required"] == 4
    assert row["done"] == 1
    pay = household_entitlements(result, m, END, PROFILE)
    assert (pay["base"][0], pay["tpi"][0], pay["tpi_reason"][0]) == (200.0, 0.0, "tpi_cred")


def test_unconfirmed_juntos_numbers_are_listed():
    paths = [path for path, _ in PROFILE.unconfirmed()]
    for expected in (
        "juntos.cse_validity_years",  # 3 years (gob.pe) vs 4/6/8 (Directiva 001-2020 slide)
        "juntos.suspensions_consecutive",
        "juntos.tpi.child_under_days",
        "juntos.conditions[prenatal]",
        "juntos.pepi.education_at_or_below",
        "juntos.pepi.max_quintile",
    ):
        assert expected in paths
    assert "juntos.district_poverty_threshold" not in paths  # gob.pe


def test_tpi_items_name_requirements_of_the_child_schedule():
    schedule = PROFILE.schedules.in_force("child", date(2025, 6, 30))
    known = set(schedule.requirement_ids())
    for item in PROFILE.juntos.tpi.package:
        assert set(item.requirements) <= known, item.id


# --- standing, targeting ---------------------------------------------------------------------


def test_three_consecutive_suspensions_disaffiliate():
    # "Tres suspensiones originan la desafiliación automática" (Pasco 2016)
    count = np.array([0])
    for cycle, expected in enumerate([(1, False), (2, False), (3, True)]):
        count, suspended, out = next_standing(count, np.array([False]), PROFILE)
        assert (int(count[0]), bool(out[0])) == expected, cycle
        assert suspended[0]
    count, suspended, out = next_standing(np.array([2]), np.array([True]), PROFILE)
    assert (int(count[0]), bool(suspended[0]), bool(out[0])) == (0, False, False)


def test_a_complying_cycle_resets_only_when_consecutive():
    cycles = [False, False, True, False]
    count = np.array([0])
    for complies in cycles:
        count, _, out = next_standing(count, np.array([complies]), PROFILE)
    assert (int(count[0]), bool(out[0])) == (1, False)
    loose = PROFILE.juntos.model_copy(
        update={"suspensions_consecutive": CitedFlag(value=False, source="juntos_affiliation_news")}
    )
    profile = PROFILE.model_copy(update={"juntos": loose})
    count = np.array([0])
    for complies in cycles:
        count, _, out = next_standing(count, np.array([complies]), profile)
    assert (int(count[0]), bool(out[0])) == (3, True)


def test_pepi_needs_three_of_four():
    rural = [True, True, True, False, False]
    tongue = ["Quechua", "castellano", "aimara", "quechua", "castellano"]
    education = ["primaria_incompleta", "sin_nivel", "primaria_completa", "inicial", "superior"]
    quintile = [2, 1, 3, 1, 1]  # rows: 3, 3, 2 (aimara, rural only), 3, 1 circumstances
    assert pepi(rural, tongue, education, quintile, PROFILE).tolist() == [
        True, True, False, True, False,
    ]  # fmt: skip


def test_district_poverty_threshold_is_40_percent():
    rates = [0.40, 0.3999, 0.75, float("nan")]
    assert district_eligible(rates, PROFILE).tolist() == [True, False, True, False]


# --- shape and scale ---------------------------------------------------------------------------


def test_vectorised_over_100_000_members():
    rng = np.random.default_rng(22)
    n = 100_000
    ids = np.arange(n, dtype=np.int64) * 3 + 1
    age = rng.integers(0, 7400, n)
    pregnant = rng.random(n) < 0.03
    members = {
        "member": ids,
        "household": ids // 12,
        "birth_date": END - age.astype("timedelta64[D]"),
        "lmp": np.where(pregnant, END - rng.integers(0, 280, n).astype("timedelta64[D]"), NAT),
        "delivery": np.full(n, NAT),
        "facility_declared": rng.random(n) < 0.97,
        "school_declared": rng.random(n) < 0.97,
        "upper_secondary": (age > 5400) & (age < 6600),
        "waived": np.zeros(n, bool),
    }
    k = 600_000
    events = {
        "member": rng.choice(ids, k),
        "date": END - rng.integers(0, 400, k).astype("timedelta64[D]"),
        "code": rng.choice(np.array([CRED, PRENATAL, "90722", "85018", "99199.17"]), k),
    }
    students = ids[age >= 2192]
    school = {
        "member": students,
        "term_start": np.full(len(students), np.datetime64("2025-03-17")),
        "term_end": np.full(len(students), np.datetime64("2025-07-25")),
        "enrolled": rng.random(len(students)) < 0.95,
        "days_attended": rng.integers(60, 90, len(students)),
        "days_absent": rng.integers(0, 20, len(students)),
    }
    result = verify_members(members, events, school, START, END, PROFILE)
    assert set(result["status"]) <= set(STATUSES)
    assert len({len(v) for v in result.values()}) == 1
    assert np.all(np.diff(result["member"]) >= 0)  # rows in the members' order (ids grow)
    pay = household_entitlements(result, members, END, PROFILE)
    assert len(pay["household"]) == len(np.unique(members["household"]))
    assert np.all(pay["total"][~pay["complies"]] == 0)
    texts_only = {k: v for k, v in result.items() if not k.endswith("_code")}
    again = household_entitlements(texts_only, members, END, PROFILE)
    assert same(again, pay)
    standing = next_standing(np.zeros(len(pay["household"]), np.int64), pay["complies"], PROFILE)
    assert standing[0].sum() == (~pay["complies"]).sum()


# --- inputs and defaults -----------------------------------------------------------------------


def test_a_pregnancy_ended_is_judged_at_its_delivery():
    lmp = day(-150)
    delivery = lmp + np.timedelta64(130, "D")  # month 5 at the delivery, inside the period
    assert START <= delivery <= END
    checks = [(1, lmp + np.timedelta64(d, "D"), PRENATAL) for d in (20, 90)]
    _, result = run([member(1, age=9000, lmp=lmp, delivery=delivery)], checks)
    row = one(result, 1, "prenatal")
    assert (row["status"], row["required"]) == ("complied", 2)
    before = day(-200)  # delivered before the period: verified in an earlier cycle
    _, result = run([member(1, age=9000, lmp=day(-400), delivery=before)])
    assert "prenatal" not in conditions(result, 1)


def test_empty_codes_take_the_profiles_defaults():
    blank = [c.model_copy(update={"codes": []}) for c in PROFILE.juntos.conditions]
    profile = PROFILE.model_copy(
        update={"juntos": PROFILE.juntos.model_copy(update={"conditions": blank})}
    )
    lmp = day(-130)
    members = [member(1, age=335), member(2, age=9000, lmp=lmp), member(3, delivery=day(-42))]
    events = [(1, "2025-05-15", CRED), (1, "2025-06-14", "Z001")]
    events += [(2, lmp + np.timedelta64(d, "D"), PRENATAL) for d in (20, 90)]
    events += [(3, day(-40), POSTNATAL), (3, day(-10), POSTNATAL)]
    _, explicit = run(members, events)
    _, defaults = run(members, events, profile=profile)
    assert same(explicit, defaults)
    base = np.array([not c.startswith("tpi_") for c in explicit["condition"]])
    assert explicit["condition"][base].tolist() == ["cred_0_11m", "prenatal", "postnatal"]
    assert set(explicit["status"][base]) == {"complied"}


def test_dictionary_encoded_codes_give_the_same_rows():
    members = [member(1, age=335), member(2, age=20)]
    events = [(1, "2025-05-15", CRED), (1, "2025-06-14", CRED), (2, day(-15), CRED)]
    m, texts = run(members, events)
    vocabulary = ["85018", CRED]
    e = {
        "member": np.array([x[0] for x in events], np.int64),
        "date": np.array([x[1] for x in events], "datetime64[D]"),
        "code": np.array([vocabulary.index(x[2]) for x in events]),
    }
    empty = {k: np.array([], t) for k, t in [("member", np.int64), ("term_start", "M8[D]"),
             ("term_end", "M8[D]"), ("enrolled", bool), ("days_attended", np.int64),
             ("days_absent", np.int64)]}  # fmt: skip
    coded = verify_members(m, e, empty, START, END, PROFILE, code_vocabulary=vocabulary)
    assert same(texts, coded)


def test_members_only_listed_are_not_reported_for_an_unknown_birth_date():
    rows = [member(1), member(2)]
    m = frame(rows, list(rows[0]), MEMBER_TYPES)
    m["target"] = np.array([True, False])
    e = {"member": np.array([], np.int64), "date": np.array([], "M8[D]"), "code": np.array([])}
    s = {k: np.array([], t) for k, t in [("member", np.int64), ("term_start", "M8[D]"),
         ("term_end", "M8[D]"), ("enrolled", bool), ("days_attended", np.int64),
         ("days_absent", np.int64)]}  # fmt: skip
    result = verify_members(m, e, s, START, END, PROFILE)
    assert result["member"].tolist() == [1]


def test_repeated_member_ids_are_refused():
    rows = [member(1, age=10), member(1, age=20)]
    with pytest.raises(ValueError, match="repeat"):
        run(rows)


def test_condition_rules_are_checked_when_the_profile_is_read():
    prenatal = next(c for c in PROFILE.juntos.conditions if c.id == "prenatal")
    data = prenatal.model_dump()
    with pytest.raises(ValueError, match="needs tiers"):
        type(prenatal).model_validate({**data, "tiers": []})
    with pytest.raises(ValueError, match="health conditions need a facility"):
        type(prenatal).model_validate({**data, "needs": "school"})
