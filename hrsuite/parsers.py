"""Reading request bodies: one JSON reader for the API and the webhooks, and the API's parsers.

Whatever a body holds is refused here, before any view sees it, when no field of ours could take
it: JSON nested deeper than any document we accept (Python's reader would run out of stack, and
everything after it walks the same nesting), a body larger than Django's limit (DRF reads JSON
past Django's own check), and text with a NUL character, which PostgreSQL cannot store or even
compare with and which no name, note or id ever holds.
"""

import json
import math

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import QueryDict
from django.utils.translation import gettext
from rest_framework import parsers
from rest_framework.exceptions import ParseError

from hrsuite.errors import ValidationFailed
from hrsuite.models import nul_places

# Our deepest documents (an assessment's dimensions with their evidence quotes) nest five levels.
MAX_DEPTH = 20


def read_json(raw: bytes | str):
    """The document in `raw`; ParseError when it is not JSON, nests deeper than MAX_DEPTH or holds
    a number too large for a float, and ValidationFailed naming each place (`a.b[0]`) whose text
    holds a NUL character."""
    try:
        document = json.loads(raw, parse_constant=_no_constants, parse_float=_finite)
    except RecursionError:
        raise ParseError(_too_deep()) from None
    except ValueError as exc:  # UnicodeDecodeError and json.JSONDecodeError included
        raise ParseError(gettext("The body is not JSON: %(reason)s") % {"reason": exc}) from None
    refuse_nul_characters(document)
    return document


def refuse_nul_characters(document) -> None:
    """ParseError past MAX_DEPTH; ValidationFailed naming each place holding a NUL character."""
    places, depth = nul_places(document)
    if depth > MAX_DEPTH:
        raise ParseError(_too_deep())
    if places:
        errors = {place: [_nul()] for place in places}
        raise ValidationFailed.naming(gettext("Invalid input: %(fields)s."), errors)


def _finite(text: str) -> float:
    """A JSON number as a float; 1e999 would be infinity, which no field and no JSON column takes."""
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(gettext("%(number)s is too large a number.") % {"number": text[:20]})
    return value


def _no_constants(name: str):
    raise ValueError(gettext("%(constant)s is not a JSON number.") % {"constant": name})


def _too_deep() -> str:
    return gettext("The JSON body nests deeper than %(depth)s levels.") % {"depth": MAX_DEPTH}


def _nul() -> str:
    return gettext("Text cannot hold a NUL character.")


def _read_within_limit(stream) -> bytes:
    """The body, refused as Django refuses a form body over DATA_UPLOAD_MAX_MEMORY_SIZE."""
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    raw = stream.read() if limit is None else stream.read(limit + 1)
    if limit is not None and len(raw) > limit:
        raise RequestDataTooBig("Request body exceeded settings.DATA_UPLOAD_MAX_MEMORY_SIZE.")
    return raw


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        encoding = parsers.get_encoding(parser_context or {})
        raw = _read_within_limit(stream)
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError as exc:
            raise ParseError(gettext("The body is not JSON: %(reason)s") % {"reason": exc}) from None
        return read_json(text)


def _refuse_nul_in_form(data) -> None:
    """A form's field names and values as the JSON reader takes a document's (files aside)."""
    refuse_nul_characters({key: data.getlist(key) for key in data})


class FormParser(parsers.FormParser):
    def parse(self, stream, media_type=None, parser_context=None):
        encoding = parsers.get_encoding(parser_context or {})
        data = QueryDict(_read_within_limit(stream), encoding=encoding)
        _refuse_nul_in_form(data)
        return data


class MultiPartParser(parsers.MultiPartParser):
    def parse(self, stream, media_type=None, parser_context=None):
        parsed = super().parse(stream, media_type, parser_context)
        _refuse_nul_in_form(parsed.data)
        refuse_nul_characters({key: [f.name for f in parsed.files.getlist(key)] for key in parsed.files})
        return parsed
