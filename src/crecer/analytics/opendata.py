"""Open data: indicator metadata and suppressed aggregates by territory and month, with no
personal data. The same numbers the State sees, minus the small cells and the cells hidden with
them so that no subtraction gives them back (each refresh's published pattern,
:mod:`crecer.analytics.public`, the same as on the territory pages)."""

from __future__ import annotations

import io

import polars as pl
from django.utils.translation import gettext_lazy as _

from crecer.analytics.models import IndicatorValue, Refresh
from crecer.analytics.public import hidden_cells
from crecer.ingest.safe_cells import safe_frame
from crecer.norms import Profile

# Documented on the open-data page; the order is the files' column order.
VALUE_COLUMNS = {
    "as_of": _("date of the refresh (last day of the month for monthly series)"),
    "indicator": _("indicator id (see indicators.json)"),
    "level": _("country, department, province, district, populated_center or facility"),
    "code": _("INEI ubigeo / populated-center code (PE for the country); facility name"),
    "numerator": _("children in the numerator (empty when suppressed)"),
    "denominator": _("children in the denominator (empty when suppressed)"),
    "percent": _("100 × numerator / denominator, one decimal (empty when suppressed)"),
    "suppressed": _(
        "true when the cell is hidden: it rests on fewer children than the profile's min_cell, "
        "or it is hidden with such a cell so that subtraction cannot give that one back"
    ),
}
PUBLIC_LEVELS = ("country", "department", "province", "district")


def catalogue(profile: Profile) -> list[dict]:
    if profile.analytics is None:
        return []
    return [
        {
            "id": i.id,
            "name_es": i.name.es,
            "name_en": i.name.en,
            "min_age_days": i.min_age_days,
            "max_age_days": i.max_age_days,
            "population": i.population,
            "denominator": i.denominator,
            "numerator": i.numerator,
            "lower_is_better": i.lower_is_better,
            "source": i.source,
            "unconfirmed": i.unconfirmed,
            "note": i.note,
            "targets": [{"year": t.year, "value": t.value} for t in i.targets],
        }
        for i in profile.analytics.indicators
    ]


def values(
    profile: Profile, level: str | None = None, indicator: str | None = None
) -> pl.DataFrame:
    """Every national refresh's values at the public levels, suppressed."""
    refreshes = {r.pk: r for r in Refresh.objects.filter(scope="")}
    rows = IndicatorValue.objects.filter(refresh__in=list(refreshes), level__in=PUBLIC_LEVELS)
    if level:
        rows = rows.filter(level=level)
    if indicator:
        rows = rows.filter(indicator=indicator)
    records = []
    hidden = {pk: hidden_cells(refresh, profile) for pk, refresh in refreshes.items()}
    for pk, ind, lev, code, numerator, denominator in rows.values_list(
        "refresh", "indicator", "level", "code", "numerator", "denominator"
    ).order_by("refresh__as_of", "indicator", "level", "code"):
        as_of = refreshes[pk].as_of
        if (ind, lev, code) in hidden[pk]:
            records.append((as_of, ind, lev, code, None, None, None, True))
        else:
            percent = round(100 * numerator / denominator, 1) if denominator else None
            records.append((as_of, ind, lev, code, numerator, denominator, percent, False))
    schema = {
        "as_of": pl.Date,
        "indicator": pl.String,
        "level": pl.String,
        "code": pl.String,
        "numerator": pl.Int64,
        "denominator": pl.Int64,
        "percent": pl.Float64,
        "suppressed": pl.Boolean,
    }
    return pl.DataFrame(records, schema=schema, orient="row")


def as_bytes(frame: pl.DataFrame, kind: str) -> bytes:
    buffer = io.BytesIO()
    if kind == "csv":
        safe_frame(frame).write_csv(buffer)  # text cells formula-safe, numbers as they are
    elif kind == "parquet":
        frame.write_parquet(buffer)
    else:
        frame.write_json(buffer)
    return buffer.getvalue()
