"""Which categories a candidate is asked to self-identify in, by the position's region
(docs/architecture.md, "Fairness").

- US positions: the EEO-1 categories (sex; race or ethnicity in its seven categories).
- Everywhere else: sex only. Race and ethnic origin are a special category of data under the
  GDPR (art. 9) and the UK GDPR, and "specific identity" data is sensitive under China's PIPL
  (art. 28), while China's Employment Promotion Law (art. 3) forbids weighing ethnicity in
  hiring: asking for them has no lawful purpose here that outweighs the risk, so it is not asked.
  Sex is asked, voluntarily, as equal-treatment monitoring of the AI tool.

Every question has "prefer not to say"; it is counted with the unanswered as "unknown".
"""

from django.utils.translation import gettext_lazy as _

US_EEO1 = "us_eeo1"
SEX_ONLY = "sex_only"
SCHEMES = (US_EEO1, SEX_ONLY)

DECLINED = "declined"
UNKNOWN = "unknown"

SEX = {
    "male": _("Male"),
    "female": _("Female"),
    # EEO-1 counts male and female; a non-binary answer is kept and shown as its own category.
    "non_binary": _("Non-binary"),
    DECLINED: _("Prefer not to say"),
}

# EEO-1's seven race and ethnicity categories.
RACE_ETHNICITY = {
    "hispanic_latino": _("Hispanic or Latino"),
    "white": _("White"),
    "black": _("Black or African American"),
    "pacific_islander": _("Native Hawaiian or Other Pacific Islander"),
    "asian": _("Asian"),
    "american_indian": _("American Indian or Alaska Native"),
    "two_or_more": _("Two or more races"),
    DECLINED: _("Prefer not to say"),
}

QUESTIONS = {US_EEO1: ("sex", "race_ethnicity"), SEX_ONLY: ("sex",)}
CHOICES = {"sex": SEX, "race_ethnicity": RACE_ETHNICITY}


def scheme_for(region: str) -> str:
    """The scheme asked for a position of `region` ("US", "US-NY", "CN", "DE-BE", ...)."""
    return US_EEO1 if (region or "").upper().split("-")[0] == "US" else SEX_ONLY


def questions(region: str) -> list[tuple[str, dict]]:
    """[(field, {value: label})] asked for a position of `region`."""
    return [(name, CHOICES[name]) for name in QUESTIONS[scheme_for(region)]]


def label(field: str, value: str) -> str:
    if value == UNKNOWN:
        return str(_("Unknown"))
    return str(CHOICES[field].get(value, value))
