"""The exceptions services raise; `hrsuite.rest.exception_handler` maps each to one HTTP answer.

Every error carries a stable `code`: the API's JSON error shape answers it as `error.code`, and
the pages choose their translated message by it (never by the English text, which is for logs
and API readers and may be reworded). A class names its general code; a service raises a more
specific one where a reader must tell errors apart (`upload_too_large`, `offer_expired`,
`slot_taken`, ...).

Messages are translated with `gettext` when raised, so they are plain text in the language of
the request (the middleware activates the signed-in user's): the page next to a field and the API's
`error.message` read alike.
"""

from django.utils.text import capfirst
from django.utils.translation import gettext


class ApplicationError(Exception):
    status_code = 400
    code = "invalid"

    def __init__(self, message: str, *, fields: dict[str, list[str]] | None = None, code: str | None = None):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}
        if code is not None:
            self.code = code


class ValidationFailed(ApplicationError):
    """Bad input; `fields` names each field with its messages."""

    @classmethod
    def naming(cls, message: str, fields: dict[str, list[str]]) -> "ValidationFailed":
        """The refusal whose `message` (translated, with `%(fields)s`) names the fields in error."""
        return cls(message % {"fields": ", ".join(sorted(fields))}, fields=fields)


class Conflict(ValidationFailed):
    """The request is well formed, but what it asks for clashes with what is there now (a time
    an interviewer is booked for meanwhile): 409. It still names the field the request sent, and
    is a ValidationFailed so that a form shows it next to that field as it shows bad input."""

    status_code = 409
    code = "conflict"

    def on(self, field: str) -> "Conflict":
        """The same refusal named after `field`: a service that books through another one names
        its own argument, which is what its caller sent."""
        messages = [message for named in self.fields.values() for message in named]
        return type(self)(self.message, fields={field: messages}, code=self.code)


class NotFound(ApplicationError):
    """Missing, or not visible to the actor: the two are answered alike so ids cannot be probed."""

    status_code = 404
    code = "not_found"


class Forbidden(ApplicationError):
    """The actor can see the object but may not do this to it."""

    status_code = 403
    code = "permission_denied"


class InvalidTransition(ApplicationError):
    """`entity` names what refused, as its model's verbose name (`Offer._meta.verbose_name`), which
    the message shows in the request's language; `state` and `event` stay the codes of the
    transition table."""

    status_code = 409
    code = "invalid_transition"

    def __init__(self, *, entity: str, state: str, event: str, code: str | None = None):
        message = gettext("%(entity)s in state '%(state)s' does not accept '%(event)s'.") % {
            "entity": capfirst(entity),
            "state": state,
            "event": event,
        }
        super().__init__(message, code=code)
        self.entity = entity
        self.state = state
        self.event = event
