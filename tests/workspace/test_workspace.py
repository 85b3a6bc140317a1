"""The interviewer workspace: my interviews, one interview with the AI assessment, and my scorecard
from draft to submitted and locked; only what is assigned, in the interviewer's language and zone."""

import datetime
import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditAction, AuditEvent
from hrsuite.roles import Role
from interviews.models import Interview, Scorecard
from interviews.services.assignments import assignment_create, assignment_delete
from interviews.services.feedback import interview_ended
from interviews.services.reviews import human_review_create
from interviews.services.scheduling import assignments_follow, interview_transition
from interviews.services.scorecards import scorecard_save, scorecard_submit
from notifications import rendering
from notifications.models import Notification
from tests.browser import sign_in
from tests.factories import (
    assessment_payload,
    make_application,
    make_interview,
    make_position,
    make_user,
    receive_assessment,
)

PROVIDER = "provider:simulated"
UTC = datetime.UTC


def assigned(recruiter, interviewer, *, starts_in=timedelta(days=2), kind="live_video", **kwargs):
    interview = make_interview(recruiter, starts_in=starts_in, kind=kind, **kwargs)
    assignment_create(interview=interview, interviewer=interviewer, actor=recruiter)
    return interview


def held(interview, *, ended_at=None):
    """The provider reports the interview started and ended: it awaits its scorecards."""
    with transaction.atomic():
        interview_transition(interview=interview, event="started", actor=PROVIDER)
    return interview_ended(interview=interview, ended_at=ended_at or timezone.now(), actor=PROVIDER)


def submitted(interview, interviewer):
    card = scorecard_save(
        interview=interview,
        ratings={"communication": 4, "problem_solving": 3},
        recommendation="yes",
        actor=interviewer,
    )
    return scorecard_submit(scorecard=card, actor=interviewer)


def url(name, interview):
    return reverse(name, kwargs={"pk": interview.pk})


def events(actor, action, target_type):
    return AuditEvent.objects.filter(actor=actor, action=action, target_type=target_type)


@pytest.fixture
def desk(recruiter, interviewer):
    """One interview of each group for `interviewer`: awaiting the scorecard, upcoming, done."""
    awaiting = held(assigned(recruiter, interviewer, starts_in=-timedelta(hours=2)))
    upcoming = assigned(recruiter, interviewer, kind="ai_video")
    done = held(assigned(recruiter, interviewer, starts_in=-timedelta(days=3)))
    submitted(done, interviewer)
    return {"awaiting": awaiting, "upcoming": upcoming, "done": done}


def names_in(html, section):
    """Candidate names listed under one group's heading of the home page."""
    match = re.search(rf'<section class="workspace-group {section}".*?</section>', html, re.S)
    return set(re.findall(r">(Candidate \d+)</a>", match.group(0))) if match else set()


def candidate_name(interview):
    return interview.application.candidate.full_name


# --- Home: my interviews -------------------------------------------------------------------------


@pytest.mark.django_db
def test_home_lists_only_my_interviews_in_their_groups(
    client, recruiter, interviewer, other_interviewer, desk
):
    someone_elses = assigned(recruiter, other_interviewer)
    client.force_login(interviewer)
    response = client.get(reverse("workspace-home"))
    assert response.status_code == 200
    html = response.text
    for group, interview in desk.items():
        assert names_in(html, group) == {candidate_name(interview)}, group
    assert candidate_name(someone_elses) not in html
    # The upcoming AI interview offers its join link; the one awaiting a scorecard links the form.
    assert desk["upcoming"].join_url in html
    assert f'href="{url("workspace-scorecard", desk["awaiting"])}"' in html
    # Each row's name links to that interview's own page.
    for interview in desk.values():
        assert f'<a href="{url("workspace-interview", interview)}">{candidate_name(interview)}</a>' in html


@pytest.mark.django_db
def test_home_follows_a_reschedule_and_a_held_interview(client, recruiter, interviewer):
    """The list is sorted and counted from the assignments' copies of each interview's status
    and start: they must follow every change of either."""
    first = assigned(recruiter, interviewer, starts_in=timedelta(days=2))
    second = assigned(recruiter, interviewer, starts_in=timedelta(days=3))
    with transaction.atomic():
        interview_transition(
            interview=first,
            event="reschedule",
            actor=recruiter,
            changes={"starts_at": first.starts_at + timedelta(days=2)},
        )
    client.force_login(interviewer)
    html = client.get(reverse("workspace-home")).text
    # Upcoming is soonest first: the moved interview is now the later one.
    assert html.index(url("workspace-interview", second)) < html.index(url("workspace-interview", first))

    held(second)
    html = client.get(reverse("workspace-home")).text
    assert names_in(html, "awaiting") == {candidate_name(second)}
    assert names_in(html, "upcoming") == {candidate_name(first)}
    assert _tab_counts(html) == {"all": 2, "awaiting": 1, "upcoming": 1, "done": 0}


def _expected_group(status, card) -> str:
    if status == Interview.Status.COMPLETED:
        return "done" if card == Scorecard.Status.SUBMITTED else "awaiting"
    return "upcoming" if status in (Interview.Status.SCHEDULED, Interview.Status.IN_PROGRESS) else "done"


@pytest.mark.django_db
@pytest.mark.parametrize("status", Interview.Status.values)
@pytest.mark.parametrize("card", [None, Scorecard.Status.DRAFT, Scorecard.Status.SUBMITTED])
def test_each_status_and_scorecard_state_falls_in_its_group(client, recruiter, interviewer, status, card):
    """The group an assignment is sorted, counted and shown in, for every interview status and
    every state of the interviewer's scorecard."""
    interview = assigned(recruiter, interviewer)
    Interview.objects.filter(pk=interview.pk).update(status=status)
    interview.status = status
    if card:
        Scorecard.objects.create(interview=interview, interviewer=interviewer, status=card, notes="")
    assignments_follow(interview)
    group = _expected_group(status, card)
    client.force_login(interviewer)
    html = client.get(reverse("workspace-home")).text
    assert names_in(html, group) == {candidate_name(interview)}
    assert _tab_counts(html)[group] == 1


@pytest.mark.django_db
def test_an_interviewer_assigned_after_the_interview_was_held_finds_it_awaiting(
    client, recruiter, interviewer, other_interviewer
):
    interview = assigned(recruiter, interviewer, starts_in=-timedelta(hours=2))
    read_before = Interview.objects.get(pk=interview.pk)
    held(interview)
    # Assigned from a copy read before the interview was held: its status is read again.
    assignment_create(interview=read_before, interviewer=other_interviewer, actor=recruiter)
    client.force_login(other_interviewer)
    html = client.get(reverse("workspace-home")).text
    assert names_in(html, "awaiting") == {candidate_name(interview)}


@pytest.mark.django_db
def test_a_recruiter_who_also_interviews_sees_only_their_assignments_here(client, recruiter, interviewer):
    from django.contrib.auth.models import Group

    both = make_user(Role.RECRUITER)
    both.groups.add(Group.objects.get(name=Role.INTERVIEWER.value))
    theirs = assigned(recruiter, both)
    someone_elses = assigned(recruiter, interviewer)
    client.force_login(both)
    html = client.get(reverse("workspace-home")).text
    assert names_in(html, "upcoming") == {candidate_name(theirs)}
    assert client.get(url("workspace-interview", someone_elses)).status_code == 404


@pytest.mark.django_db
def test_home_shows_one_group_when_asked(client, interviewer, desk):
    client.force_login(interviewer)
    html = client.get(reverse("workspace-home"), {"show": "awaiting"}).text
    assert names_in(html, "awaiting") == {candidate_name(desk["awaiting"])}
    assert not names_in(html, "upcoming") and not names_in(html, "done")


@pytest.mark.django_db
def test_awaiting_scorecard_is_highlighted_with_its_due_time_and_reminders(client, recruiter, interviewer):
    ended = (timezone.now() - timedelta(days=5)).replace(second=0, microsecond=0)
    interview = held(assigned(recruiter, interviewer, starts_in=-timedelta(days=6)), ended_at=ended)
    due = (ended + timedelta(hours=24)).astimezone(ZoneInfo("Asia/Shanghai"))
    interviewer.time_zone = "Asia/Shanghai"
    interviewer.save(update_fields=["time_zone"])
    client.force_login(interviewer)
    html = client.get(reverse("workspace-home")).text
    row = re.search(r'<tr class="awaiting">.*?</tr>', html, re.S).group(0)
    assert candidate_name(interview) in row
    assert "Overdue" in row  # due 24 hours after the end, long past
    assert f"{due:%a} {due.day} {due:%b %Y, %H:%M}" in row  # the due time in Shanghai
    assert "Reminders sent: 3 of 3." in row


@pytest.mark.django_db
def test_home_shows_times_in_the_interviewers_zone_and_names_it(client, recruiter, interviewer):
    interview = assigned(recruiter, interviewer)
    interview.starts_at = datetime.datetime(2030, 1, 15, 14, 30, tzinfo=UTC)
    Interview.objects.filter(pk=interview.pk).update(starts_at=interview.starts_at)
    interviewer.time_zone = "America/Chicago"
    interviewer.save(update_fields=["time_zone"])
    client.force_login(interviewer)
    html = client.get(reverse("workspace-home")).text
    assert "Tue 15 Jan 2030, 08:30" in html
    assert "America/Chicago" in html


@pytest.mark.django_db
def test_home_records_one_list_event_with_the_interviews_shown(client, interviewer, desk):
    client.force_login(interviewer)
    client.get(reverse("workspace-home"))
    event = events(interviewer, AuditAction.LIST, "interviews.interview").get()
    assert set(event.target_ids) == {str(i.pk) for i in desk.values()}


def _home_queries(client, django_assert_num_queries, interviewer, expected):
    client.force_login(interviewer)
    # The first request of a process reads the ids of the permissions grants name, kept since.
    client.get(reverse("workspace-home"))
    with django_assert_num_queries(expected):
        response = client.get(reverse("workspace-home"))
    assert response.status_code == 200
    return response


# Session, user, the request's savepoint and its release, roles and permissions (one query),
# the assignments counted per group, the page's assignments, the page's interviews (with their
# application, candidate and position), and the one audit event (its insert; it is chained after
# the commit).
HOME_QUERIES = 9


def _placed(recruiter, interviewer, status, *, starts_in):
    """An interview of `interviewer` with this status, its assignment following it."""
    interview = assigned(recruiter, interviewer, starts_in=starts_in)
    Interview.objects.filter(pk=interview.pk).update(status=status)
    interview.status = status
    assignments_follow(interview)
    return interview


@pytest.mark.django_db
@pytest.mark.parametrize("each", [1, 10])
def test_home_query_count_is_the_same_for_3_and_30_interviews(
    client, django_assert_num_queries, recruiter, interviewer, each
):
    # An hour apart: an interviewer cannot be booked twice at once.
    for n in range(each):
        assigned(recruiter, interviewer, starts_in=timedelta(days=2, hours=n))
        _placed(recruiter, interviewer, Interview.Status.COMPLETED, starts_in=-timedelta(days=1, hours=n))
        _placed(recruiter, interviewer, Interview.Status.CANCELLED, starts_in=-timedelta(days=3, hours=n))
    response = _home_queries(client, django_assert_num_queries, interviewer, HOME_QUERIES)
    assert response.text.count('class="awaiting"') == each
    # The last page, and one group alone, cost the same.
    with django_assert_num_queries(HOME_QUERIES):
        assert client.get(reverse("workspace-home"), {"page": 2}).status_code == 200
    with django_assert_num_queries(HOME_QUERIES):
        assert client.get(reverse("workspace-home"), {"show": "done"}).status_code == 200


def _listed_order(html) -> list[str]:
    return re.findall(r'<a href="/workspace/interviews/([0-9a-f-]+)/">', html)


@pytest.mark.django_db
def test_home_lists_in_group_then_time_order_with_ties_by_interview(client, recruiter, interviewer):
    """Awaiting longest waiting first, upcoming soonest first, done latest first; interviews that
    start at the same time in order of their key. Checked against that rule worked out in Python."""
    same_time = -timedelta(days=4)
    interviews = [
        assigned(recruiter, interviewer, starts_in=timedelta(days=2)),
        assigned(recruiter, interviewer, starts_in=timedelta(days=1)),
        _placed(recruiter, interviewer, Interview.Status.COMPLETED, starts_in=-timedelta(days=1)),
        _placed(recruiter, interviewer, Interview.Status.COMPLETED, starts_in=-timedelta(days=2)),
        _placed(recruiter, interviewer, Interview.Status.COMPLETED, starts_in=same_time),
        _placed(recruiter, interviewer, Interview.Status.NO_SHOW, starts_in=-timedelta(days=3)),
        _placed(recruiter, interviewer, Interview.Status.CANCELLED, starts_in=-timedelta(days=5)),
    ]
    # Two more cancelled at the same start as the held one above: three done rows tie.
    interviews += [
        _placed(recruiter, interviewer, Interview.Status.CANCELLED, starts_in=same_time) for _ in range(2)
    ]
    Interview.objects.filter(pk__in=[i.pk for i in interviews[-2:]]).update(starts_at=interviews[4].starts_at)
    for interview in interviews[-2:]:
        interview.refresh_from_db()
        assignments_follow(interview)
    submitted(interviews[4], interviewer)  # held, scorecard in: done

    def rule(interview):
        interview.refresh_from_db()
        group = _expected_group(
            interview.status, Scorecard.Status.SUBMITTED if interview is interviews[4] else None
        )
        start = interview.starts_at.timestamp()
        return (
            ("awaiting", "upcoming", "done").index(group),
            start if group != "done" else -start,
            str(interview.pk),
        )

    expected = [str(i.pk) for i in sorted(interviews, key=rule)]
    client.force_login(interviewer)
    assert _listed_order(client.get(reverse("workspace-home")).text) == expected
    assert _tab_counts(client.get(reverse("workspace-home")).text) == {
        "all": 9,
        "awaiting": 2,
        "upcoming": 2,
        "done": 5,
    }


@pytest.mark.django_db
def test_home_is_paged(client, recruiter, interviewer):
    for n in range(26):
        assigned(recruiter, interviewer, starts_in=timedelta(days=2, hours=n))
    client.force_login(interviewer)
    first = client.get(reverse("workspace-home")).text
    assert "Page 1 of 2" in first
    second = client.get(reverse("workspace-home"), {"page": 2}).text
    assert second.count("<tr>") - 1 == 1  # one row (plus the header row)


def _tab_counts(html) -> dict[str, int]:
    tabs = re.search(r'<nav class="workspace-tabs".*?</nav>', html, re.S).group(0)
    found = re.findall(r'href="[^"?]*(?:\?show=(\w+))?"[^>]*>[^<]*<span class="count">(\d+)</span>', tabs)
    return {key or "all": int(count) for key, count in found}


@pytest.mark.django_db
def test_one_group_is_paged_on_its_own_and_every_tab_keeps_its_count(client, recruiter, interviewer):
    """The page and every tab's count come from one read: the chosen group is listed and paged
    alone, a page past its end shows its last page, and the other groups are still counted."""
    ahead = [assigned(recruiter, interviewer, starts_in=timedelta(days=2, hours=n)) for n in range(26)]
    done = held(assigned(recruiter, interviewer, starts_in=-timedelta(days=3)))
    submitted(done, interviewer)
    client.force_login(interviewer)
    home = reverse("workspace-home")

    first = client.get(home, {"show": "upcoming"}).text
    assert _tab_counts(first) == {"all": 27, "awaiting": 0, "upcoming": 26, "done": 1}
    assert "Page 1 of 2" in first and names_in(first, "upcoming") == {candidate_name(i) for i in ahead[:25]}
    for number in ("2", "5"):  # the last page, also when asked for one past it
        last = client.get(home, {"show": "upcoming", "page": number}).text
        assert "Page 2 of 2" in last, number
        assert names_in(last, "upcoming") == {candidate_name(ahead[25])} and not names_in(last, "done")
    # The done group is paged on its own too, past its end included, though upcoming rows follow it.
    only_done = client.get(home, {"show": "done", "page": "3"}).text
    assert names_in(only_done, "done") == {candidate_name(done)} and not names_in(only_done, "upcoming")
    # An empty group lists nothing, past its end too, and still counts the others.
    for number in ("1", "4"):
        empty = client.get(home, {"show": "awaiting", "page": number}).text
        assert "No scorecards are waiting for you." in empty
        assert _tab_counts(empty) == {"all": 27, "awaiting": 0, "upcoming": 26, "done": 1}
    # All of them: the done interview closes the second page, also for a page number too large
    # for the database; "x" is the first page.
    for number in ("9", "400000000000000000000"):
        assert names_in(client.get(home, {"page": number}).text, "done") == {candidate_name(done)}
    assert "Page 1 of 2" in client.get(home, {"page": "x"}).text


@pytest.mark.django_db
def test_home_with_no_interviews_counts_none(client, interviewer):
    client.force_login(interviewer)
    html = client.get(reverse("workspace-home"), {"page": "3"}).text
    assert "No interviews are assigned to you yet." in html
    assert _tab_counts(html) == {"all": 0, "awaiting": 0, "upcoming": 0, "done": 0}


@pytest.mark.django_db
def test_home_in_chinese(client, interviewer, desk):
    interviewer.preferred_language = "zh-hans"
    interviewer.save(update_fields=["preferred_language"])
    client.force_login(interviewer)
    response = client.get(reverse("workspace-home"))
    assert response["Content-Language"] == "zh-hans"
    for text in ("我的面试", "待提交评分表", "即将进行", "已完成", "填写评分表"):
        assert text in response.text, text


# --- Who may open the workspace ------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["recruiter", "hr_admin", "candidate_user"])
def test_other_roles_are_refused(request, client, recruiter, interviewer, role):
    interview = assigned(recruiter, interviewer)
    client.force_login(request.getfixturevalue(role))
    for address in (
        reverse("workspace-home"),
        url("workspace-interview", interview),
        url("workspace-scorecard", interview),
        url("workspace-scorecard-submit", interview),
    ):
        assert client.get(address).status_code == 403, address
    assert client.post(url("workspace-scorecard", interview), {"action": "save"}).status_code == 403


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_sign_in(client, recruiter, interviewer):
    interview = assigned(recruiter, interviewer)
    response = client.get(url("workspace-scorecard", interview))
    assert response.status_code == 302
    assert response.url.startswith(reverse("sign-in"))


@pytest.mark.django_db
def test_another_interviewers_interview_answers_like_a_missing_one(
    client, recruiter, interviewer, other_interviewer
):
    theirs = held(assigned(recruiter, interviewer, starts_in=-timedelta(hours=2)))
    client.force_login(other_interviewer)
    for name in ("workspace-interview", "workspace-scorecard", "workspace-scorecard-submit"):
        response = client.get(url(name, theirs))
        assert response.status_code == 404, name
        assert candidate_name(theirs) not in response.text
    post = {"action": "save", "rating-communication": "4", "recommendation": "yes"}
    assert client.post(url("workspace-scorecard", theirs), post).status_code == 404
    assert client.post(url("workspace-scorecard-submit", theirs)).status_code == 404
    assert not Scorecard.objects.exists()
    missing = reverse("workspace-interview", kwargs={"pk": "00000000-0000-0000-0000-000000000000"})
    assert client.get(missing).status_code == 404


@pytest.mark.django_db
def test_unassigned_interview_is_gone_from_the_workspace(client, recruiter, interviewer):
    interview = assigned(recruiter, interviewer)
    assignment_delete(assignment=interview.assignments.get(), actor=recruiter)
    client.force_login(interviewer)
    assert client.get(url("workspace-interview", interview)).status_code == 404
    assert candidate_name(interview) not in client.get(reverse("workspace-home")).text


# --- One interview -------------------------------------------------------------------------------


@pytest.fixture
def assessed(recruiter, interviewer):
    """An AI interview that has ended, with an assessment that needs a person to review it."""
    interview = held(assigned(recruiter, interviewer, kind="ai_video", starts_in=-timedelta(hours=2)))
    receive_assessment(interview, assessment_payload(transcript_quality=0.5), actor=PROVIDER)
    return interview


@pytest.mark.django_db
def test_interview_page_shows_the_candidate_and_the_ai_assessment_with_evidence(
    client, interviewer, assessed
):
    client.force_login(interviewer)
    response = client.get(url("workspace-interview", assessed))
    assert response.status_code == 200
    html = response.text
    candidate = assessed.application.candidate
    assert candidate.full_name in html
    assert assessed.application.position.title in html
    assert candidate.resume_text in html
    assert "AI scores inform and never decide" in html
    assert "Needs human review." in html
    assert "I explained the plan to finance" in html and "0:12\u20130:15" in html
    assert "0:40\u20130:44" in html
    assert "Problem solving" in html and "85%" in html  # the dimension and its confidence
    # Contact data stays with HR; the private transcript is not part of the page.
    assert candidate.email not in html and candidate.phone not in html
    assert "billing service" not in html


@pytest.mark.django_db
def test_interview_page_gives_the_time_in_my_zone_and_the_candidates(client, recruiter, interviewer):
    interview = assigned(recruiter, interviewer)  # the candidate is in Asia/Shanghai
    Interview.objects.filter(pk=interview.pk).update(
        starts_at=datetime.datetime(2030, 1, 15, 14, 30, tzinfo=UTC)
    )
    interviewer.time_zone = "Europe/Berlin"
    interviewer.save(update_fields=["time_zone"])
    client.force_login(interviewer)
    html = client.get(url("workspace-interview", interview)).text
    assert "Tue 15 Jan 2030, 15:30" in html and "(Europe/Berlin)" in html
    assert "22:30 for the candidate (Asia/Shanghai)" in html


@pytest.mark.django_db
def test_interview_page_records_what_was_read(client, interviewer, assessed):
    client.force_login(interviewer)
    client.get(url("workspace-interview", assessed))
    candidate_id = assessed.application.candidate_id
    viewed = AuditEvent.objects.filter(actor=interviewer, action=AuditAction.VIEW)
    assert {e.target_type for e in viewed} == {
        "interviews.interview",
        "candidates.candidate",
        "interviews.aiassessment",
    }
    assert {e.candidate_id for e in viewed} == {candidate_id}


@pytest.mark.django_db
def test_interview_page_shows_the_reviews_of_each_score_oldest_first(client, recruiter, interviewer):
    interview = held(assigned(recruiter, interviewer, kind="ai_video", starts_in=-timedelta(hours=2)))
    payload = assessment_payload()
    quoteless = {**payload["dimensions"][1], "confidence": 0.3, "evidence": []}
    payload["dimensions"] = [payload["dimensions"][0], quoteless]
    assessment = receive_assessment(interview, payload, actor=PROVIDER)
    scores = {score.dimension: score for score in assessment.dimensions.all()}
    communication = scores["communication"]
    human_review_create(
        dimension_score=communication, outcome="override", score=61, reason="Vague.", actor=recruiter
    )
    human_review_create(dimension_score=communication, outcome="confirm", reason="Agreed.", actor=recruiter)
    client.force_login(interviewer)
    html = client.get(url("workspace-interview", interview)).text
    blocks = html.split('<div class="ai-dimension">')[1:]
    headings = [re.search(r"<h3>(.*?)</h3>", block).group(1) for block in blocks]
    assert headings == ["Communication", "Problem solving"]
    reviews = re.findall(r'<span class="badge neutral">(.*?)</span>', blocks[0])
    assert reviews == ["A person changed the score to 61", "A person confirmed the score"]
    assert "I explained the plan to finance" in blocks[0] and "Low confidence" not in blocks[0]
    assert "badge neutral" not in blocks[1]
    assert "No quotes were given for this score." in blocks[1] and "Low confidence" in blocks[1]
    assert "Vague." not in html  # the reviewer's reason is HR's


@pytest.mark.django_db
def test_interview_page_names_every_interviewer(client, recruiter, interviewer):
    interview = assigned(recruiter, interviewer)
    colleague = make_user(Role.INTERVIEWER, username="colleague", first_name="Ada", last_name="Byron")
    assignment_create(interview=interview, interviewer=colleague, actor=recruiter)
    client.force_login(interviewer)
    html = client.get(url("workspace-interview", interview)).text
    named = re.search(r"<dt>Interviewers</dt><dd>(.*?)</dd>", html).group(1)
    assert sorted(named.split(", ")) == sorted(
        ["Ada Byron", f"{interviewer.get_full_name() or interviewer.get_username()} (you)"]
    )


# Session, user, the request's savepoint and its release, roles and permissions (one query); the
# interview (with its application and position) and its interviewers; the candidate; their
# current résumé file; the AI assessment with its scores and their reviews; my scorecard; the
# accommodations that apply (none here); and the `view` events of the records read, in one insert.
INTERVIEW_QUERIES = 13


@pytest.mark.django_db
def test_interview_page_query_count(client, django_assert_num_queries, interviewer, assessed):
    client.force_login(interviewer)
    # The first request of a process reads the ids of the permissions grants name, kept since.
    client.get(url("workspace-interview", assessed))
    with django_assert_num_queries(INTERVIEW_QUERIES):
        assert client.get(url("workspace-interview", assessed)).status_code == 200


# --- The scorecard -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_scorecard_draft_then_submit_then_locked(client, interviewer, assessed):
    client.force_login(interviewer)
    form = url("workspace-scorecard", assessed)
    page = client.get(form)
    assert page.status_code == 200
    assert 'name="rating-communication"' in page.text and 'name="rating-problem_solving"' in page.text
    assert "AI scores inform and never decide" in page.text  # the assessment beside the form

    draft = {"action": "save", "rating-communication": "4", "notes": "Clear about trade-offs."}
    response = client.post(form, draft, follow=True)
    assert response.redirect_chain == [(form, 302)]
    assert "Draft saved." in response.text
    card = Scorecard.objects.get(interview=assessed, interviewer=interviewer)
    assert (card.status, card.ratings, card.notes) == (
        "draft",
        {"communication": 4},
        "Clear about trade-offs.",
    )
    assert 'value="4" checked' in response.text and "Clear about trade-offs." in response.text

    full = {**draft, "action": "submit", "rating-problem_solving": "3", "recommendation": "yes"}
    response = client.post(form, full)
    assert response.status_code == 302 and response.url == url("workspace-scorecard-submit", assessed)
    confirm = client.get(response.url)
    assert "Submit your scorecard?" in confirm.text and "you cannot change it" in confirm.text
    card.refresh_from_db()
    assert card.status == "draft"  # nothing is submitted before the confirmation

    response = client.post(url("workspace-scorecard-submit", assessed), follow=True)
    assert response.redirect_chain == [(form, 302)]
    card.refresh_from_db()
    assert card.status == "submitted" and card.ratings == {"communication": 4, "problem_solving": 3}
    assert "Scorecard submitted." in response.text
    assert '<form method="post" action="' + form not in response.text  # read-only now
    assert "Above the bar" in response.text and "Meets the bar" in response.text

    writes = events(interviewer, AuditAction.UPDATE, "interviews.scorecard").count()
    refused = client.post(form, {**full, "action": "save", "rating-communication": "1", "notes": "changed"})
    assert refused.status_code == 409
    assert "locked" in refused.text and "Nothing was changed." in refused.text
    assert client.post(url("workspace-scorecard-submit", assessed)).status_code == 409
    card.refresh_from_db()
    assert (
        card.ratings == {"communication": 4, "problem_solving": 3} and card.notes == "Clear about trade-offs."
    )
    assert events(interviewer, AuditAction.UPDATE, "interviews.scorecard").count() == writes


@pytest.mark.django_db
def test_scorecard_writes_are_audited(client, interviewer, assessed):
    client.force_login(interviewer)
    form = url("workspace-scorecard", assessed)
    client.post(form, {"action": "save", "rating-communication": "4"})
    client.post(form, {"action": "save", "rating-communication": "5", "rating-problem_solving": "4"})
    client.post(
        form,
        {
            "action": "submit",
            "rating-communication": "5",
            "rating-problem_solving": "4",
            "recommendation": "strong_yes",
        },
    )
    client.post(url("workspace-scorecard-submit", assessed))
    card = Scorecard.objects.get()
    writes = AuditEvent.objects.filter(actor=interviewer, target_id=str(card.pk)).exclude(
        action=AuditAction.VIEW
    )
    assert [(e.action, e.changed_fields) for e in writes.order_by("id")] == [
        (AuditAction.CREATE, ["notes", "ratings", "recommendation"]),
        (AuditAction.UPDATE, ["notes", "ratings", "recommendation"]),
        (AuditAction.UPDATE, ["notes", "ratings", "recommendation"]),
        (AuditAction.UPDATE, ["status", "submitted_at"]),
    ]


@pytest.mark.django_db
def test_bad_rating_is_a_field_error_naming_the_dimension_and_nothing_is_saved(client, interviewer, assessed):
    client.force_login(interviewer)
    form = url("workspace-scorecard", assessed)
    post = {"action": "save", "rating-communication": "7", "rating-problem_solving": "3", "notes": "Kept"}
    response = client.post(form, post)
    assert response.status_code == 400
    html = response.text
    assert "Nothing was saved." in html
    assert "Communication: choose a whole number from 1 to 5." in html
    assert 'aria-describedby="rating-communication-errors"' in html
    assert 'aria-describedby="rating-problem_solving-errors"' not in html
    assert 'name="rating-problem_solving" value="3" checked' in html and ">Kept</textarea>" in html
    assert not Scorecard.objects.exists()
    assert not events(interviewer, AuditAction.CREATE, "interviews.scorecard").exists()


@pytest.mark.django_db
def test_submitting_an_incomplete_scorecard_names_what_is_missing(client, interviewer, assessed):
    client.force_login(interviewer)
    client.post(url("workspace-scorecard", assessed), {"action": "submit", "rating-communication": "4"})
    confirm = client.get(url("workspace-scorecard-submit", assessed))
    assert "Not rated" in confirm.text and "Not given" in confirm.text
    response = client.post(url("workspace-scorecard-submit", assessed))
    assert response.status_code == 400
    assert "Problem solving: rate it before you submit." in response.text
    assert "Choose a recommendation." in response.text
    assert 'name="rating-communication" value="4" checked' in response.text
    assert Scorecard.objects.get().status == "draft"


@pytest.mark.django_db
def test_scorecard_page_in_chinese(client, interviewer, assessed):
    interviewer.preferred_language = "zh-hans"
    interviewer.save(update_fields=["preferred_language"])
    client.force_login(interviewer)
    response = client.post(
        url("workspace-scorecard", assessed), {"action": "save", "rating-communication": "9"}
    )
    assert response.status_code == 400
    for text in ("评分表", "保存草稿", "沟通能力", "AI 评分仅供参考"):
        assert text in response.text, text
    assert "沟通能力：请选择 1 到 5 的整数。" in response.text  # noqa: RUF001


@pytest.mark.django_db
def test_the_scorecard_address_in_the_e_mails_is_the_form(interviewer, assessed):
    request = Notification.objects.get(template="scorecard_request", recipient_user=interviewer)
    assert url("workspace-scorecard", assessed) in rendering.render(request).body


# --- In a real browser ---------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_browser_interviewer_scores_an_interview_with_the_keyboard_and_cannot_open_others(browser_page):
    recruiter = make_user(Role.RECRUITER)
    ivy = make_user(Role.INTERVIEWER, username="ivy", first_name="Ivy", last_name="Chen")
    other = make_user(Role.INTERVIEWER)
    position = make_position(recruiter, title_en="Backend Engineer")
    mine = held(
        assigned(
            recruiter,
            ivy,
            application=make_application(recruiter, position=position),
            starts_in=-timedelta(hours=2),
        )
    )
    theirs = held(assigned(recruiter, other, starts_in=-timedelta(hours=2)))

    page = browser_page()
    sign_in(page, ivy)
    assert page.url.endswith(reverse("workspace-home"))
    assert page.get_by_role("heading", name=re.compile("Awaiting my scorecard")).is_visible()
    assert page.get_by_role("link", name=candidate_name(mine), exact=True).is_visible()
    assert page.get_by_text(candidate_name(theirs)).count() == 0

    page.get_by_role("link", name=candidate_name(mine), exact=True).click()
    page.get_by_role("link", name="Write scorecard").click()
    assert page.get_by_role("heading", name=re.compile("Scorecard")).first.is_visible()

    # Keyboard only: focus the first rating of the weightiest dimension, arrow to the value, tab on.
    page.get_by_role("radio", name=re.compile("^1 ")).first.focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")  # problem solving (weight 60%): 4
    page.keyboard.press("Tab")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")  # communication: 3
    page.keyboard.press("Tab")
    page.keyboard.press("ArrowRight")  # recommendation: the second choice, "Yes"
    page.keyboard.press("Tab")
    page.keyboard.type("Explained the trade-offs clearly.")
    page.keyboard.press("Tab")  # Save draft
    page.keyboard.press("Tab")  # Submit…
    assert page.evaluate("document.activeElement.value") == "submit"
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/scorecard/submit/$"))
    page.get_by_role("button", name="Submit scorecard").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/scorecard/$"))

    assert page.get_by_role("status").get_by_text("Scorecard submitted.").is_visible()
    assert page.get_by_role("button", name="Save draft").count() == 0  # locked: read-only
    card = Scorecard.objects.get(interview=mine, interviewer=ivy)
    assert (card.status, card.ratings, card.recommendation) == (
        "submitted",
        {"communication": 3, "problem_solving": 4},
        "yes",
    )
    assert card.notes == "Explained the trade-offs clearly."

    response = page.goto(url("workspace-interview", theirs))
    assert response.status == 404
    assert page.get_by_role("heading", name="Not found").is_visible()
    assert page.get_by_text(candidate_name(theirs)).count() == 0
