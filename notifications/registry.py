"""What each domain app tells the outbox about the messages it sends.

An app registers, in its AppConfig.ready(), one `MessageTemplate` per message it queues: its name
(the `emails/<name>.<language>.txt` files), its label, how to build the e-mail's context at send
time, and how to tell that what the message announces no longer holds. The outbox reads only this
registry, so it names no app.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise

# A message's place in the queue (copied to its row when it is queued): among the rows due, the
# dispatcher sends every urgent one before any normal one, so a burst of invitations never holds
# up a reminder due meanwhile.
URGENT = 0
NORMAL = 1


@dataclass(frozen=True)
class MessageTemplate:
    name: str
    label: str | Promise
    # (notification, *, zone, language) -> the template context beyond name, payload, to_candidate.
    context: Callable[..., dict]
    # (notification) -> why the message no longer holds, read fresh; '' when it does.
    stale_reason: Callable[..., str] | None = None
    # The same check for many messages at once, in a fixed number of queries however many there
    # are: (notifications) -> {pk: reason} for those that no longer hold. The dispatcher checks a
    # batch with it when set, else each message with `stale_reason`.
    stale_reasons: Callable[..., dict] | None = None
    # (notification) -> the zone a candidate recipient reads the message in, when not their own.
    candidate_zone: Callable[..., str] | None = None
    # (notification, *, language, context) -> "subject, blank line, body" set by HR; '' for none.
    wording: Callable[..., str] | None = None
    # (notification, *, email, name) -> (METHOD, RFC 5545 bytes), or None for no calendar file.
    calendar: Callable[..., tuple[str, bytes] | None] | None = None
    # URGENT for a message that is late if it waits behind a backlog (a reminder minutes before an
    # interview); NORMAL otherwise.
    priority: int = NORMAL


_templates: dict[str, MessageTemplate] = {}
_related: list[str] = []


def register(*templates: MessageTemplate) -> None:
    for template in templates:
        if template.name in _templates and _templates[template.name] != template:
            raise ValueError(f"The message template {template.name!r} is registered twice.")
        _templates[template.name] = template


def template_for(name: str) -> MessageTemplate:
    """The registered template called `name`; LookupError when no app registered it."""
    try:
        return _templates[name]
    except KeyError:
        raise LookupError(f"No app registered the message template {name!r}.") from None


def template_choices() -> list[tuple[str, str | Promise]]:
    """The `template` field's choices, in the order the apps registered them."""
    return [(template.name, template.label) for template in _templates.values()]


def select_related(*paths: str) -> None:
    """Relations (through the notification's own foreign keys) that the registered context
    builders read for every message: fetched with the claimed batch, not one query per message."""
    _related.extend(path for path in paths if path not in _related)


def related_paths() -> list[str]:
    return list(_related)
