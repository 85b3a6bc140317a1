"""An application's stage as a badge: lists print one on every row."""

import functools

from django.utils import translation
from django.utils.html import format_html

from candidates.models import Stage
from hrsuite.catalogues import forget_with_catalogues

# Open stages keep the badge's default blue; the pending decision is amber, offer and hire green.
_STAGE_TONES = {
    Stage.DECISION: " warn",
    Stage.OFFER: " ok",
    Stage.HIRED: " ok",
    Stage.REJECTED: " bad",
    Stage.WITHDRAWN: " neutral",
}


def stage_badge(application) -> str:
    """The badge of `application`'s stage, in the viewer's language (`stage_badge(application)` in
    a page's template)."""
    return _badge(application.stage, translation.get_language())


@functools.lru_cache(maxsize=64)
def _badge(stage: str, language: str) -> str:
    # The badges of a page's rows are a few stages in the viewer's language, each made once.
    label = Stage(stage).label if stage in Stage.values else stage
    return format_html('<span class="badge{}">{}</span>', _STAGE_TONES.get(stage, ""), label)


# The labels come from the catalogues.
forget_with_catalogues(_badge.cache_clear)
