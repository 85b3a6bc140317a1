"""The people HR's candidate file offers on its forms: on the schedule and assign forms (their markup
is built in the view, once per form) every active interviewer by name, those already assigned left
out of the assign form, and the choices of a refused form kept; on an offer's submit form every
active recruiter by name as an approver."""

import pytest
from django.contrib.auth.models import Group
from django.utils.html import format_html_join
from django.utils.safestring import SafeString, mark_safe

from hrsuite.markup import joined
from hrsuite.roles import Role
from tests.backoffice.hr_helpers import file_url
from tests.factories import make_application, make_hire, make_user
from tests.interviews.scheduling_helpers import frozen_clock, schedule, shanghai

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]


@pytest.fixture
def clock():
    yield from frozen_clock()


def _check(person, *, checked=False) -> str:
    mark = " checked" if checked else ""
    name = person.get_full_name() or person.username
    return f'<input type="checkbox" name="interviewers" value="{person.pk}"{mark}> {name}</label>'


def test_schedule_form_offers_every_active_interviewer_by_name(client, recruiter, interviewer):
    named = make_user(Role.INTERVIEWER, username="lwei", first_name="Wei", last_name="Li & Co")
    gone = make_user(Role.INTERVIEWER, username="gone", is_active=False)
    application = make_application(recruiter)
    client.force_login(recruiter)
    page = client.get(file_url(application.candidate)).text
    assert _check(interviewer) in page
    # The name is escaped like any other text on the page.
    assert f'value="{named.pk}"> Wei Li &amp; Co</label>' in page
    assert f'value="{gone.pk}"' not in page


def test_a_refused_schedule_keeps_the_interviewers_chosen(client, recruiter, interviewer, other_interviewer):
    schedule(recruiter, starts_at=shanghai(2027, 3, 2, 10, 0), interviewers=[interviewer])
    application = make_application(recruiter)
    client.force_login(recruiter)
    response = client.post(
        file_url(application.candidate),
        {
            "action": "schedule",
            "application": application.pk,
            "kind": "live_video",
            "starts_at": "2027-03-02T10:00",
            "time_zone": "Asia/Shanghai",
            "duration_minutes": "45",
            "interviewers": [interviewer.pk],
        },
    )
    assert response.status_code == 400
    form = response.text[response.text.index(f'id="form-schedule-{application.pk}"') :]
    assert _check(interviewer, checked=True) in form
    assert _check(other_interviewer) in form


def test_the_assign_form_leaves_out_who_is_assigned_already(
    client, recruiter, interviewer, other_interviewer
):
    interview = schedule(recruiter, starts_at=shanghai(2027, 3, 2, 10, 0), interviewers=[interviewer])
    client.force_login(recruiter)
    page = client.get(file_url(interview.application.candidate)).text
    select = page[page.index(f'id="as-{interview.pk}"') :]
    select = select[: select.index("</select>")]
    assert f'<option value="{other_interviewer.pk}">interviewer2</option>' in select
    assert f'value="{interviewer.pk}"' not in select


def test_an_offer_names_its_possible_approvers_among_active_recruiters(client, recruiter):
    chinese = make_user(Role.RECRUITER, username="linmei", first_name="美", last_name="林")
    gone = make_user(Role.RECRUITER, username="gone", is_active=False)
    interviewer = make_user(Role.INTERVIEWER, username="not-a-recruiter")
    offer = make_hire(recruiter, send=False)
    client.force_login(recruiter)
    page = client.get(file_url(offer.application.candidate)).text
    select = page[page.index(f'id="os-{offer.pk}-1"') :]
    select = select[: select.index("</select>")]
    assert f'<option value="{recruiter.pk}">recruiter</option>' in select
    assert f'<option value="{chinese.pk}">林美</option>' in select
    assert f'value="{gone.pk}"' not in select and f'value="{interviewer.pk}"' not in select
    # Naming one approver twice is refused, and the form keeps who was chosen where.
    refused = client.post(
        file_url(offer.application.candidate),
        {"action": "offer_submit", "offer": offer.pk, "approver_1": chinese.pk, "approver_2": chinese.pk},
    )
    assert refused.status_code == 400 and "<li>Repeated approver.</li>" in refused.text
    for n in (1, 2, 3):
        select = refused.text[refused.text.index(f'id="os-{offer.pk}-{n}"') :]
        select = select[: select.index("</select>")]
        assert (f'<option value="{chinese.pk}" selected>' in select) == (n < 3), n


@pytest.mark.parametrize("separator", ["", "\n", "<br>"])
def test_choices_markup_is_what_format_html_join_makes(separator):
    template = '<option value="{}"{}>{}</option>'
    rows = [
        ('1" onclick="x', " selected", "Wei <b>Li</b> & 'Co'"),
        ("2", "", "林美"),
        ("3", mark_safe(" data-x"), mark_safe("A &amp; B")),
    ]
    joined_rows = joined(template, rows, separator)
    assert joined_rows == format_html_join(separator, template, rows)
    assert isinstance(joined_rows, SafeString) and "<b>" not in joined_rows and "&amp;amp;" not in joined_rows


def test_someone_with_both_roles_is_offered_as_interviewer_and_as_approver(client, recruiter):
    """The interviewers and the recruiters are read in one query: each list gets its own people."""
    both = make_user(Role.INTERVIEWER, username="both")
    both.groups.add(Group.objects.get(name=Role.RECRUITER))
    interviewer_only = make_user(Role.INTERVIEWER, username="interviewer-only")
    offer = make_hire(recruiter, send=False)
    applied = make_application(recruiter, candidate=offer.application.candidate)
    client.force_login(recruiter)
    page = client.get(file_url(offer.application.candidate)).text
    approvers = page[page.index(f'id="os-{offer.pk}-1"') :]
    approvers = approvers[: approvers.index("</select>")]
    assert approvers.count(f'<option value="{both.pk}">both</option>') == 1
    assert f'value="{interviewer_only.pk}"' not in approvers
    form = page[page.index(f'id="form-schedule-{applied.pk}"') :]
    form = form[: form.index("</form>")]
    assert form.count(_check(both)) == 1 and _check(interviewer_only) in form
    assert f'value="{recruiter.pk}"' not in form
