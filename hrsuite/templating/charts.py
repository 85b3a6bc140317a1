"""The dashboard's bar charts, drawn in CSS: a bar per stage of each open position, per region and
provider, per offer and check state, about a hundred in all. Joined in one pass each, they cost
the dashboard a fraction of the template loop they replace."""

from django.utils.safestring import SafeString

from hrsuite.markup import joined

_BAR = (
    '<li><span class="label">{}</span><div class="bar{}" aria-hidden="true">'
    '<span style="width:{}%"></span></div><span class="value">{}</span></li>'
)


def bar_items(bars) -> SafeString:
    """The <li>s of a `<ul class="bars">`: each bar's `label`, width (`percent`), `tone` (a class
    name, or none) and `value`."""
    rows = ((bar.label, f" {bar.tone}" if bar.tone else "", bar.percent, bar.value) for bar in bars)
    return joined(_BAR, rows)
