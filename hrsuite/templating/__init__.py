"""The pages' template language: Jinja2, with what the pages use from Django's.

Pages are rendered by Jinja2 (docs/architecture.md, "Pages"): it compiles each template to
Python once, where Django's engine walks a tree of nodes for every variable and tag on every
request, which cost the busiest pages a third and more of their instructions. What the pages
took from Django's language is kept, so a page reads and prints as before:

- every printed value is shown as Django shows one (`shown`): a time in the viewer's zone, a
  number in their locale, escaped unless marked safe;
- `_("text")` and `{% trans %}` translate through Django's catalogues, in the viewer's language;
  a value put into a translated text is shown and escaped as above, the text itself is not
  escaped only where it has values put into it (as `blocktranslate` did);
- `url()`, `static()`, `csrf_input`, the request's `user`, `messages` and `menu`, and the
  filters the pages use (`date`, `time`, `floatformat`, `linebreaks`, `linebreaksbr`,
  `timezone`, the list times of `hrsuite.templating.times`).

A missing variable or attribute prints as nothing, as in Django's language, and so does any
attribute of it (`ChainableUndefined`). The apps add the helpers only they can make (the stage
badge of `candidates`) with `register_helper()` when they start.
"""

from collections.abc import Callable

import jinja2
from django.template.defaultfilters import date, floatformat, linebreaks_filter, linebreaksbr, time
from django.templatetags.static import static
from django.templatetags.tz import do_timezone
from django.urls import reverse
from django.utils import timezone, translation

from hrsuite.templating import charts, times
from hrsuite.templating.printing import percent, shown
from hrsuite.templating.translated import gettext, ngettext, npgettext, pgettext

_helpers: dict[str, Callable] = {}


def register_helper(name: str, helper: Callable) -> None:
    """Make `helper` callable by its name in every page template (from an app's `ready()`)."""
    _helpers[name] = helper


def url(name: str, *args, **kwargs) -> str:
    """`{% url %}`: the path of a named URL."""
    return reverse(name, args=args or None, kwargs=kwargs or None)


def environment(**options) -> jinja2.Environment:
    """The pages' Jinja2 environment (`TEMPLATES`' "environment" option)."""
    # Every page escapes what it prints, and prints nothing for what is missing, in DEBUG too,
    # whatever the settings ask for.
    options.pop("autoescape", None)
    options["undefined"] = jinja2.ChainableUndefined
    env = jinja2.Environment(autoescape=True, extensions=["jinja2.ext.i18n"], finalize=shown, **options)
    # `{% trans %}` calls these with the values as keywords ("new style"); `_` is `gettext` itself
    # rather than the extension's alias of it, one call less for every text.
    env.newstyle_gettext = True
    env.globals.update(
        gettext=gettext,
        _=gettext,
        ngettext=ngettext,
        pgettext=pgettext,
        npgettext=npgettext,
        url=url,
        static=static,
        current_language=translation.get_language,
        current_time_zone=timezone.get_current_timezone_name,
        time_element=times.time_element,
        bar_items=charts.bar_items,
        linked_bar_items=charts.linked_bar_items,
        **_helpers,
    )
    env.filters.update(
        date=times.local(date),
        time=times.local(time),
        timezone=do_timezone,
        floatformat=floatformat,
        linebreaks=linebreaks_filter,
        linebreaksbr=linebreaksbr,
        percent=percent,
        minute=times.minute,
        day=times.day,
        hour_minute=times.hour_minute,
        time_of_day=times.time_of_day,
        day_and_time=times.day_and_time,
        formatted=times.formatted,
    )
    return env
