"""Children whose record gives no mother's document are linked by her name in their district
(crecer.maternal.mothers): to the one woman of that name, or to one woman registered for the
siblings; two women of that name, births too close for one mother, or a missing surname leave
the children unlinked; a later document joins the record instead of duplicating it."""

from __future__ import annotations

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import translation

from crecer.maternal.models import Motherhood, MotherhoodRule, Woman
from crecer.maternal.mothers import link_mothers_without_document
from crecer.registry.models import Child

pytestmark = pytest.mark.django_db


def child(
    cnv: str, born: date, surname: str = "Quispe", district: str = "050403", **mother
) -> Child:
    record = Child(
        cnv=cnv, sex="1", birth_date=born, district_id=district,
        mother_paternal_surname=surname, mother_maternal_surname="Huamán",
        mother_given_names=mother.pop("given", "Rosa María"), **mother,
    )  # fmt: skip
    record._change_reason = "registered"
    record.save()
    return record


def test_siblings_get_one_mother_and_a_known_woman_her_children():
    # Two children of "Rosa María Quispe Huamán" in 050403, born 3 years apart, the second
    # spelt without accents and in capitals: one woman registered for both.
    first = child("1000000001", date(2022, 1, 5))
    second = child("1000000002", date(2025, 2, 1), surname="QUISPE", given="ROSA MARIA")
    # A woman with a DNI already registered in 050101 with a child's mother's name there.
    known = Woman.objects.create(
        document_type="DNI", document_number="41234567", paternal_surname="Mamani",
        maternal_surname="Huamán", given_names="Elena", district_id="050101",
    )  # fmt: skip
    hers = child("1000000003", date(2024, 6, 1), surname="Mamani", district="050101", given="Elena")
    links = link_mothers_without_document()
    assert (links.linked_to_known, links.women_created, links.linked_to_created) == (1, 1, 2)
    rosa = Woman.objects.get(district_id="050403")
    assert rosa.document_number is None
    assert rosa.given_names == "ROSA MARIA"
    assert list(rosa.children()) == [second, first]
    assert list(known.children()) == [hers]
    assert Motherhood.objects.get(child=hers).rule == MotherhoodRule.SAME_NAME
    assert rosa.history.get().history_change_reason == "registered from the padrón (mother's name)"
    # Again: nothing new.
    assert link_mothers_without_document().linked_to_known == 0
    assert Woman.objects.count() == 2
    assert Motherhood.objects.count() == 3


def test_what_is_left_unlinked_and_why():
    for number in ("41000001", "41000002"):  # two women of one name in 050403
        Woman.objects.create(
            document_type="DNI", document_number=number, paternal_surname="Quispe",
            maternal_surname="Huamán", given_names="Rosa María", district_id="050403",
        )  # fmt: skip
    child("1000000001", date(2024, 1, 5))
    # Two "Ana Torres Huamán" born 100 days apart: not one mother.
    child("1000000002", date(2024, 1, 5), surname="Torres", given="Ana")
    child("1000000003", date(2024, 4, 14), surname="Torres", given="Ana")
    # Twins born on consecutive days are one mother's.
    child("1000000004", date(2024, 1, 5), surname="Rojas", given="Luz")
    child("1000000005", date(2024, 1, 6), surname="Rojas", given="Luz")
    child("1000000006", date(2024, 1, 5), surname="")  # no paternal surname
    links = link_mothers_without_document()
    assert (links.ambiguous, links.too_close, links.unnamed) == (1, 2, 1)
    assert (links.women_created, links.linked_to_created) == (1, 2)


def test_a_mother_first_seen_without_a_document_gets_it_from_a_later_record():
    first = child("1000000001", date(2022, 1, 5))
    out = StringIO()
    with translation.override("en"):
        call_command("women", "from-registry", stdout=out)
    assert "1 to 1 women registered from their mother's name" in out.getvalue()
    assert Woman.objects.get().document_number is None
    # The padrón's next record of her, a newer child, gives her DNI.
    second = child(
        "1000000002",
        date(2025, 3, 1),
        mother_document_type="DNI",
        mother_document_number="41234567",
    )
    call_command("women", "from-registry", stdout=StringIO())
    (rosa,) = Woman.objects.all()
    assert rosa.document_number == "41234567"
    assert list(rosa.children()) == [second, first]
    assert (
        rosa.history.latest().history_change_reason
        == "document from the padrón (mother's document)"
    )
