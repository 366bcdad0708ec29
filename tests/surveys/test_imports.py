"""The survey child file import (quarantine with reasons, every line accounted for) and the
comparison of its estimates with the registry's, on the database (SQLite and PostgreSQL)."""

from __future__ import annotations

import numpy as np
import pytest
from django.urls import reverse
from django.utils import translation

from crecer.growth import zscores
from crecer.norms import load_profile
from crecer.survey import SurveyDesign, growth_indicators, prevalence
from crecer.surveys.comparison import compare
from crecer.surveys.imports import import_survey
from crecer.surveys.models import SurveyChild
from tests.surveys.factories import survey_rows, write_survey

pytestmark = pytest.mark.django_db
PROFILE = load_profile("peru")

BAD_LINES = (
    ",05-U,1.0,05,050101,U,1,12,75.0,9.0,l,n,11.0,2750,15/06/2026\n"  # no cluster
    "X1,05-U,0,05,050101,U,1,12,75.0,9.0,l,n,11.0,2750,15/06/2026\n"  # weight 0
    "X1,05-U,abc,05,050101,U,1,12,75.0,9.0,l,n,11.0,2750,15/06/2026\n"  # weight not a number
    "X1,05-U,1.0,5A,,U,1,12,75.0,9.0,l,n,11.0,2750,15/06/2026\n"  # department not a code
    "X1,05-U,1.0,99,,U,1,12,75.0,9.0,l,n,11.0,2750,15/06/2026\n"  # no department 99
    "X1,05-U,1.0,05,050101,U,1,60,75.0,9.0,l,n,11.0,2750,15/06/2026\n"  # 60 months: not under 5
    "X1,05-U,1.0,05,050101,U,1,12,7.5,9.0,l,n,11.0,2750,15/06/2026\n"  # 7.5 cm (typed in dm?)
    "X1,05-U,1.0,05,050101,X,1,12,75.0,9.0,l,n,11.0,2750,15/06/2026\n"  # area X
    "X1,05-U,1.0,05,050101,U,1,12,75.0,9.0,l,n,11.0,2750,31/12/2099\n"  # interview in the future
    "X1,05-U,1.0,05,090101,U,1,12,75.0,9.0,l,n,11.0,2750,15/06/2026\n"  # a district of 09
    "X1,05-U,1.0,05,059999,U,1,12,75.0,9.0,l,n,11.0,2750,15/06/2026\n"  # no such district
)


def test_every_line_is_stored_or_quarantined_with_its_reason(tmp_path):
    rows = survey_rows()
    run = import_survey(write_survey(tmp_path / "endes.csv", rows, BAD_LINES))
    assert run.kind == "survey"
    assert (run.rows_read, run.created, run.quarantined) == (len(rows) + 11, len(rows), 11)
    assert run.adds_up
    with translation.override("en"):  # the reasons as the English catalogue reads them
        reasons = [q.described_reasons() for q in run.quarantined_rows.order_by("line")]
    assert reasons == [
        ["no cluster"],
        ["sampling weight '0' is not a number above 0"],
        ["sampling weight 'abc' is not a number above 0"],
        ["department '5A' is not a department code"],
        ["no department 99 in the territory"],
        ["age '60' is not a whole number of months from 0 to 59"],
        ["height_cm '7.5' is not a number from 20.0 to 150.0"],
        ["area 'X' is not one of 1/2/R/RURAL/U/URBAN/URBANA/URBANO"],
        ["interview date 2099-12-31 is in the future"],
        ["district '090101' is not a district code of department 05"],
        ["no district 059999 in the territory"],
    ]
    child = SurveyChild.objects.filter(import_run=run).order_by("line").first()
    first = rows[0]
    assert (child.cluster, child.stratum, child.department, child.area) == (
        first[0], first[1], "05", "U",
    )  # fmt: skip
    assert child.sex == ("M" if first[6] == "1" else "F")
    assert child.hemoglobin == float(first[12])


def _direct_stunting(rows, department):
    """crecer.survey straight on the file's columns (the app's plumbing left out)."""
    columns = list(zip(*rows, strict=True))
    age = np.array(columns[7], float)
    z = zscores(
        sex=np.where(np.array(columns[6]) == "1", "M", "F"),
        age_months=age,
        length_cm=np.array(columns[8], float),
        weight_kg=np.array(columns[9], float),
        measure=np.array(columns[10]),
        indices=("lhfa", "wfa", "wflh"),
    )
    values, valid = growth_indicators(z, age_months=age, ages=PROFILE.survey.anthropometry_ages)[
        "stunting"
    ]
    design = SurveyDesign.from_columns(
        np.array(columns[2], float), np.array(columns[1]), np.array(columns[0]),
        lonely_psu="adjust",
    )  # fmt: skip
    domain = np.where(np.array(columns[3]) == department, "unit", "") if department else None
    return prevalence(design, values, valid=valid, domain=domain)


@pytest.mark.parametrize("department", ["05", ""])
def test_the_comparison_shows_the_survey_estimate_as_crecer_survey_computes_it(
    tmp_path, department
):
    rows = survey_rows()
    run = import_survey(write_survey(tmp_path / "endes.csv", rows))
    result = compare(run, department, PROFILE)
    assert result["error"] == ""
    assert (result["psus"], result["strata"]) == (12, 4)
    line = next(line for line in result["lines"] if line.indicator == "stunting")
    direct = _direct_stunting(rows, department)
    assert line.n == int(direct.n[0])
    assert line.n == (60 if department else 120)
    assert line.status != "too_thin"
    assert line.estimate == round(100 * float(direct.estimate[0]), 1)
    assert line.ci_low == round(100 * float(direct.ci_low[0]), 1)
    groups = {"area", "sex", "age"} | ({"district"} if department else set())
    assert {part["by"] for part in line.by} == groups
    assert line.registry is None  # no refresh yet: nothing to put beside it
    anemia = next(line for line in result["lines"] if line.indicator == "anemia")
    # ENDES's band: 6-35 months only
    assert anemia.n == sum(
        1 for r in rows if 6 <= int(r[7]) < 36 and (not department or r[3] == department)
    )


def test_the_page_for_the_country_and_a_department(tmp_path, client, make_user):
    run = import_survey(write_survey(tmp_path / "endes.csv", survey_rows()))
    client.force_login(make_user("analista", "analyst", "PE"))
    page = client.get(reverse("surveys:comparison", args=[run.pk]))
    assert page.status_code == 200
    # the default language is Spanish: the indicator's name as the catalogue gives it
    assert "Desnutrición crónica (talla para la edad" in page.content.decode()
    assert (
        client.get(reverse("surveys:comparison", args=[run.pk]), {"code": "05"}).status_code == 200
    )
    listed = client.get(reverse("surveys:list"))
    assert b"endes.csv" in listed.content


def test_a_department_outside_the_scope_is_404(tmp_path, client, make_user):
    run = import_survey(write_survey(tmp_path / "endes.csv", survey_rows()))
    client.force_login(make_user("analista05", "analyst", "05"))
    url = reverse("surveys:comparison", args=[run.pk])
    assert client.get(url, {"code": "09"}).status_code == 404
    assert client.get(url, {"code": "05"}).status_code == 200
    assert client.get(url).status_code == 200  # their own department by default
    assert client.get(url, {"code": "0501"}).status_code == 404


def test_only_national_importers_load_survey_files(client, make_user):
    client.force_login(make_user("oficial", "registry_officer", "05"))
    assert client.get(reverse("survey_import:import")).status_code in (403, 404)
    client.force_login(make_user("oficial_pe", "registry_officer", "PE"))
    assert client.get(reverse("survey_import:import")).status_code == 200


def test_the_difference_is_split_into_ages_and_the_rest(tmp_path):
    """The registry: 30 of 100 measured children stunted in Ayacucho (30.0 %), 100 of 250
    children measured (coverage 40.0 %), every measured child 18 months old. The survey at
    the registry's ages is then the survey's own prevalence at 12-23 months; the ages explain
    (that - survey), the rest (registry - that)."""
    from datetime import UTC, date, datetime

    from crecer.analytics.models import ChildStatus, IndicatorValue, Refresh

    rows = survey_rows()
    run = import_survey(write_survey(tmp_path / "endes.csv", rows))
    at = datetime(2026, 7, 1, tzinfo=UTC)
    refresh = Refresh.objects.create(
        as_of=date(2026, 6, 30), scope="", started_at=at, finished_at=at, children=250
    )
    IndicatorValue.objects.bulk_create([
        IndicatorValue(refresh=refresh, indicator="ccm_u5", level="department", code="05",
                       numerator=30, denominator=100),
        IndicatorValue(refresh=refresh, indicator="measured_u5", level="department", code="05",
                       numerator=100, denominator=250),
    ])  # fmt: skip
    ChildStatus.objects.bulk_create(
        ChildStatus(refresh=refresh, child_id=i, district_id="050101", sex="F", age_days=548,
                    age_months=18, haz=-1.0)
        for i in range(100)
    )  # fmt: skip
    result = compare(run, "05", PROFILE)
    line = next(line for line in result["lines"] if line.indicator == "stunting")
    assert (line.registry, line.coverage, line.target) == (30.0, 40.0, 10.0)
    # crecer.survey directly: the 12-23 months of department 05 as the domain
    columns = list(zip(*rows, strict=True))
    age = np.array(columns[7], int)
    in_group = (np.array(columns[3]) == "05") & (age >= 12) & (age < 24)
    whole = _direct_stunting(rows, "05")
    group = _direct_stunting_in(rows, in_group)
    assert line.at_registry_ages == round(100 * float(group.estimate[0]), 1)
    assert line.estimate == round(100 * float(whole.estimate[0]), 1)
    assert line.by_ages == round(line.at_registry_ages - line.estimate, 1)
    assert line.rest == round(30.0 - line.at_registry_ages, 1)
    assert result["fieldwork"] == (date(2026, 6, 15), date(2026, 6, 15))


def _direct_stunting_in(rows, mask):
    columns = list(zip(*rows, strict=True))
    age = np.array(columns[7], float)
    z = zscores(
        sex=np.where(np.array(columns[6]) == "1", "M", "F"), age_months=age,
        length_cm=np.array(columns[8], float), weight_kg=np.array(columns[9], float),
        measure=np.array(columns[10]), indices=("lhfa", "wfa", "wflh"),
    )  # fmt: skip
    values, valid = growth_indicators(z, age_months=age, ages=PROFILE.survey.anthropometry_ages)[
        "stunting"
    ]
    design = SurveyDesign.from_columns(
        np.array(columns[2], float), np.array(columns[1]), np.array(columns[0]),
        lonely_psu="adjust",
    )  # fmt: skip
    return prevalence(design, values, valid=valid, domain=np.where(mask, "g", ""))


def test_the_districts_of_a_department_say_when_the_survey_is_too_thin(tmp_path):
    """Ayacucho's 60 children: 30 in Huamanga (050101, its 3 urban clusters), 30 in
    Huamanguilla (050403, rural). The profile shows none below 25 children or 25 effective
    ones and cautions below 50: each district's stunting is at best a caution, never shown
    plainly; the whole department's estimate stands on its 60."""
    run = import_survey(write_survey(tmp_path / "endes.csv", survey_rows()))
    result = compare(run, "05", PROFILE)
    line = next(line for line in result["lines"] if line.indicator == "stunting")
    districts = {part["label"]: part for part in line.by if part["by"] == "district"}
    assert set(districts) == {"050101", "050403"}
    for part in districts.values():
        assert part["n"] == 30
        assert part["status"] in ("too_thin", "caution")
        assert (part["estimate"] is None) == (part["status"] == "too_thin")
    assert "district" not in {part["by"] for part in compare(run, "", PROFILE)["lines"][0].by}
