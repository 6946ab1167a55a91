"""Server-rendered SVG charts (no JavaScript, no CDN): horizontal bars, one or two series, optional targets.

Every label is escaped; the chart carries a <title> and an aria-label, and the page shows the same figures in a
table under it.
"""

from django.utils.html import escape
from django.utils.safestring import mark_safe

COLOURS = ("#0b4f8a", "#e08a00", "#1e7b3c", "#b3261e")
ROW = 30
LABEL_WIDTH = 190
LABEL_CHARS = 26
BAR_WIDTH = 420
VALUE_WIDTH = 110


def _text_width(text: str) -> int:
    """Rough width in pixels at 13 px: CJK characters are about twice as wide as Latin ones."""
    return int(sum(13 if ord(char) >= 0x2E80 else 7.2 for char in text))


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[:LABEL_CHARS - 1] + "…"


def _fmt(value, fmt):
    if value is None:
        return "—"
    return fmt.format(value)


def bar_chart(rows, *, series, title, fmt="{:,}", targets=None, target_label=""):
    """``rows``: [(label, [value per series])]; ``series``: names of the series; ``targets``: a value per row
    drawn as a marker (e.g. the policy's inspection ratio)."""
    values = [v for _label, vals in rows for v in vals if v is not None] + [t for t in (targets or []) if t]
    top = max(values) if values else 0
    top = top or 1
    per_row = ROW * max(1, len(series)) + 10
    legend = 24
    height = legend + per_row * len(rows) + 10
    width = LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" '
             f'role="img" aria-label="{escape(title)}" preserveAspectRatio="xMinYMin meet">',
             f"<title>{escape(title)}</title>"]
    x = LABEL_WIDTH
    for i, name in enumerate(series):
        parts.append(f'<rect x="{x}" y="6" width="12" height="12" fill="{COLOURS[i % len(COLOURS)]}"/>'
                     f'<text x="{x + 16}" y="16" class="legend">{escape(name)}</text>')
        x += 34 + _text_width(str(name))
    if targets:
        parts.append(f'<line x1="{x}" y1="6" x2="{x}" y2="18" class="target"/>'
                     f'<text x="{x + 6}" y="16" class="legend">{escape(target_label)}</text>')
    y = legend
    for index, (label, vals) in enumerate(rows):
        parts.append(f'<text x="{LABEL_WIDTH - 8}" y="{y + per_row / 2 + 2}" text-anchor="end" '
                     f'class="label">{escape(_short(str(label)))}<title>{escape(label)}</title></text>')
        for i, value in enumerate(vals):
            bar_y = y + 4 + i * ROW
            length = 0 if value is None else max(0.0, BAR_WIDTH * value / top)
            parts.append(f'<rect x="{LABEL_WIDTH}" y="{bar_y}" width="{length:.1f}" height="{ROW - 8}" '
                         f'fill="{COLOURS[i % len(COLOURS)]}" rx="2"/>'
                         f'<text x="{LABEL_WIDTH + length + 6:.1f}" y="{bar_y + ROW / 2}" class="value">'
                         f"{escape(_fmt(value, fmt))}</text>")
        if targets and targets[index] is not None:
            tx = LABEL_WIDTH + BAR_WIDTH * targets[index] / top
            parts.append(f'<line x1="{tx:.1f}" y1="{y + 1}" x2="{tx:.1f}" y2="{y + per_row - 5}" class="target">'
                         f"<title>{escape(target_label)}: {escape(_fmt(targets[index], fmt))}</title></line>")
        y += per_row
    parts.append("</svg>")
    return mark_safe("".join(parts))
