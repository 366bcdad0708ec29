"""The padrón's mothers become women: one per document, placed where her youngest child
lives, her children linked; running it again creates nothing."""

from __future__ import annotations

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command

from crecer.maternal.models import Woman
from crecer.registry.models import Child

pytestmark = pytest.mark.django_db


def child(cnv: str, born: date, district: str, mother: str = "41234567") -> Child:
    record = Child(
        cnv=cnv, sex="1", birth_date=born, district_id=district, mother_document_type="DNI",
        mother_document_number=mother, mother_given_names="Rosa", mother_language="quechua",
    )  # fmt: skip
    record._change_reason = "registered"
    record.save()
    return record


def test_mothers_with_a_document_become_women_once():
    older = child("1000000001", date(2022, 1, 5), "050101")
    younger = child("1000000002", date(2025, 2, 1), "050403")
    child("1000000003", date(2024, 3, 3), "050403", mother="")  # no document: left to linkage
    out = StringIO()
    call_command("women", "from-registry", stdout=out)
    (rosa,) = Woman.objects.all()
    assert (rosa.document_number, rosa.given_names, rosa.language) == (
        "41234567",
        "Rosa",
        "quechua",
    )
    assert rosa.district_id == "050403"  # where her youngest child lives
    assert list(rosa.children()) == [younger, older]
    assert rosa.history.get().history_change_reason.startswith("registered from the padrón")
    call_command("women", "from-registry", stdout=StringIO())
    assert Woman.objects.count() == 1
