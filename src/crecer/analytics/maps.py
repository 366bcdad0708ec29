"""The pure part of the choropleth maps: GeoJSON polygons (WGS84) projected to pixels, simplified
to the map's resolution, written as compact SVG path strings, and values put in a few classes
with a colour-blind-safe sequential palette. No Django, no database: geometries and numbers in,
strings and numbers out.

Peru spans about 18° of latitude near the equator, so an equirectangular projection scaled by
the cosine of the middle latitude distorts areas by a few percent at most — plenty for a map
whose job is to show which territory is worse, and cheap enough to run on every page view.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

Point = tuple[float, float]
Ring = list[Point]
Polygon = list[Ring]  # the exterior ring, then its holes

# ColorBrewer "OrRd" (Cynthia Brewer, colorbrewer2.org: marked colour-blind safe and print
# friendly), light to dark, for 3 to 5 classes; 1 and 2 classes take colours from the 3-class one.
PALETTES: dict[int, tuple[str, ...]] = {
    1: ("#fdbb84",),
    2: ("#fdbb84", "#e34a33"),
    3: ("#fee8c8", "#fdbb84", "#e34a33"),
    4: ("#fef0d9", "#fdcc8a", "#fc8d59", "#d7301f"),
    5: ("#fef0d9", "#fdcc8a", "#fc8d59", "#e34a33", "#b30000"),
}
MAX_CLASSES = max(PALETTES)
NICE_STEPS = (1.0, 2.0, 2.5, 5.0, 10.0)


# --- geometry -----------------------------------------------------------------------------------


def polygons(geometry: dict[str, Any]) -> list[Polygon]:
    """The polygons of a GeoJSON Polygon or MultiPolygon as lists of rings of (lon, lat)."""
    kind, coordinates = geometry.get("type"), geometry.get("coordinates") or []
    parts = [coordinates] if kind == "Polygon" else coordinates if kind == "MultiPolygon" else []
    return [[[(float(p[0]), float(p[1])) for p in ring] for ring in part] for part in parts]


def bounds(geometries: Iterable[dict[str, Any]]) -> tuple[float, float, float, float] | None:
    """(west, south, east, north) of all the geometries, or None when they have no point."""
    lons: list[float] = []
    lats: list[float] = []
    for geometry in geometries:
        for polygon in polygons(geometry):
            for ring in polygon:
                lons.extend(p[0] for p in ring)
                lats.extend(p[1] for p in ring)
    if not lons:
        return None
    return min(lons), min(lats), max(lons), max(lats)


@dataclass(frozen=True)
class Frame:
    """Equirectangular projection onto a ``width`` × ``height`` pixel box, north up.

    ``scale`` is pixels per degree of latitude; a degree of longitude is ``scale * shrink``
    pixels, ``shrink`` being the cosine of the middle latitude (meridians converge)."""

    west: float
    north: float
    scale: float
    shrink: float
    width: int
    height: int
    margin: float = 0.0

    def project(self, point: Point) -> Point:
        lon, lat = point
        return (
            self.margin + (lon - self.west) * self.scale * self.shrink,
            self.margin + (self.north - lat) * self.scale,
        )


def fit(box: tuple[float, float, float, float], width: int, height: int, margin: int = 2) -> Frame:
    """The frame that fits ``box`` (west, south, east, north) inside ``width`` × ``height``
    pixels (``margin`` kept free on every side so outlines are not clipped); the returned frame
    is shrunk to the box's own aspect ratio, so the map has no empty band."""
    west, south, east, north = box
    shrink = math.cos(math.radians((south + north) / 2))
    span_x = max((east - west) * shrink, 1e-9)
    span_y = max(north - south, 1e-9)
    scale = min((width - 2 * margin) / span_x, (height - 2 * margin) / span_y)
    return Frame(
        west=west,
        north=north,
        scale=scale,
        shrink=shrink,
        # rounded first: cos 60° is 0.5000000000000001, which must not cost a pixel
        width=math.ceil(round(span_x * scale + 2 * margin, 6)),
        height=math.ceil(round(span_y * scale + 2 * margin, 6)),
        margin=margin,
    )


def _distance_to_segment(point: Point, start: Point, end: Point) -> float:
    (px, py), (ax, ay), (bx, by) = point, start, end
    dx, dy = bx - ax, by - ay
    length2 = dx * dx + dy * dy
    if length2 == 0:  # a closed ring's first and last points coincide
        return math.hypot(px - ax, py - ay)
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / length2))
    return math.hypot(px - ax - t * dx, py - ay - t * dy)


def thin(points: Sequence[Point], tolerance: float) -> list[Point]:
    """The points farther than ``tolerance`` from the previous kept one, and the last point.
    A cheap linear pass before Douglas–Peucker: on a national map a few hundred metres are
    less than a pixel, so most of a boundary's points fall on top of each other."""
    if len(points) < 3:
        return list(points)
    kept = [points[0]]
    for x, y in points[1:-1]:
        last_x, last_y = kept[-1]
        if (x - last_x) ** 2 + (y - last_y) ** 2 > tolerance * tolerance:
            kept.append((x, y))
    kept.append(points[-1])
    return kept


def simplify(points: Sequence[Point], tolerance: float) -> list[Point]:
    """Douglas–Peucker after :func:`thin`: the points that keep the line within ``tolerance``
    of the original, always keeping the first and the last. Iterative (a stack), so long
    rings cannot overflow Python's recursion limit. shapely would do the same, but would be a
    compiled dependency for a few thousand points per map."""
    if len(points) < 3 or tolerance <= 0:
        return list(points)
    points = thin(points, tolerance)
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        farthest, distance = first, -1.0
        for index in range(first + 1, last):
            d = _distance_to_segment(points[index], points[first], points[last])
            if d > distance:
                farthest, distance = index, d
        if distance > tolerance:
            keep[farthest] = True
            stack.extend([(first, farthest), (farthest, last)])
    return [p for p, kept in zip(points, keep, strict=True) if kept]


def _number(value: float) -> str:
    """Integers without a decimal point; otherwise one decimal ("-0" written "0")."""
    text = f"{value:.0f}" if value == round(value) else f"{value:.1f}"
    return "0" if text in {"-0", "-0.0"} else text


def _rounded(points: Iterable[Point], decimals: int) -> list[Point]:
    """Points rounded to ``decimals``, without consecutive repeats or the closing repeat."""
    result: list[Point] = []
    for x, y in points:
        point = (round(x, decimals), round(y, decimals))
        if not result or point != result[-1]:
            result.append(point)
    if len(result) > 1 and result[0] == result[-1]:
        result.pop()
    return result


def ring_path(ring: Sequence[Point], tolerance: float, decimals: int = 0) -> str:
    """One projected ring as an SVG subpath: an absolute move, then relative lines (shorter
    digits), closed. Empty when the ring shrinks to fewer than 3 points at this resolution."""
    points = _rounded(simplify(ring, tolerance), decimals)
    if len(points) < 3:
        return ""
    (x0, y0), steps = points[0], []
    for (ax, ay), (bx, by) in pairwise(points):
        steps.append(f"{_number(round(bx - ax, decimals))},{_number(round(by - ay, decimals))}")
    return f"M{_number(x0)},{_number(y0)}l{' '.join(steps)}z"


def svg_path(geometry: dict[str, Any], frame: Frame, tolerance: float = 0.5) -> str:
    """The ``d`` attribute of a GeoJSON (Multi)Polygon in ``frame``, simplified to ``tolerance``
    pixels and rounded to whole pixels. Holes are plain subpaths: draw with
    ``fill-rule="evenodd"``, which does not depend on ring orientation (older files do not follow
    RFC 7946's). A territory too small for whole pixels is drawn unsimplified at 0.1 pixel
    rather than vanishing: every territory must stay clickable."""
    projected = [[[frame.project(p) for p in ring] for ring in poly] for poly in polygons(geometry)]
    for tol, decimals in ((tolerance, 0), (0.0, 1)):
        parts = [ring_path(ring, tol, decimals) for polygon in projected for ring in polygon]
        if any(parts):
            return "".join(parts)
    return ""


# --- classes ------------------------------------------------------------------------------------


def class_breaks(values: Sequence[float], classes: int = MAX_CLASSES) -> list[float]:
    """Boundaries ``b0 < b1 < … < bk`` (k ≤ ``classes``) of equal classes with a round step
    (1, 2, 2.5 or 5 times a power of ten) covering ``values``: class i is ``[b_i, b_i+1)``,
    the last one closed. Round steps make a legend people can read ("20–40 %"). One value, or
    equal values, give a single class ``[v, v]``; no values give ``[]``."""
    if not values:
        return []
    low, high = min(values), max(values)
    if high == low:
        return [low, high]
    magnitude = 10 ** math.floor(math.log10((high - low) / classes))
    for factor in NICE_STEPS + tuple(10 * s for s in NICE_STEPS):
        step = factor * magnitude
        start = math.floor(round(low / step, 9)) * step  # 0.3 / 0.1 is 2.9999…
        count = max(1, math.ceil(round((high - start) / step, 9)))
        if count <= classes:
            return [round(start + i * step, 9) for i in range(count + 1)]
    raise AssertionError("unreachable: a step of 100 × the raw step always fits")


def class_of(value: float, breaks: Sequence[float]) -> int:
    """The index of the class of ``value`` among ``breaks`` (values outside go to the ends)."""
    return max(0, min(bisect_right(breaks, value) - 1, len(breaks) - 2))


def colours(classes: int, lower_is_better: bool) -> tuple[str, ...]:
    """The fill of each class in ascending order of value, darkest for the worst: high values
    when lower is better (stunting, anemia), low values otherwise (coverage)."""
    palette = PALETTES[max(1, min(classes, MAX_CLASSES))]
    return palette if lower_is_better else palette[::-1]
