"""The position services: every field checked with the field named and nothing half-saved, edits
audited by the fields they changed, the moves between open, on hold and closed, a position not
open refusing applications, and a closed position's open applications rejected each on its own."""

import datetime

import pytest
from django.utils import translation

from audit.models import AuditAction, AuditEvent
from candidates.models import Application, Position, Stage
from candidates.services import positions as services
from candidates.services.applications import application_create
from hrsuite.errors import Conflict, Forbidden, InvalidTransition, ValidationFailed
from hrsuite.roles import Role
from notifications.models import Notification
from onboarding.models import Decision
from onboarding.services.decisions import closed_position_reject
from tests.factories import (
    application_awaiting_decision,
    make_application,
    make_candidate,
    make_hire,
    make_position,
    make_user,
)

pytestmark = pytest.mark.django_db


def _fields(**overrides) -> dict:
    return {
        "title_en": "Platform Engineer",
        "title_zh_hans": "平台工程师",
        "department": "Engineering",
        "region": "de-be",
        "time_zone": "Europe/Berlin",
        "headcount": 2,
        "interview_plan": [
            {"kind": "ai_video", "duration_minutes": 30},
            {"kind": "onsite", "duration_minutes": 120},
        ],
        "dimension_weights": {"communication": 0.25, "system_design": 0.75},
        "dimension_labels": {"system_design": {"en": "System design", "zh-hans": "系统设计"}},
        **overrides,
    }


def _refusal(actor, **overrides) -> dict:
    before = (Position.objects.count(), AuditEvent.objects.count())
    with pytest.raises(ValidationFailed) as refused:
        services.position_create(actor=actor, **_fields(**overrides))
    assert (Position.objects.count(), AuditEvent.objects.count()) == before
    return refused.value.fields


# --- Creating one ---------------------------------------------------------------------------------


def test_a_position_is_made_with_every_part_and_one_audit_event(recruiter, interviewer, other_interviewer):
    position = services.position_create(
        actor=recruiter, **_fields(interviewers=[interviewer, str(other_interviewer.pk)])
    )

    position = Position.objects.get(pk=position.pk)
    assert (position.title_en, position.title_zh_hans, position.region) == (
        "Platform Engineer",
        "平台工程师",
        "DE-BE",
    )
    assert position.status == Position.Status.OPEN and position.headcount == 2
    # The recruiter creating it owns it, unless told otherwise.
    assert position.owner == recruiter
    assert set(position.interviewers.all()) == {interviewer, other_interviewer}
    assert [step["kind"] for step in position.interview_plan] == ["ai_video", "onsite"]
    assert position.dimension_labels == {"system_design": {"en": "System design", "zh-hans": "系统设计"}}
    event = AuditEvent.objects.get(action=AuditAction.CREATE, target_type="candidates.position")
    assert event.target_id == str(position.pk) and "interviewers" in event.changed_fields


def test_the_title_and_labels_read_in_the_readers_language_else_the_other(recruiter):
    both = services.position_create(actor=recruiter, **_fields())
    english_only = services.position_create(actor=recruiter, **_fields(title_zh_hans=""))
    with translation.override("zh-hans"):
        assert (both.title, str(english_only)) == ("平台工程师", "Platform Engineer")
        # Its own label, the suite's name of a common dimension, else the key made readable.
        assert [d["label"] for d in both.dimensions()] == ["系统设计", "沟通能力"]
        assert both.dimension_label("team_spirit") == "Team spirit"
    with translation.override("en"):
        assert both.title == "Platform Engineer"
        assert [d["label"] for d in both.dimensions()] == ["System design", "Communication"]
    assert (
        both.title_in("zh-hans") == "平台工程师"
        and both.dimension_label("system_design", "zh-hans") == "系统设计"
    )


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title_en": "", "title_zh_hans": "  "}, "title_en"),
        ({"title_zh_hans": "职" * 201}, "title_zh_hans"),
        ({"department": ""}, "department"),
        ({"region": "XX"}, "region"),
        ({"region": "US-ZZ"}, "region"),
        ({"region": ""}, "region"),
        ({"time_zone": "Mars/Olympus_Mons"}, "time_zone"),
        ({"headcount": 0}, "headcount"),
        ({"headcount": "two"}, "headcount"),
        ({"headcount": 1001}, "headcount"),
        ({"interview_plan": [{"kind": "séance", "duration_minutes": 30}]}, "interview_plan[0].kind"),
        (
            {
                "interview_plan": [
                    {"kind": "phone", "duration_minutes": 30},
                    {"kind": "phone", "duration_minutes": 5},
                ]
            },
            "interview_plan[1].duration_minutes",
        ),
        ({"interview_plan": [{"kind": "phone", "duration_minutes": 30}] * 11}, "interview_plan"),
        ({"dimension_weights": {}}, "dimension_weights"),
        ({"dimension_weights": {"communication": 0.5, "system_design": 0.4}}, "dimension_weights"),
        ({"dimension_weights": {"communication": -0.5, "system_design": 1.5}}, "dimension_weights"),
        ({"dimension_weights": {"Problem Solving": 1}}, "dimension_weights"),
        ({"dimension_weights": {"communication": "much"}}, "dimension_weights"),
        ({"dimension_labels": {"charm": {"en": "Charm"}}}, "dimension_labels"),
        ({"dimension_labels": {"system_design": {"fr": "Conception"}}}, "dimension_labels"),
        ({"rejection_notice_hours": 721}, "rejection_notice_hours"),
        ({"stuck_after_days": 0}, "stuck_after_days"),
        ({"stuck_after_days": 367}, "stuck_after_days"),
        ({"stuck_after_days": "soon"}, "stuck_after_days"),
    ],
)
def test_each_bad_field_is_refused_by_its_name_and_nothing_is_saved(recruiter, overrides, field):
    fields = _refusal(recruiter, **overrides)
    assert field in fields, fields


def test_the_owner_is_a_recruiter_and_the_pool_interviewers(recruiter, interviewer, hr_admin):
    assert set(_refusal(recruiter, owner=interviewer)) == {"owner"}
    assert set(_refusal(recruiter, interviewers=[interviewer, recruiter])) == {"interviewers"}
    assert set(_refusal(recruiter, interviewers=["not-an-id", 2**70])) == {"interviewers"}
    interviewer.is_active = False
    interviewer.save(update_fields=["is_active"])
    assert set(_refusal(recruiter, interviewers=[interviewer])) == {"interviewers"}
    other = make_user(Role.RECRUITER)
    assert services.position_create(actor=recruiter, **_fields(owner=other.pk)).owner == other


def test_every_field_in_error_is_named_at_once(recruiter):
    fields = _refusal(
        recruiter, title_en="", title_zh_hans="", region="XX", headcount=0, dimension_weights={}
    )
    assert set(fields) == {"title_en", "region", "headcount", "dimension_weights"}


def test_a_dimension_may_weigh_nothing_while_the_weights_add_up_to_one(recruiter):
    position = services.position_create(
        actor=recruiter, **_fields(dimension_weights={"communication": 0, "system_design": 1})
    )
    assert position.dimension_weights == {"communication": 0.0, "system_design": 1.0}


def test_hr_admins_and_interviewers_make_no_position(hr_admin, interviewer):
    for user in (hr_admin, interviewer):
        with pytest.raises(Forbidden):
            services.position_create(actor=user, **_fields(owner=make_user(Role.RECRUITER)))
    assert not Position.objects.exists()


# --- Editing one ------------------------------------------------------------------------------------


def test_an_edit_is_checked_whole_and_audited_by_what_it_changed(recruiter, interviewer):
    position = services.position_create(actor=recruiter, **_fields())
    services.position_update(
        position=position, actor=recruiter, headcount=3, interviewers=[interviewer], title_en="Platform Lead"
    )
    position.refresh_from_db()
    assert (position.headcount, position.title_en, list(position.interviewers.all())) == (
        3,
        "Platform Lead",
        [interviewer],
    )
    event = AuditEvent.objects.filter(action=AuditAction.UPDATE, target_id=str(position.pk)).get()
    assert sorted(event.changed_fields) == ["headcount", "interviewers", "title_en"]

    with pytest.raises(ValidationFailed) as refused:
        services.position_update(position=position, actor=recruiter, headcount=4, region="Atlantis")
    assert set(refused.value.fields) == {"region"}
    position.refresh_from_db()
    assert position.headcount == 3  # nothing of a refused edit is saved

    # The same values again change nothing, and say nothing.
    services.position_update(position=position, actor=recruiter, headcount=3)
    assert AuditEvent.objects.filter(action=AuditAction.UPDATE, target_id=str(position.pk)).count() == 1


def test_a_position_from_before_owners_keeps_having_none_until_one_is_chosen(recruiter):
    position = services.position_create(actor=recruiter, **_fields())
    Position.objects.filter(pk=position.pk).update(owner=None)
    services.position_update(position=position, actor=recruiter, headcount=5)
    assert Position.objects.get(pk=position.pk).owner is None
    with pytest.raises(ValidationFailed) as refused:
        services.position_update(position=position, actor=recruiter, owner=None)
    assert set(refused.value.fields) == {"owner"}


def test_hr_admins_change_no_position(recruiter, hr_admin):
    position = services.position_create(actor=recruiter, **_fields())
    with pytest.raises(Forbidden):
        services.position_update(position=position, actor=hr_admin, headcount=9)
    with pytest.raises(Forbidden):
        services.position_transition(position=position, event="close", actor=hr_admin)
    position.refresh_from_db()
    assert (position.headcount, position.status) == (2, Position.Status.OPEN)


# --- Its moves --------------------------------------------------------------------------------------


def test_open_on_hold_closed_and_open_again_each_audited(recruiter):
    position = make_position(recruiter)
    walk = [
        ("hold", "on_hold"),
        ("resume", "open"),
        ("hold", "on_hold"),
        ("close", "closed"),
        ("reopen", "open"),
    ]
    walk += [("close", "closed")]
    for event, status in walk:
        services.position_transition(position=position, event=event, actor=recruiter)
        assert Position.objects.get(pk=position.pk).status == status
    moves = AuditEvent.objects.filter(target_id=str(position.pk), action=AuditAction.UPDATE).order_by("id")
    assert [(e.detail["event"], e.detail["to"]) for e in moves] == walk
    assert all(e.changed_fields == ["status"] for e in moves)


@pytest.mark.parametrize(
    ("status", "event"), [("closed", "hold"), ("closed", "resume"), ("open", "reopen"), ("open", "resume")]
)
def test_a_move_the_table_has_not_is_refused_naming_the_state(recruiter, status, event):
    position = make_position(recruiter)
    Position.objects.filter(pk=position.pk).update(status=status)
    position.refresh_from_db()
    with pytest.raises(InvalidTransition) as refused:
        services.position_transition(position=position, event=event, actor=recruiter)
    assert refused.value.state == status and refused.value.status_code == 409


def test_a_move_reads_the_state_now_not_as_the_page_showed_it(recruiter):
    position = make_position(recruiter)
    shown = Position.objects.get(pk=position.pk)  # as a page read it: open
    services.position_transition(position=position, event="close", actor=recruiter)
    with pytest.raises(InvalidTransition) as refused:
        services.position_transition(position=shown, event="hold", actor=recruiter)
    assert refused.value.state == "closed"
    assert Position.objects.get(pk=position.pk).status == Position.Status.CLOSED


# --- Applications ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("event", "said"), [("hold", "on hold"), ("close", "closed")])
def test_a_position_not_open_takes_no_application(recruiter, event, said):
    position = make_position(recruiter)
    candidate = make_candidate(recruiter)
    services.position_transition(position=position, event=event, actor=recruiter)
    events = AuditEvent.objects.count()
    # The instance in hand still says open: the service reads the state now.
    position.status = Position.Status.OPEN
    with pytest.raises(Conflict) as refused:
        application_create(candidate=candidate, position=position, actor=recruiter)
    assert refused.value.status_code == 409 and refused.value.code == "position_not_open"
    assert list(refused.value.fields) == ["position"] and said in refused.value.message
    assert not Application.objects.exists() and AuditEvent.objects.count() == events
    services.position_transition(
        position=position, event="resume" if event == "hold" else "reopen", actor=recruiter
    )
    assert application_create(candidate=candidate, position=position, actor=recruiter).stage == Stage.APPLIED


def test_closing_the_open_applications_of_a_closed_position_each_on_its_own(recruiter):
    position = make_position(recruiter, rejection_notice_hours=48)
    applied = make_application(recruiter, position=position)
    deciding = application_awaiting_decision(recruiter, position=position)
    offered = make_hire(
        recruiter, application=application_awaiting_decision(recruiter, position=position)
    ).application
    elsewhere = make_application(recruiter)
    ids = [applied.pk, deciding.pk, offered.pk, elsewhere.pk]

    # Only once the position is closed, and with a reason.
    with pytest.raises(Conflict):
        closed_position_reject(position=position, application_ids=ids, reason="Filled.", actor=recruiter)
    services.position_transition(position=position, event="close", actor=recruiter)
    with pytest.raises(ValidationFailed) as refused:
        closed_position_reject(position=position, application_ids=ids, reason=" ", actor=recruiter)
    assert list(refused.value.fields) == ["reason"]

    outcomes = closed_position_reject(
        position=position, application_ids=ids, reason="Filled.", actor=recruiter
    )

    # The application with an offer out is refused, and says why; the others are rejected all
    # the same. The other position's application is not touched.
    by_application = {outcome.application.pk: outcome for outcome in outcomes}
    assert set(by_application) == {applied.pk, deciding.pk, offered.pk}
    assert by_application[applied.pk].done and by_application[deciding.pk].done
    assert not by_application[offered.pk].done and "offer" in by_application[offered.pk].why
    stages = dict(Application.objects.values_list("pk", "stage"))
    assert (stages[applied.pk], stages[deciding.pk]) == (Stage.REJECTED, Stage.REJECTED)
    assert (stages[offered.pk], stages[elsewhere.pk]) == (Stage.OFFER, Stage.APPLIED)
    # Each rejection is a decision of its own, with its audit event and the candidate's message
    # after the position's delay.
    rejections = Decision.objects.filter(outcome="reject")
    assert {d.application_id for d in rejections} == {applied.pk, deciding.pk}
    assert (
        AuditEvent.objects.filter(action=AuditAction.DECISION, target_type="onboarding.decision").count()
        == 2 + 1
    )
    for application in (applied, deciding):
        message = Notification.objects.get(
            template="application_rejected", payload__application=str(application.pk)
        )
        delay = message.due_at - Decision.objects.get(application=application, outcome="reject").decided_at
        assert abs(delay - datetime.timedelta(hours=48)) < datetime.timedelta(minutes=1)


@pytest.mark.django_db(transaction=True)
def test_a_refusal_among_the_rejections_undoes_none_of_the_others(recruiter, hr_admin):
    position = make_position(recruiter)
    first, second = (make_application(recruiter, position=position) for _ in range(2))
    services.position_transition(position=position, event="close", actor=recruiter)
    # The second is rejected elsewhere meanwhile: its own rejection here is refused.
    from onboarding.services.decisions import decision_record

    decision_record(application=second, outcome="reject", reason="Elsewhere.", actor=recruiter)

    outcomes = closed_position_reject(
        position=position, application_ids=[first.pk, second.pk], reason="Filled.", actor=recruiter
    )

    assert [(o.application.pk, o.done) for o in outcomes] == [(first.pk, True), (second.pk, False)]
    assert "rejected" in outcomes[1].why
    assert Application.objects.get(pk=first.pk).stage == Stage.REJECTED
    assert Decision.objects.filter(application=second).count() == 1
    with pytest.raises(Forbidden):
        closed_position_reject(position=position, application_ids=[first.pk], reason="x", actor=hr_admin)
