"""Server-side SVG growth charts: WHO −3…+3 SD curves with one child's measurements.

No JavaScript, no fonts or files to fetch. Curves are told apart by line style, not colour, so a
black-and-white print stays readable: median solid and thick, ±2 SD dashed, ±3 SD thick dotted,
±1 SD thin dotted; each curve is labelled at its right end.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape

import numpy as np

from crecer.growth import _tables
from crecer.growth._inputs import DAYS_PER_MONTH
from crecer.growth.lms import lms_value

INDICATORS = {
    # indicator: (title, x label, y label)
    "lhfa": ("Longitud/talla para la edad", "Edad (meses)", "Longitud/talla (cm)"),
    "wfa": ("Peso para la edad", "Edad (meses)", "Peso (kg)"),
    "wfl": ("Peso para la longitud", "Longitud (cm)", "Peso (kg)"),
    "wfh": ("Peso para la talla", "Talla (cm)", "Peso (kg)"),
}
_STYLE = {  # z: (stroke width, dash pattern)
    0: (2.2, ""),
    1: (0.8, "1 3"),
    2: (1.4, "7 4"),
    3: (2.0, "2 3"),
}
_W, _H = 720, 480
_LEFT, _RIGHT, _TOP, _BOTTOM = 64, 44, 46, 52


def growth_chart_svg(
    indicator: str,
    sex: int | str,
    x: Sequence[float] | np.ndarray = (),
    y: Sequence[float] | np.ndarray = (),
    *,
    x_range: tuple[float, float] | None = None,
    title: str | None = None,
    x_label: str | None = None,
    y_label: str | None = None,
) -> str:
    """An SVG chart (as a string) of WHO curves and a child's points.

    ``indicator``: "lhfa", "wfa" (x = age in days, drawn in months), "wfl" or "wfh" (x = length
    or height in cm). ``sex``: 1/"m" or 2/"f". ``x``/``y``: the child's measurements (NaN points
    are skipped). ``x_range`` (days or cm) defaults to 0–24 months or 0–60 months for age charts
    (whichever holds the points) and to the table's range for wfl (45–110) / wfh (65–120).
    ``title``, ``x_label`` and ``y_label`` replace the Spanish defaults (e.g. translated text).
    """
    if indicator not in INDICATORS:
        raise ValueError(f"indicator must be one of {sorted(INDICATORS)}")
    sex_code = 1 if str(sex).strip().lower() in ("1", "m") else 2
    xs = np.asarray(x, dtype=float).reshape(-1)
    ys = np.asarray(y, dtype=float).reshape(-1)
    keep = np.isfinite(xs) & np.isfinite(ys)
    xs, ys = xs[keep], ys[keep]

    if indicator in ("lhfa", "wfa"):
        grid, lam, m, s = _tables.age_rows(indicator, sex_code)
        if x_range is None:
            top = 730 if xs.size == 0 or xs.max() <= 730 else 1856
            x_range = (0.0, float(top))
        to_axis = 1.0 / DAYS_PER_MONTH  # draw ages in months
    else:
        grid, lam, m, s = _tables.length_rows(indicator, sex_code)
        if x_range is None:
            x_range = (float(grid[0]), float(grid[-1]))
        to_axis = 1.0
    sel = (grid >= x_range[0]) & (grid <= x_range[1])
    step = max(1, int(sel.sum() // 240))  # ~240 vertices per curve is smooth enough
    grid, lam, m, s = (a[sel][::step] for a in (grid, lam, m, s))
    curves = {k: lms_value(float(k), lam, m, s) for k in range(-3, 4)}

    x0, x1 = x_range[0] * to_axis, x_range[1] * to_axis
    inside = (xs >= x_range[0]) & (xs <= x_range[1])
    y_lo = min(curves[-3].min(), ys[inside].min() if inside.any() else np.inf)
    y_hi = max(curves[3].max(), ys[inside].max() if inside.any() else -np.inf)
    y0, y1 = _nice_range(y_lo, y_hi)
    plot = _Plot(x0, x1, y0, y1)

    sex_label = "niños" if sex_code == 1 else "niñas"
    heading = title or f"{INDICATORS[indicator][0]} — {sex_label} (OMS 2006)"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_W} {_H}" '
        f'width="{_W}" height="{_H}" font-family="sans-serif" font-size="12" role="img" '
        f'aria-label="{escape(heading)}">',
        f"<title>{escape(heading)}</title>",
        f'<rect width="{_W}" height="{_H}" fill="white"/>',
        f'<text x="{_W / 2}" y="24" text-anchor="middle" font-size="16" '
        f'font-weight="bold">{escape(heading)}</text>',
        *plot.grid_and_axes(
            x_label or INDICATORS[indicator][1], y_label or INDICATORS[indicator][2]
        ),
    ]
    gx = grid * to_axis
    for k in range(-3, 4):
        width, dash = _STYLE[abs(k)]
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(
            f'<polyline fill="none" stroke="black" stroke-width="{width}"{dash_attr} '
            f'points="{plot.points(gx, curves[k])}"/>'
        )
        label = "0" if k == 0 else f"{k:+d}"
        px, py = plot.xy(gx[-1], curves[k][-1])
        parts.append(f'<text x="{px + 4:.1f}" y="{py + 4:.1f}">{label}</text>')
    if inside.any():
        cx, cy = xs[inside] * to_axis, ys[inside]
        order = np.argsort(cx)
        cx, cy = cx[order], cy[order]
        if cx.size > 1:
            parts.append(
                f'<polyline fill="none" stroke="black" stroke-width="1.2" '
                f'points="{plot.points(cx, cy)}"/>'
            )
        for px, py in zip(cx.tolist(), cy.tolist(), strict=True):
            sx, sy = plot.xy(px, py)
            parts.append(
                f'<circle cx="{sx:.1f}" cy="{sy:.1f}" r="4.5" fill="white" stroke="black" '
                f'stroke-width="2"><title>{px:.1f}: {py:.2f}</title></circle>'
            )
    parts.append("</svg>")
    return "\n".join(parts)


def _nice_range(lo: float, hi: float) -> tuple[float, float]:
    step = _nice_step(hi - lo)
    return math.floor(lo / step) * step, math.ceil(hi / step) * step


def _nice_step(span: float, ticks: int = 8) -> float:
    raw = max(span, 1e-9) / ticks
    power = 10 ** math.floor(math.log10(raw))
    for f in (1, 2, 5, 10):
        if raw <= f * power:
            return f * power
    return 10 * power


class _Plot:
    def __init__(self, x0: float, x1: float, y0: float, y1: float) -> None:
        self.x0, self.x1, self.y0, self.y1 = x0, x1, y0, y1
        self.w = _W - _LEFT - _RIGHT
        self.h = _H - _TOP - _BOTTOM

    def xy(self, x: float, y: float) -> tuple[float, float]:
        return (
            _LEFT + (x - self.x0) / (self.x1 - self.x0) * self.w,
            _TOP + (self.y1 - y) / (self.y1 - self.y0) * self.h,
        )

    def points(self, x: np.ndarray, y: np.ndarray) -> str:
        px = _LEFT + (x - self.x0) / (self.x1 - self.x0) * self.w
        py = _TOP + (self.y1 - y) / (self.y1 - self.y0) * self.h
        return " ".join(f"{a:.1f},{b:.1f}" for a, b in zip(px.tolist(), py.tolist(), strict=True))

    def grid_and_axes(self, x_label: str, y_label: str) -> list[str]:
        parts = []
        xstep = _nice_step(self.x1 - self.x0, 12)
        ystep = _nice_step(self.y1 - self.y0, 10)
        for v in np.arange(math.ceil(self.x0 / xstep) * xstep, self.x1 + 1e-9, xstep):
            px, _ = self.xy(v, self.y0)
            parts.append(
                f'<line x1="{px:.1f}" y1="{_TOP}" x2="{px:.1f}" y2="{_TOP + self.h}" '
                f'stroke="#bbb" stroke-width="0.5"/>'
                f'<text x="{px:.1f}" y="{_TOP + self.h + 16}" text-anchor="middle">{v:g}</text>'
            )
        for v in np.arange(math.ceil(self.y0 / ystep) * ystep, self.y1 + 1e-9, ystep):
            _, py = self.xy(self.x0, v)
            parts.append(
                f'<line x1="{_LEFT}" y1="{py:.1f}" x2="{_LEFT + self.w}" y2="{py:.1f}" '
                f'stroke="#bbb" stroke-width="0.5"/>'
                f'<text x="{_LEFT - 6}" y="{py + 4:.1f}" text-anchor="end">{v:g}</text>'
            )
        parts.append(
            f'<rect x="{_LEFT}" y="{_TOP}" width="{self.w}" height="{self.h}" fill="none" '
            f'stroke="black" stroke-width="1"/>'
        )
        parts.append(
            f'<text x="{_LEFT + self.w / 2}" y="{_H - 12}" text-anchor="middle">'
            f"{escape(x_label)}</text>"
        )
        parts.append(
            f'<text transform="translate(16 {_TOP + self.h / 2}) rotate(-90)" '
            f'text-anchor="middle">{escape(y_label)}</text>'
        )
        return parts
