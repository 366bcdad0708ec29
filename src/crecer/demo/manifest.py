"""What was generated: counts, the targets with their sources, and the rates achieved, computed
by the project's own libraries (``crecer.growth`` for z-scores and WHO flags,
``crecer.anemia`` for the altitude-adjusted Hb). Pure: frames in, plain dicts out (the command
writes them as JSON).

Every indicator of the profile's catalogue is achieved as the product computes it: the
per-child status of ``crecer.analytics.status`` (the profile's schedules, growth and anemia
rules, on the as-of date) counted by each indicator's conditions
(``crecer.analytics.indicators.membership``), the code behind ``crecer refresh``. Only the
rates the catalogue lacks (stunting by area, anemia by the ENDES rule, the birth circuit) are
counted here.

Rates are kept as numerator/denominator pairs per department so that chunks generated one at a
time add up (:func:`add`) before the percentages are taken (:func:`rates`).
"""

from __future__ import annotations

from collections import Counter
from datetime import date

import numpy as np
import polars as pl

from crecer import anemia, growth
from crecer.analytics.indicators import membership
from crecer.analytics.status import compute_status, district_chunks
from crecer.demo import targets
from crecer.demo.generator import Population, department_targets
from crecer.demo.measurements import in_window, latest_rows
from crecer.norms.model import Profile

# Children per status chunk, as crecer.analytics.refresh.CHUNK_CHILDREN (not imported: that
# module needs the database).
CHUNK_CHILDREN = 250_000
Tally = dict[str, Counter]  # department -> {"stunted": n, "measured": n, …}

RATES = {  # rate -> (numerator, denominator)
    "stunting_under_5": ("stunted", "measured"),
    "stunting_under_5_rural": ("stunted_rural", "measured_rural"),
    "stunting_under_5_urban": ("stunted_urban", "measured_urban"),
    "anemia_6_35_endes_rule": ("anemic", "tested"),
    "anemia_6_35_rule_in_force": ("anemic_in_force", "tested_in_force"),
    "low_birth_weight": ("lbw", "children"),
    "no_registry_6_59": ("no_registry", "children_6_59"),
    "no_dni_6_59": ("no_dni", "children_6_59"),
    "with_cnv": ("with_cnv", "children"),
    "sis": ("sis", "children"),
    "juntos": ("juntos", "children"),
}


def tally(population: Population, profile: Profile, as_of: date) -> Tally:
    """Numerators and denominators of every rate, by department."""
    children = population.children
    out: Tally = {}
    for (department,), part in children.group_by(["department"]):
        out[str(department)] = Counter(_registry_counts(part))
    window = profile.analytics.measurement_window_days if profile.analytics else 365
    for department, counts in _growth_counts(population, as_of, window).items():
        out[department].update(counts)
    for department, counts in _anemia_counts(population, profile, as_of, window).items():
        out[department].update(counts)
    for department, part in _service_counts(population).items():
        out[department].update(part)
    for department, counts in catalogue_counts(population, profile, as_of).items():
        out[department].update(counts)
    return out


def product_frames(population: Population) -> tuple[pl.DataFrame, ...]:
    """Children, growth, Hb tests and services as ``crecer.analytics.extract`` reads them from
    the database after ``--into-db`` (``has_dni``: a DNI or a CUI; ``has_sis``: insured by SIS)."""
    children = population.children.select(
        pl.col("child").alias("child_id"),
        "birth_date",
        "sex",
        pl.col("ubigeo").alias("district_id"),
        pl.col("populated_center_code").alias("populated_center_id"),
        "care_facility",
        (pl.col("dni").is_not_null() | pl.col("cui").is_not_null()).alias("has_dni"),
        (pl.col("insurance") == "1").alias("has_sis"),
        "birth_weight_g",
        "gestational_age_weeks",
        "dni_issue_date",
        "sis_affiliation_date",
    )
    child = pl.col("child").alias("child_id")
    growth = population.growth.select(child, "date", "weight_kg", "length_cm", "measure", "oedema")
    hemoglobin = population.hemoglobin.select(
        child, "date", "hb_observed", pl.col("altitude_m").cast(pl.Float64)
    )
    services = population.services.select(child, "date", "code")
    return children, growth, hemoglobin, services


def catalogue_counts(population: Population, profile: Profile, as_of: date) -> Tally:
    """``n__<id>`` and ``d__<id>`` of every indicator of the catalogue, by department."""
    if profile.analytics is None or population.children.height == 0:
        return {}
    children, growth_rows, tests, services = product_frames(population)
    out: Tally = {}
    # In chunks of districts, as crecer refresh does: Lima's million children at once would
    # need several GB of status.
    for first, last in district_chunks(children, CHUNK_CHILDREN):
        part = children.filter(pl.col("district_id").is_between(pl.lit(first), pl.lit(last)))
        ids = part["child_id"].implode()
        events = [
            frame.filter(pl.col("child_id").is_in(ids)) for frame in (growth_rows, tests, services)
        ]
        status = compute_status(part, *events, as_of, profile)
        flags = membership(status, profile.analytics.indicators)
        summed = (
            flags.with_columns(status["district_id"].str.slice(0, 2).alias("department"))
            .group_by("department")
            .agg(pl.all().sum())
        )
        for row in summed.to_dicts():
            department = row.pop("department")
            out.setdefault(department, Counter()).update({k: int(v) for k, v in row.items()})
    return out


def _registry_counts(children: pl.DataFrame) -> dict[str, int]:
    age = children["age_days"]
    months_6_59 = (age >= 182) & (age < 1826)
    return {
        "children": children.height,
        "mothers": children["mother"].n_unique(),
        "lbw": int((children["birth_weight_g"] < 2500).sum()),
        "children_6_59": int(months_6_59.sum()),
        "no_registry": int((months_6_59 & children["cui"].is_null()).sum()),
        "no_dni": int((months_6_59 & children["dni"].is_null()).sum()),
        "with_cnv": int(children["cnv"].is_not_null().sum()),
        "sis": int((children["insurance"] == "1").sum()),
        "juntos": int(children["programs"].str.contains("4").sum()),
    }


def _growth_counts(population: Population, as_of: date, window: int) -> dict[str, Counter]:
    """Stunting among the latest measurement in the product's window of each child under 5 on
    ``as_of`` (the sample of the catalogue's ccm_u5), when WHO does not flag it."""
    rows = population.growth.join(
        population.children.select("child", "birth_date", "sex", "department", "rural"),
        on="child",
    ).with_columns((pl.col("date") - pl.col("birth_date")).dt.total_days().alias("age_days"))
    rows = rows.sort("child", "date")
    counted = in_window(rows["date"], rows["birth_date"], as_of, window, 1826)
    latest = rows[latest_rows(rows["child"].to_numpy(), counted)]
    z = growth.zscores(
        sex=latest["sex"].cast(pl.Int64).to_numpy(),
        age_days=latest["age_days"].to_numpy(),
        weight_kg=latest["weight_kg"].to_numpy(),
        length_cm=latest["length_cm"].to_numpy(),
        measure=latest["measure"].to_numpy(),
        oedema=latest["oedema"].to_numpy(),
    )
    valid = ~np.isnan(z["z_lhfa"]) & ~z["flag_lhfa"]
    frame = latest.select("department", "rural").with_columns(
        pl.Series("measured", valid),
        pl.Series("stunted", valid & (np.nan_to_num(z["z_lhfa"], nan=0.0) < -2)),
        pl.Series("flagged", z["flag_lhfa"] | z["flag_wfa"]),
    )
    out: dict[str, Counter] = {}
    for (department,), part in frame.group_by(["department"]):
        rural = part["rural"]
        out[str(department)] = Counter(
            {
                "measured": int(part["measured"].sum()),
                "stunted": int(part["stunted"].sum()),
                "measured_rural": int((part["measured"] & rural).sum()),
                "stunted_rural": int((part["stunted"] & rural).sum()),
                "measured_urban": int((part["measured"] & ~rural).sum()),
                "stunted_urban": int((part["stunted"] & ~rural).sum()),
                "flagged_latest": int(part["flagged"].sum()),
            }
        )
    return out


def _anemia_counts(
    population: Population, profile: Profile, as_of: date, window: int
) -> dict[str, Counter]:
    """Anemia among the latest Hb test in the product's window of each child 6-35 months old on
    ``as_of`` (the sample of the catalogue's anemia_6_35), by the ENDES rule (the target's
    terms) and by the rule in force on the test date."""
    assert profile.anemia is not None
    rows = population.hemoglobin.join(
        population.children.select("child", "birth_date", "department"), on="child"
    ).sort("child", "date")
    counted = in_window(rows["date"], rows["birth_date"], as_of, window, 1096)
    latest = rows[latest_rows(rows["child"].to_numpy(), counted)]
    latest = latest.filter((pl.lit(as_of) - pl.col("birth_date")).dt.total_days() >= 183)
    common = {
        "hemoglobin": latest["hb_observed"].to_numpy(),
        "altitude_m": latest["altitude_m"].fill_null(np.nan).to_numpy(),
        "test_date": latest["date"].to_numpy().astype("datetime64[D]"),
        "birth_date": latest["birth_date"].to_numpy().astype("datetime64[D]"),
    }
    endes = anemia.assess_hemoglobin(profile.anemia, rule=targets.ENDES_ANEMIA_RULE, **common)
    in_force = anemia.assess_hemoglobin(profile.anemia, **common)
    frame = latest.select("department").with_columns(
        pl.Series("tested", endes["severity"] != anemia.Severity.UNKNOWN),
        pl.Series("anemic", endes["anemic"]),
        pl.Series("tested_in_force", in_force["severity"] != anemia.Severity.UNKNOWN),
        pl.Series("anemic_in_force", in_force["anemic"]),
    )
    sums = frame.group_by("department").agg(pl.all().sum())
    return {
        row.pop("department"): Counter({k: int(v) for k, v in row.items()})
        for row in sums.to_dicts()
    }


def _service_counts(population: Population) -> dict[str, Counter]:
    counts = {}
    for name in ("services", "growth", "hemoglobin"):
        frame = getattr(population, name).join(
            population.children.select("child", "department"), on="child"
        )
        for row in frame.group_by("department").len().to_dicts():
            counts.setdefault(row["department"], Counter())[f"{name}_rows"] = row["len"]
    implausible = population.growth.filter("gross_error").join(
        population.children.select("child", "department"), on="child"
    )
    for row in implausible.group_by("department").len().to_dicts():
        counts[row["department"]]["implausible_injected"] = row["len"]
    return counts


def add(total: Tally, part: Tally) -> Tally:
    for department, counts in part.items():
        total.setdefault(department, Counter()).update(counts)
    return total


def rates(counts: Counter) -> dict[str, float | None]:
    """Percentages (2 decimals) of the summed counts; None where the denominator is 0."""
    out: dict[str, float | None] = {}
    for name, (numerator, denominator) in RATES.items():
        below = counts.get(denominator, 0)
        out[name] = round(100 * counts.get(numerator, 0) / below, 2) if below else None
    return out


def build(
    *,
    seed: int,
    scope: str,
    factor: float,
    as_of: date,
    counts: Tally,
    defaults_used: list[str],
    faults: dict | None,
    linkage: dict | None = None,
    profile: Profile | None = None,
) -> dict:
    """The manifest: parameters, targets with sources, achieved rates (overall and by
    department), counts, when an export was written its injected faults, and the linkage
    material's rates, files and counts when some was made."""
    total: Counter = Counter()
    for part in counts.values():
        total.update(part)
    departments = sorted(counts)
    stunting, anemia_targets = department_targets(departments)
    return {
        "seed": seed,
        "scope": scope,
        "factor": factor,
        "as_of": as_of.isoformat(),
        "defaults_used": defaults_used,
        "targets": {
            "stunting_under_5": {
                d: _cited(targets.STUNTING_BY_DEPARTMENT.get(d, targets.NATIONAL_STUNTING))
                for d in departments
            },
            "anemia_6_35_endes_rule": {
                d: _cited(targets.ANEMIA_BY_DEPARTMENT.get(d, targets.NATIONAL_ANEMIA))
                for d in departments
            },
            "low_birth_weight": _cited(targets.LOW_BIRTH_WEIGHT),
            "no_registry_6_59": _cited(targets.NO_REGISTRY_6_59),
            "anemia_rule": targets.ENDES_ANEMIA_RULE,
        },
        "achieved": rates(total),
        "achieved_by_department": {d: rates(counts[d]) for d in departments},
        "indicators": indicators(counts, profile),
        "target_by_department": {
            d: {"stunting_under_5": stunting[d], "anemia_6_35_endes_rule": anemia_targets[d]}
            for d in departments
        },
        # The catalogue's numerators and denominators are in "indicators".
        "counts": {k: v for k, v in sorted(total.items()) if not k.startswith(("n__", "d__"))},
        "faults": faults,
        "linkage": linkage,
    }


def indicators(counts: Tally, profile: Profile | None) -> dict[str, dict]:
    """Per indicator of the catalogue: its figure (target, source, how it is compared; or why
    there is none) and the achieved rate, overall and by department, as the product counts it."""
    out: dict[str, dict] = {}
    for indicator_id in _indicator_ids(counts, profile):
        numerator, denominator = f"n__{indicator_id}", f"d__{indicator_id}"
        by_department = {}
        for department, part in sorted(counts.items()):
            figure = targets.catalogue_figure(indicator_id, department)
            by_department[department] = {
                **_target(figure),
                "achieved": _percent(part.get(numerator, 0), part.get(denominator, 0)),
                "numerator": part.get(numerator, 0),
                "denominator": part.get(denominator, 0),
            }
        n = sum(part.get(numerator, 0) for part in counts.values())
        d = sum(part.get(denominator, 0) for part in counts.values())
        out[indicator_id] = {
            **_overall_target(by_department),
            "achieved": _percent(n, d),
            "numerator": n,
            "denominator": d,
            "by_department": by_department,
        }
        if indicator_id in FIGURE_TERMS:
            rate = FIGURE_TERMS[indicator_id]
            total: Counter = Counter()
            for part in counts.values():
                total.update(part)
            out[indicator_id]["achieved_in_figure_terms"] = {
                "rate": rate,
                "achieved": rates(total)[rate],
            }
    return out


# Indicators whose figure is measured by another rule than the product's: the rate of RATES
# that counts the same children by the figure's rule. ENDES classified anemia by WHO 2011
# (< 11.0 g/dL, WHO 2011 altitude steps); the product by the rule in force on the test date
# (NTS 213-2024 from April 2024: < 10.5 at 6-23 months, MINSA altitude bands), which gives
# less anemia near sea level and a little more at Ayacucho's altitudes.
FIGURE_TERMS = {"anemia_6_35": "anemia_6_35_endes_rule"}


def _indicator_ids(counts: Tally, profile: Profile | None) -> list[str]:
    """The catalogue's ids, in the profile's order; without the profile, those the counts hold
    (every indicator is counted, its denominator key present even when 0)."""
    if profile is not None and profile.analytics is not None:
        return [indicator.id for indicator in profile.analytics.indicators]
    found = dict.fromkeys(
        key[3:] for part in counts.values() for key in part if key.startswith("d__")
    )
    return list(found)


def _percent(numerator: int, denominator: int) -> float | None:
    return round(100 * numerator / denominator, 2) if denominator else None


def _target(figure: targets.Figure | str) -> dict:
    if isinstance(figure, str):
        return {"target": None, "source": figure, "bound": None}
    return {"target": figure.value, "source": figure.source, "bound": figure.bound}


def _overall_target(by_department: dict[str, dict]) -> dict:
    """The departments' targets weighted by their denominators (one department: its own)."""
    cited = [part for part in by_department.values() if part["target"] is not None]
    if not cited:
        first = next(iter(by_department.values()), {"source": targets.NO_FIGURE})
        return {"target": None, "source": first["source"], "bound": None}
    weight = sum(part["denominator"] for part in cited)
    value = (
        sum(part["target"] * part["denominator"] for part in cited) / weight
        if weight
        else cited[0]["target"]
    )
    sources = sorted({part["source"] for part in cited})
    return {"target": round(value, 2), "source": "; ".join(sources), "bound": cited[0]["bound"]}


def _cited(figure: targets.Figure) -> dict:
    return {"value": figure.value, "source": figure.source}
