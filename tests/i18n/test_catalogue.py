"""Simplified Chinese is complete: every string the code and templates mark for translation has a
translation in the committed catalogue.

Strings are read with Babel's extractors (Python's for the code, Jinja2's for the pages'
templates, the way `makemessages` reads Django's templates for the e-mails and the browsable
API's), so the check needs no GNU gettext on the machine.
"""

import io
from pathlib import Path

from babel.messages.extract import extract_python
from babel.messages.pofile import read_po
from django.utils.translation.template import templatize
from jinja2.ext import babel_extract

from tests.packages import OUR_PACKAGES

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
APPS = OUR_PACKAGES
KEYWORDS = {
    "_": None,
    "gettext": None,
    "gettext_lazy": None,
    "gettext_noop": None,
    "ngettext": (1, 2),
    "ngettext_lazy": (1, 2),
    "pgettext": ((1, "c"), 2),
    "pgettext_lazy": ((1, "c"), 2),
    "npgettext": ((1, "c"), 2, 3),
    "npgettext_lazy": ((1, "c"), 2, 3),
}


def _sources():
    """(path, extractor, source) of every file that marks strings."""
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path, extract_python, path.read_bytes()
    for path in sorted((ROOT / "pages").rglob("*.html")):
        yield path, babel_extract, path.read_bytes()
    for folder in [ROOT / "templates", *(ROOT / app / "templates" for app in APPS)]:
        for path in sorted(folder.rglob("*.html")) if folder.exists() else ():
            # templatize writes each string as one Python literal on one line; the rest of the line
            # is filler. Python's tokenizer (under Babel's extractor) would trip on the template's
            # indentation, which means nothing here, so it is dropped.
            code = templatize(path.read_text(), origin=str(path))
            yield path, extract_python, "\n".join(line.lstrip() for line in code.splitlines()).encode()


def _marked() -> dict[tuple[str, str | None], str]:
    """(msgid, context) → where it is used first."""
    found = {}
    for path, extract, source in _sources():
        options = {"encoding": "utf-8"}
        for lineno, funcname, messages, _comments in extract(io.BytesIO(source), KEYWORDS, [], options):
            if messages is None:  # a variable translated, such as `_(label)`: nothing to look up
                continue
            context = None
            if funcname.startswith(("pgettext", "npgettext")):
                context, messages = messages[0], messages[1:]
            msgid = messages if isinstance(messages, str) else messages[0]
            if msgid:
                found.setdefault((msgid, context), f"{path.relative_to(ROOT)}:{lineno}")
    return found


def test_every_marked_string_has_a_chinese_translation():
    with CATALOGUE.open("rb") as handle:
        catalogue = read_po(handle)
    missing = []
    for (msgid, context), where in sorted(_marked().items(), key=lambda item: item[1]):
        message = catalogue.get(msgid, context=context)
        strings = message.string if message is not None else ""
        if message is None or not all(strings if isinstance(strings, tuple) else [strings]) or message.fuzzy:
            missing.append(f"{where}: {msgid!r}")
    assert not missing, "Untranslated (add to the zh_Hans catalogue):\n" + "\n".join(missing)
