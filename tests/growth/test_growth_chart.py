"""The SVG growth chart: well-formed, all seven curves, the child's points, no scripts."""

import xml.etree.ElementTree as ET

import pytest

from crecer.growth import growth_chart_svg

NS = "{http://www.w3.org/2000/svg}"


@pytest.mark.parametrize(
    ("indicator", "x", "y"),
    [
        ("lhfa", [30, 200, 400], [53.0, 64.0, 72.0]),
        ("wfa", [30, 900, 1500], [4.0, 12.0, 16.0]),
        ("wfl", [60.0, 70.0], [5.5, 7.9]),
        ("wfh", [90.0, 100.0], [12.5, 15.0]),
    ],
)
def test_chart_is_valid_svg_with_curves_and_points(indicator: str, x: list, y: list) -> None:
    svg = growth_chart_svg(indicator, "f", x, y)
    root = ET.fromstring(svg)
    assert root.tag == f"{NS}svg"
    lines = root.findall(f"{NS}polyline")
    assert len(lines) == 7 + 1  # −3…+3 SD curves and the child's line
    assert len(root.findall(f"{NS}circle")) == len(x)
    assert "<script" not in svg
    assert "http://www.w3.org/2000/svg" in svg
    texts = [t.text for t in root.iter(f"{NS}text")]
    for label in ("+3", "+2", "0", "-2", "-3"):
        assert label in texts


def test_age_chart_range_follows_the_points() -> None:
    young = ET.fromstring(growth_chart_svg("wfa", 1, [100], [6.0]))
    old = ET.fromstring(growth_chart_svg("wfa", 1, [1500], [16.0]))
    young_ticks = {t.text for t in young.iter(f"{NS}text")}
    old_ticks = {t.text for t in old.iter(f"{NS}text")}
    assert "60" not in young_ticks
    assert "60" in old_ticks


def test_chart_without_points_and_bad_indicator() -> None:
    assert growth_chart_svg("lhfa", 2).startswith("<svg")
    with pytest.raises(ValueError, match="indicator"):
        growth_chart_svg("nope", 1)


def test_chart_takes_translated_title_and_axis_labels() -> None:
    svg = growth_chart_svg(
        "wfa", 1, [100], [6.0], title="Weight-for-age <boys>", x_label="Age", y_label="Weight"
    )
    root = ET.fromstring(svg)  # the title is escaped, so the SVG still parses
    texts = {t.text for t in root.iter(f"{NS}text")}
    assert {"Weight-for-age <boys>", "Age", "Weight"} <= texts
    assert "Edad (meses)" not in texts
    assert root.find(f"{NS}title").text == "Weight-for-age <boys>"
