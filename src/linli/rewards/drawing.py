"""Hand-built SVG: a member's tree by stage, and the forest's CO₂ avoided month by month.
No script, readable on a phone, escaped text only."""

from html import escape

from .rules import STAGES


def tree_svg(stage: int, *, label: str = "") -> str:
    """A tree at ``stage`` (0: a seed … STAGES - 1: grown), 160 × 160."""
    stage = max(0, min(STAGES - 1, stage))
    parts = [
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 160 160" width="160" '
        f'height="160" role="img" aria-label="{escape(label)}">',
        '<rect x="0" y="140" width="160" height="20" fill="#c8a97e"/>',
    ]
    if stage == 0:
        parts.append('<ellipse cx="80" cy="136" rx="8" ry="5" fill="#7a5230"/>')
    else:
        trunk = 20 + stage * 18
        width = 4 + stage * 2
        parts.append(
            f'<rect x="{80 - width / 2:g}" y="{140 - trunk}" width="{width}" height="{trunk}" '
            'fill="#7a5230"/>'
        )
        crown = 10 + stage * 11
        top = 140 - trunk
        parts.append(f'<circle cx="80" cy="{top}" r="{crown}" fill="#2e7d32"/>')
        if stage >= 2:
            parts.append(
                f'<circle cx="{80 - crown * 0.7:g}" cy="{top + crown * 0.4:g}" '
                f'r="{crown * 0.6:g}" fill="#388e3c"/>'
                f'<circle cx="{80 + crown * 0.7:g}" cy="{top + crown * 0.4:g}" '
                f'r="{crown * 0.6:g}" fill="#43a047"/>'
            )
        if stage == STAGES - 1:
            parts.append('<circle cx="70" cy="40" r="4" fill="#fdd835"/>')
    parts.append("</svg>")
    return "".join(parts)


def bars_svg(series: list[tuple[str, int]], *, unit: str = "kg", title: str = "") -> str:
    """Bars per month (label, grams), 320 wide; values shown in kilograms."""
    width, height, left, bottom = 320, 160, 36, 24
    most = max((value for _, value in series), default=0) or 1
    step = (width - left - 4) / max(1, len(series))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" aria-label="{escape(title)}">',
        f'<line x1="{left}" y1="{height - bottom}" x2="{width}" y2="{height - bottom}" '
        'stroke="#999"/>',
        f'<text x="2" y="12" font-size="10">{most / 1000:,.0f} {escape(unit)}</text>',
    ]
    for index, (label, value) in enumerate(series):
        bar = (height - bottom - 16) * value / most
        x = left + index * step
        parts.append(
            f'<rect x="{x + 1:.1f}" y="{height - bottom - bar:.1f}" width="{max(1, step - 2):.1f}" '
            f'height="{bar:.1f}" fill="#43a047"><title>{escape(label)}: '
            f"{value / 1000:,.1f} {escape(unit)}</title></rect>"
        )
        if index % max(1, len(series) // 6) == 0:
            parts.append(f'<text x="{x:.1f}" y="{height - 8}" font-size="9">{escape(label)}</text>')
    parts.append("</svg>")
    return "".join(parts)
