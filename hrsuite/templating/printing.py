"""How a page prints a value it is given."""

from uuid import UUID

import jinja2
from django.conf import settings
from django.utils import timezone
from django.utils.formats import localize


def shown(value):
    """A value printed into a page, as Django's template language prints one: a time in the
    viewer's zone and a number or a day in their locale (text passes through as it is)."""
    if isinstance(value, str | UUID | jinja2.Undefined):
        return value
    return localize(timezone.template_localtime(value, settings.USE_TZ))


def percent(value) -> str:
    """A share (0.83) as a whole percentage (83), as `{% widthratio value 1 100 %}` printed it."""
    if value is None or value == "":
        return ""
    return str(round(float(value) * 100))
