"""Children, mothers and households of a territory, drawn in bulk (numpy/polars, no loops over
people). Pure: frames and a random generator in, a frame out; no Django, no I/O, no clock.

The frame has one row per child with the Padrón Nominal's columns under Crecer's names
(``crecer.registry.columns``), plus working columns the services generator needs
(``child``, ``department``, ``rural``, ``poverty``, ``altitude_m``, ``altitude_source``,
``facility_code``, ``mother``).
"""

from __future__ import annotations

from datetime import date

import numpy as np
import polars as pl

from crecer.demo import names, targets
from crecer.demo.identifiers import identifiers

MAX_AGE_DAYS = 2185  # under 6 on the as-of date, whatever the leap years
SIBLING_SIZES = np.array([1, 2, 3])
SIBLING_SHARES = np.array([0.72, 0.24, 0.04])  # children under 6 per mother (assumption)
EDUCATION = np.array(
    ["SIN NIVEL", "PRIMARIA", "SECUNDARIA", "SUPERIOR NO UNIVERSITARIA", "SUPERIOR UNIVERSITARIA"]
)


def prepare_districts(districts: pl.DataFrame) -> tuple[pl.DataFrame, list[str]]:
    """Fill missing attributes with the documented defaults (``targets.DEFAULT_*``) and add
    the expected number of children under 6 and language shares. Returns the frame and the
    names of the attributes missing somewhere (for the manifest; a missing altitude has no
    default: Hb tests there keep no altitude and stay unclassified)."""
    defaults = {
        "population": targets.DEFAULT_POPULATION,
        "poverty_pct": targets.DEFAULT_POVERTY_PCT,
        "extreme_poverty_pct": targets.DEFAULT_EXTREME_POVERTY_PCT,
        "rural_share": targets.DEFAULT_RURAL_SHARE,
    }
    used = [name for name in [*defaults, "altitude_m"] if districts[name].null_count() > 0]
    frame = districts.with_columns(
        pl.col(name).fill_null(value).cast(pl.Float64) for name, value in defaults.items()
    ).with_columns(pl.col("ubigeo").str.slice(0, 2).alias("department"))
    poverty = pl.col("poverty_pct") / 100
    department = pl.col("department")
    frame = frame.with_columns(
        (pl.col("population") * (targets.UNDER_SIX_BASE + targets.UNDER_SIX_SLOPE * poverty)).alias(
            "expected_children"
        ),
        # Indigenous languages are commoner in poorer, rural districts of the same department.
        (
            department.replace_strict(targets.QUECHUA_SHARE, default=0.03, return_dtype=pl.Float64)
            * (0.6 + 0.5 * poverty + 0.3 * pl.col("rural_share"))
        )
        .clip(0, 0.97)
        .alias("quechua_share"),
        department.replace_strict(targets.AYMARA_SHARE, default=0.0, return_dtype=pl.Float64).alias(
            "aymara_share"
        ),
        department.replace_strict(
            targets.NATIVE_AMAZON_SHARE, default=0.0, return_dtype=pl.Float64
        ).alias("amazon_share"),
    )
    return frame.sort("ubigeo"), used


def child_counts(districts: pl.DataFrame, factor: float) -> np.ndarray:
    """Children per district: deterministic (rounded expectation × factor), so that identifier
    ranges can be laid out before anything is drawn."""
    return np.rint(districts["expected_children"].to_numpy() * factor).astype(np.int64)


def generate_children(
    districts: pl.DataFrame,
    centers: pl.DataFrame,
    facilities: pl.DataFrame,
    *,
    rng: np.random.Generator,
    as_of: date,
    factor: float,
    id_offset: int,
) -> pl.DataFrame:
    """The children of ``districts`` (a frame from :func:`prepare_districts`); identifiers are
    numbered from ``id_offset`` so that chunks generated separately never collide."""
    counts = child_counts(districts, factor)
    n = int(counts.sum())
    district_index = np.repeat(np.arange(districts.height), counts)
    frame = districts[district_index].select(
        "ubigeo",
        "department",
        pl.col("name").alias("district_name"),
        "altitude_m",
        (pl.col("poverty_pct") / 100).alias("poverty"),
        (pl.col("extreme_poverty_pct") / 100).alias("extreme"),
        "rural_share",
        "quechua_share",
        "aymara_share",
        "amazon_share",
    )
    frame = frame.with_columns(pl.Series("child", np.arange(id_offset, id_offset + n)))
    mother = _mothers(rng, district_index)
    frame = frame.with_columns(pl.Series("mother", mother + id_offset))
    frame = _births(frame, rng, mother, as_of)
    frame = _places(frame, rng, centers, facilities)
    frame = _families(frame, rng, mother)
    frame = _identity(frame, rng, as_of)
    frame = _protection(frame, rng, as_of)
    frame = frame.with_columns(identifiers(frame["child"].to_numpy(), frame["mother"].to_numpy()))
    return _documents(frame, rng, as_of)


def _mothers(rng: np.random.Generator, district_index: np.ndarray) -> np.ndarray:
    """A mother index per child: consecutive children of a district share a mother in groups
    of 1-3 (``SIBLING_SHARES``); a group crossing into the next district is split."""
    n = len(district_index)
    sizes = rng.choice(SIBLING_SIZES, size=max(n, 1), p=SIBLING_SHARES)
    group = np.searchsorted(np.cumsum(sizes), np.arange(n), side="right")
    key = group.astype(np.int64) * 4096 + district_index
    changed = np.ones(n, dtype=bool)
    changed[1:] = key[1:] != key[:-1]
    return np.cumsum(changed) - 1


def _sibling_rank(mother: np.ndarray) -> np.ndarray:
    """0 for a mother's first listed child, 1 for the second… (children are grouped)."""
    n = len(mother)
    starts = np.ones(n, dtype=bool)
    starts[1:] = mother[1:] != mother[:-1]
    first = np.maximum.accumulate(np.where(starts, np.arange(n), 0))
    return np.arange(n) - first


def _births(
    frame: pl.DataFrame, rng: np.random.Generator, mother: np.ndarray, as_of: date
) -> pl.DataFrame:
    n = frame.height
    rank = _sibling_rank(mother)
    base = rng.integers(0, MAX_AGE_DAYS, size=n)
    base = base[np.arange(n) - rank]  # each mother's children start from one age…
    spacing = rng.integers(750, 1000, size=n)  # …and are 25-33 months apart (assumption)
    age_days = (base + rank * spacing) % MAX_AGE_DAYS
    # Sex ratio at birth 1.05 (targets.MALE_SHARE_AT_BIRTH).
    female = rng.random(n) >= targets.MALE_SHARE_AT_BIRTH.value / 100
    # Preterm 6.5 % (assumption); weights chosen so that LBW is ≈ 7 % (targets.LOW_BIRTH_WEIGHT):
    # term N(3250, 420) g gives 3.7 % under 2,500 g, preterm N(2450, 500) gives 54 %.
    preterm = rng.random(n) < 0.065 + 0.02 * frame["poverty"].to_numpy()
    weeks = np.where(preterm, rng.integers(32, 37, size=n), rng.integers(37, 42, size=n))
    grams = np.where(preterm, rng.normal(2450, 500, n), rng.normal(3250, 420, n))
    grams = np.clip(np.rint(grams / 10) * 10, 900, 5200).astype(np.int64)
    birth = np.datetime64(as_of, "D") - age_days.astype("timedelta64[D]")
    return frame.with_columns(
        pl.Series("birth_date", birth).cast(pl.Date),
        pl.Series("age_days", age_days.astype(np.int64)),
        pl.Series("sex", np.where(female, "2", "1")),
        pl.Series("birth_weight_g", grams),
        pl.Series("gestational_age_weeks", weeks.astype(np.int64)),
    )


def _places(
    frame: pl.DataFrame, rng: np.random.Generator, centers: pl.DataFrame, facilities: pl.DataFrame
) -> pl.DataFrame:
    """Area, populated center (a real one of the district when loaded), facility, altitude."""
    n = frame.height
    rural = rng.random(n) < frame["rural_share"].to_numpy()
    frame = frame.with_columns(
        pl.Series("area", np.where(rural, "R", "U")), pl.Series("__pick", rng.random(n))
    )
    frame = _pick_from(frame, centers, ["ubigeo", "area"], "center")
    frame = _pick_from(frame, centers, ["ubigeo"], "center_any")
    frame = frame.with_columns(
        pl.coalesce("center_code", "center_any_code").alias("populated_center_code"),
        pl.coalesce("center_name", "center_any_name").alias("populated_center_name"),
        pl.coalesce("center_altitude", "center_any_altitude").alias("center_altitude"),
    ).drop("center_code", "center_name", "center_any_code", "center_any_name")
    frame = frame.drop("center_any_altitude")
    frame = _pick_from(frame, facilities, ["ubigeo"], "facility")
    own_area = pl.col("populated_center_code").is_null() | pl.col("center_area").is_null()
    frame = frame.with_columns(
        pl.when(own_area).then(pl.col("area")).otherwise(pl.col("center_area")).alias("area"),
        pl.coalesce("center_altitude", "altitude_m").alias("altitude_m"),
        pl.when(pl.col("center_altitude").is_not_null())
        .then(pl.lit("center"))
        .when(pl.col("altitude_m").is_not_null())
        .then(pl.lit("district"))
        .otherwise(pl.lit("unknown"))
        .alias("altitude_source"),
        pl.col("facility_code").fill_null(""),
        # Without a loaded facility the export names the district's health centre.
        pl.coalesce(
            "facility_name", pl.lit("C.S. ") + pl.col("district_name").str.to_uppercase()
        ).alias("care_facility"),
    )
    return frame.with_columns((pl.col("area") == "R").alias("rural")).drop(
        "center_altitude", "center_area", "facility_name", "facility_altitude", "__pick"
    )


def _pick_from(
    frame: pl.DataFrame, options: pl.DataFrame, keys: list[str], prefix: str
) -> pl.DataFrame:
    """Join one row of ``options`` per child, chosen uniformly among those with the same
    ``keys`` (by the child's ``__pick`` uniform); nulls where there is none."""
    options = options.sort(*keys, "code").with_columns(
        pl.int_range(pl.len()).over(keys).alias("__rank"), pl.len().over(keys).alias("__count")
    )
    counts = options.group_by(keys).agg(pl.col("__count").first())
    frame = frame.join(counts, on=keys, how="left", maintain_order="left")
    frame = frame.with_columns(
        (pl.col("__pick") * pl.col("__count")).floor().cast(pl.UInt32).alias("__rank")
    )
    picked = options.select(
        *keys,
        "__rank",
        pl.col("code").alias(f"{prefix}_code"),
        pl.col("name").alias(f"{prefix}_name"),
        pl.col("altitude_m").alias(f"{prefix}_altitude"),
        *([pl.col("area").alias(f"{prefix}_area")] if prefix == "center" else []),
    )
    picked = picked.with_columns(pl.col("__rank").cast(pl.UInt32))
    return frame.join(picked, on=[*keys, "__rank"], how="left", maintain_order="left").drop(
        "__count", "__rank"
    )


def _families(frame: pl.DataFrame, rng: np.random.Generator, mother: np.ndarray) -> pl.DataFrame:
    """Mother, father and household: drawn per mother and spread to her children."""
    starts = np.flatnonzero(np.r_[True, mother[1:] != mother[:-1]])
    m = len(starts)
    first = frame[starts]
    quechua = first["quechua_share"].to_numpy()
    aymara = first["aymara_share"].to_numpy()
    amazon = first["amazon_share"].to_numpy()
    poverty = first["poverty"].to_numpy()
    rural = first["rural"].to_numpy()
    andean = np.clip(quechua * 1.1 + 0.05, 0, 0.95)  # surnames outlast the language
    mother_paternal = names.surnames(rng, andean, aymara)
    mother_maternal = names.surnames(rng, andean, aymara)
    father = names.surnames(rng, andean, aymara)
    father_given = names.given_names(rng, np.zeros(m, dtype=bool))
    mother_given = names.given_names(rng, np.ones(m, dtype=bool))
    draw = rng.random(m)
    language = np.select(
        [draw < aymara, draw < aymara + quechua, draw < aymara + quechua + amazon],
        ["AYMARA", "QUECHUA", "OTRA LENGUA NATIVA"],
        default="CASTELLANO",
    )
    # Education falls with poverty and rurality (a latent score cut into levels).
    score = rng.normal(0, 1, m) - 1.6 * poverty - 0.5 * rural
    education = EDUCATION[np.digitize(score, [-2.3, -1.0, 0.45, 1.1])]
    single = rng.random(m) < 0.15  # child carries both of the mother's surnames
    head_is_mother = single | (rng.random(m) < 0.35)
    # SISFOH: extreme poor / poor / not poor from the district's rates (classification
    # over-covers the poor a little, as targeting does), ~8 % of households unclassified.
    extreme = first["extreme"].to_numpy()
    draw = rng.random(m)
    sisfoh = np.select(
        [draw < 0.08, draw < 0.08 + 1.1 * extreme, draw < 0.08 + 1.15 * poverty],
        ["", "PE", "P"],
        default="NP",
    )
    per_mother = pl.DataFrame(
        {
            "mother_paternal_surname": mother_paternal,
            "mother_maternal_surname": mother_maternal,
            "mother_given_names": mother_given,
            "mother_language": language,
            "mother_education": education,
            "sisfoh": sisfoh,
            "paternal_surname": np.where(single, mother_paternal, father),
            "maternal_surname": np.where(single, mother_maternal, mother_paternal),
            "head_is_mother": head_is_mother,
            "head_names": np.where(
                head_is_mother,
                mother_paternal + " " + mother_maternal + " " + mother_given,
                father + " " + names.surnames(rng, andean, aymara) + " " + father_given,
            ),
            "mother_phone": np.where(
                rng.random(m) < 0.8, (900_000_000 + rng.integers(0, 99_999_999, m)).astype(str), ""
            ),
            "has_email": rng.random(m) < 0.1 * (1 - poverty),
            **_address(rng, rural),
        },
        schema_overrides={"has_email": pl.Boolean},
    )
    index = np.searchsorted(starts, np.arange(frame.height), side="right") - 1
    frame = pl.concat([frame, per_mother[index]], how="horizontal")
    given = names.given_names(rng, frame["sex"].to_numpy() == "2")
    email = (
        pl.col("mother_given_names").str.split(" ").list.first().str.to_lowercase()
        + pl.lit(".")
        + pl.col("mother_paternal_surname").str.to_lowercase()
        + pl.col("mother").cast(pl.String).str.slice(-3)
        + pl.lit("@example.com")
    )
    return frame.with_columns(
        pl.Series("given_names", given),
        pl.when(pl.col("has_email"))
        .then(email.str.normalize("NFKD").str.replace_all(r"\p{M}", "").str.replace_all(" ", ""))
        .otherwise(pl.lit(""))
        .alias("mother_email"),
    ).drop("has_email")


STREET_KINDS = np.array(["JR.", "AV.", "CALLE", "PSJE."])
STREET_NAMES = np.array(
    [
        "LOS ANDES", "SAN MARTÍN", "BOLÍVAR", "GRAU", "LIBERTAD", "LIMA", "AYACUCHO", "JUNÍN",
        "28 DE JULIO", "LOS INCAS", "MANCO CÁPAC", "SANTA ROSA", "TÚPAC AMARU", "UNIÓN",
    ]
)  # fmt: skip
LANDMARKS = np.array(
    ["", "", "FRENTE A LA PLAZA", "CERCA AL COLEGIO", "AL LADO DE LA POSTA", "ESPALDA DEL MERCADO"]
)


def _address(rng: np.random.Generator, rural: np.ndarray) -> dict[str, np.ndarray]:
    """Street axis, address and landmark of each household: towns have a street and number
    (10 % left blank, as exports show); rural homes are "SIN NÚMERO" or blank."""
    m = len(rural)
    number = rng.integers(100, 1500, m).astype(str)
    street = STREET_NAMES[rng.integers(0, len(STREET_NAMES), m)]
    urban_address = (street + " " + number).astype(object)
    written = rng.random(m) < np.where(rural, 0.6, 0.9)
    return {
        "street_axis": np.where(~rural & written, STREET_KINDS[rng.integers(0, 4, m)], ""),
        "address": np.where(written, np.where(rural, "SIN NÚMERO", urban_address), ""),
        "address_reference": LANDMARKS[rng.integers(0, len(LANDMARKS), m)],
    }


def _identity(frame: pl.DataFrame, rng: np.random.Generator, as_of: date) -> pl.DataFrame:
    """The birth circuit: CNV at birth, registration (CUI) and DNI, with realistic delays.

    Children 6-59 months without registry are calibrated to ``targets.NO_REGISTRY_6_59`` in
    expectation: each child's risk is proportional to a weight that grows with poverty and
    rurality, scaled so that the weights' mean over 6-59 months gives the target."""
    n = frame.height
    age = frame["age_days"].to_numpy()
    poverty = frame["poverty"].to_numpy()
    rural = frame["rural"].to_numpy()
    no_cnv = rng.random(n) < 0.01 + 0.08 * rural * poverty  # home births, mostly rural
    weight = np.exp(2.0 * poverty + 0.7 * rural)
    months_6_59 = (age >= 182) & (age < 1826)
    scale = targets.NO_REGISTRY_6_59.value / 100 / max(weight[months_6_59].mean(), 1e-9)
    risk = np.clip(scale * weight, 0, 0.9)
    risk = np.where(age < 30, np.maximum(risk, 0.35), np.where(age < 182, risk * 2.0, risk))
    registered = rng.random(n) >= risk
    # DNI: ~70 % issued within 30 days (hospital registry offices), the rest later.
    soon = rng.random(n) < 0.72 - 0.2 * rural
    delay = np.where(soon, rng.integers(1, 31, n), 31 + rng.exponential(150, n).astype(np.int64))
    apply_delay = np.minimum(delay, rng.integers(0, 8, n))
    issued = registered & (delay <= age)
    birth = frame["birth_date"].to_numpy().astype("datetime64[D]")
    status = np.where(issued, "TRÁMITE CONCLUIDO", np.where(registered, "EN TRÁMITE", ""))
    sis_delay = rng.integers(0, 60, n)
    return frame.with_columns(
        pl.Series("has_cnv", ~no_cnv),
        pl.Series("registered", registered),
        pl.Series("dni_issued", issued),
        pl.Series("dni_status", status),
        pl.Series(
            "dni_status_date", np.where(registered, birth + apply_delay, np.datetime64("NaT"))
        ).cast(pl.Date),
        pl.Series("dni_issue_date", np.where(issued, birth + delay, np.datetime64("NaT"))).cast(
            pl.Date
        ),
        pl.Series("sis_after_days", np.minimum(sis_delay, age)),
    )


def _protection(frame: pl.DataFrame, rng: np.random.Generator, as_of: date) -> pl.DataFrame:
    """Insurance, social programs, field visit, data source and record status."""
    n = frame.height
    age = frame["age_days"].to_numpy()
    poverty = frame["poverty"].to_numpy()
    rural = frame["rural"].to_numpy()
    sisfoh = frame["sisfoh"].to_numpy()
    poor = (sisfoh == "PE") | (sisfoh == "P")
    draw = rng.random(n)
    essalud = 0.22 * (1 - poverty) * (1 - rural)
    insurance = np.select(
        [draw < essalud, draw < essalud + 0.01, draw < essalud + 0.02, draw < 0.93 + 0.05 * poor],
        ["2", "3", "4", "1"],
        default="0",
    )
    # JUNTOS: poor households in districts of >= 40 % poverty (juntos.md targets the poorest
    # districts), ~65 % of those enrolled; Cuna Más SAF (rural, < 36 months) and SCD (urban,
    # 6-36 months) in poor districts; Vaso de Leche for a quarter of the poor; Qali Warma
    # (school meals) for most 3-5-year-olds in initial education.
    juntos = poor & (poverty >= 0.40) & (rng.random(n) < 0.65)
    saf = rural & poor & (age < 1095) & (rng.random(n) < 0.35 * poverty)
    scd = ~rural & poor & (age >= 182) & (age < 1095) & (rng.random(n) < 0.08)
    vaso = poor & (rng.random(n) < 0.25)
    qali = (age >= 1095) & (rng.random(n) < 0.6)
    programs = [
        np.where(flag, code + ",", "")
        for flag, code in ((vaso, "2"), (juntos, "4"), (qali, "5"), (scd, "7"), (saf, "8"))
    ]
    joined = np.char.rstrip(
        np.char.add(
            np.char.add(
                np.char.add(programs[0], programs[1]), np.char.add(programs[2], programs[3])
            ),
            programs[4],
        ),
        ",",
    )
    visited = rng.random(n) < 0.35 + 0.2 * rural
    found = visited & (rng.random(n) < 0.9)
    birth = frame["birth_date"].to_numpy().astype("datetime64[D]")
    visit = birth + (age * rng.random(n)).astype("timedelta64[D]")
    source = np.select(
        [frame["has_cnv"].to_numpy(), rng.random(n) < 0.5], ["CNV EN LÍNEA", "RENIEC"], "EESS"
    )
    status = np.where(rng.random(n) < 0.03, "2", "1")
    sis = insurance == "1"
    return frame.with_columns(
        pl.Series("insurance", insurance),
        pl.Series(
            "sis_affiliation_date",
            np.where(sis, birth + frame["sis_after_days"].to_numpy(), np.datetime64("NaT")),
        ).cast(pl.Date),
        pl.Series("programs", joined.astype(object)),
        pl.Series("visited", np.where(visited, "SI", "NO")),
        pl.Series("found", np.where(visited, np.where(found, "SI", "NO"), "")),
        pl.Series("visit_date", np.where(visited, visit, np.datetime64("NaT"))).cast(pl.Date),
        pl.Series("data_source", source),
        pl.Series("data_source_date", birth + rng.integers(0, 15, n)).cast(pl.Date),
        pl.Series("record_status", status),
    ).drop("sis_after_days")


def _documents(frame: pl.DataFrame, rng: np.random.Generator, as_of: date) -> pl.DataFrame:
    """Identifier columns as the export has them, and no date after ``as_of``."""
    n = frame.height
    draw = rng.random(n)
    # Mothers: DNI; ~0.5 % a foreign resident card (CE); ~1.5 % no document recorded.
    mother_type = np.where(draw < 0.015, "", np.where(draw < 0.02, "CE", "DNI"))
    mother_type = pl.Series("mother_document_type", mother_type)
    ce_number = pl.lit("00") + pl.col("__mother_dni").str.slice(1)  # 9 digits, CE-like
    mother_number = (
        pl.when(pl.col("mother_document_type") == "DNI")
        .then(pl.col("__mother_dni"))
        .when(pl.col("mother_document_type") == "CE")
        .then(ce_number)
        .otherwise(pl.lit(""))
    )
    dates = ["dni_status_date", "dni_issue_date", "visit_date", "data_source_date"]
    return (
        frame.with_columns(mother_type)
        .with_columns(
            pl.when(pl.col("has_cnv")).then(pl.col("__cnv")).alias("cnv"),
            pl.when(pl.col("registered")).then(pl.col("__dni")).alias("cui"),
            pl.when(pl.col("dni_issued")).then(pl.col("__dni")).alias("dni"),
            mother_number.alias("mother_document_number"),
            pl.when(pl.col("head_is_mother"))
            .then(pl.col("mother_document_type"))
            .otherwise(pl.lit("DNI"))
            .alias("head_document_type"),
            pl.when(pl.col("head_is_mother"))
            .then(mother_number)
            .otherwise(pl.col("__head_dni"))
            .alias("head_document_number"),
            *(
                pl.when(pl.col(name) > as_of)
                .then(pl.lit(as_of))
                .otherwise(pl.col(name))
                .alias(name)
                for name in dates
            ),
        )
        .drop("__cnv", "__dni", "__mother_dni", "__head_dni")
    )
