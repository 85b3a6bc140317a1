"""The HR dashboard: what recruiters and HR admins see at a glance, who may open it, what it
writes to the audit trail, how many queries it takes, and retrying a failed message."""

import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from django.utils import translation

from accounts.models import User
from accounts.notices import AccountMessage
from audit.models import AuditEvent
from backoffice import tasks
from backoffice.models import DashboardSummary
from backoffice.selectors.dashboard import agenda_interviews_for, overdue_scorecards_for
from candidates.models import Stage
from hrsuite.roles import Role
from interviews.notices import InterviewMessage
from interviews.services.assignments import assignment_create
from interviews.services.feedback import interview_ended
from interviews.services.incidents import incident_open
from interviews.services.interviews import interview_create
from interviews.services.reviews import human_review_create
from interviews.services.scheduling import interview_cancel, interview_transition
from notifications.models import Notification
from notifications.services.outbox import notification_key, notification_queue
from onboarding.models import Offer
from tests.browser import sign_in
from tests.factories import (
    assessment_payload,
    make_application,
    make_candidate,
    make_hire,
    make_position,
    make_user,
    receive_assessment,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
# Tuesday 2 March 2027, 10:00 in Shanghai (02:00 UTC).
NOW = datetime(2027, 3, 2, 2, 0, tzinfo=UTC)
PROVIDER = "provider:simulated"
DASHBOARD = "/hr/"


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=True) as traveller:
        yield traveller


@pytest.fixture
def recruiter(db):
    return make_user(Role.RECRUITER, username="recruiter", time_zone="Asia/Shanghai")


def shanghai(*args) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


def interview_at(recruiter, starts_at, *, kind="live_video", position=None, name=None, interviewers=()):
    candidate = make_candidate(recruiter, **({"full_name": name} if name else {}))
    application = make_application(recruiter, candidate=candidate, position=position)
    interview = interview_create(application=application, kind=kind, starts_at=starts_at, actor=recruiter)
    for interviewer in interviewers:
        assignment_create(interview=interview, interviewer=interviewer, actor=recruiter)
    return interview


def held(recruiter, starts_at, **kwargs):
    """An interview that took place at `starts_at` and ended 45 minutes later."""
    interview = interview_at(recruiter, starts_at, **kwargs)
    interview_transition(interview=interview, event="started", actor=PROVIDER)
    return interview_ended(interview=interview, ended_at=starts_at + timedelta(minutes=45), actor=PROVIDER)


def failed_message(interview, *, suffix=""):
    message = notification_queue(
        template=InterviewMessage.INVITATION,
        key=notification_key("test-invitation", interview.pk, suffix),
        candidate=interview.application.candidate,
        interview=interview,
        payload={},
    )
    # The outbox marks a row failed after its last attempt; the dispatcher is tested elsewhere.
    Notification.objects.filter(pk=message.pk).update(
        status=Notification.Status.FAILED, attempts=5, last_error="SMTP 451: try again later"
    )
    return message


def add_rows(recruiter, interviewer, n: int, *, suffix: str):
    """One more row in every dashboard list, chart and count."""
    position = make_position(recruiter, title_en=f"Data engineer {suffix}")
    today = interview_at(recruiter, shanghai(2027, 3, 2, 15, n), position=position, name=f"Extra {suffix}")
    late = held(recruiter, shanghai(2027, 2, 27, 10, n), interviewers=[interviewer], position=position)
    ai = held(recruiter, shanghai(2027, 2, 27, 14, n), kind="ai_video", position=position)
    receive_assessment(ai, assessment_payload(confidence=0.3), actor=PROVIDER)
    incident_open(
        interview=late, kind="technical_issue", occurred_at=late.starts_at, details={}, actor=PROVIDER
    )
    failed_message(today, suffix=suffix)
    make_hire(recruiter)


@pytest.fixture
def board(clock, recruiter, interviewer):
    """A day in the life of the dashboard, at 10:00 on Tuesday 2 March 2027 in Shanghai."""
    engineer = make_position(recruiter, title_en="Backend engineer")
    data = {
        "today": interview_at(recruiter, shanghai(2027, 3, 2, 14, 30), position=engineer, name="Li Wei"),
        "tomorrow": interview_at(recruiter, shanghai(2027, 3, 3, 9, 0), kind="phone", name="Ana Souza"),
        "later": interview_at(recruiter, shanghai(2027, 3, 12, 9, 0), name="Too Late"),
        "cancelled": interview_at(recruiter, shanghai(2027, 3, 2, 16, 0), name="Called Off"),
        "overdue": held(
            recruiter, shanghai(2027, 2, 28, 10, 0), interviewers=[interviewer], name="Wang Fang"
        ),
        "on_time": held(recruiter, shanghai(2027, 3, 2, 8, 0), interviewers=[interviewer], name="Just Ended"),
        "assessed": held(recruiter, shanghai(2027, 2, 28, 14, 0), kind="ai_video", name="Zhao Min"),
    }
    interview_cancel(interview=data["cancelled"], reason="Position filled.", actor=recruiter)
    receive_assessment(data["assessed"], assessment_payload(confidence=0.3), actor=PROVIDER)
    data["incident"] = incident_open(
        interview=data["overdue"],
        kind="technical_issue",
        occurred_at=shanghai(2027, 2, 28, 10, 5),
        details={},
        actor=PROVIDER,
    )
    data["failed"] = failed_message(data["tomorrow"])
    data["offer"] = make_hire(recruiter)
    data["position"] = engineer
    return data


def page(client, user):
    """The dashboard as `user` finds it while beat runs: with the shared counts made."""
    client.force_login(user)
    tasks.dashboard_counts_refresh()
    return client.get(DASHBOARD)


def listed(model_label: str, user) -> AuditEvent:
    return AuditEvent.objects.filter(action="list", target_type=model_label, actor=user).get()


# --- Who may open it -------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.INTERVIEWER, Role.CANDIDATE])
def test_dashboard_refuses_interviewers_and_candidates(client, role):
    response = page(client, make_user(role))
    assert response.status_code == 403


@pytest.mark.django_db
def test_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get(DASHBOARD)
    assert response.status_code == 302
    assert response.url.startswith(reverse("sign-in"))


# --- What it shows ---------------------------------------------------------------------------------


def test_recruiter_sees_todays_interviews_in_their_own_time_zone(client, recruiter, board):
    response = page(client, recruiter)
    assert response.status_code == 200
    text = response.text
    assert "Asia/Shanghai" in text
    # 14:30 in Shanghai is 06:30 UTC: the page speaks the viewer's zone.
    today = text[text.index("Li Wei") - 400 : text.index("Li Wei")]
    assert "14:30" in today and "06:30" not in today
    assert f'href="/hr/interviews/{board["today"].pk}/"' in text
    assert "Ana Souza" in text
    assert "Too Late" not in text and "Called Off" not in text


def test_the_agenda_cut_keeps_the_earliest_interviews_of_any_status_but_cancelled(recruiter, board):
    def agenda(limit):
        return agenda_interviews_for(user=recruiter, today=date(2027, 3, 2), tz=SHANGHAI, limit=limit)

    # Held at 08:00 today, scheduled at 14:30, cancelled at 16:00, a phone call tomorrow at 09:00.
    assert [row["id"] for row in agenda(2)] == [board["on_time"].pk, board["today"].pk]
    assert [row["id"] for row in agenda(3)] == [board["on_time"].pk, board["today"].pk, board["tomorrow"].pk]
    assert [row["status"] for row in agenda(3)] == ["completed", "scheduled", "scheduled"]


def test_the_lists_read_for_whoever_sees_every_row_take_each_views_times(recruiter, board, settings):
    """A recruiter's lists are read with statements compiled once and kept (`restrict()` adds
    nothing for them), given each view's times: another day's agenda, a later now's overdue
    scorecards, and the hours after which one is overdue as the settings say now."""

    def agenda(day):
        return [row["id"] for row in agenda_interviews_for(user=recruiter, today=day, tz=SHANGHAI)]

    def overdue(now):
        return [row["interview_id"] for row in overdue_scorecards_for(user=recruiter, now=now)]

    assert agenda(date(2027, 3, 2)) == [board["on_time"].pk, board["today"].pk, board["tomorrow"].pk]
    assert agenda(date(2027, 3, 3)) == [board["tomorrow"].pk]
    assert agenda(date(2027, 3, 5)) == [board["later"].pk]
    # Ended at 10:45 on 28 February and 08:45 on 2 March in Shanghai, overdue 24 hours later.
    assert overdue(NOW) == [board["overdue"].pk]
    assert overdue(NOW + timedelta(days=1)) == [board["overdue"].pk, board["on_time"].pk]
    settings.HRSUITE_SCORECARD_REMINDER_HOURS = 4 * 24
    assert overdue(NOW + timedelta(days=1)) == []


def test_a_recruiter_who_sees_fewer_rows_has_their_lists_read_with_their_restriction(recruiter, board):
    today = date(2027, 3, 2)
    assert agenda_interviews_for(user=recruiter, today=today, tz=SHANGHAI)  # its statement kept
    view_interview = Permission.objects.get(codename="view_interview", content_type__app_label="interviews")
    Group.objects.get(name=Role.RECRUITER).permissions.remove(view_interview)
    restricted = User.objects.get(pk=recruiter.pk)  # their permissions read again

    assert agenda_interviews_for(user=restricted, today=today, tz=SHANGHAI) == []


def test_pipeline_funnel_counts_applications_by_stage_per_open_position(client, recruiter, board):
    text = page(client, recruiter).text
    card = text[text.index("Backend engineer") :]
    card = card[: card.index("</article>")]
    # A stage's label links to its column on the position's board.
    bars = dict(
        re.findall(
            r'<span class="label">(?:<a href="[^"]*">)?([^<]+)(?:</a>)?</span>'
            r'.*?<span class="value">(\d+)</span>',
            card,
        )
    )
    assert bars["Applied"] == "1" and bars["Hired"] == "0"
    assert "of 8 open positions" in text or re.search(r"of \d+ open positions", text)


def test_attention_lists_name_the_candidates_waiting_for_someone(client, recruiter, interviewer, board):
    text = page(client, recruiter).text
    overdue = text[text.index('id="overdue"') : text.index('id="reviews"')]
    assert "Wang Fang" in overdue and "Just Ended" not in overdue
    assert interviewer.username in overdue
    reviews = text[text.index('id="reviews"') : text.index("</section>", text.index('id="reviews"'))]
    assert "Zhao Min" in reviews
    incidents = text[text.index('id="incidents"') :]
    assert "Wang Fang" in incidents[: incidents.index("</section>")]
    # When the incident happened, as a day and a time in the viewer's zone.
    assert "<td>February 28 10:05</td>" in incidents
    # Each row links to its own interview's page.
    for listed, key in ((overdue, "overdue"), (reviews, "assessed"), (incidents, "overdue")):
        assert f'href="/hr/interviews/{board[key].pk}/"' in listed
    failed = text[text.index('id="messages"') :]
    assert f'href="/hr/interviews/{board["tomorrow"].pk}/"' in failed


def test_a_flagged_assessment_leaves_the_review_queue_once_a_person_reviews_a_score(
    client, recruiter, board, clock
):
    assessment = board["assessed"].assessment
    dimension = assessment.dimensions.first()
    human_review_create(
        dimension_score=dimension, outcome="confirm", reason="Clear answers.", actor=recruiter
    )
    clock.shift(timedelta(hours=1))
    human_review_create(
        dimension_score=dimension, outcome="override", score=70, reason="Second look.", actor=recruiter
    )

    assessment.refresh_from_db()
    # Still flagged (the AI was unsure, and that stays on record), no longer waiting.
    assert assessment.needs_human_review
    assert assessment.first_reviewed_at == dimension.reviews.order_by("created_at").first().created_at
    text = page(client, recruiter).text
    reviews = text[text.index('id="reviews"') : text.index("</section>", text.index('id="reviews"'))]
    assert "Zhao Min" not in reviews


def staff_message_failed(interview, interviewer):
    """A scorecard request to `interviewer` that the outbox gave up on."""
    message = notification_queue(
        template=InterviewMessage.SCORECARD_REQUEST,
        key=notification_key("test-scorecard-request", interview.pk),
        recipient_user=interviewer,
        interview=interview,
        payload={},
    )
    Notification.objects.filter(pk=message.pk).update(status=Notification.Status.FAILED, attempts=5)


@pytest.mark.parametrize(
    ("language", "words"),
    [
        (
            "en",
            [
                "Phone",
                "Scheduled",
                "Completed",
                "Technical issue",
                "Interview invitation",
                "Scorecard request",
                "staff",
            ],
        ),
        ("zh-hans", ["电话面试", "已安排", "已完成", "技术故障", "面试邀请", "评分表填写请求", "员工"]),
    ],
)
def test_list_rows_show_labels_in_the_viewers_language_and_people_by_their_names(
    client, recruiter, interviewer, board, language, words
):
    recruiter.preferred_language = language
    recruiter.save(update_fields=["preferred_language"])
    # A Chinese name is written family name first, with no space.
    interviewer.first_name, interviewer.last_name = "美", "林"
    interviewer.save(update_fields=["first_name", "last_name"])
    staff_message_failed(board["overdue"], interviewer)
    text = page(client, recruiter).text
    agenda = text[text.index('id="agenda"') : text.index('id="pipeline"')]
    overdue = text[text.index('id="overdue"') : text.index('id="reviews"')]
    incidents = text[text.index('id="incidents"') : text.index('id="messages"')]
    messages = text[text.index('id="messages"') :]
    phone, scheduled, completed, technical, invitation, request, staff = words
    assert f"<td>{phone}</td>" in agenda
    assert f">{scheduled}</span>" in agenda and f">{completed}</span>" in agenda
    assert "<td>林美</td>" in overdue
    assert f">{technical}</span>" in incidents
    candidate_row, staff_row = sorted(messages.split("<tr>")[2:4], key=lambda row: staff in row)
    assert f"<td>{invitation}</td>" in candidate_row and "<td>Ana Souza</td>" in candidate_row
    assert f"<td>{request}</td>" in staff_row
    assert f'<td>林美 <span class="badge neutral">{staff}</span></td>' in staff_row


def test_a_failed_message_may_name_no_interview_and_staff_without_a_name_by_user_name(
    client, recruiter, interviewer, board
):
    staff_message_failed(board["overdue"], interviewer)  # the interviewer has no first or last name
    candidate = board["later"].application.candidate
    invitation = notification_queue(
        template=AccountMessage.PORTAL_INVITATION,
        key=notification_key("test-portal-invitation", candidate.pk),
        candidate=candidate,
        payload={},
    )
    Notification.objects.filter(pk=invitation.pk).update(status=Notification.Status.FAILED, attempts=5)
    text = page(client, recruiter).text
    rows = text[text.index('id="messages"') :].split("<tr>")[2:]
    staff = next(row for row in rows if "Scorecard request" in row)
    assert f'<td>{interviewer.username} <span class="badge neutral">staff</span></td>' in staff
    portal = next(row for row in rows if "Your candidate portal" in row)
    assert "<td>Too Late</td>" in portal and "<td>—</td>" in portal and "/hr/interviews/" not in portal


def test_offers_and_background_checks_are_counted_by_state(client, recruiter, board):
    text = page(client, recruiter).text
    offers = text[text.index("Offers by state") : text.index("Background checks by state")]
    assert re.search(r'<span class="label">Sent</span>.*?<span class="value">1</span>', offers)


def test_each_list_that_names_candidates_is_one_audited_list_event(client, recruiter, board):
    page(client, recruiter)
    # Today's interviews from midnight in the viewer's zone: one held this morning is there too.
    assert listed("interviews.interview", recruiter).target_ids == [
        str(board["on_time"].pk),
        str(board["today"].pk),
        str(board["tomorrow"].pk),
    ]
    assert listed("notifications.notification", recruiter).target_ids == [str(board["failed"].pk)]
    assert listed("interviews.incident", recruiter).target_ids == [str(board["incident"].pk)]
    assert len(listed("interviews.aiassessment", recruiter).target_ids) == 1
    overdue = listed("interviews.interviewassignment", recruiter)
    assert overdue.target_ids == [str(board["overdue"].assignments.get().pk)]
    assert overdue.detail == {"page": "hr-dashboard", "list": "overdue_scorecards"}


def test_dashboard_query_count_stays_flat_with_more_rows(
    client, recruiter, interviewer, board, django_assert_num_queries
):
    client.force_login(recruiter)
    for n in range(3):
        if n:
            add_rows(recruiter, interviewer, n, suffix=str(n))
        DashboardSummary.objects.all().delete()
        with django_assert_num_queries(QUERIES + ASKED):
            assert client.get(DASHBOARD).status_code == 200
        tasks.dashboard_counts_refresh()
        with django_assert_num_queries(QUERIES):
            assert client.get(DASHBOARD).status_code == 200


# Session and user (2); the request's savepoint and its release (2); roles and permissions (1);
# the summary's row (1); six lists (6); an audit event for each list, all in one insert (1; they
# are chained after the commit); whether an open position is in a region that needs a bias audit
# of the AI tools (1: none is, so no tool's audit is read; docs/architecture.md, "Fairness").
QUERIES = 14
# A first view, without counts: the row asking for them (1), and nothing counted.
ASKED = 1


def test_a_viewer_in_another_zone_shares_the_counts_and_gets_their_own_days_from_them(
    client, recruiter, hr_admin, board, django_assert_num_queries
):
    tasks.dashboard_counts_refresh()
    client.force_login(hr_admin)  # in UTC
    with django_assert_num_queries(QUERIES):  # their days are summed from the same row
        text = client.get(DASHBOARD).text
    today = text[text.index("Li Wei") - 400 : text.index("Li Wei")]
    assert "06:30" in today and "14:30" not in today


def test_counts_are_kept_until_beat_counts_again_and_the_page_says_as_of_when(
    client, recruiter, board, clock
):
    client.force_login(recruiter)
    tasks.dashboard_counts_refresh()
    assert "counts as of 10:00" in client.get(DASHBOARD).text
    make_hire(recruiter)
    clock.shift(timedelta(seconds=61))
    text = client.get(DASHBOARD).text
    assert "counts as of 10:00" in text
    assert re.search(r'<span class="label">Sent</span>.*?<span class="value">1</span>', text)

    tasks.dashboard_counts_refresh()

    text = client.get(DASHBOARD).text
    assert "counts as of 10:01" in text
    assert re.search(r'<span class="label">Sent</span>.*?<span class="value">2</span>', text)


def test_dashboard_renders_in_chinese(client, recruiter, board):
    recruiter.preferred_language = "zh-hans"
    recruiter.save(update_fields=["preferred_language"])
    text = page(client, recruiter).text
    assert "仪表板" in text
    assert "今天" in text
    assert "失败的消息" in text
    assert "重试" in text
    assert "<td>02月28日 10:05</td>" in text  # the incident's day and time


def test_the_charts_labels_are_in_each_viewers_language_one_view_after_another(
    client, recruiter, hr_admin, board
):
    hr_admin.preferred_language = "zh-hans"
    hr_admin.save(update_fields=["preferred_language"])
    english, chinese, english_again = (page(client, user).text for user in (recruiter, hr_admin, recruiter))

    with translation.override("zh-hans"):
        applied, accepted = str(Stage.APPLIED.label), str(Offer.Status.ACCEPTED.label)
    assert applied != "Applied" and accepted != "Accepted"
    for text in (english, english_again):
        assert '#stage-applied">Applied</a></span>' in text and '<span class="label">Accepted</span>' in text
        assert applied not in text and accepted not in text
    assert (
        f'#stage-applied">{applied}</a></span>' in chinese
        and f'<span class="label">{accepted}</span>' in chinese
    )


# --- Retrying a failed message ---------------------------------------------------------------------


def test_hr_admin_sees_no_retry_button_and_cannot_post_one(client, hr_admin, board):
    text = page(client, hr_admin).text
    assert "Ana Souza" in text  # the failed message is listed
    assert reverse("hr-message-retry", args=[board["failed"].pk]) not in text
    response = client.post(reverse("hr-message-retry", args=[board["failed"].pk]))
    assert response.status_code == 403
    board["failed"].refresh_from_db()
    assert board["failed"].status == Notification.Status.FAILED


def test_recruiter_retries_a_failed_message_and_it_is_queued_again(client, recruiter, board):
    client.force_login(recruiter)
    url = reverse("hr-message-retry", args=[board["failed"].pk])
    assert url in client.get(DASHBOARD).text
    response = client.post(url, follow=True)
    assert response.redirect_chain == [(DASHBOARD, 302)]
    assert "queued again" in response.text
    board["failed"].refresh_from_db()
    assert (board["failed"].status, board["failed"].attempts) == (Notification.Status.PENDING, 0)
    assert AuditEvent.objects.filter(
        action="update", target_id=str(board["failed"].pk), actor=recruiter, detail__event="retry"
    ).exists()


def test_retrying_a_message_that_is_no_longer_failed_is_a_409_saying_so(client, recruiter, board):
    client.force_login(recruiter)
    url = reverse("hr-message-retry", args=[board["failed"].pk])
    client.post(url)
    response = client.post(url)
    assert response.status_code == 409
    assert "no longer failed" in response.text


def test_retrying_an_unknown_message_is_404(client, recruiter, board):
    client.force_login(recruiter)
    response = client.post(reverse("hr-message-retry", args=["00000000-0000-4000-8000-000000000000"]))
    assert response.status_code == 404


# --- In a real browser -----------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_browser_recruiter_sees_funnel_and_todays_interviews_then_retries_a_message(
    browser_page, clock, interviewer
):
    from playwright.sync_api import expect

    recruiter = make_user(Role.RECRUITER, username="rita", time_zone="Asia/Shanghai")
    position = make_position(recruiter, title_en="Backend engineer")
    today = interview_at(recruiter, shanghai(2027, 3, 2, 14, 30), position=position, name="Li Wei")
    failed = failed_message(today)

    page = browser_page()
    sign_in(page, recruiter)
    assert page.url.endswith(DASHBOARD)
    expect(page.get_by_role("heading", name="Dashboard", level=1)).to_be_visible()
    expect(page.get_by_text("Times in Asia/Shanghai")).to_be_visible()
    # A first view: the lists at once, the counts asked of beat.
    expect(page.get_by_role("status")).to_contain_text("being made in the background")
    expect(page.locator("#pipeline")).to_contain_text("Being counted")
    tasks.dashboard_counts_refresh()  # beat's run, within 15 s
    page.get_by_role("link", name="Reload the page").click()
    expect(page.get_by_text("counts as of 10:00")).to_be_visible()
    funnel = page.locator("article", has=page.get_by_role("heading", name="Backend engineer"))
    expect(funnel.locator("li", has_text="Applied").locator(".value")).to_have_text("1")
    agenda = page.locator("#agenda")
    expect(agenda.get_by_role("row", name=re.compile("14:30 Li Wei"))).to_be_visible()
    expect(agenda.get_by_role("link", name="Li Wei")).to_have_attribute("href", f"/hr/interviews/{today.pk}/")

    page.get_by_role("button", name="Retry the message to Li Wei").click()
    expect(page.get_by_role("status")).to_contain_text("queued again")
    expect(page.get_by_text("No failed messages.")).to_be_visible()
    failed.refresh_from_db()
    assert failed.status == Notification.Status.PENDING
