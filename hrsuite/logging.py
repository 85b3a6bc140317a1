"""Logging filters: the candidate's link tokens never reach a log line."""

import logging
import re

from gunicorn.glogging import Logger as GunicornLogger

# The credential segment of the links in candidates' e-mails: /portal/<page>/<token>/ (interview,
# consent, reschedule), the portal's /portal/welcome|sign-in/<user id>/<token>/ and the API's
# /api/reschedule/<token>/; and of staff's e-mailed sign-in link, /account/sign-in/link/<user id>/<token>/.
_LINK_TOKEN = re.compile(
    r"(/portal/(?:welcome|sign-in)/[^/\s?#\"']+/|/account/sign-in/link/[^/\s?#\"']+/|/portal/[\w-]+/"
    r"|/api/reschedule/)[^/\s?#\"']+"
)
REDACTED = "[redacted]"


def redact_link_tokens(text: str) -> str:
    return _LINK_TOKEN.sub(rf"\g<1>{REDACTED}", text)


class RedactLinkTokens(logging.Filter):
    """Rewrites a record whose message names a link token, before any handler formats it.

    Django's request loggers pass the path as an argument ("Not Found: %s"), so the formatted
    message is redacted and kept with no arguments; records without a token stay as they are.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed record is logging's to report, not ours
            return True
        redacted = redact_link_tokens(message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        return True


class RedactingGunicornLogger(GunicornLogger):
    """gunicorn's access log with link tokens redacted from every field: the request line and
    path, and the referrer (a page opened from a link names it there when the next one loads)
    (`--logger-class hrsuite.logging.RedactingGunicornLogger`)."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        for key, value in atoms.items():
            if isinstance(value, str):
                atoms[key] = redact_link_tokens(value)
        return atoms
