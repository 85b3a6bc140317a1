"""Data migrations of the interviews app, run on rows written before them."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from audit import context
from hrsuite import crypto, persons
from interviews.models import Consent, Incident, Interview, WorkspaceGroup
from interviews.services.consent import default_notices_publish, notice_current
from interviews.services.incidents import incident_open
from tests.factories import give_consent, make_interview

BEFORE = ("interviews", "0011_agenda_index")
AFTER = ("interviews", "0012_assignment_interview_copies")


@pytest.mark.django_db(transaction=True)
def test_existing_assignments_get_their_interviews_status_and_start(recruiter, interviewer):
    executor = MigrationExecutor(connection)
    executor.migrate([BEFORE])
    try:
        old_assignment = executor.loader.project_state([BEFORE]).apps.get_model(
            "interviews", "InterviewAssignment"
        )
        held = make_interview(recruiter, starts_in=-timedelta(days=1))
        Interview.objects.filter(pk=held.pk).update(status=Interview.Status.COMPLETED)
        ahead = make_interview(recruiter, starts_in=timedelta(days=3))
        for interview in (held, ahead):
            old_assignment.objects.create(interview_id=interview.pk, interviewer_id=interviewer.pk)

        executor = MigrationExecutor(connection)
        executor.migrate([AFTER])
        new_assignment = executor.loader.project_state([AFTER]).apps.get_model(
            "interviews", "InterviewAssignment"
        )
        copies = {
            a.interview_id: (a.interview_status, a.interview_starts_at) for a in new_assignment.objects.all()
        }
        assert copies == {
            held.pk: (Interview.Status.COMPLETED, held.starts_at),
            ahead.pk: (Interview.Status.SCHEDULED, ahead.starts_at),
        }
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_assessments_reviewed_before_get_the_time_of_their_first_review(recruiter):
    before, after = (
        ("interviews", "0012_assignment_interview_copies"),
        ("interviews", "0013_assessment_first_reviewed"),
    )
    executor = MigrationExecutor(connection)
    executor.migrate([before])
    try:
        old = executor.loader.project_state([before]).apps
        assessment, review, dimension = (
            old.get_model("interviews", name) for name in ("AIAssessment", "HumanReview", "AIDimensionScore")
        )
        received = timezone.now() - timedelta(days=3)
        reviewed, waiting = (
            assessment.objects.create(
                interview_id=make_interview(recruiter).pk,
                overall_score=60,
                overall_confidence="0.3",
                model_version="m1",
                transcript_quality="0.9",
                needs_human_review=True,
                received_at=received,
            )
            for _ in range(2)
        )
        scores = [
            dimension.objects.create(assessment=a, dimension=name, score=50, confidence="0.3")
            for a, name in ((reviewed, "communication"), (reviewed, "depth"), (waiting, "communication"))
        ]
        for hours, score in ((5, scores[1]), (2, scores[0])):
            made = review.objects.create(dimension_score=score, reviewer_id=recruiter.pk, outcome="confirm")
            review.objects.filter(pk=made.pk).update(created_at=received + timedelta(hours=hours))

        executor = MigrationExecutor(connection)
        executor.migrate([after])
        new = executor.loader.project_state([after]).apps.get_model("interviews", "AIAssessment")
        assert new.objects.get(pk=reviewed.pk).first_reviewed_at == received + timedelta(hours=2)
        assert new.objects.get(pk=waiting.pk).first_reviewed_at is None
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_existing_assignments_are_placed_in_their_interviewers_workspace(recruiter, interviewer):
    before, after = (
        ("interviews", "0017_assignment_booking_overlap"),
        ("interviews", "0018_assignment_workspace_place"),
    )
    executor = MigrationExecutor(connection)
    executor.migrate([before])
    try:
        old = executor.loader.project_state([before]).apps
        assignment, scorecard = (
            old.get_model("interviews", name) for name in ("InterviewAssignment", "Scorecard")
        )
        rows = {}
        for name, status, days in [
            ("awaiting", "completed", -1),
            ("done", "completed", -2),
            ("upcoming", "scheduled", 3),
            ("cancelled", "cancelled", 4),
        ]:
            interview = make_interview(recruiter, starts_in=timedelta(days=days))
            rows[name] = interview
            assignment.objects.create(
                interview_id=interview.pk,
                interviewer_id=interviewer.pk,
                interview_status=status,
                interview_starts_at=interview.starts_at,
                interview_ends_at=interview.starts_at + timedelta(minutes=45),
            )
        # A submitted scorecard makes the held interview done; a draft leaves it awaiting.
        scorecard.objects.create(
            interview_id=rows["done"].pk, interviewer_id=interviewer.pk, status="submitted"
        )
        scorecard.objects.create(
            interview_id=rows["awaiting"].pk, interviewer_id=interviewer.pk, status="draft"
        )

        executor = MigrationExecutor(connection)
        executor.migrate([after])
        placed = executor.loader.project_state([after]).apps.get_model("interviews", "InterviewAssignment")
        places = {a.interview_id: (a.workspace_group, a.workspace_ahead_at) for a in placed.objects.all()}
        assert places == {
            rows["awaiting"].pk: (WorkspaceGroup.AWAITING, rows["awaiting"].starts_at),
            rows["done"].pk: (WorkspaceGroup.DONE, None),
            rows["upcoming"].pk: (WorkspaceGroup.UPCOMING, rows["upcoming"].starts_at),
            rows["cancelled"].pk: (WorkspaceGroup.DONE, None),
        }
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())


def _stored(model, pk, *fields) -> tuple:
    return tuple(map(str, model.objects.filter(pk=pk).values_list(*fields).get()))


@pytest.mark.django_db(transaction=True)
def test_consents_addresses_and_incident_details_are_encrypted_in_place(recruiter):
    before, after = (
        ("interviews", "0022_tally_rows"),
        ("interviews", "0023_encrypt_consent_and_incident_details"),
    )
    interview = make_interview(recruiter)
    candidate_id = interview.application.candidate_id
    # Written before: sealed under the person's key, opened again by the way back.
    bound = context.bind(context.RequestContext(request_id="t", ip="192.0.2.10", user_agent="Earlier/1.0"))
    try:
        earlier = give_consent(interview, scopes=("general",))[0]
    finally:
        context.unbind(bound)
    failed = make_interview(recruiter, starts_in=timedelta(days=3))
    reported = incident_open(
        interview=failed,
        kind="technical_issue",
        occurred_at=timezone.now(),
        details={"code": "ICE_FAILED", "client_ip": "192.0.2.11"},
        actor="provider:simulated",
    )
    default_notices_publish()
    notice = notice_current(language="en")
    executor = MigrationExecutor(connection)
    executor.migrate([before])
    try:
        old = executor.loader.project_state([before]).apps
        old_consent, old_incident = (old.get_model("interviews", name) for name in ("Consent", "Incident"))
        opened = old_consent.objects.get(pk=earlier.pk)
        assert (opened.ip, opened.user_agent) == ("192.0.2.10", "Earlier/1.0")
        assert old_incident.objects.get(pk=reported.pk).details == {
            "code": "ICE_FAILED",
            "client_ip": "192.0.2.11",
        }
        plain = {
            address: old_consent.objects.create(
                candidate_id=candidate_id,
                interview_id=interview.pk,
                notice_id=notice.pk,
                scope="biometric",
                decision="given",
                decided_at=timezone.now(),
                ip=address,
                user_agent=agent,
            )
            for address, agent in (
                ("203.0.113.7", "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0"),
                ("2001:db8::7", "Mozilla/5.0 (iPhone) Safari/604.1"),
                (None, ""),
            )
        }
        details = {"code": "media_timeout", "client_ip": "198.51.100.23", "rtt_ms": 1800, "区域": "上海"}
        plain_incident = old_incident.objects.create(
            interview_id=failed.pk,
            kind="technical_issue",
            occurred_at=timezone.now(),
            region="CN",
            provider="simulated",
            details=details,
        )
        empty_incident = old_incident.objects.create(
            interview_id=failed.pk,
            kind="no_show",
            occurred_at=timezone.now(),
            region="CN",
            provider="simulated",
        )

        MigrationExecutor(connection).migrate([after])

        persons.forget()
        for address, row in plain.items():
            ip, agent = _stored(Consent, row.pk, "ip", "user_agent")
            if address is None:
                assert (ip, agent) == ("", "")
            else:
                # Under the keyring: a migration's models name no person.
                assert ip.startswith("v1:") and agent.startswith("v1:") and address not in ip
            fresh = Consent.objects.get(pk=row.pk)
            # An address as it was given (PostgreSQL's inet reads as text with its mask).
            assert (fresh.ip, fresh.user_agent) == (address or "", row.user_agent)
        fresh = Consent.objects.get(pk=earlier.pk)
        assert (fresh.ip, fresh.user_agent) == ("192.0.2.10", "Earlier/1.0")
        (token,) = _stored(Incident, plain_incident.pk, "details")
        assert token.startswith("v1:") and "198.51.100.23" not in token
        assert Incident.objects.get(pk=plain_incident.pk).details == details
        assert Incident.objects.get(pk=empty_incident.pk).details == {}
        assert Incident.objects.get(pk=reported.pk).details == {
            "code": "ICE_FAILED",
            "client_ip": "192.0.2.11",
        }

        # Then moved under the person's key, by the command that reads every model of today (the
        # tables later migrations add included).
        latest = MigrationExecutor(connection)
        latest.migrate(latest.loader.graph.leaf_nodes())
        call_command("adopt_person_keys", stdout=io.StringIO())
        persons.forget()
        assert {
            crypto.person_of(t) for t in _stored(Consent, plain["203.0.113.7"].pk, "ip", "user_agent")
        } == {candidate_id.hex}
        assert (
            crypto.person_of(_stored(Incident, plain_incident.pk, "details")[0])
            == failed.application.candidate_id.hex
        )
        assert Incident.objects.get(pk=plain_incident.pk).details == details
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
