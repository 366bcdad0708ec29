"""A dating ultrasound: registered with a pregnancy or recorded later, it redates the pregnancy
when the profile's rule (ACOG CO 700 bands, unconfirmed for Peru) says so, keeps the reported
FUR, and leaves the change with its reason in the pregnancy's history."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from crecer.maternal.models import Dating, Pregnancy, Woman
from crecer.maternal.services import register_pregnancy

pytestmark = pytest.mark.django_db


@pytest.fixture
def woman() -> Woman:
    return Woman.objects.create(
        document_type="DNI",
        document_number="41234568",
        paternal_surname="Huamán",
        given_names="Elsa",
        district_id="050403",
    )


def test_an_ultrasound_that_disagrees_redates_and_one_that_agrees_does_not(
    client, make_user, woman
):
    today = timezone.localdate()
    fur = today - timedelta(days=90)
    pregnancy = register_pregnancy(woman, fur, None)
    assert (pregnancy.lmp_date, pregnancy.dating) == (fur, Dating.LMP)
    client.force_login(make_user("obstetra", "health_worker", "050403"))
    url = reverse("maternal:record", args=[pregnancy.pk, "ultrasound"])
    # Today, 11 weeks 0 days (77 days): the implied FUR is 13 days after the reported one, more
    # than the 7 days the 9 0/7-15 6/7 band allows.
    response = client.post(url, {"ultrasound_date": today, "ultrasound_weeks": 11})
    assert response.status_code == 302
    pregnancy.refresh_from_db()
    assert pregnancy.dating == Dating.ULTRASOUND
    assert pregnancy.lmp_date == today - timedelta(days=77)
    assert pregnancy.reported_lmp_date == fur
    reason = pregnancy.history.latest().history_change_reason
    assert reason == f"ultrasound of {today.isoformat()}: dated by it"
    # A second one, 12 weeks 6 days (90 days): back within 7 days of the reported FUR, so the
    # FUR dates it again.
    client.post(url, {"ultrasound_date": today, "ultrasound_weeks": 12, "ultrasound_days": 6})
    pregnancy.refresh_from_db()
    assert (pregnancy.lmp_date, pregnancy.dating) == (fur, Dating.LMP)
    page = client.get(reverse("maternal:woman", args=[woman.pk])).content.decode()
    assert "12 semanas 6 días" in page  # the site speaks Spanish by default


def test_a_woman_who_does_not_remember_her_fur_is_dated_by_the_ultrasound(client, make_user, woman):
    today = timezone.localdate()
    client.force_login(make_user("obstetra", "health_worker", "050403"))
    url = reverse("maternal:new_pregnancy", args=[woman.pk])
    # Neither a FUR nor an ultrasound: refused, nothing stored.
    refused = client.post(url, {"risk": ""})
    assert refused.status_code == 200
    assert not Pregnancy.objects.exists()
    # An ultrasound date without the age it measured: refused too.
    refused = client.post(url, {"ultrasound_date": today})
    assert refused.status_code == 200
    assert not Pregnancy.objects.exists()
    scan = today - timedelta(days=10)
    client.post(url, {"ultrasound_date": scan, "ultrasound_weeks": 20, "ultrasound_days": 3})
    pregnancy = Pregnancy.objects.get()
    assert pregnancy.reported_lmp_date is None
    assert pregnancy.lmp_date == scan - timedelta(days=143)
    assert pregnancy.dating == Dating.ULTRASOUND


def test_another_districts_pregnancy_cannot_be_redated(client, make_user, woman):
    pregnancy = register_pregnancy(woman, timezone.localdate() - timedelta(days=60), None)
    client.force_login(make_user("otra", "health_worker", "050101"))
    url = reverse("maternal:record", args=[pregnancy.pk, "ultrasound"])
    response = client.post(url, {"ultrasound_date": timezone.localdate(), "ultrasound_weeks": 5})
    assert response.status_code == 404
    pregnancy.refresh_from_db()
    assert pregnancy.ultrasound_date is None
