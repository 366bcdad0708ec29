"""Benchmark: importing a month of the home-visit application's export (issue 24: "about 1 M
rows within 3x of a raw load of the same rows").

Run by hand (not a test), on the database of ``benchmarks/community_pack.py`` (a district's
generated children):

    python benchmarks/community_visits_import.py --data-dir DIR [--rows 1000000]

Writes ``--rows`` visit rows with the export's headers for the district's children (DNI, or
CNV when the child has no DNI; distinct days per child; durations as h:m:s; a few rows bad on
purpose), then times, each in its own transaction, rolled back: (a) the raw load: the CSV read
by Polars, each document mapped to its child by a plain dict, the rows inserted into the visits
table with ``crecer.ingest.bulk.insert`` (no validation, no checks, no quarantine); (b)
``crecer.community.imports.import_visits`` (reading, validation, matching by document,
duplicates, quarantine, insert).

Measured (SQLite, district 050101 of the generator, 10,831 children with a document; 2-core
machine shared with other jobs): 1,000,000 rows (59 MB): raw load 14.3 s, import 22.7 s
(904,935 created, 95,065 quarantined: visits dated after the as-of day or before the birth,
one bad duration in a thousand) = 1.59x; 100,000 rows: 1.2 s and 2.3 s = 1.84x.
"""

from __future__ import annotations

import argparse
import os
import random
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

HEADER = [
    "Número de Documento", "Actor Social", "Fecha de Intervención", "Duración",
    "Tipo de Registro", "Estado de Visita", "Etapa VD", "Es no encontrado",
]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--rows", type=int, default=1_000_000)
    options = parser.parse_args()
    os.environ.update(
        {"CRECER_DATA_DIR": str(options.data_dir), "DJANGO_SETTINGS_MODULE": "crecer.settings"}
    )
    os.environ.pop("CRECER_DATABASE_URL", None)
    import django

    django.setup()
    import polars as pl
    from django.db import transaction

    from crecer.community.imports import import_visits
    from crecer.community.models import HomeVisit
    from crecer.ingest import bulk
    from crecer.registry.models import Child

    documents = [dni or cnv for dni, cnv in Child.objects.values_list("dni", "cnv") if dni or cnv]
    random.seed(1)
    path = Path(tempfile.mkdtemp()) / "visitas.csv"
    start = date(2026, 1, 1)
    per_child = options.rows // len(documents) + 1
    written = 0
    with path.open("w", encoding="utf-8") as out:
        out.write(";".join(HEADER) + "\n")
        for document in documents:
            for day in sorted(random.sample(range(365), min(per_child, 365))):
                if written == options.rows:
                    break
                bad = written % 1000 == 999  # one row in a thousand: a bad duration
                minutes = "quince" if bad else f"00:{random.randint(5, 59):02d}:00"
                when = (start + timedelta(days=day)).strftime("%d/%m/%Y")
                out.write(
                    f"{document};ACS {written % 50};{when};{minutes};Visita;Registrado;1;No\n"
                )
                written += 1
    print(f"{written:,} rows for {len(documents):,} children, {path.stat().st_size / 1e6:.0f} MB")

    columns = ["document", "agent", "day", "duration", "kind", "status", "stage", "not_found"]
    ids = {}
    for pk, dni, cnv in Child.objects.values_list("pk", "dni", "cnv"):
        ids[dni or cnv] = pk
    with transaction.atomic():
        started = time.perf_counter()
        raw = pl.read_csv(path, separator=";", infer_schema=False, new_columns=columns)
        table = raw.select(
            pl.col("document")
            .replace_strict(ids, default=None, return_dtype=pl.Int64)
            .alias("child_id"),
            pl.col("agent").alias("agent_name"),
            pl.col("day").str.to_date("%d/%m/%Y").alias("date"),
            pl.lit("pim").alias("visit_type"),
            pl.lit("home").alias("channel"),
            pl.col("stage"),
            pl.lit("found").alias("result"),
            *(
                pl.lit("").alias(name)
                for name in ("external_id", "app_status", "limit_reason", "device", "device_id")
            ),
            pl.lit(False).alias("referred"),
            pl.lit(datetime.now(UTC)).alias("created_at"),
        ).drop_nulls("child_id")
        bulk.insert(HomeVisit._meta.db_table, table)
        raw_seconds = time.perf_counter() - started
        transaction.set_rollback(True)
    print(
        "raw load (read, documents mapped by a dict, inserted into the visits table): "
        f"{raw_seconds:.1f} s"
    )
    with transaction.atomic():
        started = time.perf_counter()
        run = import_visits(path)
        import_seconds = time.perf_counter() - started
        transaction.set_rollback(True)
    print(
        f"import: {import_seconds:.1f} s ({run.created:,} created, {run.quarantined:,} "
        f"quarantined, adds up: {run.adds_up}) = {import_seconds / raw_seconds:.2f}x the raw load"
    )


if __name__ == "__main__":
    main()
