"""The child every access test looks at, writes to the log about, exports."""

from datetime import date

import pytest

from crecer.registry.models import Child


@pytest.fixture
def child(db) -> Child:
    child = Child(
        dni="71234567",
        paternal_surname="QUISPE",
        maternal_surname="HUAMÁN",
        given_names="MARÍA",
        sex="2",
        birth_date=date(2024, 3, 15),
        district_id="050403",
    )
    child._change_reason = "registered"
    child.save()
    return child
