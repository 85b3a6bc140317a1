"""The candidate survey under the candidate's rights (docs/architecture.md, "Candidate survey"):
their access copy holds their answers and comment, and erasing them erases the comment, closes
their survey link and drops an invitation not sent yet, while the figures stay."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from hrsuite.fields import Erased
from interviews.models import InterviewSurvey
from interviews.services.survey import (
    SURVEY_INVITATION,
    survey_answer_by_link,
    survey_invitations_send,
    survey_token,
)
from notifications.models import Notification
from privacy import copies
from privacy.services.erasure import person_erase
from privacy.services.requests import privacy_request_record
from tests.factories import hold_interview, make_interview
from tests.interviews.test_survey import ANSWERS, sent_survey


@pytest.mark.django_db
def test_the_access_copy_holds_the_candidates_answers_and_comment(recruiter):
    survey = sent_survey(recruiter, language="en")
    survey_answer_by_link(token=survey_token(survey=survey), answers=ANSWERS)
    candidate = survey.candidate
    request = privacy_request_record(
        candidate=candidate, kind="access", channel="letter", text="A copy, please.", actor=recruiter
    )
    copy = copies.person_copy(
        candidate=candidate, request=request, zone=ZoneInfo("UTC"), language="en", now=timezone.now()
    )
    [answers] = copy.data["surveys"]
    assert answers["overall"] == 4 and answers["fairness"] == 5 and answers["technical_problems"] is False
    assert answers["comment"] == "Friendly and on time." and answers["interview"] == str(survey.interview_id)
    assert copy.counts["surveys"] == 1
    section = next(s for s in copy.sections if s.key == "surveys")
    shown = {entry.label: entry.text for entry in section.records[0]}
    assert shown["Your comment"] == "Friendly and on time." and shown["Technical problems"] == "No"


@pytest.mark.django_db
def test_erasure_erases_the_comment_and_closes_the_survey(recruiter, django_capture_on_commit_callbacks):
    answered = sent_survey(recruiter, language="en")
    survey_answer_by_link(token=survey_token(survey=answered), answers=ANSWERS)
    # A second interview of the same candidate, its invitation not sent yet.
    interview = make_interview(
        recruiter, application=answered.interview.application, starts_in=-datetime.timedelta(hours=5)
    )
    hold_interview(interview)
    type(interview).objects.filter(pk=interview.pk).update(
        ended_at=interview.starts_at + datetime.timedelta(hours=1)
    )
    assert survey_invitations_send() == 1
    pending = InterviewSurvey.objects.get(interview=interview)
    token = survey_token(survey=pending)

    with django_capture_on_commit_callbacks(execute=True):
        person_erase(candidate=answered.candidate, actor=recruiter)

    kept = InterviewSurvey.objects.get(pk=answered.pk)
    assert isinstance(kept.comment, Erased)
    assert (kept.overall, kept.fairness, kept.technical_problems) == (4, 5, False)
    invitation = Notification.objects.get(template=SURVEY_INVITATION, interview=interview)
    assert invitation.status == Notification.Status.CANCELLED
    assert Client().get(reverse("portal-survey", args=[token])).status_code == 404
    assert Client().post(reverse("portal-survey", args=[token]), ANSWERS).status_code == 404
    pending.refresh_from_db()
    assert pending.answered_at is None
