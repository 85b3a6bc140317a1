"""The exceptions services raise; `hrsuite.rest.exception_handler` maps each to one HTTP answer."""


class ApplicationError(Exception):
    status_code = 400
    code = "invalid"

    def __init__(self, message: str, *, fields: dict[str, list[str]] | None = None):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


class ValidationFailed(ApplicationError):
    """Bad input; `fields` names each field with its messages."""


class NotFound(ApplicationError):
    """Missing, or not visible to the actor: the two are answered alike so ids cannot be probed."""

    status_code = 404
    code = "not_found"


class Forbidden(ApplicationError):
    """The actor can see the object but may not do this to it."""

    status_code = 403
    code = "permission_denied"


class InvalidTransition(ApplicationError):
    status_code = 409
    code = "invalid_transition"

    def __init__(self, *, entity: str, state: str, event: str):
        super().__init__(f"{entity} in state '{state}' does not accept '{event}'.")
        self.state = state
        self.event = event
