"""Accommodations (docs/architecture.md, "Accommodations"): asked for by the candidate in the portal
or through their interview link, answered by a recruiter by a deadline, audited; granted extra time
lengthens the booked slot without ever booking an interviewer twice, and an evaluation by a person
only keeps the AI from assessing the interview, as refused consent does."""

from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from audit.models import AuditAction, AuditEvent
from candidates.services.candidates import candidate_portal_link
from hrsuite.errors import Conflict, Forbidden, InvalidTransition, NotFound, ValidationFailed
from hrsuite.links import link_actor
from interviews.models import Accommodation, AIAssessment, Interview, InterviewAssignment
from interviews.notices import InterviewMessage
from interviews.services import accommodations
from interviews.services.assessments import WITHHELD_HUMAN_ONLY, assessment_ingest
from interviews.services.candidate_links import interview_token
from notifications.models import Notification
from notifications.rendering import render
from tests.factories import assessment_payload, give_consent, hold_interview
from tests.interviews.scheduling_helpers import application_in, frozen_clock, schedule, shanghai

pytestmark = pytest.mark.usefixtures("clock")

WORDS = "I have dyslexia and read questions slowly."


@pytest.fixture
def clock():
    yield from frozen_clock()


@pytest.fixture
def booked(recruiter, interviewer, candidate_user):
    """An AI interview on Tuesday at 10:00 in Shanghai, 45 minutes, `interviewer` assigned; its
    candidate signs in to the portal as `candidate_user`."""
    application = application_in(recruiter)
    candidate_portal_link(candidate=application.candidate, user=candidate_user, actor=recruiter)
    return schedule(recruiter, application=application, interviewers=[interviewer], kind="ai_video")


def _ask(interview, actor, kind="extra_time", **kwargs):
    if kind == "extra_time":
        kwargs.setdefault("extra_minutes", 30)
    return accommodations.accommodation_request(interview=interview, kind=kind, actor=actor, **kwargs)


def _sealed(accommodation, column="words") -> str:
    """The column as stored: `values_list` reads the ciphertext, not the value."""
    return Accommodation.objects.filter(pk=accommodation.pk).values_list(column, flat=True).get()


# --- Asking ---------------------------------------------------------------------------------------


def test_the_candidate_asks_in_the_portal_and_the_recruiters_are_told(booked, candidate_user, recruiter):
    asked = _ask(booked, candidate_user, words=WORDS)

    assert (asked.state, asked.kind, asked.extra_minutes, asked.channel) == (
        "requested",
        "extra_time",
        30,
        "portal",
    )
    assert Accommodation.objects.get(pk=asked.pk).words == WORDS
    # Sealed under the candidate's own key, never in the clear.
    sealed = _sealed(asked)
    assert sealed.startswith("p1:") and WORDS not in sealed
    (event,) = AuditEvent.objects.filter(target_id=str(asked.pk), action=AuditAction.CREATE)
    assert event.candidate_id == booked.application.candidate_id
    assert event.detail["kind"] == "extra_time" and event.detail["extra_minutes"] == 30
    assert "dyslexia" not in str(event.detail) and "dyslexia" not in str(event.personal)
    (told,) = Notification.objects.filter(template=InterviewMessage.ACCOMMODATION_REQUESTED)
    assert told.recipient_user == recruiter and told.payload["accommodation"] == str(asked.pk)
    # The recruiters' e-mail names the kind and the deadline, never what the candidate wrote.
    body = render(told).body
    assert "Extra time (30 minutes)" in body and "dyslexia" not in body


def test_the_answer_is_due_in_three_working_days_and_never_after_the_interview(booked, candidate_user):
    friday = datetime(2027, 3, 5, 9, tzinfo=UTC)
    far = friday + timedelta(days=30)
    assert accommodations.answer_by_for(requested_at=friday, starts_at=far) == datetime(
        2027, 3, 10, 9, tzinfo=UTC
    )
    # Asked on Monday for Tuesday's interview: answered before it starts.
    assert _ask(booked, candidate_user).answer_by == booked.starts_at


def test_through_the_interview_link_the_candidate_asks_as_a_link_actor(booked):
    actor = link_actor(booked.application.candidate_id, link="interview")
    asked = _ask(booked, actor, kind="captions")
    assert asked.channel == "link"
    assert AuditEvent.objects.get(target_id=str(asked.pk)).actor_label == str(actor)


@pytest.mark.parametrize(
    ("given", "field"),
    [
        ({"kind": "massage"}, "kind"),
        ({"kind": "extra_time", "extra_minutes": None}, "extra_minutes"),
        ({"kind": "extra_time", "extra_minutes": "lots"}, "extra_minutes"),
        ({"kind": "extra_time", "extra_minutes": 500}, "extra_minutes"),
        ({"kind": "captions", "extra_minutes": 10}, "extra_minutes"),
        ({"kind": "other", "words": "   "}, "words"),
        ({"kind": "other_format", "words": ""}, "words"),
        ({"kind": "captions", "words": "x" * 2001}, "words"),
    ],
)
def test_bad_input_is_refused_naming_the_field(booked, candidate_user, given, field):
    with pytest.raises(ValidationFailed) as refused:
        accommodations.accommodation_request(interview=booked, actor=candidate_user, **given)
    assert field in refused.value.fields and refused.value.status_code == 400
    assert not Accommodation.objects.exists()


def test_evaluation_by_a_person_only_is_for_an_ai_interview(recruiter, interviewer, candidate_user):
    application = application_in(recruiter)
    candidate_portal_link(candidate=application.candidate, user=candidate_user, actor=recruiter)
    live = schedule(recruiter, application=application, interviewers=[interviewer])
    with pytest.raises(ValidationFailed) as refused:
        _ask(live, candidate_user, kind="human_only")
    assert "kind" in refused.value.fields


def test_only_the_candidate_asks_and_only_for_their_own_interview(booked, recruiter, hr_admin, interviewer):
    for staff in (recruiter, hr_admin, interviewer):
        with pytest.raises(Forbidden):
            _ask(booked, staff)
    from hrsuite.roles import Role
    from tests.factories import make_user

    stranger = make_user(Role.CANDIDATE, username="stranger")
    with pytest.raises(NotFound):
        _ask(booked, stranger)
    other_link = link_actor(application_in(recruiter).candidate_id, link="interview")
    with pytest.raises(NotFound):
        _ask(booked, other_link)
    # Another link of the candidate's own (consent) may not ask.
    with pytest.raises(Forbidden):
        _ask(booked, link_actor(booked.application.candidate_id, link="consent"))


def test_a_second_request_of_a_kind_while_one_is_open_is_a_conflict(booked, candidate_user, recruiter):
    first = _ask(booked, candidate_user, kind="captions")
    with pytest.raises(Conflict) as refused:
        _ask(booked, candidate_user, kind="captions")
    assert refused.value.fields.keys() == {"kind"}
    accommodations.accommodation_decline(accommodation=first, answer="Not available.", actor=recruiter)
    # Declined: the candidate may ask again.
    assert _ask(booked, candidate_user, kind="captions").state == "requested"


def test_an_interview_no_longer_scheduled_takes_no_request(booked, candidate_user, recruiter):
    from interviews.services.scheduling import interview_cancel

    interview_cancel(interview=booked, reason="Position filled.", actor=recruiter)
    with pytest.raises(Conflict) as refused:
        _ask(booked, candidate_user)
    assert refused.value.fields.keys() == {"interview"} and refused.value.status_code == 409


# --- Answering ------------------------------------------------------------------------------------


def test_granted_extra_time_lengthens_the_booked_slot_and_everyone_gets_the_new_end(
    booked, candidate_user, recruiter, interviewer
):
    asked = _ask(booked, candidate_user, words=WORDS)
    granted = accommodations.accommodation_grant(accommodation=asked, answer="Of course.", actor=recruiter)

    booked.refresh_from_db()
    assert (granted.state, granted.decided_by, booked.duration_minutes) == ("granted", recruiter, 75)
    assert booked.calendar_sequence == 1
    assignment = InterviewAssignment.objects.get(interview=booked, interviewer=interviewer)
    assert assignment.interview_ends_at == booked.starts_at + timedelta(minutes=75)
    invitations = Notification.objects.filter(
        interview=booked, template=InterviewMessage.INVITATION, status=Notification.Status.PENDING
    )
    assert {n.payload["sequence"] for n in invitations} == {1} and invitations.count() == 2
    # Audited twice: the answer (no words, no answer text) and the interview's longer slot.
    answered = AuditEvent.objects.get(target_id=str(asked.pk), action=AuditAction.UPDATE)
    assert answered.detail | {"duration_before": 45} == {
        "event": "grant",
        "from": "requested",
        "to": "granted",
        "kind": "extra_time",
        "duration_before": 45,
        "duration_after": 75,
    }
    assert "course" not in str(answered.detail)
    moved = AuditEvent.objects.filter(target_id=str(booked.pk), detail__accommodation=str(asked.pk)).get()
    assert (moved.detail["duration_before"], moved.detail["duration_after"]) == (45, 75)
    # The candidate is told, in their language.
    (told,) = Notification.objects.filter(template=InterviewMessage.ACCOMMODATION_ANSWERED)
    assert told.candidate_id == booked.application.candidate_id
    body = render(told).body
    assert "We have granted it" in body and "75 minutes" in body and "Of course." in body


def test_a_longer_slot_that_would_overlap_another_booking_is_refused_naming_it(
    booked, candidate_user, recruiter, interviewer
):
    # The interviewer's next interview starts an hour after this one.
    schedule(recruiter, interviewers=[interviewer], starts_at=shanghai(2027, 3, 2, 11, 0))
    asked = _ask(booked, candidate_user)
    with pytest.raises(Conflict) as refused:
        accommodations.accommodation_grant(accommodation=asked, actor=recruiter)
    assert refused.value.code == "slot_taken" and refused.value.status_code == 409
    (message,) = refused.value.fields["extra_minutes"]
    assert "interviewer1" in message and "2027-03-02 03:00" in message
    booked.refresh_from_db()
    asked.refresh_from_db()
    assert (booked.duration_minutes, asked.state) == (45, "requested")
    assert not Notification.objects.filter(template=InterviewMessage.ACCOMMODATION_ANSWERED).exists()


def test_an_overlap_only_the_database_finds_is_refused_the_same_way(
    booked, candidate_user, recruiter, interviewer, monkeypatch
):
    schedule(recruiter, interviewers=[interviewer], starts_at=shanghai(2027, 3, 2, 11, 0))
    asked = _ask(booked, candidate_user)
    # A booking committed between the check and the write: only the database sees it.
    monkeypatch.setattr(accommodations, "slot_conflicts", lambda **kwargs: [])
    with pytest.raises(Conflict) as refused:
        accommodations.accommodation_grant(accommodation=asked, actor=recruiter)
    assert refused.value.code == "slot_taken" and "extra_minutes" in refused.value.fields
    booked.refresh_from_db()
    assert booked.duration_minutes == 45
    assert InterviewAssignment.objects.get(
        interview=booked
    ).interview_ends_at == booked.starts_at + timedelta(minutes=45)


def test_the_recruiter_grants_over_the_api_and_an_overlap_is_a_clean_409(
    api, booked, candidate_user, recruiter, interviewer
):
    schedule(recruiter, interviewers=[interviewer], starts_at=shanghai(2027, 3, 2, 11, 0))
    asked = _ask(booked, candidate_user, extra_minutes=20)
    url = reverse("accommodation-grant", args=[asked.pk])
    response = api.as_user(recruiter).post(url, {"answer": "Granted."}, format="json")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "slot_taken"
    assert "interviewer1" in response.json()["error"]["fields"]["extra_minutes"][0]

    shorter = Accommodation.objects.filter(pk=asked.pk)
    shorter.update(extra_minutes=15)  # what still fits before the next interview
    response = api.as_user(recruiter).post(url, {"answer": "Granted."}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "granted" and response.json()["decided_by"] == "recruiter"
    assert Interview.objects.get(pk=booked.pk).duration_minutes == 60


def test_declining_says_why_and_hr_admins_change_nothing(api, booked, candidate_user, recruiter, hr_admin):
    asked = _ask(booked, candidate_user, kind="captions")
    with pytest.raises(ValidationFailed) as refused:
        accommodations.accommodation_decline(accommodation=asked, answer=" ", actor=recruiter)
    assert refused.value.fields.keys() == {"answer"}
    with pytest.raises(Forbidden):
        accommodations.accommodation_grant(accommodation=asked, actor=hr_admin)
    url = reverse("accommodation-decline", args=[asked.pk])
    assert api.as_user(hr_admin).post(url, {"answer": "No."}, format="json").status_code == 403
    response = api.as_user(recruiter).post(url, {}, format="json")
    assert response.status_code == 400 and "answer" in response.json()["error"]["fields"]

    accommodations.accommodation_decline(
        accommodation=asked, answer="Not on this platform, sorry.", actor=recruiter
    )
    asked.refresh_from_db()
    assert asked.state == "declined" and asked.answer == "Not on this platform, sorry."
    assert _sealed(asked, "answer").startswith("p1:")
    with pytest.raises(InvalidTransition):
        accommodations.accommodation_grant(accommodation=asked, actor=recruiter)
    (told,) = Notification.objects.filter(template=InterviewMessage.ACCOMMODATION_ANSWERED)
    assert "cannot grant it" in render(told).body


def test_the_candidate_is_answered_in_their_language(recruiter, interviewer, candidate_user):
    from tests.factories import make_candidate

    candidate = make_candidate(
        recruiter, region="CN", time_zone="Asia/Shanghai", preferred_language="zh-hans"
    )
    from tests.factories import make_application

    application = make_application(recruiter, candidate=candidate)
    candidate_portal_link(candidate=candidate, user=candidate_user, actor=recruiter)
    interview = schedule(recruiter, application=application, interviewers=[interviewer])
    asked = _ask(interview, candidate_user)
    accommodations.accommodation_grant(accommodation=asked, answer="好的。", actor=recruiter)
    (told,) = Notification.objects.filter(template=InterviewMessage.ACCOMMODATION_ANSWERED)
    with translation.override("zh-hans"):
        email = render(told)
    assert "我们已同意您的申请" in email.body and "延长时间" in email.body and "好的。" in email.body


def test_overdue_requests_are_shown_to_hr(api, booked, candidate_user, recruiter, clock):
    asked = _ask(booked, candidate_user, kind="captions")
    assert not accommodations.is_overdue(asked)
    clock.move_to(booked.starts_at + timedelta(minutes=1))
    assert accommodations.is_overdue(asked)
    response = api.as_user(recruiter).get(reverse("accommodation-list"), {"overdue": "true"})
    assert [row["id"] for row in response.json()["results"]] == [str(asked.pk)]
    assert response.json()["results"][0]["overdue"] is True
    # Cancelled, the interview needs no answer any more.
    from interviews.services.scheduling import interview_cancel

    interview_cancel(interview=booked, reason="The candidate withdrew.", actor=recruiter)
    asked.interview.refresh_from_db()
    assert not accommodations.is_overdue(asked)
    assert (
        api.as_user(recruiter).get(reverse("accommodation-list"), {"overdue": "true"}).json()["results"] == []
    )


# --- Evaluation by a person only ------------------------------------------------------------------


def test_granted_human_only_makes_the_ai_interview_one_a_person_holds(booked, candidate_user, recruiter):
    asked = _ask(booked, candidate_user, kind="human_only", words="I stammer; please no automated scoring.")
    accommodations.accommodation_grant(accommodation=asked, actor=recruiter)
    booked.refresh_from_db()
    assert booked.kind == Interview.Kind.LIVE_VIDEO
    (needed,) = Notification.objects.filter(template=InterviewMessage.HUMAN_INTERVIEW_NEEDED)
    assert needed.payload["reason"] == accommodations.HUMAN_ONLY_REASON
    assert "evaluation by a person only" in render(needed).body


def test_no_ai_assessment_is_kept_for_a_held_interview_granted_human_only(booked, candidate_user, recruiter):
    asked = _ask(booked, candidate_user, kind="human_only")
    give_consent(booked)
    hold_interview(booked)
    # Held before the answer: the grant cannot convert it, so the assessment is refused instead.
    Accommodation.objects.filter(pk=asked.pk).update(state="granted", decided_at=booked.starts_at)
    receipt = assessment_ingest(interview=booked, payload=assessment_payload(), actor="provider:test")
    assert receipt.outcome == WITHHELD_HUMAN_ONLY and receipt.assessment is None
    assert not AIAssessment.objects.filter(interview=booked).exists()
    from interviews.services.feedback import assessment_withheld

    assert assessment_withheld(booked)


# --- What each reader sees ------------------------------------------------------------------------


def test_interviewers_see_that_it_applies_and_what_it_changes_never_why(
    api, booked, candidate_user, recruiter, interviewer, other_interviewer
):
    asked = _ask(booked, candidate_user, words=WORDS)
    open_one = _ask(booked, candidate_user, kind="captions", words="Also captions, for my hearing aid.")
    accommodations.accommodation_grant(
        accommodation=asked, answer="Granted, take your time.", actor=recruiter
    )

    # The API: only the granted one, without the words, the answer or who decided.
    rows = api.as_user(interviewer).get(reverse("accommodation-list")).json()["results"]
    assert rows == [
        {
            "id": str(asked.pk),
            "interview": str(booked.pk),
            "kind": "extra_time",
            "extra_minutes": 30,
            "state": "granted",
            "effect": "Extra time: 30 minutes",
        }
    ]
    assert (
        api.as_user(interviewer).get(reverse("accommodation-detail", args=[open_one.pk])).status_code == 404
    )
    assert api.as_user(other_interviewer).get(reverse("accommodation-list")).json()["results"] == []

    # The workspace page.
    client = Client()
    client.force_login(interviewer)
    page = client.get(reverse("workspace-interview", args=[booked.pk])).content.decode()
    assert "An accommodation applies" in page and "Extra time: 30 minutes" in page
    for secret in ("dyslexia", "take your time", "hearing aid", "recruiter"):
        assert secret not in page
    # Even read through the model in the interviewer's viewing scope, the words are empty.
    from hrsuite.visibility import viewing

    with viewing(interviewer):
        row = Accommodation.objects.get(pk=asked.pk)
        assert (row.words, row.answer, row.decided_by) == ("", "", None)


def test_the_candidate_reads_their_own_words_and_answer_and_no_one_elses(
    api, booked, candidate_user, recruiter, interviewer
):
    asked = _ask(booked, candidate_user, words=WORDS)
    accommodations.accommodation_grant(accommodation=asked, answer="Granted.", actor=recruiter)
    row = api.as_user(candidate_user).get(reverse("accommodation-detail", args=[asked.pk])).json()
    assert (row["words"], row["answer"]) == (WORDS, "Granted.") and "decided_by" not in row

    from hrsuite.roles import Role
    from tests.factories import make_user

    other = make_user(Role.CANDIDATE, username="other-candidate")
    assert api.as_user(other).get(reverse("accommodation-detail", args=[asked.pk])).status_code == 404
    assert api.as_user(other).get(reverse("accommodation-list")).json()["results"] == []
    # Each read is audited.
    assert AuditEvent.objects.filter(target_id=str(asked.pk), action=AuditAction.VIEW).count() >= 1


# --- The pages ------------------------------------------------------------------------------------


def test_asking_in_the_portal_names_the_field_in_error_then_shows_the_request(booked, candidate_user):
    client = Client()
    client.force_login(candidate_user)
    url = reverse("portal-accommodations", args=[booked.pk])
    refused = client.post(url, {"kind": "extra_time", "extra_minutes": "999", "words": WORDS})
    assert refused.status_code == 400
    assert 'id="accommodation-minutes-errors"' in refused.content.decode()
    done = client.post(url, {"kind": "extra_time", "extra_minutes": "20", "words": WORDS}, follow=True)
    page = done.content.decode()
    assert done.status_code == 200 and "dyslexia" in page and "Requested" in page
    assert Accommodation.objects.get().extra_minutes == 20


def test_asking_on_the_interview_links_page(booked):
    client = Client()
    url = reverse("portal-interview", args=[interview_token(interview=booked)])
    refused = client.post(url, {"form": "accommodation", "kind": "other", "words": ""})
    assert refused.status_code == 400 and 'id="accommodation-words-errors"' in refused.content.decode()
    done = client.post(url, {"form": "accommodation", "kind": "other", "words": WORDS})
    assert done.status_code == 302 and done["Location"].endswith("?asked=1")
    page = client.get(done["Location"]).content.decode()
    # The link's page names the request and where it stands; its words are for the signed-in portal.
    assert "Something else" in page and "Requested" in page and "dyslexia" not in page
    assert Accommodation.objects.get().channel == "link"


def test_the_recruiter_answers_on_the_hr_interview_page(booked, candidate_user, recruiter, hr_admin):
    asked = _ask(booked, candidate_user, words=WORDS)
    client = Client()
    client.force_login(hr_admin)
    url = reverse("hr-interview", args=[booked.pk])
    page = client.get(url).content.decode()
    assert "dyslexia" in page and "accommodation_grant" not in page
    client.force_login(recruiter)
    assert "accommodation_grant" in client.get(url).content.decode()
    response = client.post(
        url, {"action": "accommodation_grant", "accommodation": str(asked.pk), "answer": ""}
    )
    assert response.status_code == 302
    assert Interview.objects.get(pk=booked.pk).duration_minutes == 75
