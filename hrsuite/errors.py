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

from django.utils.functional import Promise
from django.utils.translation import gettext, pgettext_lazy

# The models' names as messages use them, by their English verbose names. The models declare no
# translated names (Django derives them from the class), so this is where error messages find
# theirs. A name not listed here is shown as it is.
_MODEL_NAMES: dict[str, Promise] = {
    "application": pgettext_lazy("model name", "application"),
    "applications": pgettext_lazy("model name", "applications"),
    "candidate": pgettext_lazy("model name", "candidate"),
    "candidates": pgettext_lazy("model name", "candidates"),
    "position": pgettext_lazy("model name", "position"),
    "positions": pgettext_lazy("model name", "positions"),
    "prior record": pgettext_lazy("model name", "prior record"),
    "prior records": pgettext_lazy("model name", "prior records"),
    "stage change": pgettext_lazy("model name", "stage change"),
    "stage changes": pgettext_lazy("model name", "stage changes"),
    "interview": pgettext_lazy("model name", "interview"),
    "interviews": pgettext_lazy("model name", "interviews"),
    "interview assignment": pgettext_lazy("model name", "interview assignment"),
    "interview assignments": pgettext_lazy("model name", "interview assignments"),
    "ai assessment": pgettext_lazy("model name", "ai assessment"),
    "ai assessments": pgettext_lazy("model name", "ai assessments"),
    "ai dimension score": pgettext_lazy("model name", "ai dimension score"),
    "ai dimension scores": pgettext_lazy("model name", "ai dimension scores"),
    "human review": pgettext_lazy("model name", "human review"),
    "human reviews": pgettext_lazy("model name", "human reviews"),
    "scorecard": pgettext_lazy("model name", "scorecard"),
    "scorecards": pgettext_lazy("model name", "scorecards"),
    "notification": pgettext_lazy("model name", "notification"),
    "notifications": pgettext_lazy("model name", "notifications"),
    "webhook event": pgettext_lazy("model name", "webhook event"),
    "webhook events": pgettext_lazy("model name", "webhook events"),
    "consent": pgettext_lazy("model name", "consent"),
    "consents": pgettext_lazy("model name", "consents"),
    "consent notice": pgettext_lazy("model name", "consent notice"),
    "consent notices": pgettext_lazy("model name", "consent notices"),
    "incident": pgettext_lazy("model name", "incident"),
    "incidents": pgettext_lazy("model name", "incidents"),
    "reschedule offer": pgettext_lazy("model name", "reschedule offer"),
    "reschedule offers": pgettext_lazy("model name", "reschedule offers"),
    "decision": pgettext_lazy("model name", "decision"),
    "decisions": pgettext_lazy("model name", "decisions"),
    "offer": pgettext_lazy("model name", "offer"),
    "offers": pgettext_lazy("model name", "offers"),
    "offer approval": pgettext_lazy("model name", "offer approval"),
    "offer approvals": pgettext_lazy("model name", "offer approvals"),
    "background check": pgettext_lazy("model name", "background check"),
    "background checks": pgettext_lazy("model name", "background checks"),
    "background check event": pgettext_lazy("model name", "background check event"),
    "background check events": pgettext_lazy("model name", "background check events"),
    "hr task": pgettext_lazy("model name", "hr task"),
    "hr tasks": pgettext_lazy("model name", "hr tasks"),
    "candidate message text": pgettext_lazy("model name", "candidate message text"),
    "candidate message texts": pgettext_lazy("model name", "candidate message texts"),
    "onboarding plan": pgettext_lazy("model name", "onboarding plan"),
    "onboarding plans": pgettext_lazy("model name", "onboarding plans"),
    "onboarding task": pgettext_lazy("model name", "onboarding task"),
    "onboarding tasks": pgettext_lazy("model name", "onboarding tasks"),
    "onboarding document": pgettext_lazy("model name", "onboarding document"),
    "onboarding documents": pgettext_lazy("model name", "onboarding documents"),
    "provisioning target": pgettext_lazy("model name", "provisioning target"),
    "provisioning targets": pgettext_lazy("model name", "provisioning targets"),
    # Django's derived plural is "provisioning deliverys"; no message names the plural.
    "provisioning delivery": pgettext_lazy("model name", "provisioning delivery"),
    "audit event": pgettext_lazy("model name", "audit event"),
    "audit events": pgettext_lazy("model name", "audit events"),
    "user": pgettext_lazy("model name", "user"),
    "users": pgettext_lazy("model name", "users"),
    "api token": pgettext_lazy("model name", "API token"),
    "api tokens": pgettext_lazy("model name", "API tokens"),
}


def model_name(name: str, *, capital: bool = False) -> str:
    """A model's verbose name (singular or plural, in English as Django derives it) in the active
    language; with `capital`, its first letter in capitals, as a sentence starts."""
    text = str(_MODEL_NAMES.get(str(name).lower(), name))
    # Not str.capitalize(): it would lower the rest ("AI 评估" → "Ai 评估").
    return text[:1].upper() + text[1:] if capital else text


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


class NotFound(ApplicationError):
    """Missing, or not visible to the actor: the two are answered alike so ids cannot be probed."""

    status_code = 404
    code = "not_found"


class Forbidden(ApplicationError):
    """The actor can see the object but may not do this to it."""

    status_code = 403
    code = "permission_denied"


class InvalidTransition(ApplicationError):
    """`entity` is the English name of what refused (a model's verbose name is shown in the
    request's language); `state` and `event` stay the codes of the transition table."""

    status_code = 409
    code = "invalid_transition"

    def __init__(self, *, entity: str, state: str, event: str, code: str | None = None):
        message = gettext("%(entity)s in state '%(state)s' does not accept '%(event)s'.") % {
            "entity": model_name(entity, capital=True),
            "state": state,
            "event": event,
        }
        super().__init__(message, code=code)
        self.entity = entity
        self.state = state
        self.event = event
