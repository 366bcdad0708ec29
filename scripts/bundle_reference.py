"""Remake the territory reference data shipped in ``src/crecer/territory/data/``.

    python3 scripts/bundle_reference.py [SOURCE_DIR]   # default ../shared/reference

Each file is gzip-compressed byte for byte (no column, row or coordinate is changed), so the
bundled copy loads through the same loaders with the same rejections as the official file, and
``gunzip`` gives back the source file exactly. The gzip header carries no name and no time, so
the same source gives the same bytes on every run (a reproducible bundle, a quiet git diff).
Update ``data/ATTRIBUTION.md`` when a source changes.
"""

from __future__ import annotations

import gzip
import hashlib
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "src" / "crecer" / "territory" / "data"
DEFAULT_SOURCE = REPO.parent / "shared" / "reference"

# What the demo and the pages need, named as in the reference folder (its README.md). ubigeo.csv
# is already bundled uncompressed (the migration reads it) and ubigeo_code_differences.csv is a
# note on the sources, not data a page reads.
FILES = [
    "district_attributes.csv",
    "district_population_2019_2023.csv",
    "centros_poblados.csv",
    "health_facilities_hospitals.csv",
    "peru_departments.geojson",
    "peru_provinces.geojson",
    "peru_districts.geojson",
]


def bundle(source: Path, target: Path = DATA) -> list[tuple[str, int, int, str]]:
    """Compress every file of :data:`FILES` from ``source`` into ``target``; returns (name,
    source bytes, bundled bytes, SHA-256 of the source) per file."""
    written = []
    for name in FILES:
        raw = (source / name).read_bytes()
        packed = gzip.compress(raw, compresslevel=9, mtime=0)
        (target / f"{name}.gz").write_bytes(packed)
        written.append((name, len(raw), len(packed), hashlib.sha256(raw).hexdigest()))
    return written


def main(argv: list[str]) -> int:
    source = Path(argv[1]) if len(argv) > 1 else DEFAULT_SOURCE
    missing = [name for name in FILES if not (source / name).is_file()]
    if missing:
        print(f"{source}: missing {', '.join(missing)}", file=sys.stderr)
        return 1
    total = 0
    for name, size, packed, digest in bundle(source):
        total += packed
        print(f"{name}.gz  {size:>9,} → {packed:>9,} bytes  sha256 {digest}")
    print(f"total {total:,} bytes in {DATA}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
