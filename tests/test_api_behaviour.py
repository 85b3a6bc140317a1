"""The API's behaviour beyond authorization: input errors, assignments, results, scorecards, audit."""

import csv
import datetime
import io
import os

from django.urls import reverse

from accounts.models import User
from audit.models import AuditAction, AuditEvent
from candidates.models import Candidate
from interviews.models import Scorecard
from interviews.services.assignments import assignment_create, assignment_delete
from interviews.services.interviews import interview_results_release
from interviews.services.reviews import human_review_create
from interviews.services.scorecards import scorecard_save, scorecard_submit
from tests.factories import (
    assessment_payload,
    give_consent,
    hold_interview,
    make_candidate,
    make_interview,
    receive_assessment,
)


def test_bad_input_names_each_field_and_saves_nothing(api, recruiter):
    before = (Candidate.objects.count(), AuditEvent.objects.count())
    response = api.as_user(recruiter).post(
        reverse("candidate-list"),
        {"full_name": "Ana", "email": "not-an-email", "region": "CN", "time_zone": "Mars/Base"},
        format="json",
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert "email" in error["fields"]
    assert (Candidate.objects.count(), AuditEvent.objects.count()) == before


def test_unknown_time_zone_is_a_field_error(api, recruiter):
    response = api.as_user(recruiter).post(
        reverse("candidate-list"),
        {"full_name": "Ana", "email": "ana@example.test", "region": "CN", "time_zone": "Mars/Base"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["time_zone"] == ["Unknown time zone 'Mars/Base'."]


def test_duplicate_email_is_found_through_the_blind_index(api, recruiter):
    make_candidate(recruiter, email="li.lei@example.cn")
    client = api.as_user(recruiter)
    response = client.post(
        reverse("candidate-list"),
        {"full_name": "李雷", "email": "Li.Lei@Example.cn ", "region": "CN", "time_zone": "Asia/Shanghai"},
        format="json",
    )
    assert response.status_code == 400
    assert "email" in response.json()["error"]["fields"]
    found = client.get(reverse("candidate-list"), {"email": "LI.LEI@example.cn"}).json()
    assert found["count"] == 1


def test_bad_filter_is_a_field_error(api, recruiter):
    response = api.as_user(recruiter).get(reverse("interview-list"), {"status": "exploded"})
    assert response.status_code == 400
    assert "status" in response.json()["error"]["fields"]


def test_token_sign_in_and_failed_attempt_are_audited(api, interviewer):
    bad = api.post(
        reverse("auth-token"), {"username": interviewer.username, "password": "wrong"}, format="json"
    )
    assert bad.status_code == 400
    assert bad.json()["error"]["code"] == "invalid_credentials"
    failed = AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILED).get()
    assert failed.detail == {"username": interviewer.username}
    good = api.post(
        reverse("auth-token"), {"username": interviewer.username, "password": "pw-for-tests-1"}, format="json"
    )
    assert good.status_code == 200
    assert AuditEvent.objects.filter(action=AuditAction.LOGIN, actor=interviewer).exists()
    api.credentials(HTTP_AUTHORIZATION=f"Token {good.json()['token']}")
    assert api.get(reverse("me")).json()["roles"] == ["interviewer"]


def test_unassigning_really_revokes_access(api, recruiter, interviewer):
    interview = make_interview(recruiter)
    assignment = assignment_create(interview=interview, interviewer=interviewer, actor=recruiter)
    url = reverse("candidate-detail", args=[interview.application.candidate_id])
    assert api.as_user(interviewer).get(url).status_code == 200
    response = api.as_user(recruiter).delete(reverse("assignment-detail", args=[assignment.pk]))
    assert response.status_code == 204
    fresh = User.objects.get(pk=interviewer.pk)
    assert api.as_user(fresh).get(url).status_code == 404
    revoked = AuditEvent.objects.filter(action=AuditAction.PERMISSION_REVOKE)
    assert {e.detail["permission"] for e in revoked} == {
        "interviews.view_interview",
        "candidates.view_application",
        "candidates.view_candidate",
    }


def test_unassigning_one_interview_keeps_access_another_assignment_needs(recruiter, interviewer):
    first = make_interview(recruiter)
    # A day later: the same interviewer cannot be booked twice at once.
    second = make_interview(recruiter, application=first.application, starts_in=datetime.timedelta(days=3))
    kept = assignment_create(interview=first, interviewer=interviewer, actor=recruiter)
    dropped = assignment_create(interview=second, interviewer=interviewer, actor=recruiter)
    assignment_delete(assignment=dropped, actor=recruiter)
    fresh = User.objects.get(pk=interviewer.pk)
    assert fresh.has_perm("candidates.view_candidate", first.application.candidate)
    assert not fresh.has_perm("interviews.view_interview", second)
    assert kept.pk


def test_candidate_sees_result_only_after_release_and_never_scorecards(
    api, recruiter, interviewer, candidate_user
):
    from candidates.services.candidates import candidate_portal_link

    interview = make_interview(recruiter)
    candidate_portal_link(candidate=interview.application.candidate, user=candidate_user, actor=recruiter)
    assignment_create(interview=interview, interviewer=interviewer, actor=recruiter)
    assessment = receive_assessment(interview, actor="system:test")
    scorecard_save(interview=interview, ratings={}, notes="private", actor=interviewer)
    client = api.as_user(candidate_user)
    url = reverse("assessment-detail", args=[assessment.pk])
    assert client.get(url).status_code == 404
    interview_results_release(interview=interview, actor=recruiter)
    body = client.get(url).json()
    assert set(body) == {"id", "interview", "overall_score", "dimensions"}
    assert client.get(reverse("scorecard-list")).json()["count"] == 0


def test_a_flagged_result_is_released_only_after_a_person_reviewed_it(api, recruiter, candidate_user):
    from candidates.services.candidates import candidate_portal_link

    interview = make_interview(recruiter)
    candidate_portal_link(candidate=interview.application.candidate, user=candidate_user, actor=recruiter)
    flagged = receive_assessment(interview, assessment_payload(confidence=0.3), actor="system:test")
    release = reverse("interview-release-results", args=[interview.pk])
    result = reverse("assessment-detail", args=[flagged.pk])

    refused = api.as_user(recruiter).post(release)
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "review_required"
    interview.refresh_from_db()
    assert interview.results_released_at is None
    assert api.as_user(candidate_user).get(result).status_code == 404

    human_review_create(
        dimension_score=flagged.dimensions.first(),
        outcome="confirm",
        reason="Clear answers.",
        actor=recruiter,
    )
    assert api.as_user(recruiter).post(release).status_code == 200
    assert api.as_user(candidate_user).get(result).status_code == 200


def test_nothing_is_released_before_the_assessment_arrives(api, recruiter):
    # Else a flagged assessment arriving later would be shown at once, unreviewed.
    interview = make_interview(recruiter)
    refused = api.as_user(recruiter).post(reverse("interview-release-results", args=[interview.pk]))
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "no_result"
    interview.refresh_from_db()
    assert interview.results_released_at is None


def test_emotion_inferences_beside_the_scores_are_not_kept_and_low_confidence_needs_review(recruiter):
    # A dimension outside the position's is refused (tests/interviews/test_assessment_ingest.py).
    payload = assessment_payload(confidence=0.4, emotion={"nervous": 0.9})
    assessment = receive_assessment(make_interview(recruiter), payload, actor="system:test")
    assert assessment.needs_human_review
    assert set(assessment.dimensions.values_list("dimension", flat=True)) == {
        "communication",
        "problem_solving",
    }
    assert "emotion" not in assessment.raw_payload


def test_submitted_scorecard_is_locked(api, recruiter, interviewer):
    interview = make_interview(recruiter)
    assignment_create(interview=interview, interviewer=interviewer, actor=recruiter)
    client = api.as_user(interviewer)
    created = client.post(
        reverse("scorecard-list"),
        {
            "interview": str(interview.pk),
            "ratings": {"communication": 4, "problem_solving": 5},
            "recommendation": "strong_yes",
            "notes": "Clear thinker.",
        },
        format="json",
    )
    assert created.status_code == 201
    submitted = client.post(reverse("scorecard-submit", args=[created.json()["id"]]))
    assert submitted.status_code == 200
    assert submitted.json()["status"] == Scorecard.Status.SUBMITTED
    again = client.post(
        reverse("scorecard-list"),
        {"interview": str(interview.pk), "ratings": {"communication": 1}},
        format="json",
    )
    assert again.status_code == 409
    assert "submitted" in again.json()["error"]["message"]
    assert Scorecard.objects.get().ratings == {"communication": 4, "problem_solving": 5}


def test_invalid_stage_move_is_409_naming_state_and_event(api, recruiter):
    from tests.factories import make_application

    application = make_application(recruiter)
    response = api.as_user(recruiter).post(
        reverse("application-move", args=[application.pk]), {"event": "await_decision"}, format="json"
    )
    assert response.status_code == 409
    assert (
        response.json()["error"]["message"]
        == "Application in state 'applied' does not accept 'await_decision'."
    )


def test_hr_admin_filters_and_exports_the_trail(api, recruiter, hr_admin):
    candidate = make_candidate(recruiter)
    client = api.as_user(recruiter)
    client.get(reverse("candidate-detail", args=[candidate.pk]))
    admin = api.as_user(hr_admin)
    listed = admin.get(reverse("audit-event-list"), {"candidate": str(candidate.pk), "action": "view"}).json()
    assert [(e["actor_label"], e["action"]) for e in listed["results"]] == [("recruiter", "view")]
    export = admin.get(reverse("audit-event-export"), {"candidate": str(candidate.pk)})
    assert export.status_code == 200
    rows = list(csv.DictReader(io.StringIO(b"".join(export.streaming_content).decode())))
    assert {r["action"] for r in rows} == {"create", "view"}
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT, actor=hr_admin).exists()


def test_schema_generates_without_warnings():
    from django.core.management import call_command

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", os.devnull)


def test_schema_and_docs_are_served(api, recruiter):
    client = api.as_user(recruiter)
    assert client.get(reverse("schema")).status_code == 200
    assert client.get(reverse("api-docs")).status_code == 200


def test_integration_token_posts_an_assessment_and_reads_nothing(api, recruiter):
    from django.core.management import call_command

    interview = make_interview(recruiter)
    give_consent(interview)
    hold_interview(interview)
    out = io.StringIO()
    call_command("integration_token", "provider-sim", "--scope", "assess_interviews", stdout=out)
    token = out.getvalue().strip().split(": ")[1]
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    posted = api.post(
        reverse("assessment-list"), {"interview": str(interview.pk), **assessment_payload()}, format="json"
    )
    assert posted.status_code == 201, posted.content
    assert api.get(reverse("candidate-list")).json()["count"] == 0
    assert api.get(reverse("assessment-detail", args=[posted.json()["id"]])).status_code == 404
    bad = api.post(
        reverse("assessment-list"), {"interview": str(interview.pk), "overall_score": 500}, format="json"
    )
    assert bad.status_code == 400
    assert {"overall_score", "confidence", "dimensions"} <= set(bad.json()["error"]["fields"])


def test_unknown_api_path_answers_in_the_json_error_shape(client, settings, db):
    settings.DEBUG = False
    response = client.get("/api/no-such-thing/")
    assert response.status_code == 404
    assert response.json() == {"error": {"code": "not_found", "message": "Not found.", "fields": {}}}


def test_start_page_links_to_the_api_docs(client, db):
    response = client.get("/")
    assert response.status_code == 200
    assert reverse("api-docs") in response.content.decode()


def test_finished_feedback_joins_the_application_timeline_for_staff_only(
    api, recruiter, interviewer, other_interviewer
):
    from interviews.services.feedback import interview_ended
    from interviews.services.scheduling import interview_transition

    interview = make_interview(recruiter, kind="live_video")
    for person in (interviewer, other_interviewer):
        assignment_create(interview=interview, interviewer=person, actor=recruiter)
    interview_transition(interview=interview, event="started", actor="provider:test")
    interview_ended(interview=interview, ended_at=interview.starts_at, actor="provider:test")
    for person, ratings in ((interviewer, (4, 5)), (other_interviewer, (2, 3))):
        scorecard = scorecard_save(
            interview=interview,
            ratings={"communication": ratings[0], "problem_solving": ratings[1]},
            recommendation="yes",
            actor=person,
        )
        scorecard_submit(scorecard=scorecard, actor=person)

    url = reverse("application-detail", args=[interview.application_id])
    summaries = api.as_user(recruiter).get(url).json()["feedback_summaries"]
    assert [s["id"] for s in summaries] == [str(interview.pk)]
    # communication 0.4 x mean(4, 2) + problem_solving 0.6 x mean(5, 3)
    assert summaries[0]["weighted_rating"] == 3.6
    assert {s["interviewer"] for s in summaries[0]["scorecards"]} == {"interviewer1", "interviewer2"}
    as_interviewer = api.as_user(User.objects.get(pk=interviewer.pk)).get(url).json()
    assert "feedback_summaries" not in as_interviewer


def test_the_api_lists_the_assessments_still_waiting_for_a_person(api, recruiter):
    def assessed(**payload):
        return receive_assessment(
            make_interview(recruiter), assessment_payload(**payload), actor="system:test"
        )

    reviewed, waiting, confident = assessed(confidence=0.3), assessed(confidence=0.3), assessed()
    human_review_create(
        dimension_score=reviewed.dimensions.first(),
        outcome="confirm",
        reason="Clear answers.",
        actor=recruiter,
    )
    client = api.as_user(recruiter)

    def listed(flag: str) -> dict:
        body = client.get(reverse("assessment-list"), {"waiting_for_review": flag}).json()
        return {row["id"]: row for row in body["results"]}

    assert list(listed("true")) == [str(waiting.pk)]
    rest = listed("false")
    assert set(rest) == {str(reviewed.pk), str(confident.pk)}
    # The reviewed one stays flagged, and says when a person first looked at it.
    assert rest[str(reviewed.pk)]["needs_human_review"] is True
    assert rest[str(reviewed.pk)]["first_reviewed_at"] is not None
    assert rest[str(confident.pk)]["first_reviewed_at"] is None
    # Only true or false: anything else is an error naming the filter, not the whole list.
    refused = client.get(reverse("assessment-list"), {"waiting_for_review": "1"})
    assert refused.status_code == 400 and set(refused.json()["error"]["fields"]) == {"waiting_for_review"}


def test_a_candidate_cannot_filter_their_results_on_what_they_are_not_shown(api, recruiter, candidate_user):
    from candidates.services.candidates import candidate_portal_link

    interview = make_interview(recruiter)
    candidate_portal_link(candidate=interview.application.candidate, user=candidate_user, actor=recruiter)
    flagged = receive_assessment(interview, assessment_payload(confidence=0.3), actor="system:test")
    human_review_create(
        dimension_score=flagged.dimensions.first(),
        outcome="confirm",
        reason="Clear answers.",
        actor=recruiter,
    )
    interview_results_release(interview=interview, actor=recruiter)
    client = api.as_user(candidate_user)

    for query in (
        {},
        {"needs_human_review": "false"},
        {"waiting_for_review": "false"},
        {"waiting_for_review": "1"},
    ):
        response = client.get(reverse("assessment-list"), query)
        assert [row["id"] for row in response.json()["results"]] == [str(flagged.pk)], query
