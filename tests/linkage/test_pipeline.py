"""The pure pipeline on hand-made cases, one per error type, with the decision each must get.

The cases sit in a generated background population (tests/demo/frames.py, ~9,400 children of
three Huanta districts and Lima) so that the model trains on realistic data, as it does in use.
Expected decisions follow from the rules, not from a run: a duplicate with one error and the
mother's document or name agreeing is linked without review (AUTO); twins and siblings, who
share everything about the mother, are never linked without review.
"""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from crecer.linkage import pipeline, records
from crecer.linkage.sources import SOURCES
from crecer.norms import load_profile
from tests.demo import frames

NORMS = load_profile("peru").linkage
BASE = {
    "dni": None, "cui": None, "cnv": None, "sex": "2", "ubigeo": "050401",
    "populated_center_name": "CHACCO", "mother_maternal_surname": "CCORI",
}  # fmt: skip


def child(pk: int, surnames: str, given: str, born: date, mother: str | None, **extra) -> dict:
    paternal, _, maternal = surnames.partition(" ")
    return BASE | {
        "id": pk, "padron_code": f"T{pk}", "paternal_surname": paternal,
        "maternal_surname": maternal or None, "given_names": given, "birth_date": born,
        "mother_document_number": mother, "mother_paternal_surname": "HUAMAN",
        "mother_given_names": f"MADRE {pk // 10}",
    } | extra  # fmt: skip


# (original, duplicate or other child, decision expected for the pair: "auto", "review",
# None = not linked without a person, or "absent" = never proposed).
# Ids: original 9xx0, the other 9xx1.
CASES = {
    "exact copy without identifiers": (
        child(90010, "QUISPE HUAMAN", "ROSA MARIA", date(2023, 3, 14), "41234567", dni="71234567"),
        child(90011, "QUISPE HUAMAN", "ROSA MARIA", date(2023, 3, 14), "41234567"),
        "auto",
    ),
    "Quechua spelling of both surnames, no mother's document": (
        child(90020, "HUAMAN QUISPE", "JHON ALEX", date(2022, 7, 2), "42345678", sex="1"),
        child(90021, "GUAMAN QUISPI", "JHON ALEX", date(2022, 7, 2), None, sex="1"),
        "auto",
    ),
    "surnames swapped": (
        child(90030, "CONDORI MAMANI", "LUZ ESTRELLA", date(2021, 11, 20), "43456789"),
        child(90031, "MAMANI CONDORI", "LUZ ESTRELLA", date(2021, 11, 20), None),
        "auto",
    ),
    "second surname missing and only the first given name": (
        child(90040, "YUPANQUI CCAHUANA", "MILAGROS DEL PILAR", date(2024, 1, 9), "44567890"),
        child(90041, "YUPANQUI", "MILAGROS", date(2024, 1, 9), "44567890"),
        "auto",
    ),
    "day and month transposed": (
        child(90050, "HUAYTA ROJAS", "KIARA", date(2023, 5, 8), "45678901"),
        child(90051, "HUAYTA ROJAS", "KIARA", date(2023, 8, 5), None),
        "auto",
    ),
    "one-letter typo in the given name": (
        child(90060, "PALOMINO HUARACA", "YANELI", date(2020, 12, 30), "46789012"),
        child(90061, "PALOMINO HUARACA", "YANELY", date(2020, 12, 30), "46789012"),
        "auto",
    ),
    "twins: same mother, day and sex, other names": (
        child(90070, "LLACCTA PARIONA", "ANA LUCIA", date(2022, 9, 17), "47890123"),
        child(90071, "LLACCTA PARIONA", "MARIA JOSE", date(2022, 9, 17), "47890123"),
        None,
    ),
    # Their own DNIs: a merge is refused (services.conflict), so the pair is never proposed.
    "twins with their own DNIs": (
        child(90090, "QUISPE ORE", "JUAN", date(2023, 4, 2), "49012345", sex="1", dni="72345678"),
        child(90091, "QUISPE ORE", "JOSE", date(2023, 4, 2), "49012345", sex="1", dni="72345679"),
        "absent",
    ),
    "siblings: same mother, two years apart": (
        child(90080, "TORRES AYALA", "SOFIA", date(2020, 2, 11), "48901234"),
        child(90081, "TORRES AYALA", "VALERIA", date(2022, 6, 25), "48901234"),
        None,
    ),
}


def decision(pairs: pl.DataFrame, left: int, right: int) -> str | None:
    found = pairs.filter(
        (pl.col("unique_id_l") == str(left)) & (pl.col("unique_id_r") == str(right))
    )
    return found["decision"][0] if found.height else None


@pytest.fixture(scope="module")
def registry() -> pl.DataFrame:
    background = frames.generate().children.with_columns(pl.col("child").alias("id"))
    cases = pl.DataFrame(
        [row for case in CASES.values() for row in case[:2]],
        schema_overrides={"birth_date": pl.Date, "id": pl.Int64},
    )
    return pl.concat(
        [records.from_registry(background), records.from_registry(cases)], how="vertical"
    )


@pytest.fixture(scope="module")
def deduplicated(registry: pl.DataFrame) -> pl.DataFrame:
    return pipeline.dedupe(registry, NORMS).pairs


@pytest.mark.parametrize("name", list(CASES))
def test_each_error_type_gets_its_decision(deduplicated: pl.DataFrame, name: str) -> None:
    original, other, expected = CASES[name]
    got = decision(deduplicated, original["id"], other["id"])
    if expected == "absent":
        assert got is None, name
    elif expected is None:
        assert got != "auto", name
    else:
        assert got == expected, name


def test_no_proposed_pair_holds_two_different_documents(
    registry: pl.DataFrame, deduplicated: pl.DataFrame
) -> None:
    """Siblings of the background and the twins above hold their own DNIs or CNVs: none of
    their pairs may reach the review queue, where the only possible decision is a rejection."""
    numbers = registry.select("unique_id", *records.IDENTIFIERS)
    pairs = deduplicated.join(
        numbers.rename({n: f"{n}_l" for n in records.IDENTIFIERS}),
        left_on="unique_id_l", right_on="unique_id",
    ).join(
        numbers.rename({n: f"{n}_r" for n in records.IDENTIFIERS}),
        left_on="unique_id_r", right_on="unique_id",
    )  # fmt: skip
    assert pairs.height == deduplicated.height > 0
    assert pairs.filter(records.conflicting_identifiers()).height == 0


def test_pairs_name_the_rule_and_explain_each_field(deduplicated: pl.DataFrame) -> None:
    exact = deduplicated.filter(pl.col("unique_id_l") == "90010")
    assert exact["rule"].to_list() == ["mother_birth"]  # mother + day + sex, unique
    swapped = deduplicated.filter(pl.col("unique_id_l") == "90030").row(0, named=True)
    assert swapped["rule"] == "model"
    fields = {item["field"]: item for item in pipeline.explanation_items(swapped["explanation"])}
    assert fields["surnames"]["level"] == "swapped"
    assert fields["surnames"]["weight"] > 0
    # The duplicate has no mother's document, but the mother's names agree.
    assert fields["mother"]["level"] == "names equal"
    assert fields["mother"]["weight"] > 0
    assert fields["sex"]["weight"] > 0
    assert fields["birth_date"]["level"] == "equal"


def test_dedupe_is_deterministic() -> None:
    registry = records.from_registry(
        frames.generate().children.with_columns(pl.col("child").alias("id"))
    )
    first, again = (pipeline.dedupe(registry, NORMS) for _ in range(2))
    assert first.pairs.sort("unique_id_l", "unique_id_r").equals(
        again.pairs.sort("unique_id_l", "unique_id_r")
    )
    uid = "linker_uid"  # Splink names each linker at random
    assert {**first.model, uid: None} == {**again.model, uid: None}


def outside_rows(source: str, rows: list[dict[str, str]]) -> pl.DataFrame:
    headers = list(SOURCES[source].columns)
    if SOURCES[source].document:
        headers += list(SOURCES[source].document)
    return pl.DataFrame(
        [{h: row.get(h) for h in headers} for row in rows], schema=dict.fromkeys(headers, pl.String)
    )


def test_outside_lists_link_by_identifier_mother_and_names() -> None:
    background = frames.generate().children.with_columns(pl.col("child").alias("id"))
    cases = pl.DataFrame(
        [
            child(91000, "QUISPE HUAMAN", "ROSA", date(2023, 3, 14), "41234567", dni="71234567"),
            child(91010, "SULCA ORE", "ANA", date(2022, 9, 17), "47890123"),
            child(91011, "SULCA ORE", "LUZ", date(2022, 9, 17), "47890123"),  # twin sister
            child(91020, "CCANTO HUAMANI", "EDWIN", date(2021, 4, 2), "49012345", sex="1"),
        ],
        schema_overrides={"birth_date": pl.Date, "id": pl.Int64},
    )
    registry = pl.concat([records.from_registry(background), records.from_registry(cases)])
    sis = outside_rows("sis", [
        {"CO_AFILIACION": "S1", "TIPO_DOC": "DNI", "NU_DOC": "71234567", "AP_PATERNO": "QUISPE",
         "NOMBRES": "ROSA", "FE_NACIMIENTO": "14/03/2023", "SEXO": "F", "UBIGEO": "050401"},
        # No document; typo in the surname, second surname missing: the model decides.
        {"CO_AFILIACION": "S2", "AP_PATERNO": "CANTO", "NOMBRES": "EDWIN",
         "FE_NACIMIENTO": "02/04/2021", "SEXO": "M", "UBIGEO": "050401",
         "NU_DOC_TITULAR": "49012345"},
        # A child who is not in the registry.
        {"CO_AFILIACION": "S3", "AP_PATERNO": "ZEVALLOS", "AP_MATERNO": "PIZARRO",
         "NOMBRES": "RENATO", "FE_NACIMIENTO": "20/01/2024", "SEXO": "M", "UBIGEO": "050401",
         "NU_DOC_TITULAR": "40000001"},
    ])  # fmt: skip
    linked = pipeline.link(
        registry,
        records.from_source(sis, SOURCES["sis"]).with_columns(pl.col("key").alias("unique_id")),
        NORMS,
    ).pairs
    by_key = {row["unique_id_r"]: row for row in linked.iter_rows(named=True)}
    assert by_key["S1"]["unique_id_l"] == "91000"
    assert by_key["S1"]["rule"] == "dni"
    assert by_key["S2"]["unique_id_l"] == "91020"
    assert by_key["S2"]["decision"] == "auto"
    assert "S3" not in by_key
    # The CNV list has no child names: twins of the same sex cannot be told apart.
    cnv = outside_rows("cnv", [
        {"NU_CNV": "1000000001", "FE_NACIMIENTO": "17/09/2022", "SEXO": "2",
         "NU_DOC_MADRE": "47890123", "UBIGEO_RESIDENCIA": "050401"},
        {"NU_CNV": "1000000002", "FE_NACIMIENTO": "17/09/2022", "SEXO": "2",
         "NU_DOC_MADRE": "47890123", "UBIGEO_RESIDENCIA": "050401"},
        {"NU_CNV": "1000000003", "FE_NACIMIENTO": "02/04/2021", "SEXO": "1",
         "NU_DOC_MADRE": "49012345", "UBIGEO_RESIDENCIA": "050401"},
    ])  # fmt: skip
    linked = pipeline.link(
        registry,
        records.from_source(cnv, SOURCES["cnv"]).with_columns(pl.col("key").alias("unique_id")),
        NORMS,
    ).pairs
    decided = {
        (r["unique_id_r"], r["unique_id_l"]): r["decision"] for r in linked.iter_rows(named=True)
    }
    assert decided[("1000000003", "91020")] == "auto"  # mother + day + sex, unique
    twins = {k: v for k, v in decided.items() if k[0] in ("1000000001", "1000000002")}
    assert twins
    assert "auto" not in twins.values()
