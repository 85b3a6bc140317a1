"""HR's position pages as each role: recruiters create, edit, move and close positions and their
open applications; HR admins read without a control and are refused every POST (403); interviewers
and candidates open none of them. Refused forms come back with their values and the field named."""

import pytest
from django.urls import reverse
from django.utils import translation

from audit.models import AuditAction, AuditEvent
from candidates.models import Application, Position, Stage
from candidates.services.positions import position_transition
from hrsuite.roles import Role
from onboarding.models import Decision
from tests.factories import (
    application_awaiting_decision,
    make_application,
    make_hire,
    make_position,
    make_user,
)

pytestmark = pytest.mark.django_db

LIST = reverse("hr-positions")
NEW = reverse("hr-position-new")


def _page(position) -> str:
    return reverse("hr-position", args=[position.pk])


def _edit(position) -> str:
    return reverse("hr-position-edit", args=[position.pk])


def _close_applications(position) -> str:
    return reverse("hr-position-close-applications", args=[position.pk])


def _form(**overrides) -> dict:
    """The position form as a recruiter fills it: two plan steps, two dimensions in two rows of the
    form, the blank rows left blank."""
    return {
        "title_en": "Site Reliability Engineer",
        "title_zh_hans": "站点可靠性工程师",
        "department": "Engineering",
        "region": "CN",
        "time_zone": "Asia/Shanghai",
        "headcount": "2",
        "plan-0-kind": "ai_video",
        "plan-0-duration_minutes": "30",
        "plan-1-kind": "",
        "plan-1-duration_minutes": "",
        "plan-2-kind": "live_video",
        "plan-2-duration_minutes": "60",
        "dimension-0-key": "communication",
        "dimension-0-weight": "0.4",
        "dimension-0-label_en": "",
        "dimension-0-label_zh_hans": "",
        "dimension-1-key": "incident_response",
        "dimension-1-weight": "0.6",
        "dimension-1-label_en": "Incident response",
        "dimension-1-label_zh_hans": "故障响应",
        "rejection_notice_hours": "",
        **overrides,
    }


@pytest.fixture
def signed_in(client, recruiter):
    client.force_login(recruiter)
    return client


# --- Who opens them ---------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.INTERVIEWER, Role.CANDIDATE])
def test_interviewers_and_candidates_open_no_position_page(client, recruiter, role):
    position = make_position(recruiter)
    position_transition(position=position, event="close", actor=recruiter)
    client.force_login(make_user(role))
    for url in (
        LIST,
        NEW,
        _page(position),
        _edit(position),
        reverse("hr-position-closing", args=[position.pk]),
    ):
        assert client.get(url).status_code == 403, url
    for url in (NEW, _page(position), _edit(position), _close_applications(position)):
        assert client.post(url, {"action": "reopen", "reason": "x", **_form()}).status_code == 403, url
    assert Position.objects.get().status == Position.Status.CLOSED


def test_hr_admins_read_the_positions_without_a_control_and_change_nothing(client, recruiter, hr_admin):
    position = make_position(recruiter, title_en="Analyst")
    make_application(recruiter, position=position)
    position_transition(position=position, event="close", actor=recruiter)
    client.force_login(hr_admin)

    listing, page = client.get(LIST), client.get(_page(position))
    assert listing.status_code == page.status_code == 200
    assert "Analyst" in listing.text and NEW not in listing.text
    assert 'name="action"' not in page.text and _edit(position) not in page.text
    assert _close_applications(position) not in page.text
    assert "HR admins see everything and change nothing" in page.text
    # The forms' own pages are not theirs, and every POST is refused.
    assert client.get(NEW).status_code == client.get(_edit(position)).status_code == 403
    assert client.post(NEW, _form()).status_code == 403
    assert client.post(_edit(position), _form()).status_code == 403
    assert client.post(_page(position), {"action": "reopen"}).status_code == 403
    assert client.post(_close_applications(position), {"step": "confirm", "reason": "x"}).status_code == 403
    assert Position.objects.count() == 1 and Position.objects.get().status == Position.Status.CLOSED
    assert Application.objects.get().stage == Stage.APPLIED


def test_the_menu_leads_hr_to_the_positions(client, recruiter, hr_admin, interviewer):
    for user, shown in ((recruiter, True), (hr_admin, True), (interviewer, False)):
        client.force_login(user)
        home = client.get(reverse("hr-dashboard") if shown else reverse("workspace-home")).text
        assert (f'href="{LIST}"' in home) is shown


def test_a_position_no_one_may_see_is_a_404(signed_in):
    missing = "00000000-0000-4000-8000-000000000000"
    for name in ("hr-position", "hr-position-edit", "hr-position-closing"):
        assert signed_in.get(reverse(name, args=[missing])).status_code == 404


# --- The list ------------------------------------------------------------------------------------------


def test_the_list_shows_each_title_in_the_readers_language_filtered_and_audited(signed_in, recruiter):
    both = make_position(recruiter, title_en="Data Engineer", title_zh_hans="数据工程师")
    chinese_only = make_position(recruiter, title_en="", title_zh_hans="测试工程师")
    held = make_position(recruiter, title_en="Designer")
    position_transition(position=held, event="hold", actor=recruiter)

    english = signed_in.get(LIST).text
    assert "Data Engineer" in english and "数据工程师" not in english and "测试工程师" in english
    recruiter.preferred_language = "zh-hans"
    recruiter.save(update_fields=["preferred_language"])
    chinese = signed_in.get(LIST).text
    assert "数据工程师" in chinese and "Data Engineer" not in chinese and "Designer" in chinese

    on_hold = signed_in.get(LIST, {"status": "on_hold"}).text
    assert "Designer" in on_hold and "数据工程师" not in on_hold
    assert signed_in.get(LIST, {"status": "sunk"}).status_code == 400
    listed = (
        AuditEvent.objects.filter(action="list", target_type="candidates.position").order_by("id").first()
    )
    assert set(listed.target_ids) == {str(p.pk) for p in (both, chinese_only, held)}


# --- Creating and editing -----------------------------------------------------------------------------


def test_a_recruiter_creates_a_position_with_everything_and_lands_on_its_page(
    signed_in, recruiter, interviewer, other_interviewer
):
    response = signed_in.post(NEW, _form(interviewers=[interviewer.pk, other_interviewer.pk]))

    position = Position.objects.get()
    assert response.status_code == 302 and response.url == _page(position)
    assert (position.title_en, position.title_zh_hans, position.headcount) == (
        "Site Reliability Engineer",
        "站点可靠性工程师",
        2,
    )
    assert position.owner == recruiter and set(position.interviewers.all()) == {
        interviewer,
        other_interviewer,
    }
    # The blank plan row is left out; the steps keep their order.
    assert position.interview_plan == [
        {"kind": "ai_video", "duration_minutes": 30},
        {"kind": "live_video", "duration_minutes": 60},
    ]
    assert position.dimension_weights == {"communication": 0.4, "incident_response": 0.6}
    assert position.dimension_labels == {
        "incident_response": {"en": "Incident response", "zh-hans": "故障响应"}
    }
    page = signed_in.get(response.url).text
    for shown in (
        "Site Reliability Engineer",
        "站点可靠性工程师",
        "Incident response",
        "60%",
        "AI video",
        "Live video",
    ):
        assert shown in page, shown
    assert AuditEvent.objects.filter(action=AuditAction.CREATE, target_id=str(position.pk)).exists()


def test_a_refused_form_comes_back_with_its_values_and_each_field_named(signed_in):
    response = signed_in.post(
        NEW,
        _form(
            region="Atlantis",
            headcount="many",
            **{"plan-2-duration_minutes": "600", "dimension-1-weight": "0.5", "title_en": "Keep me"},
        ),
    )
    assert response.status_code == 400
    assert not Position.objects.exists()
    errors = response.context["form"].errors
    assert set(errors) == {"region", "headcount", "interview_plan[1]_duration_minutes", "dimension_weights"}
    text = response.text
    assert 'id="ps-region-errors"' in text and 'id="ps-headcount-errors"' in text
    assert 'id="ps-plan-1-duration_minutes-errors"' in text and "add up to 1" in text
    assert 'value="Keep me"' in text and 'value="Atlantis"' in text


def test_a_dimension_named_in_two_rows_is_refused_before_anything_is_written(signed_in):
    response = signed_in.post(NEW, _form(**{"dimension-1-key": "communication"}))
    assert response.status_code == 400 and "named twice" in response.text
    assert not Position.objects.exists()


def test_the_edit_form_shows_the_position_and_saves_what_changed(signed_in, recruiter, interviewer):
    signed_in.post(NEW, _form())
    position = Position.objects.get()
    form = signed_in.get(_edit(position))
    assert form.status_code == 200
    assert 'value="站点可靠性工程师"' in form.text and 'value="incident_response"' in form.text

    response = signed_in.post(
        _edit(position),
        _form(
            owner=recruiter.pk,
            headcount="4",
            interviewers=[interviewer.pk],
            **{"dimension-1-label_zh_hans": "事故响应"},
        ),
    )
    assert response.status_code == 302 and response.url == _page(position)
    position.refresh_from_db()
    assert position.headcount == 4 and list(position.interviewers.all()) == [interviewer]
    assert position.dimension_labels["incident_response"]["zh-hans"] == "事故响应"
    edit = AuditEvent.objects.get(action=AuditAction.UPDATE, target_id=str(position.pk))
    assert sorted(edit.changed_fields) == ["dimension_labels", "headcount", "interviewers"]


# --- Moves ---------------------------------------------------------------------------------------------


def test_the_page_offers_the_moves_of_the_positions_state_and_makes_them(signed_in, recruiter):
    position = make_position(recruiter)
    page = signed_in.get(_page(position)).text
    assert 'value="hold"' in page and 'value="close"' in page and 'value="reopen"' not in page

    response = signed_in.post(_page(position), {"action": "hold"})
    assert response.status_code == 302
    assert "takes no new applications" in signed_in.get(response.url).text
    assert Position.objects.get().status == Position.Status.ON_HOLD

    # A move the state no longer allows (a stale page) is a 409 that says the state.
    refused = signed_in.post(_page(position), {"action": "reopen"})
    assert refused.status_code == 409 and "on_hold" in refused.text
    assert signed_in.post(_page(position), {"action": "explode"}).status_code == 400


# --- Closing the open applications -------------------------------------------------------------------


def test_a_closed_positions_open_applications_are_rejected_after_a_confirmation(signed_in, recruiter):
    position = make_position(recruiter, title_en="Tester")
    applied = make_application(recruiter, position=position)
    deciding = application_awaiting_decision(recruiter, position=position)
    offered = make_hire(recruiter, application=application_awaiting_decision(recruiter, position=position))
    offered = offered.application
    hired_elsewhere = make_application(recruiter)

    # Open: nothing of the kind is offered, and a POST is refused.
    assert _close_applications(position) not in signed_in.get(_page(position)).text
    assert signed_in.post(_close_applications(position), {"reason": "Filled."}).status_code == 409
    position_transition(position=position, event="close", actor=recruiter)

    page = signed_in.get(_page(position)).text
    assert "Open applications" in page and _close_applications(position) in page
    assert signed_in.post(_close_applications(position), {"reason": " "}).status_code == 400

    # The confirmation says how many, and changes nothing.
    review = signed_in.post(_close_applications(position), {"reason": "The position is filled."})
    assert review.status_code == 200
    assert "3 applications will be rejected" in review.text and "Reject 3 applications" in review.text
    assert Application.objects.filter(stage=Stage.REJECTED).count() == 0

    chosen = [str(a.pk) for a in (applied, deciding, offered, hired_elsewhere)]
    done = signed_in.post(
        _close_applications(position),
        {"step": "confirm", "reason": "The position is filled.", "application": chosen},
    )
    assert done.status_code == 302 and done.url == reverse("hr-position-closing", args=[position.pk])
    result = signed_in.get(done.url)
    assert result.status_code == 200
    assert "2 rejected, 1 refused." in result.text
    refused = result.context["refused"]
    assert [row["application"] for row in refused] == [str(offered.pk)] and "offer" in refused[0]["why"]
    assert {row["application"] for row in result.context["done"]} == {str(applied.pk), str(deciding.pk)}
    stages = dict(Application.objects.values_list("pk", "stage"))
    assert stages[applied.pk] == stages[deciding.pk] == Stage.REJECTED
    assert stages[offered.pk] == Stage.OFFER and stages[hired_elsewhere.pk] == Stage.APPLIED
    assert Decision.objects.filter(outcome="reject").count() == 2
    # What is left open is listed on the position's page.
    assert "1 application of this position is still open." in result.text


def test_the_positions_page_speaks_the_readers_language(client, recruiter):
    position = make_position(
        recruiter,
        title_en="Support Engineer",
        title_zh_hans="技术支持工程师",
        dimension_weights={"communication": 0.5, "troubleshooting": 0.5},
        dimension_labels={"troubleshooting": {"en": "Troubleshooting", "zh-hans": "故障排查"}},
    )
    reader = make_user(Role.RECRUITER, preferred_language="zh-hans")
    client.force_login(reader)
    page = client.get(_page(position)).text
    with translation.override("zh-hans"):
        assert "<h1>技术支持工程师</h1>" in page and "故障排查" in page and "沟通能力" in page
