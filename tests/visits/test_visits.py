"""PIM home-visit validity at each rule's boundary, on Peru's profile ([community.pim]: age
bands 3-5 and 6-12 completed months, the application's codes 1 and 2 (incentives.md); at least
10 minutes, one visit a day, at most 2 valid visits a month, 1 required, calls counted apart:
the numbers are the profile's unconfirmed assumptions, the tests check the rules apply them).

A child born 15 January 2026 has 2 completed months on 14 April, 3 on 15 April, 5 on 14 July,
6 on 15 July, 12 on 14 February 2027 and 13 on 15 February 2027 (counted on paper)."""

from __future__ import annotations

from datetime import date

import pytest

from crecer.norms import load_profile
from crecer.visits import Visit, judge, monthly

RULES = load_profile("peru").community.pim  # type: ignore[union-attr]
BORN = date(2026, 1, 15)


def visit(key: int, day: date, **extra) -> Visit:
    return Visit(key=key, person=extra.pop("person", 1), birth_date=BORN, day=day, **extra)


def reasons(*visits: Visit) -> list[str]:
    return [j.reason for j in judge(list(visits), RULES)]


def test_the_profile_holds_the_bands_of_the_note():
    assert [(b.code, b.from_months, b.to_months) for b in RULES.bands] == [
        ("1", 3, 5),
        ("2", 6, 12),
    ]
    assert RULES.bands[0].required.unconfirmed
    assert RULES.min_duration_minutes.unconfirmed


@pytest.mark.parametrize(
    ("day", "band", "reason"),
    [
        (date(2026, 4, 14), None, "outside_age_band"),  # 2 months
        (date(2026, 4, 15), "m3_5", "valid"),  # 3 months
        (date(2026, 7, 14), "m3_5", "valid"),  # 5 months
        (date(2026, 7, 15), "m6_12", "valid"),  # 6 months
        (date(2027, 2, 14), "m6_12", "valid"),  # 12 months
        (date(2027, 2, 15), None, "outside_age_band"),  # 13 months
        (date(2026, 1, 14), None, "before_birth"),
    ],
)
def test_age_bands_at_their_edges(day, band, reason):
    [judged] = judge([visit(1, day)], RULES)
    assert (judged.band, judged.reason) == (band, reason)


def test_results_application_marks_and_duration():
    may = date(2026, 5, 4)
    assert reasons(
        visit(1, may, result="not_found"),
        visit(2, may, person=2, result="refused"),
        visit(3, may, person=3, app_status="No válido"),
        visit(4, may, person=4, limit_reason="Excede el número de visitas"),
        visit(5, may, person=5, duration_minutes=9),
        visit(6, may, person=6, duration_minutes=10),
        visit(7, may, person=7, duration_minutes=None),
        visit(8, may, person=8, app_status="Registrado"),
    ) == [
        "not_found", "refused", "app_not_valid", "app_limit_exceeded", "too_short",
        "valid", "valid", "valid",
    ]  # fmt: skip


def test_one_a_day_and_two_a_month():
    # 4 May twice (the second is the same day), 11 May, 18 May (a third valid one: over the
    # limit of 2), 1 June (a new month). A not-found visit first on 4 May does not block.
    judged = reasons(
        visit(1, date(2026, 5, 4), result="not_found"),
        visit(2, date(2026, 5, 4)),
        visit(3, date(2026, 5, 4)),
        visit(4, date(2026, 5, 11)),
        visit(5, date(2026, 5, 18)),
        visit(6, date(2026, 6, 1)),
    )
    assert judged == ["not_found", "valid", "same_day", "valid", "over_limit", "valid"]


def test_calls_are_counted_apart():
    judged = judge([visit(1, date(2026, 5, 4)), visit(2, date(2026, 5, 5), channel="call")], RULES)
    assert [j.reason for j in judged] == ["valid", "valid"]
    [may] = monthly(judged, RULES)
    assert (may.valid_visits, may.valid_calls, may.visited) == (1, 1, True)


def test_a_month_of_only_invalid_visits_is_not_visited():
    judged = judge(
        [
            visit(1, date(2026, 5, 4), result="not_found"),
            visit(2, date(2026, 6, 4), duration_minutes=5),
            visit(3, date(2026, 6, 20)),
            visit(4, date(2026, 4, 1)),  # 2 months: no band, no month counted
        ],
        RULES,
    )
    counts = [
        (c.month, c.band, c.valid_visits, c.required, c.visited) for c in monthly(judged, RULES)
    ]
    assert counts == [
        (date(2026, 5, 1), "m3_5", 0, 1, False),
        (date(2026, 6, 1), "m3_5", 1, 1, True),
    ]
