"""What a dimension of assessment is called (docs/architecture.md, "Positions").

A position rates candidates on dimensions named by keys (`problem_solving`), with HR's label for
each in each language (`Position.dimension_labels`). Wherever a dimension is shown, pages and API
alike, it is shown by `dimension_label`: the position's label in the reader's language, else the
suite's own translated name of a dimension positions commonly rate, else the position's label in
the other language, else the key made readable."""

from django.utils import translation
from django.utils.translation import gettext_lazy as _

from candidates.languages import LANGUAGES, language_of

# The dimensions positions commonly rate, named in the suite's catalogue.
COMMON_LABELS = {
    "communication": _("Communication"),
    "problem_solving": _("Problem solving"),
    "technical_depth": _("Technical depth"),
    "analytical_thinking": _("Analytical thinking"),
    "stakeholder_management": _("Stakeholder management"),
    "customer_focus": _("Customer focus"),
    "leadership": _("Leadership"),
    "teamwork": _("Teamwork"),
}


def humanised(key: str) -> str:
    """`problem_solving` as "Problem solving"."""
    return key.replace("_", " ").strip().capitalize() or key


def dimension_label(key: str, labels: dict | None = None, language: str | None = None) -> str:
    """The label of dimension `key` in `language` (the active one when None). `labels`: the
    position's labels, {key: {language: label}}."""
    wanted = language_of(language)
    own = (labels or {}).get(key) or {}
    if not isinstance(own, dict):
        own = {}
    if own.get(wanted):
        return own[wanted]
    if key in COMMON_LABELS:
        if language is None:
            return str(COMMON_LABELS[key])
        with translation.override(wanted):
            return str(COMMON_LABELS[key])
    other = next((own[code] for code in LANGUAGES if code != wanted and own.get(code)), "")
    return other or humanised(key)
