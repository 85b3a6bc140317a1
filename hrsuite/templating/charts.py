"""The dashboard's bar charts, drawn in CSS: a bar per stage of each open position, per region and
provider, per offer and check state, about a hundred in all. Joined in one pass each, they cost
the dashboard a fraction of the template loop they replace."""

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
