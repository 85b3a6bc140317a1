"""Texts HR writes in each language the suite speaks (a position's title, its dimensions' labels),
and the one a reader gets: theirs, else the other (docs/architecture.md, "Positions")."""

from django.utils import translation

ENGLISH, CHINESE = "en", "zh-hans"
# In the order a text in no language of the reader's is looked for.
LANGUAGES = (ENGLISH, CHINESE)


def language_of(language: str | None = None) -> str:
    """The suite's language for a language code (the active one when None): any Chinese is
    Simplified Chinese, anything else English."""
    code = (language or translation.get_language() or ENGLISH).lower()
    return CHINESE if code.startswith("zh") else ENGLISH


def in_language(texts: dict, language: str | None = None) -> str:
    """The text of `texts` ({language: text}) in `language` (the active one when None), else the
    first text given in another; "" when there is none."""
    wanted = language_of(language)
    for code in (wanted, *(other for other in LANGUAGES if other != wanted)):
        text = texts.get(code) if isinstance(texts, dict) else None
        if text:
            return text
    return ""
