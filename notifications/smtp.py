"""Handing one prepared message to an SMTP server, over a connection Django's SMTP backend opened
(so its SSL, STARTTLS and login settings apply as they are).

Where the server offers PIPELINING (RFC 2920), the envelope goes in one write, MAIL FROM, RCPT TO
and DATA together, and their three replies are read together: two round trips a message instead of
smtplib's four. The message itself still goes only after the server said 354, and it is taken only
with the server's 250 to its end, so a connection never has more than one message the server may
have taken without its sender knowing (docs/architecture.md, "Notifications"). A server that does
not offer it gets smtplib's own `sendmail`.
"""

import contextlib
import re
import smtplib

_LEADING_PERIOD = re.compile(rb"(?m)^\.")


def smtp_send(smtp: smtplib.SMTP, *, sender: str, recipient: str, data: bytes) -> None:
    """Send `data` (CRLF line ends) from `sender` to `recipient`, raising smtplib's exceptions
    as `sendmail` does: `SMTPSenderRefused`, `SMTPRecipientsRefused`, `SMTPDataError`, and
    `SMTPServerDisconnected` when the connection broke."""
    smtp.ehlo_or_helo_if_needed()
    if not smtp.has_extn("pipelining"):
        smtp.sendmail(sender, [recipient], data)
        return
    if any(character in address for address in (sender, recipient) for character in "\r\n"):
        raise ValueError("A line break in an envelope address.")  # as smtplib refuses it
    options = f" SIZE={len(data)}" if smtp.has_extn("size") else ""
    envelope = [f"MAIL FROM:{smtplib.quoteaddr(sender)}{options}", f"RCPT TO:{smtplib.quoteaddr(recipient)}"]
    smtp.send("".join(f"{command}\r\n" for command in [*envelope, "DATA"]).encode(smtp.command_encoding))
    replies = _replies(smtp, 3)
    error = _envelope_error(replies, sender=sender, recipient=recipient)
    if error is not None:
        if replies[-1][0] == 354:
            # The server took DATA though it refused the envelope (RFC 2920 asks it not to): end
            # the empty message, which it must then refuse for want of a recipient.
            smtp.send(b".\r\n")
            _replies(smtp, 1)
        _reset(smtp)
        raise error
    body = _LEADING_PERIOD.sub(b"..", data)
    if not body.endswith(b"\r\n"):
        body += b"\r\n"
    smtp.send(body + b".\r\n")
    ((code, reply),) = _replies(smtp, 1)
    if code != 250:
        _reset(smtp)
        raise smtplib.SMTPDataError(code, reply)


def _replies(smtp: smtplib.SMTP, count: int) -> list[tuple[int, bytes]]:
    """The replies to `count` commands sent together; fewer when the server closes the
    connection (421) before answering them all."""
    replies = []
    for _ in range(count):
        replies.append(smtp.getreply())
        if replies[-1][0] == 421:
            smtp.close()
            break
    return replies


def _envelope_error(replies: list[tuple[int, bytes]], *, sender: str, recipient: str) -> Exception | None:
    """The exception `sendmail` would raise for the first refused command of the envelope."""
    if replies[0][0] != 250:
        return smtplib.SMTPSenderRefused(*replies[0], sender)
    if len(replies) < 2 or replies[1][0] not in (250, 251):
        refused = replies[1] if len(replies) > 1 else (421, b"Connection closed")
        return smtplib.SMTPRecipientsRefused({recipient: refused})
    if len(replies) < 3 or replies[2][0] != 354:
        return smtplib.SMTPDataError(*(replies[2] if len(replies) > 2 else (421, b"Connection closed")))
    return None


def _reset(smtp: smtplib.SMTP) -> None:
    """RSET after a refused message, so the connection can carry the next one."""
    if smtp.sock is not None:
        with contextlib.suppress(smtplib.SMTPServerDisconnected):
            smtp.rset()
