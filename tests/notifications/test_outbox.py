"""The outbox dispatcher against the real database and a real SMTP server; time is moved, never slept."""

import datetime
import re

import icalendar
import pytest
import time_machine
from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.html import escape

from audit.models import AuditEvent
from config.celery import app as celery_app
from interviews.emails import calendar_uid
from interviews.models import Interview, Scorecard
from interviews.services.candidate_links import consent_link_open, interview_link_open
from notifications import registry
from notifications.models import Notification
from notifications.rendering import message_id
from notifications.services.outbox import (
    QUEUE,
    RECHECK_SECONDS,
    backoff,
    next_due_at,
    notification_retry,
    outbox_dispatch,
    renew_every,
)
from tests.interviews.outbox_helpers import assign, queue, queue_reminder, schedule

pytestmark = pytest.mark.django_db

UTC = datetime.UTC


def _calendar(message) -> icalendar.Calendar:
    (part,) = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    return icalendar.Calendar.from_ical(part.get_content())


def _text(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def test_reminder_is_sent_once_at_its_due_time_and_not_before(recruiter, smtp_server):
    starts_at = timezone.now().replace(microsecond=0) + datetime.timedelta(days=2)
    interview = schedule(recruiter, starts_at=starts_at)
    reminder = queue_reminder(interview)
    due = starts_at - datetime.timedelta(minutes=15)

    with time_machine.travel(due - datetime.timedelta(seconds=1), tick=False):
        assert outbox_dispatch().sent == 0
    assert smtp_server.sink.accepted == 0

    with time_machine.travel(due, tick=False):
        assert outbox_dispatch().sent == 1
        assert outbox_dispatch().sent == 0  # the next beat finds nothing left
    with time_machine.travel(due + datetime.timedelta(minutes=5), tick=False):
        assert outbox_dispatch().sent == 0

    reminder.refresh_from_db()
    assert (reminder.status, reminder.attempts, reminder.sent_at) == ("sent", 1, due)
    assert smtp_server.sink.ids == {message_id(reminder): 1}


@pytest.mark.parametrize("connections", [1, 3])
def test_a_batch_shares_its_smtp_connections(recruiter, smtp_server, settings, connections):
    settings.HRSUITE_OUTBOX_CONNECTIONS = connections
    rows = [queue("invitation", schedule(recruiter)) for _ in range(8)]
    assert outbox_dispatch().sent == 8
    assert 1 <= smtp_server.sink.sessions <= connections
    assert smtp_server.sink.ids == {message_id(row): 1 for row in rows}


def test_message_for_an_interview_that_moved_is_cancelled_not_sent(recruiter, smtp_server):
    interview = schedule(recruiter)
    reminder = queue_reminder(interview)
    invitation = queue("invitation", interview)
    # Moved without the old rows being dropped: the re-check at send time catches it.
    Interview.objects.filter(pk=interview.pk).update(
        starts_at=interview.starts_at + datetime.timedelta(hours=1)
    )

    with time_machine.travel(reminder.due_at, tick=False):
        result = outbox_dispatch()

    assert (result.sent, result.cancelled) == (0, 2)
    for row in (reminder, invitation):
        row.refresh_from_db()
        assert (row.status, row.last_error) == ("cancelled", "The interview has moved.")
    assert smtp_server.sink.accepted == 0


def test_messages_hold_only_while_what_they_announce_holds(recruiter, interviewer, smtp_server):
    cancelled = schedule(recruiter)
    invitation = queue("invitation", cancelled)
    still_on = schedule(recruiter)
    cancellation = queue("cancellation", still_on, payload={"sequence": 1})
    Interview.objects.filter(pk=cancelled.pk).update(status=Interview.Status.CANCELLED)
    with_scorecard = schedule(recruiter)
    assign(with_scorecard, interviewer, recruiter)
    Scorecard.objects.create(interview=with_scorecard, interviewer=interviewer, status="submitted")
    request = queue("scorecard_request", with_scorecard, recipient=interviewer, payload={"round": 0})

    assert outbox_dispatch().cancelled == 3
    assert {n.status for n in (invitation, cancellation, request) if not n.refresh_from_db()} == {"cancelled"}
    assert smtp_server.sink.accepted == 0


def test_a_message_no_longer_wanted_is_cancelled_even_where_it_could_not_be_written(recruiter, smtp_server):
    """Its interview cancelled and its candidate's address gone: cancelled as no longer wanted,
    not failed for HR to look at, as rendering it first would have made it."""
    interview = schedule(recruiter)
    invitation = queue("invitation", interview)
    Interview.objects.filter(pk=interview.pk).update(status=Interview.Status.CANCELLED)
    candidate = interview.application.candidate
    candidate.email = ""
    candidate.save(update_fields=["email"])

    result = outbox_dispatch()

    assert (result.cancelled, result.failed) == (1, 0)
    invitation.refresh_from_db()
    assert (invitation.status, invitation.last_error) == (
        "cancelled",
        "The interview is no longer scheduled.",
    )


def test_failures_back_off_then_end_failed_without_personal_data(recruiter, smtp_server, settings):
    settings.HRSUITE_OUTBOX_MAX_ATTEMPTS = 3
    smtp_server.sink.fail_data = 99
    interview = schedule(recruiter)
    invitation = queue("invitation", interview)
    start = timezone.now()

    with time_machine.travel(start, tick=False):
        assert outbox_dispatch().retried == 1
    invitation.refresh_from_db()
    assert (invitation.status, invitation.attempts) == ("pending", 1)
    assert invitation.due_at == start + datetime.timedelta(seconds=30) == start + backoff(1)

    with time_machine.travel(start + datetime.timedelta(seconds=29), tick=False):
        assert outbox_dispatch().handled == 0  # not yet due again
    with time_machine.travel(start + datetime.timedelta(seconds=30), tick=False):
        assert outbox_dispatch().retried == 1
    invitation.refresh_from_db()
    assert invitation.due_at == start + datetime.timedelta(seconds=30 + 60)
    with time_machine.travel(invitation.due_at, tick=False):
        assert outbox_dispatch().failed == 1

    invitation.refresh_from_db()
    assert (invitation.status, invitation.attempts) == ("failed", 3)
    assert "451" in invitation.last_error
    candidate = interview.application.candidate
    assert candidate.email not in invitation.last_error and candidate.full_name not in invitation.last_error
    assert smtp_server.sink.accepted == 0


def test_refused_recipient_error_keeps_no_address(recruiter, smtp_server, settings):
    settings.HRSUITE_OUTBOX_MAX_ATTEMPTS = 1
    interview = schedule(recruiter)
    candidate = interview.application.candidate
    invitation = queue("invitation", interview)

    async def refuse(server, session, envelope, address, options):
        return f"550 5.1.1 <{address}>: Recipient address rejected"

    smtp_server.sink.handle_RCPT = refuse
    assert outbox_dispatch().failed == 1
    invitation.refresh_from_db()
    assert "550" in invitation.last_error and candidate.email not in invitation.last_error


def test_a_temporary_failure_is_sent_on_the_next_attempt(recruiter, smtp_server):
    smtp_server.sink.fail_data = 1
    invitation = queue("invitation", schedule(recruiter))
    assert outbox_dispatch().retried == 1
    with time_machine.travel(timezone.now() + backoff(1), tick=False):
        assert outbox_dispatch().sent == 1
    invitation.refresh_from_db()
    assert (invitation.status, invitation.attempts) == ("sent", 2)
    assert smtp_server.sink.ids == {message_id(invitation): 1}


def test_hr_retries_a_failed_message_and_it_is_sent(recruiter, hr_admin, smtp_server, settings):
    settings.HRSUITE_OUTBOX_MAX_ATTEMPTS = 1
    smtp_server.sink.fail_data = 1
    invitation = queue("invitation", schedule(recruiter))
    assert outbox_dispatch().failed == 1

    retried = notification_retry(notification=invitation, actor=recruiter)

    assert (retried.status, retried.attempts) == ("pending", 0)
    event = AuditEvent.objects.filter(target_id=str(invitation.pk)).get()
    assert (event.actor, event.action, event.detail["event"]) == (recruiter, "update", "retry")
    assert outbox_dispatch().sent == 1
    assert smtp_server.sink.ids == {message_id(invitation): 1}


def test_a_claim_left_by_a_dead_worker_is_taken_again_after_the_timeout(recruiter, smtp_server, settings):
    settings.HRSUITE_OUTBOX_CLAIM_TIMEOUT = 60
    invitation = queue("invitation", schedule(recruiter))
    claimed_at = timezone.now()
    Notification.objects.filter(pk=invitation.pk).update(status="sending", claimed_at=claimed_at, attempts=1)

    with time_machine.travel(claimed_at + datetime.timedelta(seconds=59), tick=False):
        assert outbox_dispatch().sent == 0  # the other worker may still be sending it
    with time_machine.travel(claimed_at + datetime.timedelta(seconds=61), tick=False):
        result = outbox_dispatch()
    assert (result.reclaimed, result.sent) == (1, 1)
    invitation.refresh_from_db()
    assert (invitation.status, invitation.attempts) == ("sent", 2)


def test_invitation_calendar_file_is_a_request_and_cancellation_cancels_it(recruiter, smtp_server):
    starts_at = datetime.datetime(2031, 3, 4, 6, 30, tzinfo=UTC)
    interview = schedule(recruiter, starts_at=starts_at)
    queue("invitation", interview)
    outbox_dispatch()
    Interview.objects.filter(pk=interview.pk).update(status="cancelled", calendar_sequence=1)
    interview.refresh_from_db()
    queue("cancellation", interview, payload={"sequence": 1, "starts_at": starts_at.isoformat()})
    outbox_dispatch()

    request, cancel = (_calendar(m) for m in smtp_server.sink.messages)
    assert str(request["method"]) == "REQUEST" and str(cancel["method"]) == "CANCEL"
    (invite_event,), (cancel_event,) = request.walk("VEVENT"), cancel.walk("VEVENT")
    assert str(invite_event["uid"]) == str(cancel_event["uid"]) == calendar_uid(interview)
    assert (invite_event["sequence"], cancel_event["sequence"]) == (0, 1)
    assert invite_event.decoded("dtstart") == cancel_event.decoded("dtstart") == starts_at
    assert invite_event.decoded("dtstart").tzinfo.utcoffset(None) == datetime.timedelta(0)
    assert invite_event.decoded("dtend") == starts_at + datetime.timedelta(minutes=45)
    assert str(cancel_event["status"]) == "CANCELLED"
    assert str(invite_event["attendee"]) == f"mailto:{interview.application.candidate.email}"


def test_chinese_invitation_shows_shanghai_time_and_the_interviewer_gets_theirs(
    recruiter, interviewer, smtp_server
):
    interviewer.preferred_language, interviewer.time_zone = "en", "Europe/Berlin"
    interviewer.save(update_fields=["preferred_language", "time_zone"])
    starts_at = datetime.datetime(2031, 3, 4, 6, 30, tzinfo=UTC)  # a Tuesday
    interview = schedule(recruiter, starts_at=starts_at, language="zh-hans", time_zone="Asia/Shanghai")
    assign(interview, interviewer, recruiter)
    queue("invitation", interview, payload={**_announced(interview), "practice_url": "https://p.test/check"})
    queue("invitation", interview, recipient=interviewer)
    assert outbox_dispatch().sent == 2

    to_candidate, to_interviewer = sorted(
        smtp_server.sink.messages, key=lambda m: m["Content-Language"] != "zh-hans"
    )
    body = _text(to_candidate)
    assert to_candidate["Subject"].startswith("您的面试安排")
    assert "2031年3月4日（星期二）14:30（Asia/Shanghai 时间）" in body  # noqa: RUF001
    for expected in ("摄像头", "麦克风", "网络", "https://p.test/check", interview.join_url):
        assert expected in body
    # The interview and consent links are signed for this candidate and interview, not the
    # guessable interview id.
    assert f"/portal/interviews/{interview.pk}/" not in body
    html = to_candidate.get_body(preferencelist=("html",)).get_content()
    assert f'<a href="{escape(interview.join_url)}">{escape(interview.join_url)}</a>' in html
    page = re.search(r"/portal/interviews/([^/\s]+)/", body)
    assert page and interview_link_open(token=page.group(1)) == interview
    consent = re.search(r"/portal/consent/([^/\s]+)/", body)
    assert consent and consent_link_open(token=consent.group(1)) == interview

    body = _text(to_interviewer)
    assert to_interviewer["To"] == interviewer.email
    assert "Tuesday 4 March 2031, 07:30 (Europe/Berlin time)" in body
    assert "consent" not in body  # the privacy request is the candidate's
    assert to_interviewer.get_body(preferencelist=("html",)) is not None


def _announced(interview):
    return {"starts_at": interview.starts_at.isoformat(), "sequence": interview.calendar_sequence}


REMINDER_PROMISE = datetime.timedelta(seconds=45)  # docs/architecture.md, "Notifications"


def test_a_dead_dispatchers_reminder_goes_out_within_the_promise(recruiter, smtp_server):
    interview = schedule(
        recruiter, starts_at=timezone.now().replace(microsecond=0) + datetime.timedelta(days=1)
    )
    reminder = queue_reminder(interview)
    due = reminder.due_at
    with time_machine.travel(due, tick=False):
        # A dispatcher claims it and is killed before sending: nothing renews its claim.
        assert [row.pk for row in QUEUE.claim_batch(batch_size=10, now=due, renew_every=renew_every())] == [
            reminder.pk
        ]
    lapses = due + datetime.timedelta(seconds=settings.HRSUITE_OUTBOX_CLAIM_TIMEOUT)

    with time_machine.travel(due + datetime.timedelta(seconds=1), tick=False):
        # A dispatcher waiting for work wakes when the claim lapses, not at beat's next tick.
        assert next_due_at() == lapses
        assert outbox_dispatch().handled == 0
    with time_machine.travel(lapses - datetime.timedelta(seconds=1), tick=False):
        assert outbox_dispatch().handled == 0  # the other worker may still be sending it
    with time_machine.travel(lapses + datetime.timedelta(seconds=1), tick=False):
        assert outbox_dispatch().sent == 1

    reminder.refresh_from_db()
    assert (reminder.status, reminder.attempts) == ("sent", 2)
    assert reminder.sent_at - due <= REMINDER_PROMISE
    assert smtp_server.sink.ids == {message_id(reminder): 1}


def test_with_no_dispatcher_left_running_beats_next_tick_comes_within_the_promise():
    # A worker killed with the only dispatcher that was running: its rows come back when the claim
    # lapses or beat's next tick starts a dispatcher on a live (or restarted) worker, whichever is
    # later; a worker's restart must fit in what is left.
    period = celery_app.conf.beat_schedule["outbox-dispatch"]["schedule"]
    recovery = max(settings.HRSUITE_OUTBOX_CLAIM_TIMEOUT, period)
    assert recovery + renew_every().total_seconds() <= REMINDER_PROMISE.total_seconds() - 15


@pytest.mark.services
def test_redis_hands_back_a_killed_workers_task_only_after_any_task_may_have_ended():
    # Redis redelivers an unacknowledged task after its visibility timeout; a shorter one would
    # hand a running dispatch to a second worker. The embedded filesystem broker has no such
    # timeout.
    assert settings.CELERY_BROKER_URL.startswith("redis")
    assert settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] > settings.CELERY_TASK_TIME_LIMIT


def test_a_reminder_due_now_is_claimed_before_a_backlog_of_invitations_due_earlier(recruiter):
    now = timezone.now()
    earlier = now - datetime.timedelta(minutes=5)
    backlog = [
        queue("invitation", schedule(recruiter), due_at=earlier + datetime.timedelta(seconds=n))
        for n in range(6)
    ]
    reminder = queue_reminder(schedule(recruiter, starts_at=now + datetime.timedelta(minutes=15)))
    assert reminder.due_at == now
    assert (reminder.priority, backlog[0].priority) == (registry.URGENT, registry.NORMAL)

    first = QUEUE.claim(batch_size=3, now=now)

    assert [row.pk for row in first] == [reminder.pk, backlog[0].pk, backlog[1].pk]


def _dispatch_queries(recruiter, messages: int) -> list[str]:
    for _ in range(messages):
        queue("invitation", schedule(recruiter))
    with CaptureQueriesContext(connection) as captured:
        assert outbox_dispatch().sent == messages
    return [query["sql"] for query in captured.captured_queries]


def test_each_further_message_of_a_batch_costs_one_query_its_sent_mark(recruiter, smtp_server, settings):
    # Whether each message still holds is read for the whole batch at once; what is left per
    # message is the UPDATE marking it sent right after the server took it. (Over several
    # connections, messages that the server took meanwhile share one.)
    settings.HRSUITE_OUTBOX_CONNECTIONS = 1
    two = _dispatch_queries(recruiter, 2)
    six = _dispatch_queries(recruiter, 6)

    def marks(queries):
        return [
            sql for sql in queries if sql.startswith('UPDATE "interviews_notification"') and "'sent'" in sql
        ]

    assert len(six) - len(two) == len(marks(six)) - len(marks(two)) == 4


@pytest.mark.django_db(transaction=True)
def test_a_message_is_checked_again_once_the_batchs_check_is_a_second_old(recruiter, smtp_server, settings):
    # One connection: the second message waits for it while the first goes out.
    settings.HRSUITE_OUTBOX_CONNECTIONS = 1
    first, second = (schedule(recruiter) for _ in range(2))
    rows = [queue("invitation", first), queue("invitation", second)]
    accept = smtp_server.sink.handle_DATA

    def cancel_the_second():
        Interview.objects.filter(pk=second.pk).update(status="cancelled")
        connection.close()  # the server thread's own

    with time_machine.travel(timezone.now(), tick=False) as clock:

        async def accept_then_cancel_the_second(server, session, envelope):
            reply = await accept(server, session, envelope)
            # While the first goes out, the second interview is cancelled, and a second passes
            # since the batch was checked.
            await sync_to_async(cancel_the_second)()
            clock.shift(RECHECK_SECONDS)
            return reply

        smtp_server.sink.handle_DATA = accept_then_cancel_the_second
        result = outbox_dispatch()

    assert (result.sent, result.cancelled) == (1, 1)
    assert smtp_server.sink.ids == {message_id(rows[0]): 1}
    rows[1].refresh_from_db()
    assert (rows[1].status, rows[1].last_error) == ("cancelled", "The interview is no longer scheduled.")


@pytest.mark.services
def test_the_dispatcher_leaves_its_database_connection_waiting_for_the_disk_again(recruiter, smtp_server):
    queue("invitation", schedule(recruiter))
    assert outbox_dispatch().sent == 1
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone() == ("on",)
