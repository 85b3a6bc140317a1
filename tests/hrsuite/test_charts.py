"""The dashboard's bar charts print what the template loop they replace would print."""

import pytest
from django.template import engines
from django.utils import translation

from backoffice.selectors.dashboard import Bar, CompletionRate
from candidates.models import Stage

# The markup of each chart as a loop in the pages' templates would print it.
BARS_LOOP = (
    '{% for bar in bars %}<li><span class="label">{{ bar.label }}</span><div class="bar{% if bar.tone %} '
    '{{ bar.tone }}{% endif %}" aria-hidden="true"><span style="width:{{ bar.percent }}%"></span></div>'
    '<span class="value">{{ bar.count }}</span></li>{% endfor %}'
)
COMPLETION_LOOP = (
    '{% for row in bars %}<li><span class="label">{{ row.region }} · {{ row.provider }}</span><div class="bar'
    '{% if row.tone %} {{ row.tone }}{% endif %}" aria-hidden="true"><span style="width:{{ row.percent }}%">'
    '</span></div><span class="value">{% if row.rate is none %}—{% else %}{{ row.percent }}%{% endif %}'
    "</span></li>{% endfor %}"
)


def render(source: str, bars, language: str) -> str:
    with translation.override(language):
        return engines["pages"].from_string(source).render({"bars": bars})


def unescaped_quotes(html: str) -> str:
    # The loop's escaping writes a quote as &#34;, bar_items (the standard library's) as &quot;.
    return html.replace("&#34;", "&quot;").replace("&#39;", "&#x27;")


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_bars_are_what_the_template_loop_printed(language):
    bars = [
        Bar(key="applied", label=Stage.APPLIED.label, count=12345, percent=100),
        Bar(key="hired", label=Stage.HIRED.label, count=0, percent=0, tone="ok"),
        Bar(key="x", label='<b>"R&D"</b>', count=7, percent=1, tone="bad"),
    ]
    ours = render("{{ bar_items(bars) }}", bars, language)
    assert ours == unescaped_quotes(render(BARS_LOOP, bars, language))
    assert "<b>" not in ours and "&lt;b&gt;&quot;R&amp;D&quot;" in ours
    assert ("已录用" if language == "zh-hans" else "Hired") in ours


def test_completion_rates_are_what_the_template_loop_printed():
    rows = [
        CompletionRate("APAC", "simulated", 9, 1, 0, rate=0.9, percent=90, tone="ok"),
        CompletionRate("EMEA <x>", "other", 0, 0, 0, rate=None, percent=0, tone=""),
    ]
    ours = render("{{ bar_items(bars) }}", rows, "en")
    assert ours == unescaped_quotes(render(COMPLETION_LOOP, rows, "en"))
    assert '<span class="value">—</span>' in ours and '<span class="value">90%</span>' in ours
