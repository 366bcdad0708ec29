"""The probabilistic model: Splink (Fellegi–Sunter) on DuckDB, its comparisons and blocking
rules, trained on the data by EM, and scored pairs with each field's match weight.

Pure computation: frames of linkage records (:mod:`crecer.linkage.records`) in, a frame of
scored pairs out; DuckDB runs in memory inside the call. No Django.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from typing import Any

import duckdb
import polars as pl
import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator
from splink.internals.exceptions import EMTrainingException

# Blocking: candidate pairs share one of these (issue 10: birth date, district, mother's
# document), plus the keys that catch the commonest errors of each.
BLOCKING_RULES = [
    "l.birth_date = r.birth_date AND l.ubigeo = r.ubigeo",
    "l.mother_document = r.mother_document",
    # Day and month transposed.
    "l.birth_date_swapped = r.birth_date AND l.ubigeo = r.ubigeo",
    # Moved to another district of the province.
    "l.birth_date = r.birth_date AND l.province = r.province AND l.paternal_key = r.paternal_key",
    # Any other date error: same district, year, surname and first name (by spelling key).
    "l.ubigeo = r.ubigeo AND l.birth_year = r.birth_year AND l.paternal_key = r.paternal_key"
    " AND l.first_given_key = r.first_given_key",
]
# EM needs pairs where matches are neither almost all nor almost none, and trains every
# comparison but those the rule uses: names, sex and the mother here. Birth date and place
# keep set m values (see birth_date()): a rule that lets the date vary (the mother's document,
# or surname + first name) is mostly siblings, whom EM learns as the matches.
TRAINING_RULES = [
    "l.birth_date = r.birth_date AND l.ubigeo = r.ubigeo",
]
# Pairs almost surely the same child, used only to estimate how common matches are.
DETERMINISTIC_RULES = [
    "l.mother_document = r.mother_document AND l.birth_date = r.birth_date AND l.sex = r.sex",
]
DETERMINISTIC_RECALL = 0.6  # assumption: a share of duplicates lack or mistype the mother's doc
MIN_DUPLICATE_SHARE = 0.001  # assumption: at least 1 record in 1,000 has a duplicate
U_SAMPLE_PAIRS = 1_000_000
SEED = 20_070  # fixed: a re-run on the same data gives the same model

FIELDS = {
    "surnames": ["paternal_surname", "maternal_surname", "surnames"],
    "given_names": ["given_names"],
    "birth_date": ["birth_date"],
    "sex": ["sex"],
    "mother": ["mother_document", "mother_name"],
    "place": ["ubigeo", "populated_center"],
}


def _level(sql: str, label: str, **options: Any) -> cll.CustomLevel:
    level = cll.CustomLevel(sql, label_for_charts=label)
    return level.configure(**options) if options else level


def _either_null(*columns: str) -> str:
    left = " AND ".join(f"{c}_l IS NULL" for c in columns)
    right = " AND ".join(f"{c}_r IS NULL" for c in columns)
    return f"({left}) OR ({right})"


def surnames() -> cl.CustomComparison:
    return cl.CustomComparison(
        output_column_name="surnames",
        comparison_description="child's surnames",
        comparison_levels=[
            _level(_either_null("paternal_surname", "maternal_surname"), "missing",
                   is_null_level=True),
            # Term frequencies: QUISPE MAMANI agreeing says less than a rare pair of surnames.
            cll.ExactMatchLevel("surnames").configure(
                tf_adjustment_column="surnames", label_for_charts="both equal"),
            _level("paternal_key_l = maternal_key_r AND maternal_key_l = paternal_key_r",
                   "swapped"),
            _level("paternal_key_l = paternal_key_r AND maternal_key_l = maternal_key_r",
                   "both equal in spelling (Quechua/Spanish)"),
            _level("paternal_key_l = paternal_key_r AND (maternal_surname_l IS NULL"
                   " OR maternal_surname_r IS NULL)", "first equal, second missing"),
            _level("jaro_winkler_similarity(paternal_surname_l, paternal_surname_r) >= 0.9 AND "
                   "jaro_winkler_similarity(maternal_surname_l, maternal_surname_r) >= 0.9",
                   "both similar (typo)"),
            _level("paternal_key_l = paternal_key_r OR maternal_key_l = maternal_key_r",
                   "one equal"),
            cll.ElseLevel(),
        ],
    )  # fmt: skip


def given_names() -> cl.CustomComparison:
    return cl.CustomComparison(
        output_column_name="given_names",
        comparison_description="child's given names",
        comparison_levels=[
            cll.NullLevel("given_names"),
            cll.ExactMatchLevel("given_names").configure(
                tf_adjustment_column="given_names", label_for_charts="equal"),
            _level("first_given_l = first_given_r", "first name equal"),
            # Jaro-Winkler forgives little in a short name (ROSA/RPSA 0.83): one edit too, also
            # in the first name alone (BRIGITTE CARMEN / BRTGITTE).
            _level("jaro_winkler_similarity(given_names_l, given_names_r) >= 0.9"
                   " OR levenshtein(given_names_l, given_names_r) <= 1"
                   " OR levenshtein(first_given_l, first_given_r) <= 1"
                   " OR first_given_key_l = first_given_key_r", "similar (typo or spelling)"),
            _level("jaro_winkler_similarity(given_names_l, given_names_r) >= 0.75",
                   "somewhat similar"),
            cll.ElseLevel(),
        ],
    )  # fmt: skip


def birth_date() -> cl.CustomComparison:
    """Birth date, with m probabilities set from what registry errors look like rather than
    trained: every EM rule whose pairs vary in birth date is full of siblings and cousins, who
    agree on the family and differ in the date, and EM takes them for matches (the date then
    stops counting against a sibling). Assumed shares of a duplicate's birth date, unconfirmed:
    equal 88 %, day/month transposed 3 %, one digit off 4 %, within a month 2.5 %, within a
    year 2.4 %, other 0.1 %."""
    as_text = "CAST(birth_date_{side} AS VARCHAR)"
    return cl.CustomComparison(
        output_column_name="birth_date",
        comparison_description="birth date",
        comparison_levels=[
            cll.NullLevel("birth_date"),
            _level("birth_date_l = birth_date_r", "equal", m_probability=0.88),
            _level("birth_date_swapped_l = birth_date_r", "day and month transposed",
                   m_probability=0.03),
            _level(f"levenshtein({as_text.format(side='l')}, {as_text.format(side='r')}) <= 1",
                   "one digit differs", m_probability=0.04),
            _level("abs(date_diff('day', birth_date_l, birth_date_r)) <= 31", "within a month",
                   m_probability=0.025),
            _level("abs(date_diff('day', birth_date_l, birth_date_r)) <= 366", "within a year",
                   m_probability=0.024),
            cll.ElseLevel().configure(m_probability=0.001),
        ],
    )  # fmt: skip


def mother() -> cl.CustomComparison:
    """The mother's document and names as one comparison: they agree together (a document
    equal almost implies names equal), so scoring them apart would count the same evidence
    twice and make siblings look like duplicates."""
    similar = "jaro_winkler_similarity(mother_name_l, mother_name_r) >= {}"
    name_agrees = f"(mother_name_l IS NULL OR mother_name_r IS NULL OR {similar.format(0.9)})"
    return cl.CustomComparison(
        output_column_name="mother",
        comparison_description="mother's document and names",
        comparison_levels=[
            _level(_either_null("mother_document", "mother_name"), "missing", is_null_level=True),
            _level(f"mother_document_l = mother_document_r AND {name_agrees}",
                   "document equal, names agree"),
            _level(f"damerau_levenshtein(mother_document_l, mother_document_r) <= 1"
                   f" AND {name_agrees}", "document one digit off, names agree"),
            _level("mother_document_l = mother_document_r", "document equal, names differ"),
            _level("mother_name_l = mother_name_r", "names equal"),
            _level(similar.format(0.9), "names similar"),
            cll.ElseLevel(),
        ],
    )  # fmt: skip


def place() -> cl.CustomComparison:
    """Where the child lives, with m set rather than trained (the training rule blocks on the
    district). Assumed shares of a duplicate, unconfirmed: same populated center 60 %, same
    district 32 % (center missing or different), same province 6 %, other 2 %."""
    return cl.CustomComparison(
        output_column_name="place",
        comparison_description="where the child lives",
        comparison_levels=[
            cll.NullLevel("ubigeo"),
            _level("ubigeo_l = ubigeo_r AND populated_center_l = populated_center_r",
                   "same populated center", m_probability=0.6),
            _level("ubigeo_l = ubigeo_r", "same district", m_probability=0.32),
            _level("province_l = province_r", "same province", m_probability=0.06),
            cll.ElseLevel().configure(m_probability=0.02),
        ],
    )  # fmt: skip


def settings(link_type: str) -> SettingsCreator:
    return SettingsCreator(
        link_type=link_type,
        unique_id_column_name="unique_id",
        comparisons=[
            surnames(),
            given_names(),
            birth_date(),
            cl.ExactMatch("sex"),
            mother(),
            place(),
        ],
        blocking_rules_to_generate_predictions=BLOCKING_RULES,
        retain_intermediate_calculation_columns=True,
        retain_matching_columns=True,
    )


# Columns Splink needs from each record (the linkage record's derived columns included).
MODEL_COLUMNS = [
    "unique_id", "paternal_surname", "maternal_surname", "surnames", "given_names", "first_given",
    "paternal_key", "maternal_key", "first_given_key", "birth_date", "birth_date_swapped",
    "birth_year", "sex", "mother_document", "mother_name", "ubigeo", "province",
    "populated_center",
]  # fmt: skip


@dataclass
class Scored:
    """Scored candidate pairs and the trained model (Splink's JSON settings)."""

    pairs: pl.DataFrame  # unique_id_l, unique_id_r, match_weight, match_probability, bf_*, …
    model: dict[str, Any]


def score(
    left: pl.DataFrame,
    right: pl.DataFrame | None = None,
    *,
    threshold_weight: float,
    model: dict[str, Any] | None = None,
) -> Scored:
    """Score candidate pairs within ``left`` (deduplication) or between ``left`` and ``right``
    (linkage), keeping those with a match weight of at least ``threshold_weight``.

    Trains the model on the data (random-sampling u, EM m, deterministic-rule prior) unless a
    trained ``model`` is given (incremental runs reuse the last run's)."""
    logging.getLogger("splink").setLevel(logging.ERROR)
    connection = duckdb.connect()
    connection.execute("SET threads TO 2")
    db = DuckDBAPI(connection)
    inputs = [db.register(left.select(MODEL_COLUMNS).to_arrow(), table_name="records_left")]
    link_type = "dedupe_only"
    if right is not None:
        link_type = "link_only"
        inputs.append(
            db.register(right.select(MODEL_COLUMNS).to_arrow(), table_name="records_right")
        )
    linker = Linker(inputs, model if model is not None else settings(link_type), log_level=None)
    if model is None:
        _train(linker, left.height + (right.height if right is not None else 0))
    predictions = linker.inference.predict(
        threshold_match_weight=threshold_weight, warning_mode="never"
    )
    pairs = predictions.as_duckdbpyrelation().pl()
    trained = linker.misc.save_model_to_json()
    connection.close()
    assert isinstance(pairs, pl.DataFrame)
    return Scored(pairs=pairs, model=trained)


def _train(linker: Linker, records: int) -> None:
    linker.training.estimate_probability_two_random_records_match(
        DETERMINISTIC_RULES, recall=DETERMINISTIC_RECALL
    )
    # A registry with no duplicates found by the rules would get a prior of 0 (every pair
    # impossible) and break EM: keep at least MIN_DUPLICATE_SHARE of records duplicated.
    settings_object = linker._settings_obj  # the attribute Splink's own estimate sets
    pairs = max(records * (records - 1) / 2, 1)
    floor = min(MIN_DUPLICATE_SHARE * records / pairs, 0.5)
    if settings_object._probability_two_random_records_match < floor:
        settings_object._probability_two_random_records_match = floor
    linker.training.estimate_u_using_random_sampling(max_pairs=U_SAMPLE_PAIRS, seed=SEED)
    for rule in TRAINING_RULES:
        # A failed EM session leaves the linker with only the comparisons it was training
        # (Splink 5 filters them in place): keep the settings to put back.
        saved = settings_object.core_model_settings.copy()
        try:
            linker.training.estimate_parameters_using_expectation_maximisation(
                rule, estimate_without_term_frequencies=True
            )
        except (ValueError, EMTrainingException):
            # The rule found no pairs (a list without names), or EM no matches among them
            # (log of a zero share): the comparisons it would train keep their starting m.
            settings_object.core_model_settings = saved


def probability(weight: float) -> float:
    """Match probability of a match weight (log2 Bayes factor including the prior)."""
    return 1.0 / (1.0 + math.pow(2.0, -weight))
