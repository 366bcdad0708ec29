from django import template
from django.utils import formats, translation
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

register = template.Library()


@register.filter
def get_item(mapping: dict, key: str):
    """``{{ mapping|get_item:key }}``: a dictionary value by a variable key."""
    return mapping.get(key, "")


@register.filter
def localized(text) -> str:
    """``{{ indicator.name|localized }}``: a profile's LocalizedText in the page's language."""
    return text.get(translation.get_language() or "es")


@register.filter
def sparkline(points, size: str = "80x20") -> str:
    """A tiny SVG line of ``(date, percent)`` points (hidden values leave a gap), drawn on the
    server: no script, no CDN."""
    width, height = (int(n) for n in size.split("x"))
    values = [value for _day, value in points]
    known = [v for v in values if v is not None]
    if len(values) < 2 or not known:
        return ""
    low, high = min(known), max(known)
    span = (high - low) or 1.0
    step = width / (len(values) - 1)
    segments, current = [], []
    for index, value in enumerate(values):
        if value is None:  # a hidden or missing month breaks the line
            if current:
                segments.append(current)
            current = []
            continue
        y = height - 2 - (value - low) / span * (height - 4)
        current.append(f"{index * step:.1f},{y:.1f}")
    if current:
        segments.append(current)
    lines = "".join(
        f'<polyline points="{" ".join(s)}" fill="none" stroke="currentColor" stroke-width="1.5"/>'
        for s in segments
    )
    label = " → ".join("–" if v is None else f"{v:g}" for v in values)
    return mark_safe(  # built from numbers only
        f'<svg class="sparkline" width="{width}" height="{height}" role="img" '
        f'aria-label="{label}"><title>{label}</title>{lines}</svg>'
    )


@register.filter
def grouped(value) -> str:
    """``{{ count|grouped }}``: a whole number with the language's thousands separator
    ("10.851" in Spanish, "10,851" in English), the one way every count on a page is written
    (as ``floatformat:"0g"`` writes the territory pages' populations)."""
    if value is None or value == "":
        return ""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return str(value)
    return formats.number_format(number, force_grouping=True)


@register.simple_tag
def hidden_cell(minimum: int) -> str:
    """What a suppressed cell shows: plainly hidden, with why. A bare "<5" in a % column read
    as "less than 5 %"; the threshold is a number of children, not a percentage."""
    return format_html(
        '<span class="hidden-cell">{}</span>',
        gettext("hidden (<%(n)s cases)") % {"n": minimum},
    )
