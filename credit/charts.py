"""Server-rendered SVG charts (no JavaScript, no CDN): grade history as a step line, counts as bars."""

from datetime import date, timedelta
from xml.sax.saxutils import escape

from django.utils.formats import date_format
from django.utils.safestring import mark_safe

from .grading import GRADE_ORDER

GRADE_COLOURS = {"AA": "#1e7b3c", "A": "#3f9b5a", "B": "#0b6fa4", "C": "#a15c00", "D": "#b3261e"}


def grade_history_svg(points: list[tuple[date, str]], *, start: date, end: date, title: str, width: int = 720,
                      height: int = 220) -> str:
    """``points``: (date, grade from that date on), oldest first; the first is the grade at ``start``."""
    left, right, top, bottom = 44, 16, 14, 30
    plot_w, plot_h = width - left - right, height - top - bottom
    span = max((end - start).days, 1)
    rows = len(GRADE_ORDER) - 1

    def x(day: date) -> float:
        return left + plot_w * min(max((day - start).days, 0), span) / span

    def y(grade: str) -> float:
        return top + plot_h * GRADE_ORDER.index(grade) / rows

    parts = [f'<svg class="chart grade-chart" viewBox="0 0 {width} {height}" role="img" '
             f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>']
    for grade in GRADE_ORDER:
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y(grade):.1f}" y2="{y(grade):.1f}" '
                     f'stroke="#d8dee6" stroke-dasharray="3 3"/>'
                     f'<text x="{left - 8}" y="{y(grade) + 4:.1f}" text-anchor="end">{grade}</text>')
    for i in range(5):
        day = start + timedelta(days=span * i // 4)
        anchor = "start" if i == 0 else "end" if i == 4 else "middle"
        parts.append(f'<text x="{x(day):.1f}" y="{height - 8}" text-anchor="{anchor}">'
                     f'{escape(date_format(day, "Y-m"))}</text>')
    if points:
        path, previous = [], None
        for day, grade in points:
            if previous is None:
                path.append(f"M{x(day):.1f},{y(grade):.1f}")
            else:
                path.append(f"H{x(day):.1f}V{y(grade):.1f}")
            previous = grade
        path.append(f"H{x(end):.1f}")
        parts.append(f'<path d="{"".join(path)}" fill="none" stroke="#0b4f8a" stroke-width="2.5"/>')
        for day, grade in points[1:]:
            parts.append(f'<circle cx="{x(day):.1f}" cy="{y(grade):.1f}" r="4" fill="{GRADE_COLOURS[grade]}">'
                         f'<title>{escape(date_format(day, "Y-m-d"))}: {grade}</title></circle>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every interpolated text is escaped above


def bar_chart_svg(bars: list[tuple[str, int, str]], *, title: str, width: int = 520, height: int = 200) -> str:
    """``bars``: (label, value, colour)."""
    left, bottom, top = 10, 28, 18
    plot_h = height - bottom - top
    peak = max([value for _l, value, _c in bars] + [1])
    slot = (width - 2 * left) / max(len(bars), 1)
    parts = [f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}" '
             f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>']
    for i, (label, value, colour) in enumerate(bars):
        bar_h = plot_h * value / peak
        bx = left + i * slot + slot * 0.15
        parts.append(f'<rect x="{bx:.1f}" y="{top + plot_h - bar_h:.1f}" width="{slot * 0.7:.1f}" '
                     f'height="{bar_h:.1f}" fill="{colour}"><title>{escape(label)}: {value}</title></rect>'
                     f'<text x="{bx + slot * 0.35:.1f}" y="{top + plot_h - bar_h - 4:.1f}" '
                     f'text-anchor="middle">{value}</text>'
                     f'<text x="{bx + slot * 0.35:.1f}" y="{height - 10}" text-anchor="middle">{escape(label)}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308
