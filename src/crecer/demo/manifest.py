"""What was generated: counts, the targets with their sources, and the rates achieved, computed
by the project's own libraries (``crecer.growth`` for z-scores and WHO flags,
``crecer.anemia`` for the altitude-adjusted Hb). Pure: frames in, plain dicts out (the command
writes them as JSON).

Rates are kept as numerator/denominator pairs per department so that chunks generated one at a
time add up (:func:`add`) before the percentages are taken (:func:`rates`).
"""

from __future__ import annotations

from collections import Counter
from datetime import date

import numpy as np
import polars as pl

from crecer import anemia, growth
from crecer.demo import targets
from crecer.demo.generator import Population, department_targets
from crecer.demo.measurements import latest_rows
from crecer.norms.model import Profile

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
    for department, counts in _growth_counts(population).items():
        out[department].update(counts)
    for department, counts in _anemia_counts(population, profile).items():
        out[department].update(counts)
    for department, part in _service_counts(population).items():
        out[department].update(part)
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


def _growth_counts(population: Population) -> dict[str, Counter]:
    """Stunting among each child's latest measurement under 5 years that WHO does not flag."""
    rows = population.growth.join(
        population.children.select("child", "birth_date", "sex", "department", "rural"),
        on="child",
    ).with_columns((pl.col("date") - pl.col("birth_date")).dt.total_days().alias("age_days"))
    rows = rows.sort("child", "date")
    latest = rows[latest_rows(rows["child"].to_numpy(), (rows["age_days"] < 1826).to_numpy())]
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


def _anemia_counts(population: Population, profile: Profile) -> dict[str, Counter]:
    """Anemia among each child's latest Hb test at 6-35 months, by the ENDES rule (the target's
    terms) and by the rule in force on the test date."""
    assert profile.anemia is not None
    rows = population.hemoglobin.join(
        population.children.select("child", "birth_date", "department"), on="child"
    ).sort("child", "date")
    months = anemia.completed_months(
        rows["birth_date"].to_numpy().astype("datetime64[D]"),
        rows["date"].to_numpy().astype("datetime64[D]"),
    )
    latest = rows[latest_rows(rows["child"].to_numpy(), (months >= 6) & (months < 36))]
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
        "target_by_department": {
            d: {"stunting_under_5": stunting[d], "anemia_6_35_endes_rule": anemia_targets[d]}
            for d in departments
        },
        "counts": dict(sorted(total.items())),
        "faults": faults,
        "linkage": linkage,
    }


def _cited(figure: targets.Figure) -> dict:
    return {"value": figure.value, "source": figure.source}
