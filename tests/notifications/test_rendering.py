"""The MIME text the outbox writes itself, read back by Python's e-mail parser."""

import email
import email.policy

import pytest

from notifications.rendering import MessageUnsendable, mime_message

SUBJECT = "您的面试安排：Backend Engineer, " + "很长的标题" * 12  # noqa: RUF001


def _parsed(**options) -> email.message.EmailMessage:
    fields = {
        "message_id": "<0123abcd@hrsuite>",
        "sender": "hrsuite@localhost",
        "to": "ann@example.test",
        "subject": SUBJECT,
        "language": "zh-hans",
        "text": "第一行\nsecond line\n",
        "html": "<p>第一行</p>",
    }
    data = mime_message(**{**fields, **options})
    assert b"\n" not in data.replace(b"\r\n", b"")  # SMTP's line ends only
    return email.message_from_bytes(data, policy=email.policy.default)


def test_a_message_with_a_calendar_file_reads_back_as_written():
    ics = "BEGIN:VCALENDAR\r\nSUMMARY:面试\r\nEND:VCALENDAR\r\n".encode()
    message = _parsed(calendar=("REQUEST", ics))

    assert (message["Subject"], message["To"], message["Message-ID"]) == (
        SUBJECT,
        "ann@example.test",
        "<0123abcd@hrsuite>",
    )
    assert message["Content-Language"] == "zh-hans"
    assert message.get_body(preferencelist=("plain",)).get_content() == "第一行\r\nsecond line\r\n"
    assert message.get_body(preferencelist=("html",)).get_content().strip() == "<p>第一行</p>"
    (calendar,) = [part for part in message.walk() if part.get_content_type() == "text/calendar"]
    assert calendar.get_param("method") == "REQUEST" and calendar.get_filename() == "invite.ics"
    assert calendar.get_content().encode() == ics


@pytest.mark.parametrize("line", ["x" * 1500, "面试" * 400], ids=["ascii", "chinese"])
def test_a_line_longer_than_smtp_allows_is_sent_quoted_printable_and_arrives_whole(line):
    data = mime_message(
        message_id="<0123abcd@hrsuite>",
        sender="hrsuite@localhost",
        to="ann@example.test",
        subject="Hello",
        language="zh-hans",
        text=f"{line}\n",
        html="<p>Hello</p>",
    )
    assert data.isascii()  # quoted-printable is 7-bit: UTF-8 goes as its =XX escapes
    message = email.message_from_bytes(data, policy=email.policy.default)
    plain = message.get_body(preferencelist=("plain",))
    assert plain["Content-Transfer-Encoding"] == "quoted-printable"
    assert plain.get_content().replace("\r\n", "\n") == f"{line}\n"


def test_a_boundary_found_in_the_text_is_not_used():
    taken = "--=_0123abcda"  # the boundary the alternative part would take
    message = _parsed(text=f"{taken}\n")
    assert message.get_body(preferencelist=("plain",)).get_content().startswith(taken)


def test_a_header_spanning_lines_is_refused():
    with pytest.raises(MessageUnsendable):
        _parsed(subject="Hello\r\nBcc: someone@example.test")
