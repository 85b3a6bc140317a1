"""A candidate's whole file for the privacy tests, with a value of its own in the records of every
app, so that a copy of it can be checked for each of them, and for none of another's."""

import datetime
import itertools

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from analytics.services.ratings import RatingIn, performance_rating_record
from analytics.services.self_identification import self_identification_record
from candidates.services.applications import application_move
from candidates.services.candidates import candidate_portal_link
from candidates.services.intake import CAREERS_ACTOR, application_intake, privacy_notice
from candidates.services.prior_records import prior_record_create
from candidates.services.resume_files import resume_file_upload
from demo.resume_files import pdf_with_text
from hrsuite.roles import Role
from hrsuite.selectors import object_get_for
from interviews.models import InterviewSurvey
from interviews.services import accommodations
from interviews.services.assignments import assignment_create
from interviews.services.reviews import human_review_create
from interviews.services.scorecards import scorecard_save
from interviews.services.survey import survey_answer_by_link, survey_token
from onboarding.providers import CheckEvent
from onboarding.services import decisions, offers, plans
from onboarding.services.checks import check_webhook_apply
from privacy.services import requests as privacy_services
from tests.authz import PNG, resume_upload
from tests.factories import (
    application_awaiting_decision,
    assessment_payload,
    hold_interview,
    make_application,
    make_candidate,
    make_hire,
    make_interview,
    make_position,
    make_user,
    receive_assessment,
)

_salaries = itertools.count(310001)


def file_of(tag: str, *, recruiter, interviewer, viewer, user=None) -> dict[str, str]:
    """A candidate (their portal account `user`, if given) with a record in every app, each
    holding a value made of `tag`; `viewer` opens their file (an event in the audit trail).
    Returns the values by where they are, and the candidate as "candidate"."""
    values = {
        "candidates.candidate": f"Résumé of {tag}: kernel hacker",
        "candidates.stagechange": f"Screened by phone ({tag})",
        "candidates.priorrecord": f"Strong year for {tag}",
        "candidates.resumefile": f"{tag} CV 2026.pdf",
        "interviews.aiassessment": f"model-{tag}",
        "interviews.evidence": f"I rebuilt the {tag} pipeline",
        "interviews.humanreview": f"The transcript missed {tag}'s answer",
        "interviews.scorecard": f"{tag} answered clearly",
        "interviews.interviewsurvey": f"The {tag} interview felt fair",
        "onboarding.decision": f"Another fit the {tag} team better",
        "onboarding.offer": f"{next(_salaries)}.00",
        "onboarding.backgroundcheck": f"{tag} record clean",
        "onboarding.document": f"{tag}-passport.png",
        "privacy.privacyrequest": f"Send me everything you hold ({tag})",
        "candidates.applicationintake": f"Heard of {tag} at the Pinewood meetup",
        "interviews.accommodation": f"{tag} needs a screen reader",
        "interviews.accommodation.answer": f"Screen reader arranged for {tag}",
    }
    candidate = make_candidate(recruiter, resume_text=values["candidates.candidate"], region="CN")
    if user is not None:
        candidate_portal_link(candidate=candidate, user=user, actor=recruiter)
    prior_record_create(
        candidate=candidate,
        actor=recruiter,
        kind="performance_review",
        title="2025 review",
        period_start=datetime.date(2025, 1, 1),
        notes=values["candidates.priorrecord"],
    )
    resume_file_upload(
        candidate=candidate, upload=resume_upload(values["candidates.resumefile"]), actor=recruiter
    )

    # Interviewed: an AI assessment with evidence, a person's review of a score, a scorecard.
    position = make_position(recruiter)
    interviewed = make_application(recruiter, candidate=candidate, position=position)
    application_move(
        application=interviewed, event="interview", reason=values["candidates.stagechange"], actor=recruiter
    )
    interview = make_interview(recruiter, application=interviewed)
    assignment_create(interview=interview, interviewer=interviewer, actor=recruiter)
    payload = assessment_payload(model_version=values["interviews.aiassessment"])
    payload["dimensions"][0]["evidence"][0]["quote"] = values["interviews.evidence"]
    assessment = receive_assessment(interview, payload, actor="system:test")
    human_review_create(
        dimension_score=assessment.dimensions.first(),
        outcome="override",
        score=70,
        reason=values["interviews.humanreview"],
        actor=recruiter,
    )
    scorecard_save(
        interview=interview,
        ratings={"communication": 4},
        notes=values["interviews.scorecard"],
        actor=interviewer,
    )
    # The survey after it, answered through its link with a comment.
    survey = InterviewSurvey.objects.create(
        interview=interview,
        candidate=candidate,
        language="en",
        region=position.region,
        provider=interview.provider,
        kind=interview.kind,
        sent_at=timezone.now(),
    )
    survey_answer_by_link(
        token=survey_token(survey=survey),
        answers={
            "overall": 4,
            "technical_problems": False,
            "fairness": 4,
            "comment": values["interviews.interviewsurvey"],
        },
    )

    # Rejected for one position; hired for another, checked, onboarding under way.
    decisions.decision_record(
        application=application_awaiting_decision(recruiter, candidate=candidate),
        outcome="reject",
        reason=values["onboarding.decision"],
        actor=recruiter,
    )
    offer = make_hire(
        recruiter,
        application=application_awaiting_decision(recruiter, candidate=candidate),
        salary=values["onboarding.offer"],
    )
    check = offer.background_checks.get()
    for event_type, data in (
        ("started", {}),
        ("passed", {"findings": {"summary": values["onboarding.backgroundcheck"]}}),
    ):
        check_webhook_apply(
            provider_name="simulated",
            event=CheckEvent(
                event_id=f"{check.pk}-{event_type}",
                event_type=event_type,
                check_id=check.provider_check_id,
                occurred_at=timezone.now(),
                data=data,
            ),
        )
    hire = user or make_user(Role.CANDIDATE, username=f"hire-{tag.lower()}")
    if user is None:
        candidate_portal_link(candidate=candidate, user=hire, actor=recruiter)
    offers.offer_answer(offer=offer, accept=True, actor=hire)
    performance_rating_record(
        given=RatingIn(
            application=offer.application_id, period_start="2025-01-01", period_end="2025-06-30", rating="4"
        ),
        source="hr",
        actor=recruiter,
    )
    # Their voluntary self-identification, given in the portal.
    self_identification_record(application=interviewed, given={"sex": "female"}, channel="portal", actor=hire)
    document_task = offer.onboarding_plan.tasks.filter(kind="document").order_by("title").first()
    plans.task_document_upload(
        task=document_task,
        filename=values["onboarding.document"],
        content_type="image/png",
        content=PNG,
        actor=hire,
    )

    # An accommodation they asked for their next interview, in their words, and HR's answer.
    following = make_interview(recruiter, application=interviewed, starts_in=datetime.timedelta(days=6))
    asked = accommodations.accommodation_request(
        interview=following, kind="other", words=values["interviews.accommodation"], actor=hire
    )
    accommodations.accommodation_grant(
        accommodation=asked, answer=values["interviews.accommodation.answer"], actor=recruiter
    )
    # Held since: nothing of it is left to cancel when they are erased.
    hold_interview(following)
    privacy_services.privacy_request_submit(
        actor=hire, kind="correction", text=values["privacy.privacyrequest"]
    )
    privacy_services.privacy_request_submit(actor=hire, kind="restriction")
    # They also applied through the careers page, saying in their words how they heard of us.
    application_intake(
        position=make_position(recruiter),
        data={
            "full_name": candidate.full_name,
            "email": candidate.email,
            "source": "event",
            "source_detail": values["candidates.applicationintake"],
            "privacy_acknowledged": "on",
            "privacy_notice_version": privacy_notice("en").version,
        },
        upload=SimpleUploadedFile("cv.pdf", pdf_with_text([f"{tag} CV"]), content_type="application/pdf"),
        language="en",
        actor=CAREERS_ACTOR,
    )
    # Someone in HR opens the file: the copy's list of who accessed the data names them.
    object_get_for(type(candidate).objects.all(), user=viewer, pk=candidate.pk)
    return {**values, "candidate": candidate, "account": hire.username, "viewer": viewer.username}
