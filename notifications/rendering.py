"""Turning an outbox row into an e-mail: subject and bodies from templates/emails, in the
recipient's language and time zone, with an RFC 5545 calendar file where the message is one.

Each template has `emails/<template>.<language>.txt`: the first line is the subject, then a blank
line, then the body. All strings of a language live in that language's files, so a translator reads
whole messages, not fragments. The HTML part is the same text in `emails/layout.html` (links made
clickable), so the two parts can never say different things. What the text names (times, places,
links) comes from the context builder of the app that registered the template.
"""

import hashlib
import re
from email.mime.text import MIMEText
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from hrsuite.formatting import zone_or_utc
from notifications import registry
from notifications.models import Notification

LANGUAGES = ("en", "zh-hans")


# A link in a message's text (the characters a URL may hold, so a Chinese sentence may go on
# right after it); punctuation right after it ends the sentence, not the link.
_LINK = re.compile(r"https?://[A-Za-z0-9\-._~:/?#\[\]@!$&*+,;=%()]+")
_SENTENCE_END = ".,:;!?"


class MessageUnsendable(Exception):
    """The row cannot become an e-mail (no address): trying again would not help."""


def message_id(notification: Notification) -> str:
    """Stable per idempotency key: a message sent twice (worker killed after the server took it)
    carries the same Message-ID, so mail systems and the tests can tell it is one message."""
    digest = hashlib.sha256(notification.idempotency_key.encode()).hexdigest()[:32]
    return f"<{digest}@hrsuite>"


def public_url(path: str) -> str:
    """An absolute link into hrsuite, as a message carries it."""
    return settings.HRSUITE_PUBLIC_URL.rstrip("/") + path


def _recipient(notification: Notification, template: registry.MessageTemplate) -> tuple[str, str, ZoneInfo]:
    """Address, name and time zone of the one recipient, read now (not copied into the row)."""
    if notification.candidate_id:
        candidate = notification.candidate
        zone_name = (
            template.candidate_zone(notification)
            if template.candidate_zone is not None
            else candidate.time_zone
        )
        return candidate.email, candidate.full_name, zone_or_utc(zone_name)
    user = notification.recipient_user
    return user.email, user.get_full_name() or user.get_username(), zone_or_utc(user.time_zone)


def linked(text: str) -> SafeString:
    """The text escaped for HTML, its links made clickable. Django's `urlize` tries every word as a
    URL, a domain and an address, which took a fifth of the time of sending a message; the texts
    here hold links only as http(s) URLs."""
    parts, start = [], 0
    for match in _LINK.finditer(text):
        url = match.group().rstrip(_SENTENCE_END)
        if url.endswith(")") and "(" not in url:  # "(see https://…)": the bracket is the text's
            url = url[:-1]
        parts += [escape(text[start : match.start()]), f'<a href="{escape(url)}">{escape(url)}</a>']
        start = match.start() + len(url)
    parts.append(escape(text[start:]))
    return mark_safe("".join(parts))  # noqa: S308 - every piece escaped above


def render(notification: Notification, *, connection=None) -> EmailMultiAlternatives:
    """The e-mail for one outbox row."""
    template = registry.template_for(notification.template)
    email, name, zone = _recipient(notification, template)
    if not email:
        raise MessageUnsendable("The recipient has no e-mail address.")
    language = notification.language if notification.language in LANGUAGES else "en"
    context = {"name": name, "payload": notification.payload, "to_candidate": bool(notification.candidate_id)}
    context.update(template.context(notification, zone=zone, language=notification.language))
    wording = template.wording(notification, language=language, context=context) if template.wording else ""
    text = wording or render_to_string(f"emails/{notification.template}.{language}.txt", context)
    subject, _, body = text.strip().partition("\n")
    html = render_to_string(
        "emails/layout.html", {"subject": subject.strip(), "body": linked(body.strip()), "language": language}
    )
    message = EmailMultiAlternatives(
        subject=subject.strip(),
        body=body.strip() + "\n",
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email],
        headers={"Message-ID": message_id(notification), "Content-Language": language},
        connection=connection,
    )
    message.attach_alternative(html, "text/html")
    calendar = template.calendar(notification, email=email, name=name) if template.calendar else None
    if calendar is not None:
        method, ics = calendar
        # Built by hand: calendar clients read METHOD from the part's Content-Type parameters.
        part = MIMEText(ics.decode(), "calendar", "utf-8")
        part.set_param("method", method)
        part.add_header("Content-Disposition", "attachment", filename="invite.ics")
        message.attach(part)
    return message
