"""Charts drawn by the app itself, no script or outside file: the dashboard's bar charts, drawn in
CSS (a bar per stage of each open position, per region and provider, per offer and check state,
about a hundred in all; joined in one pass each, they cost the dashboard a fraction of the
template loop they replace), and interval charts in SVG (validity with its intervals)."""

from django.utils.html import escape
from django.utils.safestring import SafeString

from hrsuite.markup import joined

_BAR = (
    '<li><span class="label">{}</span><div class="bar{}" aria-hidden="true">'
    '<span style="width:{}%"></span></div><span class="value">{}</span></li>'
)

# The same, its label a link to `href` at the bar's own place (`#stage-<key>`).
_LINKED_BAR = (
    '<li><span class="label"><a href="{}#stage-{}">{}</a></span><div class="bar{}" aria-hidden="true">'
    '<span style="width:{}%"></span></div><span class="value">{}</span></li>'
)


def bar_items(bars) -> SafeString:
    """The <li>s of a `<ul class="bars">`: each bar's `label`, width (`percent`), `tone` (a class
    name, or none) and `value`."""
    rows = ((bar.label, f" {bar.tone}" if bar.tone else "", bar.percent, bar.value) for bar in bars)
    return joined(_BAR, rows)


def linked_bar_items(bars, href: str) -> SafeString:
    """`bar_items`, each label a link to `href` at the bar's key: a dashboard count leading to the
    board column it counts."""
    rows = (
        (href, bar.key, bar.label, f" {bar.tone}" if bar.tone else "", bar.percent, bar.value) for bar in bars
    )
    return joined(_LINKED_BAR, rows)


# --- Intervals ------------------------------------------------------------------------------------

# The interval chart's geometry (SVG user units): a label column, then the plot of values from
# -1 to 1.
_LABEL_WIDTH, _PLOT_LEFT, _PLOT_RIGHT, _ROW, _TOP = 200, 215, 560, 30, 50
_MARKERS = ("dot", "square")


def _x(value: float, scale: tuple[float, float] = (-1.0, 1.0)) -> float:
    """Where a value on `scale` (from -1 to 1 unless said) stands on the plot."""
    low, high = scale
    value = min(high, max(low, value))
    return round(_PLOT_LEFT + (value - low) / (high - low) * (_PLOT_RIGHT - _PLOT_LEFT), 1)


def interval_chart(
    rows, *, title: str, series: list[str], ticks=(-1, -0.5, 0, 0.5, 1), scale=(-1.0, 1.0)
) -> SafeString:
    """An SVG chart drawn here, in the page (no script, no outside file): one line per row, each
    of its `series` a marker at its value with a line across its interval, on a scale from -1 to
    1 with a line at 0 (or on `scale`, a line at each of its `ticks`: a survey's means from 1 to
    5). A row is `(label, points, note)`: `points` one `(value, low, high)` or None per series;
    where all are None the row shows `note` instead ("not enough hires yet"). Labels and notes
    are escaped; the chart has its title for screen readers, and the table beside it says the
    same in words."""

    def _at(value: float) -> float:
        return _x(value, scale)

    height = _TOP + len(rows) * _ROW + 10
    box = f"0 0 {_PLOT_RIGHT + 20} {height}"
    parts = [
        f'<svg class="interval-chart" role="img" aria-label="{escape(title)}" viewBox="{box}" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>'
    ]
    for tick in ticks:
        x, line = _at(tick), "zero" if tick == 0 else "grid"
        parts.append(
            f'<line class="{line}" x1="{x}" y1="{_TOP - 8}" x2="{x}" y2="{height - 6}"/>'
            f'<text class="tick" x="{x}" y="{_TOP - 14}" text-anchor="middle">{tick:g}</text>'
        )
    for name, marker in zip(series, _MARKERS, strict=False):
        index = _MARKERS.index(marker)
        x = 8 + index * 150
        parts.append(
            _marker(marker, x + 6, 12) + f'<text class="legend" x="{x + 16}" y="16">{escape(name)}</text>'
        )
    for i, (label, points, note) in enumerate(rows):
        y = _TOP + i * _ROW + _ROW / 2
        parts.append(
            f'<text class="label" x="{_LABEL_WIDTH}" y="{y + 4}" text-anchor="end">{escape(label)}</text>'
        )
        if not any(points):
            parts.append(f'<text class="note" x="{_PLOT_LEFT + 6}" y="{y + 4}">{escape(note)}</text>')
            continue
        for j, (point, marker) in enumerate(zip(points, _MARKERS, strict=False)):
            if point is None:
                continue
            value, low, high = point
            at = y + (j - (len(points) - 1) / 2) * 8
            if low is not None and high is not None:
                parts.append(f'<line class="interval" x1="{_at(low)}" y1="{at}" x2="{_at(high)}" y2="{at}"/>')
            parts.append(_marker(marker, _at(value), at))
    parts.append("</svg>")
    return SafeString("".join(parts))


def _marker(kind: str, x: float, y: float) -> str:
    if kind == "dot":
        return f'<circle class="marker" cx="{x}" cy="{y}" r="4"/>'
    return f'<rect class="marker open" x="{x - 3.5}" y="{y - 3.5}" width="7" height="7"/>'


# --- Ratios ---------------------------------------------------------------------------------------

_RATIO_MAX = 1.2


def _ratio_x(value: float) -> float:
    value = min(_RATIO_MAX, max(0.0, value))
    return round(_PLOT_LEFT + value / _RATIO_MAX * (_PLOT_RIGHT - _PLOT_LEFT), 1)


def ratio_chart(rows, *, title: str, threshold: float, threshold_label: str) -> SafeString:
    """An SVG bar chart drawn here (no script, no outside file): one bar per row on a scale from 0
    to 1.2, a line at `threshold` (0.8: the four-fifths rule), bars under it marked `low`. A row is
    `(label, value, note)`; a row with no value shows `note` instead ("too few to show"). The
    table beside it says the same in words."""
    height = _TOP + len(rows) * _ROW + 10
    box = f"0 0 {_PLOT_RIGHT + 20} {height}"
    parts = [
        f'<svg class="ratio-chart interval-chart" role="img" aria-label="{escape(title)}" viewBox="{box}" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>'
    ]
    for tick in (0, 0.2, 0.4, 0.6, 1.0, 1.2):
        x = _ratio_x(tick)
        parts.append(
            f'<line class="grid" x1="{x}" y1="{_TOP - 8}" x2="{x}" y2="{height - 6}"/>'
            f'<text class="tick" x="{x}" y="{_TOP - 14}" text-anchor="middle">{tick:g}</text>'
        )
    x = _ratio_x(threshold)
    parts.append(
        f'<line class="threshold zero" x1="{x}" y1="{_TOP - 8}" x2="{x}" y2="{height - 6}"/>'
        f'<text class="tick" x="{x}" y="{_TOP - 26}" text-anchor="middle">{escape(threshold_label)}</text>'
    )
    for i, (label, value, note) in enumerate(rows):
        y = _TOP + i * _ROW + _ROW / 2
        parts.append(
            f'<text class="label" x="{_LABEL_WIDTH}" y="{y + 4}" text-anchor="end">{escape(label)}</text>'
        )
        if value is None:
            parts.append(f'<text class="note" x="{_PLOT_LEFT + 6}" y="{y + 4}">{escape(note)}</text>')
            continue
        tone = " low" if value < threshold else ""
        width = round(_ratio_x(value) - _PLOT_LEFT, 1)
        parts.append(
            f'<rect class="bar{tone}" x="{_PLOT_LEFT}" y="{y - 7}" width="{width}" height="14"/>'
            f'<text class="value" x="{_PLOT_LEFT + width + 4}" y="{y + 4}">{value:.2f}</text>'
        )
    parts.append("</svg>")
    return SafeString("".join(parts))
