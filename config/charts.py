"""Small charts drawn on the server as inline SVG: nothing is loaded from other sites.

A weekly trend is a line over the weeks with a dot per week, the target as a dashed line,
and the first and last week written under it, so it reads without any script.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

WIDTH, HEIGHT, PAD_X, PAD_TOP, PAD_BOTTOM = 240, 56, 4, 6, 14
LINE, TARGET, GRID, TEXT = "#1565c0", "#2e7d32", "#ccc", "#666"


def trend_svg(
    weeks: Sequence[date],
    values: Sequence[float | None],
    *,
    target: float | None = None,
    title: str = "",
    value_format: str = "{:g}",
) -> SafeString:
    """A line chart of one value per week; gaps (None) break the line."""
    known = [v for v in values if v is not None]
    if not weeks or not known:
        return format_html(
            '<svg viewBox="0 0 {} {}" role="img" aria-label="{}"><text x="4" y="30" '
            'fill="{}" font-size="11">—</text></svg>',
            WIDTH, HEIGHT, title, TEXT,
        )  # fmt: skip
    low = min([*known, target] if target is not None else known)
    high = max([*known, target] if target is not None else known)
    low, high = (low - 1, high + 1) if low == high else (low, high)
    x = _scale(len(weeks))

    def y(value: float) -> float:
        span = HEIGHT - PAD_TOP - PAD_BOTTOM
        return round(PAD_TOP + span * (1 - (value - low) / (high - low)), 1)

    parts = [
        f'<line x1="{PAD_X}" y1="{HEIGHT - PAD_BOTTOM}" x2="{WIDTH - PAD_X}" '
        f'y2="{HEIGHT - PAD_BOTTOM}" stroke="{GRID}" stroke-width="1"/>'
    ]
    if target is not None:
        parts.append(
            f'<line x1="{PAD_X}" y1="{y(target)}" x2="{WIDTH - PAD_X}" y2="{y(target)}" '
            f'stroke="{TARGET}" stroke-width="1" stroke-dasharray="4 3"/>'
        )
    parts += _line(x, y, values)
    parts += _dots(x, y, weeks, values, value_format)
    parts += _axis(weeks)
    body = "".join(parts)
    return mark_safe(
        f'<svg viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{escape(title)}" '
        f'class="sg-trend">{body}</svg>'
    )


def _scale(count: int) -> list[float]:
    if count == 1:
        return [WIDTH / 2]
    step = (WIDTH - 2 * PAD_X - 8) / (count - 1)
    return [round(PAD_X + 4 + i * step, 1) for i in range(count)]


def _line(x: list[float], y: object, values: Sequence[float | None]) -> list[str]:
    segments: list[list[str]] = [[]]
    for position, value in zip(x, values, strict=True):
        if value is None:
            segments.append([])
        else:
            segments[-1].append(f"{position},{y(value)}")  # type: ignore[operator]
    return [
        f'<polyline points="{" ".join(points)}" fill="none" stroke="{LINE}" stroke-width="2"/>'
        for points in segments
        if len(points) > 1
    ]


def _dots(
    x: list[float], y: object, weeks: Sequence[date], values: Sequence[float | None], fmt: str
) -> list[str]:
    return [
        f'<circle cx="{position}" cy="{y(value)}" r="2.5" fill="{LINE}">'  # type: ignore[operator]
        f"<title>{week:%m-%d}: {escape(fmt.format(value))}</title></circle>"
        for position, week, value in zip(x, weeks, values, strict=True)
        if value is not None
    ]


def _axis(weeks: Sequence[date]) -> list[str]:
    baseline = HEIGHT - 2
    first = f'<text x="{PAD_X}" y="{baseline}" font-size="10" fill="{TEXT}">{weeks[0]:%m-%d}</text>'
    if len(weeks) == 1:
        return [first]
    last = (
        f'<text x="{WIDTH - PAD_X}" y="{baseline}" font-size="10" fill="{TEXT}" '
        f'text-anchor="end">{weeks[-1]:%m-%d}</text>'
    )
    return [first, last]
