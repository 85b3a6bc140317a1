"""The candidate survey after each interview (docs/architecture.md, "Candidate survey"): sent once,
in the candidate's language, through the outbox, even when beat runs twice at once; answered once
through the e-mail's link, the portal or the API; refused cleanly when answered twice or with bad
answers; read by HR only (the comment never by an interviewer); erased with the person."""

import threading
from datetime import timedelta

import pytest
from django.core import signing
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from hrsuite.fields import Erased
from interviews.models import Consent, Interview, InterviewSurvey
from interviews.services import consent as consent_services
from interviews.services import survey as survey_services
from interviews.services.assignments import assignment_create
from interviews.services.survey import SURVEY_INVITATION, survey_invitations_send, survey_token
from notifications.models import Notification
from notifications.rendering import render
from notifications.services.outbox import outbox_dispatch
from tests.conftest import ON_POSTGRES
from tests.factories import hold_interview, make_application, make_candidate, make_interview

ANSWERS = {"overall": "4", "technical_problems": "no", "fairness": "5", "comment": "Friendly and on time."}


def ended_interview(recruiter, *, language="zh-hans", ago=timedelta(hours=3), user=None, **kwargs):
    """An AI interview held `ago` (completed), of a candidate speaking `language`."""
    candidate = make_candidate(recruiter, preferred_language=language)
    if user is not None:
        from candidates.services.candidates import candidate_portal_link

        candidate_portal_link(candidate=candidate, user=user, actor=recruiter)
    interview = make_interview(
        recruiter, application=make_application(recruiter, candidate=candidate), starts_in=-ago, **kwargs
    )
    hold_interview(interview)
    Interview.objects.filter(pk=interview.pk).update(ended_at=interview.starts_at + timedelta(minutes=45))
    interview.refresh_from_db()
    return interview


def sent_survey(recruiter, **kwargs) -> InterviewSurvey:
    interview = ended_interview(recruiter, **kwargs)
    assert survey_invitations_send() == 1
    return InterviewSurvey.objects.get(interview=interview)


def page(survey) -> str:
    return reverse("portal-survey", args=[survey_token(survey=survey)])


# --- Sending ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_ended_interview_gets_one_survey_in_the_candidate_language(recruiter, smtp_server):
    interview = ended_interview(recruiter, language="zh-hans")
    english = ended_interview(recruiter, language="en")

    assert survey_invitations_send() == 2
    assert survey_invitations_send() == 0  # a second run finds both sent

    survey = InterviewSurvey.objects.get(interview=interview)
    assert survey.candidate_id == interview.application.candidate_id
    assert (survey.language, survey.region, survey.provider, survey.kind) == (
        "zh-hans",
        "CN",
        "simulated",
        "ai_video",
    )
    assert survey.sent_at is not None and survey.answered_at is None
    invitations = Notification.objects.filter(template=SURVEY_INVITATION)
    assert invitations.count() == 2
    chinese = invitations.get(interview=interview)
    assert chinese.language == "zh-hans" and chinese.payload == {"survey": str(survey.pk)}

    message = render(chinese)
    assert message.subject == "您的面试体验如何？"  # noqa: RUF001
    assert "/portal/survey/" in message.body
    assert render(invitations.get(interview=english)).subject == "How was your interview?"

    outbox_dispatch()
    subjects = sorted(m["Subject"] for m in smtp_server.sink.messages)
    assert len(subjects) == 2 and "How was your interview?" in subjects
    event = AuditEvent.objects.get(target_id=str(survey.pk), action="create")
    assert event.detail["event"] == "survey_sent"


@pytest.mark.django_db
def test_a_technical_failure_is_surveyed_and_what_did_not_end_is_not(recruiter):
    failed = ended_interview(recruiter)
    Interview.objects.filter(pk=failed.pk).update(status=Interview.Status.TECHNICAL_ISSUE)
    missed = ended_interview(recruiter)
    Interview.objects.filter(pk=missed.pk).update(status=Interview.Status.NO_SHOW)
    cancelled = ended_interview(recruiter)
    Interview.objects.filter(pk=cancelled.pk).update(status=Interview.Status.CANCELLED)
    ahead = make_interview(recruiter, starts_in=timedelta(days=1))
    just_ended = ended_interview(recruiter, ago=timedelta(minutes=50))  # ended 5 minutes ago
    long_ago = ended_interview(recruiter, ago=timedelta(days=10))

    assert survey_invitations_send() == 1
    assert list(InterviewSurvey.objects.values_list("interview_id", flat=True)) == [failed.pk]
    for interview in (missed, cancelled, ahead, just_ended, long_ago):
        assert not InterviewSurvey.objects.filter(interview=interview).exists()
    # Once its delay is over, the one that just ended is surveyed too.
    assert survey_invitations_send(now=timezone.now() + timedelta(minutes=30)) == 1


@pytest.mark.django_db
def test_withdrawn_consent_and_erased_candidates_are_not_surveyed(recruiter):
    notice = consent_services.default_notices_publish()[0]
    withdrawn = ended_interview(recruiter, language="en")
    candidate = withdrawn.application.candidate
    for decision in ("given", "withdrawn"):
        Consent.objects.create(
            candidate=candidate,
            interview=withdrawn,
            notice=notice,
            scope=Consent.Scope.GENERAL,
            decision=decision,
            decided_at=timezone.now() - timedelta(minutes=10 if decision == "given" else 5),
        )
    erased = ended_interview(recruiter)
    erased.application.candidate.__class__.objects.filter(pk=erased.application.candidate_id).update(
        erased_at=timezone.now()
    )
    given = ended_interview(recruiter)

    assert survey_invitations_send() == 1
    assert list(InterviewSurvey.objects.values_list("interview_id", flat=True)) == [given.pk]


def _on_own_connection(work, results: list) -> threading.Thread:
    def run():
        try:
            results.append(work())
        except Exception as error:  # pragma: no cover - reported by the assertion
            results.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


@pytest.mark.skipif(not ON_POSTGRES, reason="SQLite has one writer at a time: no two runs overlap there")
@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_send_one_survey(recruiter):
    interview = ended_interview(recruiter)
    inserted, release, results = threading.Event(), threading.Event(), []

    def first_run():
        with transaction.atomic():  # holds its new row, uncommitted, while the second run starts
            sent = survey_invitations_send()
            inserted.set()
            release.wait(timeout=30)
        return sent

    first = _on_own_connection(first_run, results)
    assert inserted.wait(timeout=30)
    second = _on_own_connection(survey_invitations_send, results)
    second.join(timeout=1.0)  # it found no survey yet, and waits on the first run's row
    release.set()
    first.join(timeout=30)
    second.join(timeout=30)

    assert sorted(results) == [0, 1]
    assert InterviewSurvey.objects.filter(interview=interview).count() == 1
    assert Notification.objects.filter(template=SURVEY_INVITATION).count() == 1


@pytest.mark.django_db
def test_the_database_refuses_a_second_survey_and_half_an_answer(recruiter):
    from django.db import IntegrityError

    survey = sent_survey(recruiter)
    with pytest.raises(IntegrityError), transaction.atomic():
        InterviewSurvey.objects.create(
            interview=survey.interview,
            candidate=survey.candidate,
            language="en",
            region="CN",
            provider="simulated",
            kind="ai_video",
            sent_at=timezone.now(),
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        InterviewSurvey.objects.filter(pk=survey.pk).update(answered_at=timezone.now(), overall=3)
    with pytest.raises(IntegrityError), transaction.atomic():
        InterviewSurvey.objects.filter(pk=survey.pk).update(overall=6)


# --- Answering through the link ---------------------------------------------------------------------


@pytest.mark.django_db
def test_the_link_opens_the_survey_in_the_candidate_language_and_takes_the_answers_once(recruiter):
    survey = sent_survey(recruiter, language="zh-hans")
    client = Client()
    shown = client.get(page(survey))
    assert shown.status_code == 200
    assert "您的面试体验如何？"  # noqa: RUF001 in shown.text and shown["Content-Language"] == "zh-hans"

    answered = client.post(page(survey), ANSWERS)
    assert answered.status_code == 302
    survey.refresh_from_db()
    assert (survey.overall, survey.technical_problems, survey.fairness) == (4, False, 5)
    assert survey.comment == "Friendly and on time." and survey.answered_at is not None
    with connection.cursor() as cursor:
        cursor.execute("SELECT comment FROM interviews_interviewsurvey WHERE id = %s", [survey.pk.hex])
        sealed = cursor.fetchone()[0]
    assert sealed.startswith("p1:") and "Friendly" not in sealed  # under the person's key
    event = AuditEvent.objects.get(target_id=str(survey.pk), action="update")
    assert event.actor_label == f"candidate-link:{survey.candidate_id}"
    assert "Friendly" not in str(event.detail)
    assert "感谢您" in client.get(answered["Location"]).text

    again = client.post(page(survey), {**ANSWERS, "overall": "1", "comment": "Changed my mind."})
    assert again.status_code == 409
    survey.refresh_from_db()
    assert survey.overall == 4 and survey.comment == "Friendly and on time."


@pytest.mark.django_db
def test_bad_answers_name_their_field_and_keep_nothing(recruiter):
    survey = sent_survey(recruiter, language="en")
    client = Client()
    refused = client.post(page(survey), {"overall": "7", "technical_problems": "", "fairness": "3"})
    assert refused.status_code == 400
    assert 'id="overall-errors"' in refused.text and 'id="technical-problems-errors"' in refused.text
    assert 'id="fairness-errors"' not in refused.text
    survey.refresh_from_db()
    assert survey.answered_at is None and survey.overall is None and survey.fairness is None
    too_long = client.post(page(survey), {**ANSWERS, "comment": "x" * 2001})
    assert too_long.status_code == 400 and 'id="comment-errors"' in too_long.text


@pytest.mark.django_db
def test_a_tampered_or_expired_link_opens_nothing(recruiter):
    import time_machine

    survey = sent_survey(recruiter, language="zh-hans")
    token = survey_token(survey=survey)
    assert Client().get(reverse("portal-survey", args=[token[:-2] + "xx"])).status_code == 404
    other_salt = signing.dumps({"s": str(survey.pk), "c": str(survey.candidate_id)}, salt="another")
    assert Client().get(reverse("portal-survey", args=[other_salt])).status_code == 404
    with time_machine.travel(timezone.now() + timedelta(days=31), tick=False):
        gone = Client().get(reverse("portal-survey", args=[token]))
        posted = Client().post(reverse("portal-survey", args=[token]), ANSWERS)
    assert gone.status_code == 410 and "此链接已过期" in gone.text
    assert posted.status_code == 410
    survey.refresh_from_db()
    assert survey.answered_at is None


# --- Answering from the portal and the API ---------------------------------------------------------


@pytest.mark.django_db
def test_a_signed_in_candidate_answers_from_their_interview_list(recruiter, candidate_user):
    survey = sent_survey(recruiter, language="en", user=candidate_user)
    client = Client()
    client.force_login(candidate_user)
    home = client.get(reverse("portal-home"))
    link = reverse("portal-open-survey", args=[survey.pk])
    assert link in home.text and "Tell us how your interview went" in home.text
    opened = client.get(link)
    assert opened.status_code == 302 and opened["Location"].startswith("/portal/survey/")
    assert client.post(opened["Location"], ANSWERS).status_code == 302
    assert "Survey answered: thank you" in client.get(reverse("portal-home")).text
    survey.refresh_from_db()
    assert survey.answered


@pytest.mark.django_db
def test_the_api_takes_the_candidates_answers_once(recruiter, candidate_user, api):
    survey = sent_survey(recruiter, language="en", user=candidate_user)
    url = f"/api/interview-surveys/{survey.pk}/answer/"
    client = api.as_user(candidate_user)
    bad = client.post(url, {"overall": 0, "technical_problems": True, "fairness": "five"}, format="json")
    assert bad.status_code == 400
    assert set(bad.json()["error"]["fields"]) == {"overall", "fairness"}
    done = client.post(url, {"overall": 5, "technical_problems": True, "fairness": 4}, format="json")
    assert done.status_code == 200 and done.json()["overall"] == 5 and done.json()["comment"] == ""
    twice = client.post(url, {"overall": 1, "technical_problems": False, "fairness": 1}, format="json")
    assert twice.status_code == 409 and twice.json()["error"]["code"] == "survey_answered"
    assert "survey" in twice.json()["error"]["fields"]
    survey.refresh_from_db()
    assert survey.overall == 5


# --- Who reads what ------------------------------------------------------------------------------


@pytest.fixture
def answered(recruiter, candidate_user, interviewer):
    """An answered survey of the candidate user's interview, which `interviewer` held."""
    survey = sent_survey(recruiter, language="en", user=candidate_user)
    assignment_create(interview=survey.interview, interviewer=interviewer, actor=recruiter)
    survey_services.survey_answer(survey=survey, answers=ANSWERS, actor=candidate_user)
    return survey


@pytest.mark.django_db
def test_hr_reads_every_answer_with_its_comment_and_interviewers_none(
    answered, recruiter, hr_admin, interviewer, integration, api
):
    url = f"/api/interview-surveys/{answered.pk}/"
    for user in (recruiter, hr_admin):
        body = api.as_user(user).get(url).json()
        assert body["comment"] == "Friendly and on time." and body["overall"] == 4
        listed = api.as_user(user).get("/api/interview-surveys/").json()["results"]
        assert [row["id"] for row in listed] == [str(answered.pk)]
    for user in (interviewer, integration):
        assert api.as_user(user).get(url).status_code == 404
        assert api.as_user(user).get("/api/interview-surveys/").json()["results"] == []
        assert api.as_user(user).get("/api/survey-results/").status_code == 403
    # HR reads and never answers for the candidate.
    refused = api.as_user(recruiter).post(f"{url}answer/", {"overall": 1}, format="json")
    assert refused.status_code == 403


@pytest.mark.django_db
def test_a_candidate_reads_only_their_own(answered, recruiter, candidate_user, api):
    other = sent_survey(recruiter, language="en")
    client = api.as_user(candidate_user)
    assert client.get(f"/api/interview-surveys/{answered.pk}/").json()["comment"] == "Friendly and on time."
    assert client.get(f"/api/interview-surveys/{other.pk}/").status_code == 404
    assert (
        client.post(f"/api/interview-surveys/{other.pk}/answer/", ANSWERS, format="json").status_code == 404
    )
    assert client.get("/api/survey-results/").status_code == 403
    page_client = Client()
    page_client.force_login(candidate_user)
    assert page_client.get(reverse("portal-open-survey", args=[other.pk])).status_code == 404


# --- Erasure and the access copy --------------------------------------------------------------------


@pytest.mark.django_db
def test_the_comment_goes_with_the_person_and_their_link_closes(answered, recruiter):
    from hrsuite.persons import person_key_destroy

    token = survey_token(survey=answered)
    person_key_destroy(answered.candidate_id)
    answered.candidate.__class__.objects.filter(pk=answered.candidate_id).update(erased_at=timezone.now())
    kept = InterviewSurvey.objects.get(pk=answered.pk)
    assert isinstance(kept.comment, Erased)
    assert (kept.overall, kept.fairness) == (4, 5)  # the figures stay, for the statistics
    assert Client().get(reverse("portal-survey", args=[token])).status_code == 404


# --- Beat ------------------------------------------------------------------------------------------


def test_beat_runs_the_sending_and_the_results():
    from config.celery import app

    tasks = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert {
        "interviews.survey_tasks.survey_invitations_send",
        "interviews.survey_tasks.survey_results_refresh",
    } <= tasks


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_worker_runs_the_tasks_beat_names(recruiter, celery_worker):
    from config.celery import app
    from interviews.models import SurveyResult
    from tests.celery_worker import wait_until

    interview = ended_interview(recruiter)
    celery_worker()
    app.send_task("interviews.survey_tasks.survey_invitations_send")
    wait_until(
        lambda: InterviewSurvey.objects.filter(interview=interview).exists(),
        "the survey to be sent by a worker",
    )
    app.send_task("interviews.survey_tasks.survey_results_refresh")
    wait_until(
        lambda: SurveyResult.objects.filter(level="all", sent=1).exists(),
        "the results to be kept by a worker",
    )
