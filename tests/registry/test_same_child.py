"""An identifier match does not overwrite another child: re-importing a file from another
generator seed changed 188,418 children's names, sex and birth dates. A row whose DNI
matches a stored child but gives another sex, or a birth date more than the profile's
[registry.same_child] birth_date_days (31) away, is quarantined; the record stays."""

from __future__ import annotations

from datetime import date

import pytest

from crecer.ingest.reasons import code_of
from crecer.registry.importer import import_padron
from crecer.registry.models import Child

from .factories import child_row, write_padron

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 28)


def reimport(tmp_path, **changes):
    import_padron(write_padron(tmp_path / "first.csv", [child_row()]), today=TODAY)
    path = write_padron(tmp_path / "second.csv", [child_row(given_names="OTRA", **changes)])
    return import_padron(path, today=TODAY)


@pytest.mark.parametrize(
    "changes",
    [
        {"sex": "1"},  # the stored child (factories) is a girl
        {"birth_date": "16/04/2024"},  # 32 days after 15/03/2024
        {"birth_date": "12/02/2024"},  # 32 days before
    ],
)
def test_a_row_describing_another_child_is_quarantined(tmp_path, changes):
    run = reimport(tmp_path, **changes)
    assert (run.updated, run.quarantined) == (0, 1)
    assert [code_of(r) for r in run.quarantined_rows.get().reasons] == ["other_child"]
    child = Child.objects.get()
    assert (child.given_names, child.sex, child.birth_date) == ("María", "2", date(2024, 3, 15))


def test_a_birth_date_within_the_tolerance_updates_the_child(tmp_path):
    run = reimport(tmp_path, birth_date="15/04/2024")  # 31 days: a typo of the month
    assert (run.updated, run.quarantined) == (1, 0)
    assert Child.objects.get().birth_date == date(2024, 4, 15)
