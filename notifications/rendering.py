"""Turning an outbox row into an e-mail: subject and bodies from templates/emails, in the
recipient's language and time zone, with an RFC 5545 calendar file where the message is one.

Each template has `emails/<template>.<language>.txt`: the first line is the subject, then a blank
line, then the body. All strings of a language live in that language's files, so a translator reads
whole messages, not fragments. The HTML part is the same text in `emails/layout.html` (links made
clickable), so the two parts can never say different things. What the text names (times, places,
links) comes from the context builder of the app that registered the template.
"""

import base64
import email
import functools
import hashlib
import re
from email.header import Header
from email.quoprimime import body_encode
from email.utils import formatdate
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.message import sanitize_address
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


class OutboxEmail(EmailMultiAlternatives):
    """One outbox message with its MIME text built once, by `render`: `data` is what goes to the
    SMTP server, from `envelope_from` to `envelope_to`. Django's other mail backends (the console
    in development) get it through `message()` as a parsed copy of the same bytes."""

    def __init__(self, *, data: bytes, envelope_from: str, envelope_to: str, **kwargs):
        super().__init__(**kwargs)
        self.data, self.envelope_from, self.envelope_to = data, envelope_from, envelope_to

    def message(self):
        return email.message_from_bytes(self.data)


_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_PLAIN_ADDRESS = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9.-]+")


@functools.lru_cache(maxsize=16)
def _sender(from_email: str) -> str:
    """The From address as the header and the envelope carry it: the same for every message, so
    worked out once (Django's parser takes a millisecond an address)."""
    return sanitize_address(from_email, "utf-8")


def _address(address: str) -> str:
    """The recipient's address for the To header and the envelope: a plain ASCII address as it
    is, anything else (a name, an internationalised domain) the way Django's backends encode it."""
    if _PLAIN_ADDRESS.fullmatch(address):
        return address
    try:
        return sanitize_address(address, "utf-8")
    except ValueError as exc:
        raise MessageUnsendable("The recipient's e-mail address is not valid.") from exc


def _header(value: str) -> str:
    """A header value: ASCII as it is, anything else as RFC 2047 encoded words, folded."""
    if _LINE_BREAK.search(value):
        raise MessageUnsendable("A header of the message spans several lines.")
    if value.isascii() and len(value) < 900:
        return value
    return Header(value, "utf-8").encode(linesep="\r\n")


def _text_part(content_type: str, text: str) -> tuple[list[str], bytes]:
    """Headers and body of a UTF-8 text part: 8bit as Django sends it, quoted-printable when a
    line is longer than SMTP allows."""
    body = _LINE_BREAK.sub("\r\n", text).encode()
    if max(len(line) for line in body.split(b"\r\n")) <= 998:
        encoding = "8bit"
    else:
        encoding = "quoted-printable"
        # Of bytes, as the e-mail package does it: the encoder escapes code points up to 255.
        body = body_encode(text.encode().decode("latin-1"), eol="\r\n").encode("ascii")
    headers = [f'Content-Type: {content_type}; charset="utf-8"', f"Content-Transfer-Encoding: {encoding}"]
    return headers, body


def _multipart(subtype: str, parts: list[tuple[list[str], bytes]], seed: str) -> tuple[list[str], bytes]:
    """A multipart of the parts, its boundary derived from `seed` (the message's digest) and
    checked to occur in none of them, which spares the random one and the regular expression
    the e-mail package compiles for each."""
    inner = b"".join(body for _, body in parts)
    boundary, n = f"=_{seed}", 0
    while boundary.encode() in inner:
        n += 1
        boundary = f"=_{seed}_{n}"
    chunks = []
    for headers, body in parts:
        chunks.append(f"--{boundary}\r\n".encode() + "\r\n".join(headers).encode() + b"\r\n\r\n" + body)
    body = b"\r\n".join(chunks) + f"\r\n--{boundary}--\r\n".encode()
    return [f'Content-Type: multipart/{subtype}; boundary="{boundary}"'], body


def mime_message(
    *,
    message_id: str,
    sender: str,
    to: str,
    subject: str,
    language: str,
    text: str,
    html: str,
    calendar: tuple[str, bytes] | None = None,
) -> bytes:
    """The message as SMTP carries it: text and HTML as alternatives, with the calendar file
    (METHOD in its Content-Type, as calendar clients read it) as an attachment.

    Written directly rather than through the e-mail package, whose generator took a fifth of
    the time of sending a message (bench/README.md, "Outbox"); only the subject, when not ASCII,
    goes through it."""
    seed = message_id.strip("<>").partition("@")[0]
    body = _multipart(
        "alternative", [_text_part("text/plain", text), _text_part("text/html", html)], seed + "a"
    )
    if calendar is not None:
        method, ics = calendar
        attachment = [
            f'Content-Type: text/calendar; charset="utf-8"; method="{method}"',
            "Content-Transfer-Encoding: base64",
            'Content-Disposition: attachment; filename="invite.ics"',
        ]
        body = _multipart(
            "mixed", [body, (attachment, base64.encodebytes(ics).replace(b"\n", b"\r\n"))], seed + "m"
        )
    headers = [
        f"Subject: {_header(subject)}",
        f"From: {sender}",
        f"To: {to}",
        f"Date: {formatdate(localtime=settings.EMAIL_USE_LOCALTIME)}",
        f"Message-ID: {message_id}",
        f"Content-Language: {language}",
        "MIME-Version: 1.0",
        *body[0],
    ]
    return "\r\n".join(headers).encode() + b"\r\n\r\n" + body[1]


def render(notification: Notification, *, connection=None) -> OutboxEmail:
    """The e-mail for one outbox row."""
    template = registry.template_for(notification.template)
    address, name, zone = _recipient(notification, template)
    if not address:
        raise MessageUnsendable("The recipient has no e-mail address.")
    to = _address(address)
    language = notification.language if notification.language in LANGUAGES else "en"
    context = {"name": name, "payload": notification.payload, "to_candidate": bool(notification.candidate_id)}
    context.update(template.context(notification, zone=zone, language=notification.language))
    wording = template.wording(notification, language=language, context=context) if template.wording else ""
    text = wording or render_to_string(f"emails/{notification.template}.{language}.txt", context)
    subject, _, body = text.strip().partition("\n")
    subject, body = subject.strip(), body.strip() + "\n"
    html = render_to_string(
        "emails/layout.html", {"subject": subject, "body": linked(body.strip()), "language": language}
    )
    calendar = template.calendar(notification, email=address, name=name) if template.calendar else None
    sender = _sender(settings.DEFAULT_FROM_EMAIL)
    headers = {"Message-ID": message_id(notification), "Content-Language": language}
    data = mime_message(
        message_id=headers["Message-ID"],
        sender=sender,
        to=to,
        subject=subject,
        language=language,
        text=body,
        html=html,
        calendar=calendar,
    )
    message = OutboxEmail(
        data=data,
        envelope_from=sender,
        envelope_to=to,
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[address],
        headers=headers,
        connection=connection,
    )
    message.attach_alternative(html, "text/html")
    if calendar is not None:
        message.attach("invite.ics", calendar[1], "text/calendar")
    return message
