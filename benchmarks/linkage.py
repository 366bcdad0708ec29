"""Benchmark: deduplication and linkage quality and speed against the generator's truth.

Run by hand (not a test):

    python benchmarks/linkage.py [--scope 05] [--factor 1.42] [--seed 1]
        [--duplicates 0.03] [--twins 0.005] [--reference-dir ../shared/reference]

Steps, each in its own process so that its peak memory (RSS) is its own:
  setup     a fresh SQLite database with the territory (not timed);
  files     `crecer generate` with registry duplicates, real twins and the four outside lists
            (CNV, SIS, JUNTOS, Cuna Más) and the truth of who is who (linkage_truth.parquet);
  baseline  exact-DNI matching only: registry records, and list records, sharing a DNI/CUI;
  crecer    Crecer's pipeline (identifier rules + Splink), pure, on the same files.
For each, and for each task (registry duplicates, each list), precision / recall / F1 of the
links made without review against the truth, the pairs left for review and what a reviewer
would add; time and peak RSS.

A registry duplicate is a pair of padrón rows of the same person; a list row is linked right
when its registry row is of the same person (any of a duplicated child's rows counts); the list
rows of children left out of the padrón must stay unlinked.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import tempfile
import time
from datetime import date
from pathlib import Path

import steps  # benchmarks/steps.py (scripts run from this folder)

HERE = Path(__file__).resolve().parent
AS_OF = date(2026, 11, 28)
LISTS = ["cnv", "sis", "juntos", "cuna_mas"]


def step(kind: str, args: dict) -> dict:
    os.environ["DJANGO_SETTINGS_MODULE"] = "crecer.settings"
    os.environ["CRECER_DATABASE_URL"] = args["database_url"]
    os.environ["CRECER_DATA_DIR"] = args["data_dir"]
    import django

    django.setup()
    if kind == "setup":
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        with open(os.devnull, "w") as quiet:
            call_command("territory", "load", "--dir", args["reference_dir"], stdout=quiet)
        return {}
    if kind == "files":
        return generate_files(args)
    return measure(kind, Path(args["out"]))


def generate_files(args: dict) -> dict:
    from crecer.demo.run import Options, generate
    from crecer.norms import load_profile

    options = Options(
        scope=args["scope"], seed=args["seed"], factor=args["factor"], as_of=AS_OF,
        out=Path(args["out"]), fault_rate=0.0, into_db=False, csv_events=False,
        duplicate_rate=args["duplicates"], twin_rate=args["twins"], outside_lists=True,
    )  # fmt: skip
    started = time.perf_counter()
    manifest = generate(options, load_profile("peru"), say=lambda line: None)
    return {"seconds": round(time.perf_counter() - started, 1), "counts": manifest["counts"]}


def read_registry(folder: Path):
    import polars as pl

    from crecer.linkage import records
    from crecer.registry.columns import column_for

    rows = pl.read_csv(folder / "padron.csv", separator=";", infer_schema=False)
    rows = rows.rename({c: column_for(c) or c for c in rows.columns})
    rows = rows.with_columns(pl.col(pl.String).replace("", None)).with_columns(
        pl.col("birth_date").str.to_date("%d/%m/%Y", strict=False)
    )
    return records.from_registry(rows)


def read_list(folder: Path, source_id: str):
    import polars as pl

    from crecer.linkage import records
    from crecer.linkage.sources import SOURCES

    rows = pl.read_csv(folder / f"{source_id}.csv", separator=";", infer_schema=False)
    frame = records.from_source(rows, SOURCES[source_id])
    return frame.with_columns(pl.col("key").alias("unique_id"))


def measure(kind: str, folder: Path) -> dict:
    import polars as pl

    from crecer.linkage import pipeline
    from crecer.norms import load_profile

    norms = load_profile("peru").linkage
    registry = read_registry(folder)
    results: dict[str, dict] = {}
    started_all = time.perf_counter()
    for task in ["dedupe", *LISTS]:
        started = time.perf_counter()
        if task == "dedupe":
            pairs = (
                exact_dni(registry, None)
                if kind == "baseline"
                else pipeline.dedupe(registry, norms).pairs
            )
        else:
            outside = read_list(folder, task)
            pairs = (
                exact_dni(registry, outside)
                if kind == "baseline"
                else pipeline.link(registry, outside, norms).pairs
            )
        seconds = time.perf_counter() - started
        results[task] = {
            "seconds": round(seconds, 1),
            "pairs": pairs.select("unique_id_l", "unique_id_r", "decision", "rule").to_dicts(),
        }
    return {
        "records": registry.height,
        "seconds": round(time.perf_counter() - started_all, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "tasks": {task: {**r, "pairs": r["pairs"]} for task, r in results.items()},
        "_": pl.__version__,
    }


def exact_dni(left, right):
    """The baseline: the same DNI or CUI, nothing else."""
    import polars as pl

    def numbers(frame):
        return (
            pl.concat([frame.select("unique_id", pl.col(c).alias("n")) for c in ("dni", "cui")])
            .drop_nulls()
            .unique()
        )

    other = left if right is None else right
    pairs = (
        numbers(left)
        .join(numbers(other), on="n", suffix="_r")
        .select(pl.col("unique_id").alias("unique_id_l"), "unique_id_r")
    )
    if right is None:
        pairs = pairs.filter(pl.col("unique_id_l") < pl.col("unique_id_r"))
    return pairs.unique().with_columns(
        pl.lit("auto").alias("decision"), pl.lit("dni").alias("rule")
    )


def score(result: dict, folder: Path) -> dict:
    """Precision, recall and F1 of each task against the truth."""
    import polars as pl

    truth = pl.read_parquet(folder / "linkage_truth.parquet")
    person = {(row["source"], row["key"]): row["person"] for row in truth.iter_rows(named=True)}
    padron = truth.filter(pl.col("source") == "padron")
    in_padron = set(padron["person"].to_list())
    groups = padron.group_by("person").agg(pl.col("key")).filter(pl.col("key").list.len() > 1)
    true_pairs = {
        tuple(sorted((a, b)))
        for keys in groups["key"].to_list()
        for i, a in enumerate(keys)
        for b in keys[i + 1 :]
    }
    scores = {}
    for task, outcome in result["tasks"].items():
        auto = [p for p in outcome["pairs"] if p["decision"] == "auto"]
        review = [p for p in outcome["pairs"] if p["decision"] == "review"]
        if task == "dedupe":

            def right(p):
                return tuple(sorted((p["unique_id_l"], p["unique_id_r"]))) in true_pairs

            relevant = len(true_pairs)
        else:

            def right(p, task=task):
                return person.get(("padron", p["unique_id_l"])) == person.get(
                    (task, p["unique_id_r"])
                )

            listed = truth.filter(pl.col("source") == task)
            relevant = int(listed["person"].is_in(list(in_padron)).sum())
        tp = sum(map(right, auto))
        # A record counts once, even when both of a duplicated child's rows were candidates.
        found = {(p["unique_id_l"], p["unique_id_r"]) if task == "dedupe" else p["unique_id_r"]
                 for p in auto + review if right(p)}  # fmt: skip
        found_in_review = len(found) - tp
        scores[task] = metrics(tp, len(auto) - tp, relevant - tp) | {
            "review_pairs": len(review),
            "recall_after_review": round((tp + found_in_review) / relevant, 4)
            if relevant
            else None,
            "relevant": relevant,
            "seconds": outcome["seconds"],
        }
    total = [sum(s[k] for s in scores.values()) for k in ("tp", "fp", "fn")]
    scores["all"] = metrics(*total)
    return scores


def metrics(tp: int, fp: int, fn: int) -> dict:
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"tp": tp, "fp": fp, "fn": fn, "precision": round(precision, 4),
            "recall": round(recall, 4), "f1": round(f1, 4)}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scope", default="05")
    parser.add_argument("--factor", type=float, default=1.42)  # Ayacucho x 1.42 ~ 100,000
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--duplicates", type=float, default=0.03)
    parser.add_argument("--twins", type=float, default=0.005)
    parser.add_argument("--reference-dir", default=str(HERE.parent.parent / "shared" / "reference"))
    parser.add_argument("--out", default=None, help="reuse or keep the generated files here")
    parser.add_argument("--step", nargs=2, help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.step:
        print(json.dumps(step(options.step[0], json.loads(options.step[1])), default=str))
        return
    with tempfile.TemporaryDirectory() as temp:
        args = {
            "scope": options.scope, "seed": options.seed, "factor": options.factor,
            "duplicates": options.duplicates, "twins": options.twins,
            "reference_dir": options.reference_dir, "data_dir": temp,
            "database_url": f"sqlite:///{temp}/bench.sqlite3",
            "out": options.out or f"{temp}/out",
        }  # fmt: skip
        folder = Path(args["out"])
        if not (folder / "linkage_truth.parquet").exists():
            steps.run_step(__file__, "setup", args)
            made = steps.run_step(__file__, "files", args)
            print(f"files: {made['seconds']} s, {json.dumps(made['counts'])}")
        for kind in ("baseline", "crecer"):
            result = steps.run_step(__file__, kind, args)
            scores = score(result, folder)
            print(
                f"{kind}: {result['records']:,} registry records, {result['seconds']} s, "
                f"peak RSS {result['peak_rss_mb']:,} MB"
            )
            for task, s in scores.items():
                print(f"  {task}: {json.dumps(s)}")


if __name__ == "__main__":
    main()
