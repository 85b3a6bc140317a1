"""HR's candidate list: filters (position, stage; the search box is in test_candidate_search.py), one audited
`list` event per page, a fixed number of queries, and the recruiter's "new candidate" and "new
application" forms; HR admins read it without controls, other roles are refused."""

import datetime
import re

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from candidates.models import Application, Candidate, Position
from hrsuite.roles import Role
from interviews.models import Interview
from tests.backoffice.hr_helpers import ACTION_MARK, file_url
from tests.factories import make_application, make_candidate, make_position, make_user
from tests.interviews.scheduling_helpers import frozen_clock, schedule, shanghai

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]
LIST = reverse("hr-candidates")


@pytest.fixture
def clock():
    yield from frozen_clock()


def _candidates(recruiter, count, *, position=None):
    """`count` candidates, each applying for `position` with an interview on Tuesday."""
    position = position or make_position(recruiter)
    made = []
    for n in range(count):
        application = make_application(recruiter, candidate=make_candidate(recruiter), position=position)
        schedule(recruiter, application=application, starts_at=shanghai(2027, 3, 2, 9 + n % 8, 0))
        made.append(application.candidate)
    return made


def _rows(page: str) -> int:
    return page.count('<td><a href="/hr/candidates/')


# --- Reading -------------------------------------------------------------------------------------


@pytest.mark.parametrize("count", [5, 30])
def test_list_reads_a_fixed_number_of_queries_however_many_candidates(
    client, recruiter, count, django_assert_num_queries
):
    _candidates(recruiter, count)
    client.force_login(recruiter)
    # session, user, the request's savepoint and its release, roles and permissions (1), positions
    # for the filter, count, the page's keys, its rows, their applications, their upcoming
    # interviews, the interviewers the bulk action may assign, and the audit event (its insert;
    # it is chained after the commit)
    with django_assert_num_queries(13):
        response = client.get(LIST)
    assert response.status_code == 200
    assert _rows(response.text) == min(count, 25)


def test_each_row_shows_name_email_applications_next_interview_and_last_activity(client, recruiter):
    recruiter.time_zone = "Europe/Berlin"
    recruiter.save(update_fields=["time_zone"])
    (candidate,) = _candidates(recruiter, 1)
    client.force_login(recruiter)
    page = client.get(LIST).text
    assert candidate.full_name in page and candidate.email in page
    # Scheduling moved the application on.
    assert 'class="badge">Interviewing</span>' in page and 'class="badge">Applied</span>' not in page
    # Tuesday 09:00 in Shanghai is 02:00 in Berlin, and the column says so.
    assert "2027-03-02 02:00" in page and "Europe/Berlin" in page
    # The name opens the file, the time the interview.
    assert f'<a href="{file_url(candidate)}">{candidate.full_name}</a>' in page
    assert f'<a href="/hr/interviews/{Interview.objects.get().pk}/"><time' in page


def test_a_row_lists_every_application_and_the_soonest_interview_of_any_of_them(client, recruiter, clock):
    (candidate,) = _candidates(recruiter, 1)  # a first application, its interview on Tuesday 09:00
    clock.shift(datetime.timedelta(minutes=5))
    second = make_application(
        recruiter, candidate=candidate, position=make_position(recruiter, title_en="Tester")
    )
    sooner = schedule(recruiter, application=second, starts_at=shanghai(2027, 3, 1, 15, 0))
    # Cancelled, it is no next interview, though it would be the soonest.
    cancelled = schedule(recruiter, application=second, starts_at=shanghai(2027, 3, 1, 12, 0))
    Interview.objects.filter(pk=cancelled.pk).update(status=Interview.Status.CANCELLED)
    other = _candidates(recruiter, 1)[0]
    client.force_login(recruiter)
    page = client.get(LIST).text
    row = next(r for r in page.split("<tr>") if candidate.full_name in r)
    # Both positions, the latest change first, and the other candidate's interview in no row but theirs.
    assert row.index("Tester") < row.index(
        Application.objects.exclude(pk=second.pk).get(candidate=candidate).position.title
    )
    assert f'<a href="/hr/interviews/{sooner.pk}/"><time' in row and str(cancelled.pk) not in page
    assert other.full_name not in row


def test_a_page_is_one_list_event_with_the_ids_it_shows(client, recruiter):
    shown = _candidates(recruiter, 3)
    client.force_login(recruiter)
    client.get(LIST, {"stage": "interviewing"})
    (event,) = AuditEvent.objects.filter(action="list", target_type="candidates.candidate")
    assert set(event.target_ids) == {str(c.pk) for c in shown}
    assert event.actor == recruiter and event.detail["query"] == {"stage": "interviewing"}


def test_position_and_stage_together_mean_one_application_for_that_position_at_that_stage(client, recruiter):
    engineer, analyst = make_position(recruiter), make_position(recruiter)
    # Interviewing for the engineer post, and applied (not interviewing) for the analyst post.
    (mixed,) = _candidates(recruiter, 1, position=engineer)
    make_application(recruiter, candidate=mixed, position=analyst)
    (analyst_interviewing,) = _candidates(recruiter, 1, position=analyst)
    client.force_login(recruiter)
    page = client.get(LIST, {"position": analyst.pk, "stage": "interviewing"}).text
    assert analyst_interviewing.full_name in page and mixed.full_name not in page
    # The filter form shows what was chosen, and only that.
    assert f'<option value="{analyst.pk}" selected>' in page and f'"{engineer.pk}" selected' not in page
    assert '<option value="interviewing" selected>' in page
    page = client.get(LIST, {"position": engineer.pk}).text
    assert mixed.full_name in page and analyst_interviewing.full_name not in page
    assert f'<option value="{engineer.pk}" selected>' in page and f'"{analyst.pk}" selected' not in page
    assert '"interviewing" selected' not in page


def test_the_filter_offers_every_position_and_the_new_application_only_open_ones(client, recruiter):
    open_post = make_position(recruiter, title_en="Analyst <b>", department="Finance", region="DE")
    closed = make_position(recruiter, title_en="Designer")
    Position.objects.filter(pk=closed.pk).update(status=Position.Status.CLOSED)
    client.force_login(recruiter)
    page = client.get(LIST, {"position": closed.pk}).text
    finder, _rest = page.split('id="f-position"', 1)[1].split("</select>", 1)
    assert f'<option value="{closed.pk}" selected>Designer (Closed)</option>' in finder
    assert f'<option value="{open_post.pk}">Analyst &lt;b&gt;</option>' in finder
    form = page.split('id="na-position"', 1)[1].split("</select>", 1)[0]
    assert f'<option value="{open_post.pk}">Analyst &lt;b&gt; · Finance · DE</option>' in form
    assert str(closed.pk) not in form and " selected" not in form
    # A refused new application keeps the position that was chosen.
    refused = client.post(
        LIST, {"action": "application_for_email", "email": "nobody@example.test", "position": open_post.pk}
    ).text
    form = refused.split('id="na-position"', 1)[1].split("</select>", 1)[0]
    assert f'<option value="{open_post.pk}" selected>' in form


def test_a_bad_filter_value_is_named_and_lists_nothing(client, recruiter):
    _candidates(recruiter, 1)
    client.force_login(recruiter)
    response = client.get(LIST, {"stage": "promoted"})
    assert response.status_code == 400
    assert 'id="f-stage" name="stage" aria-invalid="true"' in response.text
    assert not AuditEvent.objects.filter(action="list").exists()


def test_the_list_pages_through_candidates_keeping_the_filters(client, recruiter):
    _candidates(recruiter, 30)
    client.force_login(recruiter)
    page = client.get(LIST, {"stage": "interviewing"}).text
    assert "Page 1 of 2" in page and "?stage=interviewing&amp;page=2" in page
    second = client.get(LIST, {"stage": "interviewing", "page": 2}).text
    assert _rows(second) == 5


def test_list_in_chinese(client, recruiter):
    recruiter.preferred_language = "zh-hans"
    recruiter.save(update_fields=["preferred_language"])
    _candidates(recruiter, 1)
    client.force_login(recruiter)
    response = client.get(LIST)
    assert response["Content-Language"] == "zh-hans"
    page = response.text
    for text in ("候选人", "新候选人", "新申请", "下一场面试", "最近动态", "面试中"):
        assert text in page, text


# --- Who may open it -----------------------------------------------------------------------------


def test_hr_admin_reads_the_list_without_any_control(client, recruiter, hr_admin):
    (candidate,) = _candidates(recruiter, 1)
    client.force_login(hr_admin)
    page = client.get(LIST).text
    assert candidate.full_name in page
    assert ACTION_MARK not in page and "New candidate" not in page


@pytest.mark.parametrize("role", [Role.INTERVIEWER, Role.CANDIDATE, Role.INTEGRATION])
def test_other_roles_are_refused(client, role):
    client.force_login(make_user(role))
    assert client.get(LIST).status_code == 403
    assert client.post(LIST, {"action": "candidate_create"}).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(LIST)
    assert response.status_code == 302 and response.url.startswith(reverse("sign-in"))


# --- New candidate and new application -----------------------------------------------------------

NEW = {
    "action": "candidate_create",
    "full_name": "Li Wei",
    "email": "li.wei@example.test",
    "phone": "+86 138 0000 0001",
    "region": "cn",
    "time_zone": "Asia/Shanghai",
    "preferred_language": "zh-hans",
    "resume_text": "Ten years of Python.",
    "source": "referral",
}


def test_recruiter_adds_a_candidate_and_lands_on_their_file(client, recruiter):
    client.force_login(recruiter)
    response = client.post(LIST, NEW)
    candidate = Candidate.objects.get()
    assert response.status_code == 302 and response.url == file_url(candidate)
    assert (candidate.full_name, candidate.email, candidate.region) == ("Li Wei", "li.wei@example.test", "CN")
    assert AuditEvent.objects.filter(action="create", target_id=str(candidate.pk)).exists()
    assert "Li Wei is added." in client.get(response.url).text


def test_a_duplicate_email_is_refused_on_its_field_and_nothing_is_added(client, recruiter):
    make_candidate(recruiter, email="li.wei@example.test")
    client.force_login(recruiter)
    response = client.post(LIST, {**NEW, "email": "LI.WEI@example.test"})
    assert response.status_code == 400
    page = response.text
    assert 'name="email" value="LI.WEI@example.test" required autocomplete="off" aria-invalid="true"' in page
    assert "A candidate with this e-mail address exists already." in page
    assert '<details class="card" id="new-candidate" open>' in page
    assert Candidate.objects.count() == 1


def test_missing_fields_are_named_and_nothing_is_added(client, recruiter):
    client.force_login(recruiter)
    response = client.post(
        LIST, {**NEW, "full_name": " ", "email": "not-an-address", "time_zone": "Mars/Base"}
    )
    assert response.status_code == 400
    assert 'id="nc-full_name-errors"' in response.text and "Give a valid e-mail address." in response.text
    # The summary at the top lists every field's error too.
    summary = re.search(r'<div class="status error" role="alert" id="refusal">.*?</div>', response.text, re.S)
    assert re.findall(r"<li>(.*?)</li>", summary.group(0)) == ["Required.", "Give a valid e-mail address."]
    assert not Candidate.objects.exists()


def test_recruiter_adds_an_application_by_the_candidates_email(client, recruiter):
    candidate, position = make_candidate(recruiter), make_position(recruiter)
    client.force_login(recruiter)
    response = client.post(
        LIST, {"action": "application_for_email", "email": candidate.email, "position": position.pk}
    )
    assert response.status_code == 302 and response.url == file_url(candidate)
    assert Application.objects.get().position == position


def test_an_unknown_email_is_refused_and_no_application_is_added(client, recruiter):
    position = make_position(recruiter)
    client.force_login(recruiter)
    response = client.post(
        LIST, {"action": "application_for_email", "email": "nobody@example.test", "position": position.pk}
    )
    assert response.status_code == 400
    assert 'id="na-email-errors"' in response.text
    assert not Application.objects.exists()


def test_hr_admin_cannot_add_candidates(client, hr_admin):
    client.force_login(hr_admin)
    assert client.post(LIST, NEW).status_code == 403
    assert not Candidate.objects.exists()
    assert not Interview.objects.exists()


def test_pages_picked_by_key_first_keep_the_list_order_and_every_row(client, recruiter):
    _candidates(recruiter, 30)
    client.force_login(recruiter)
    first, second = client.get(LIST), client.get(LIST, {"page": "2"})
    shown = [c.pk for c in first.context["page"].object_list] + [
        c.pk for c in second.context["page"].object_list
    ]
    newest_first = list(Candidate.objects.order_by("-created_at", "id").values_list("pk", flat=True))
    assert shown == newest_first
