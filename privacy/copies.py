"""What a copy of a candidate's data holds: every record hrsuite keeps about them, read for the copy
that answers their access request, as a JSON document and as the same in readable form.

It is the person's own data as held, not as a role sees it on a page: HR's notes and reasons,
interviewers' scorecards and the named people who decided are part of it (GDPR Art. 15, PIPL
Art. 45), so it reads the models as stored, by the candidate's key, outside any viewing scope.
Every read is filtered by the candidate: nothing of another person's record is read. What is not
theirs to hold is left out: link credentials (tokens, their hashes), outside systems' secrets,
and the contents of the documents they uploaded themselves, which are listed by name.
"""

import datetime
import decimal
import json
import uuid
from dataclasses import dataclass, field

from django.apps import apps
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models
from django.db.models import Prefetch, Q
from django.utils.translation import gettext, gettext_lazy

from accounts.models import full_name
from analytics.fairness import categories as fairness_categories
from analytics.models import PerformanceRating, SelfIdentification
from audit.models import AuditAction, AuditEvent
from audit.personal import personal_open
from candidates.models import Application, ApplicationIntake, Candidate, PriorRecord, ResumeFile, StageChange
from hrsuite.formatting import format_date, format_time
from interviews.models import (
    Accommodation,
    AIDimensionScore,
    Consent,
    HumanReview,
    Interview,
    InterviewSurvey,
    Scorecard,
)
from notifications.models import Notification
from onboarding.models import (
    BackgroundCheck,
    Decision,
    HRTask,
    Offer,
    OfferApproval,
    OnboardingDocument,
    OnboardingPlan,
    OnboardingTask,
    ProvisioningDelivery,
)
from privacy.models import PrivacyRequest, ProcessingRestriction

FORMAT = "hrsuite-access-copy/1"

# What each value is called in the readable copy (the JSON document keeps the keys).
LABELS = {
    "full_name": gettext_lazy("Full name"),
    "email": gettext_lazy("E-mail"),
    "phone": gettext_lazy("Phone"),
    "national_id": gettext_lazy("National ID"),
    "date_of_birth": gettext_lazy("Date of birth"),
    "region": gettext_lazy("Region"),
    "sex": gettext_lazy("Sex"),
    "race_or_ethnicity": gettext_lazy("Race or ethnicity"),
    "given_at": gettext_lazy("Given at"),
    "time_zone": gettext_lazy("Time zone"),
    "preferred_language": gettext_lazy("Preferred language"),
    "resume_text": gettext_lazy("Résumé"),
    "source": gettext_lazy("Where your application came from"),
    "portal_account": gettext_lazy("Portal account"),
    "created_at": gettext_lazy("Recorded at"),
    "updated_at": gettext_lazy("Last changed at"),
    "position": gettext_lazy("Position"),
    "department": gettext_lazy("Department"),
    "stage": gettext_lazy("Stage"),
    "stage_changed_at": gettext_lazy("Stage changed at"),
    "stage_history": gettext_lazy("Stage history"),
    "from_stage": gettext_lazy("From stage"),
    "to_stage": gettext_lazy("To stage"),
    "at": gettext_lazy("When"),
    "reason": gettext_lazy("Reason"),
    "by": gettext_lazy("By"),
    "kind": gettext_lazy("Kind"),
    "title": gettext_lazy("Title"),
    "organisation": gettext_lazy("Organisation"),
    "period_start": gettext_lazy("From"),
    "period_end": gettext_lazy("Until"),
    "rating": gettext_lazy("Rating"),
    "dimension_ratings": gettext_lazy("Ratings by skill (1 to 5)"),
    "recorded_through": gettext_lazy("Recorded through"),
    "notes": gettext_lazy("Notes"),
    "status": gettext_lazy("Status"),
    "starts_at": gettext_lazy("Time"),
    "duration_minutes": gettext_lazy("Duration (minutes)"),
    "candidate_time_zone": gettext_lazy("Your time zone"),
    "provider": gettext_lazy("Provider"),
    "ended_at": gettext_lazy("Ended at"),
    "results_released_at": gettext_lazy("Results released to you at"),
    "assessment": gettext_lazy("AI assessment"),
    "overall_score": gettext_lazy("Overall score"),
    "overall_confidence": gettext_lazy("Confidence"),
    "model_version": gettext_lazy("Model version"),
    "transcript_quality": gettext_lazy("Transcript quality"),
    "transcript": gettext_lazy("Transcript"),
    "needs_human_review": gettext_lazy("Sent to a person for review"),
    "received_at": gettext_lazy("Received at"),
    "first_reviewed_at": gettext_lazy("First reviewed by a person at"),
    "as_received": gettext_lazy("As the provider sent it"),
    "dimensions": gettext_lazy("Scores by skill"),
    "dimension": gettext_lazy("Skill"),
    "score": gettext_lazy("Score"),
    "confidence": gettext_lazy("Confidence"),
    "evidence": gettext_lazy("What you said, as quoted"),
    "quote": gettext_lazy("Quote"),
    "start_s": gettext_lazy("From (seconds into the recording)"),
    "end_s": gettext_lazy("To (seconds into the recording)"),
    "reviews": gettext_lazy("Reviews by a person"),
    "outcome": gettext_lazy("Outcome"),
    "reviewer": gettext_lazy("Reviewer"),
    "scorecards": gettext_lazy("Interviewers' scorecards"),
    "interviewer": gettext_lazy("Interviewer"),
    "ratings": gettext_lazy("Ratings (1 to 5)"),
    "recommendation": gettext_lazy("Recommendation"),
    "submitted_at": gettext_lazy("Submitted at"),
    "incidents": gettext_lazy("Technical incidents"),
    "occurred_at": gettext_lazy("Occurred at"),
    "resolution": gettext_lazy("Resolution"),
    "reschedule_offers": gettext_lazy("New times offered"),
    "slots": gettext_lazy("Times offered"),
    "expires_at": gettext_lazy("Valid until"),
    "chosen_slot": gettext_lazy("Time chosen"),
    "chosen_at": gettext_lazy("Chosen at"),
    "interview": gettext_lazy("Interview"),
    "scope": gettext_lazy("Scope"),
    "decision": gettext_lazy("Decision"),
    "decided_at": gettext_lazy("Decided at"),
    "notice_version": gettext_lazy("Privacy notice version"),
    "ip": gettext_lazy("Internet address"),
    "user_agent": gettext_lazy("Browser"),
    "personal": gettext_lazy("Your data it keeps"),
    "decided_by": gettext_lazy("Decided by"),
    "review_requested_at": gettext_lazy("Re-review asked for at"),
    "review_request_note": gettext_lazy("Your re-review request"),
    "salary": gettext_lazy("Salary"),
    "currency": gettext_lazy("Currency"),
    "start_date": gettext_lazy("Start date"),
    "location": gettext_lazy("Place of work"),
    "sent_at": gettext_lazy("Sent at"),
    "answered_at": gettext_lazy("Answered at"),
    "approvals": gettext_lazy("Approvals"),
    "approver": gettext_lazy("Approver"),
    "note": gettext_lazy("Note"),
    "requested_at": gettext_lazy("Requested at"),
    "completed_at": gettext_lazy("Completed at"),
    "findings": gettext_lazy("Findings"),
    "due_at": gettext_lazy("Due"),
    "cancel_reason": gettext_lazy("Why cancelled"),
    "cancelled_at": gettext_lazy("Cancelled at"),
    "tasks": gettext_lazy("Tasks"),
    "assignee": gettext_lazy("For"),
    "documents": gettext_lazy("Documents you uploaded (listed, not copied)"),
    "original_filename": gettext_lazy("File name"),
    "content_type": gettext_lazy("Type"),
    "size": gettext_lazy("Size (bytes)"),
    "uploaded_at": gettext_lazy("Uploaded at"),
    "sent_to": gettext_lazy("Sent to other systems"),
    "system": gettext_lazy("System"),
    "delivered_at": gettext_lazy("Delivered at"),
    "payload": gettext_lazy("What was sent"),
    "message": gettext_lazy("Message"),
    "language": gettext_lazy("Language"),
    "channel": gettext_lazy("Received through"),
    "state": gettext_lazy("State"),
    "deadline": gettext_lazy("Answer by"),
    "text": gettext_lazy("Request"),
    "refusal_reason": gettext_lazy("Reason for refusal"),
    "closed_at": gettext_lazy("Closed at"),
    "since": gettext_lazy("In force since"),
    "lifted_at": gettext_lazy("Lifted at"),
    "action": gettext_lazy("What was done"),
    "record": gettext_lazy("Record"),
    "source_detail": gettext_lazy("In your words"),
    "acknowledged_at": gettext_lazy("Notice acknowledged at"),
    "accommodations": gettext_lazy("Accommodations you asked for"),
    "extra_minutes": gettext_lazy("Extra minutes"),
    "words": gettext_lazy("What you wrote"),
    "answer_by": gettext_lazy("Answer by"),
    "answer": gettext_lazy("Our answer"),
    "overall": gettext_lazy("Overall (1 to 5)"),
    "technical_problems": gettext_lazy("Technical problems"),
    "fairness": gettext_lazy("Treated fairly (1 to 5)"),
    "comment": gettext_lazy("Your comment"),
}
# The readable copy's sections, in order.
SECTIONS = {
    "candidate": gettext_lazy("Your details"),
    "resume_files": gettext_lazy("Your résumé files (listed, not copied; their text is your résumé above)"),
    "applications": gettext_lazy("Your applications and their stages"),
    "intakes": gettext_lazy("Applications you sent us, and the privacy notice you read"),
    "prior_records": gettext_lazy("Past records"),
    "interviews": gettext_lazy("Interviews, AI assessments, reviews and scorecards"),
    "consents": gettext_lazy("Your consents"),
    "surveys": gettext_lazy("Your answers to our surveys after interviews"),
    "decisions": gettext_lazy("Decisions"),
    "offers": gettext_lazy("Offers"),
    "background_checks": gettext_lazy("Background checks"),
    "hr_tasks": gettext_lazy("HR's follow-up tasks"),
    "onboarding": gettext_lazy("Onboarding"),
    "performance_ratings": gettext_lazy("Your performance ratings since you were hired"),
    "self_identification": gettext_lazy("Your voluntary self-identification"),
    "messages": gettext_lazy("Messages we sent you"),
    "privacy_requests": gettext_lazy("Your privacy requests"),
    "restriction": gettext_lazy("Restriction of AI processing"),
    "access_log": gettext_lazy("Who accessed your data, and when"),
}


@dataclass(frozen=True)
class Entry:
    """One value of a record as the readable copy shows it: a text, or records nested in it."""

    label: str
    text: str = ""
    records: list | None = None


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    records: list[list[Entry]]


@dataclass
class Copy:
    data: dict
    sections: list[Section] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        """How many records each section holds (for the audit event: numbers, never values)."""
        return {section.key: len(section.records) for section in self.sections}

    def as_json(self) -> str:
        return json.dumps(self.data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)


def _name(user) -> str:
    if user is None:
        return ""
    return full_name(user.first_name, user.last_name) or user.get_username()


class _Reader:
    """Turns rows into records: a JSON value and a readable entry per field, times in the
    candidate's zone and language, choices by their label."""

    def __init__(self, *, zone, language: str):
        self.zone, self.language = zone, language

    def shown(self, value) -> str:
        if value is None or value == "":
            return ""
        if isinstance(value, bool):
            return gettext("Yes") if value else gettext("No")
        if isinstance(value, datetime.datetime):
            return format_time(value, zone=self.zone, language=self.language)
        if isinstance(value, datetime.date):
            return format_date(value, language=self.language)
        if isinstance(value, dict):
            return "; ".join(f"{key}: {self.shown(item)}" for key, item in value.items())
        if isinstance(value, list):
            return ", ".join(self.shown(item) for item in value)
        return str(value)

    @staticmethod
    def plain(value):
        """`value` as the JSON document holds it."""
        if isinstance(value, datetime.datetime | datetime.date):
            return value.isoformat()
        if isinstance(value, decimal.Decimal | uuid.UUID):
            return str(value)
        return value

    def record(self, row: models.Model | None, names=(), **extra) -> tuple[dict, list[Entry]]:
        """The fields `names` of `row`, then `extra` values: a value, or a (data, records) pair
        for records nested in this one."""
        data: dict = {}
        entries: list[Entry] = []
        for name in names:
            model_field = row._meta.get_field(name)
            value = getattr(row, name)
            if model_field.is_relation:
                value = _name(value)
            data[name] = self.plain(value)
            shown = getattr(row, f"get_{name}_display")() if model_field.choices else self.shown(value)
            entries.append(Entry(str(LABELS[name]), text=str(shown) if shown is not None else ""))
        for name, value in extra.items():
            if isinstance(value, _Nested):
                data[name] = value.data
                entries.append(Entry(str(LABELS[name]), records=value.records))
            elif isinstance(value, Shown):
                data[name] = self.plain(value.value)
                entries.append(Entry(str(LABELS[name]), text=value.text))
            else:
                data[name] = self.plain(value)
                entries.append(Entry(str(LABELS[name]), text=self.shown(value)))
        return data, entries

    def nested(self, pairs: list[tuple[dict, list[Entry]]]) -> "_Nested":
        return _Nested([data for data, _ in pairs], [entries for _, entries in pairs])

    def one(self, pair: tuple[dict, list[Entry]] | None) -> "_Nested":
        """A single record nested in another (an interview's assessment), or none."""
        if pair is None:
            return _Nested(None, [])
        return _Nested(pair[0], [pair[1]])


@dataclass(frozen=True)
class Shown:
    """A value the JSON document keeps as it is (a code) and the readable copy shows as `text`."""

    value: object
    text: str


@dataclass(frozen=True)
class _Nested:
    data: object
    records: list[list[Entry]]


def person_copy(*, candidate: Candidate, request: PrivacyRequest, zone, language: str, now) -> Copy:
    """Everything held about `candidate`, in a fixed number of queries per kind of record (their
    audit trail read in chunks along its index of the candidate's events)."""
    reader = _Reader(zone=zone, language=language)
    sections: dict[str, list[tuple[dict, list[Entry]]]] = {
        "candidate": [_candidate(reader, candidate)],
        "resume_files": [
            reader.record(row, ("original_filename", "content_type", "size"), uploaded_at=row.created_at)
            for row in ResumeFile.objects.filter(candidate=candidate)
            .only("candidate", "original_filename", "content_type", "size", "created_at")
            .order_by("created_at", "pk")
        ],
        "applications": _applications(reader, candidate),
        "intakes": [
            reader.record(
                intake,
                ("channel", "source", "source_detail", "language", "notice_version", "acknowledged_at"),
                position=intake.application.position.title,
            )
            for intake in ApplicationIntake.objects.filter(candidate=candidate)
            .select_related("application__position")
            .order_by("acknowledged_at", "pk")
        ],
        "prior_records": [
            reader.record(
                row, ("kind", "title", "organisation", "period_start", "period_end", "rating", "notes")
            )
            for row in PriorRecord.objects.filter(candidate=candidate).order_by("period_start", "pk")
        ],
        "interviews": _interviews(reader, candidate),
        "consents": _consents(reader, candidate),
        "surveys": _surveys(reader, candidate),
        "decisions": _decisions(reader, candidate),
        "offers": _offers(reader, candidate),
        "background_checks": [
            reader.record(
                check,
                ("provider", "status", "requested_at", "completed_at", "findings"),
                position=check.application.position.title,
            )
            for check in BackgroundCheck.objects.filter(application__candidate=candidate)
            .select_related("application__position")
            .order_by("requested_at", "pk")
        ],
        "hr_tasks": [
            reader.record(
                task, ("kind", "status", "due_at", "created_at"), position=task.application.position.title
            )
            for task in HRTask.objects.filter(application__candidate=candidate)
            .select_related("application__position")
            .order_by("created_at", "pk")
        ],
        "onboarding": _onboarding(reader, candidate),
        "performance_ratings": [
            reader.record(
                row,
                ("period_start", "period_end", "rating", "dimension_ratings"),
                position=row.application.position.title,
                recorded_through=Shown(row.source, row.get_source_display()),
            )
            for row in PerformanceRating.objects.filter(application__candidate=candidate)
            .select_related("application__position")
            .order_by("period_start", "pk")
        ],
        # Kept apart from the file, and in the copy as the candidate gave it
        # (docs/architecture.md, "Fairness").
        "self_identification": [
            reader.record(
                row,
                ("region", "channel"),
                sex=Shown(row.sex, fairness_categories.label("sex", row.sex) if row.sex else ""),
                race_or_ethnicity=Shown(
                    row.race_ethnicity,
                    fairness_categories.label("race_ethnicity", row.race_ethnicity)
                    if row.race_ethnicity
                    else "",
                ),
                given_at=row.updated_at,
            )
            for row in SelfIdentification.objects.filter(candidate=candidate).order_by("created_at", "pk")
        ],
        "messages": _messages(reader, candidate),
        "privacy_requests": [
            reader.record(
                row,
                (
                    "kind",
                    "channel",
                    "state",
                    "received_at",
                    "deadline",
                    "text",
                    "refusal_reason",
                    "closed_at",
                ),
            )
            for row in PrivacyRequest.objects.filter(candidate=candidate).order_by("received_at", "pk")
        ],
        "restriction": [
            reader.record(row, ("since", "lifted_at"))
            for row in ProcessingRestriction.objects.filter(candidate=candidate)
        ],
        "access_log": _access_log(reader, candidate),
    }
    data = {
        "format": FORMAT,
        "prepared_at": now.isoformat(),
        "request": {"id": str(request.pk), "received_at": request.received_at.isoformat()},
        **{
            key: (pairs[0][0] if key == "candidate" else [data for data, _ in pairs])
            for key, pairs in sections.items()
        },
    }
    return Copy(
        data=data,
        sections=[
            Section(key=key, title=str(SECTIONS[key]), records=[entries for _, entries in pairs])
            for key, pairs in sections.items()
        ],
    )


def _candidate(reader: _Reader, candidate: Candidate):
    fields = (
        "full_name",
        "email",
        "phone",
        "national_id",
        "date_of_birth",
        "region",
        "time_zone",
        "preferred_language",
        "resume_text",
        "source",
        "created_at",
        "updated_at",
    )
    account = candidate.user.get_username() if candidate.user_id else ""
    return reader.record(candidate, fields, portal_account=account)


def _applications(reader: _Reader, candidate: Candidate):
    history = StageChange.objects.select_related("actor").order_by("at", "pk")
    applications = (
        Application.objects.filter(candidate=candidate)
        .select_related("position")
        .prefetch_related(Prefetch("stage_history", queryset=history))
        .order_by("created_at", "pk")
    )
    return [
        reader.record(
            application,
            ("stage", "stage_changed_at", "created_at"),
            position=application.position.title,
            department=application.position.department,
            stage_history=reader.nested(
                [
                    reader.record(change, ("from_stage", "to_stage", "at", "reason"), by=_name(change.actor))
                    for change in application.stage_history.all()
                ]
            ),
        )
        for application in applications
    ]


def _interviews(reader: _Reader, candidate: Candidate):
    reviews = HumanReview.objects.select_related("reviewer").order_by("created_at", "pk")
    dimensions = AIDimensionScore.objects.prefetch_related(Prefetch("reviews", queryset=reviews))
    interviews = (
        Interview.objects.filter(application__candidate=candidate)
        .select_related("application__position", "assessment")
        .prefetch_related(
            Prefetch("assessment__dimensions", queryset=dimensions.order_by("dimension")),
            Prefetch("scorecards", queryset=Scorecard.objects.select_related("interviewer").order_by("pk")),
            "incidents",
            "reschedule_offers",
            Prefetch(
                "accommodations",
                queryset=Accommodation.objects.select_related("decided_by").order_by("requested_at", "pk"),
            ),
        )
        .order_by("starts_at", "pk")
    )
    records = []
    for interview in interviews:
        assessment = getattr(interview, "assessment", None)
        records.append(
            reader.record(
                interview,
                (
                    "kind",
                    "status",
                    "starts_at",
                    "duration_minutes",
                    "candidate_time_zone",
                    "provider",
                    "ended_at",
                    "results_released_at",
                ),
                position=interview.application.position.title,
                assessment=reader.one(_assessment(reader, assessment) if assessment is not None else None),
                scorecards=reader.nested(
                    [
                        reader.record(
                            card,
                            ("interviewer", "ratings", "recommendation", "notes", "status", "submitted_at"),
                        )
                        for card in interview.scorecards.all()
                    ]
                ),
                incidents=reader.nested(
                    [
                        reader.record(incident, ("kind", "occurred_at", "resolution"))
                        for incident in interview.incidents.all()
                    ]
                ),
                # The times offered and the one chosen; not the link's token hash.
                reschedule_offers=reader.nested(
                    [
                        reader.record(offer, ("kind", "slots", "expires_at", "chosen_slot", "chosen_at"))
                        for offer in interview.reschedule_offers.all()
                    ]
                ),
                # What they asked for, in their words, and HR's answer (docs/architecture.md,
                # "Accommodations").
                accommodations=reader.nested(
                    [
                        reader.record(
                            accommodation,
                            (
                                "kind",
                                "extra_minutes",
                                "words",
                                "channel",
                                "state",
                                "requested_at",
                                "answer_by",
                                "decided_at",
                                "decided_by",
                                "answer",
                            ),
                        )
                        for accommodation in interview.accommodations.all()
                    ]
                ),
            )
        )
    return records


def _assessment(reader: _Reader, assessment):
    fields = (
        "overall_score",
        "overall_confidence",
        "model_version",
        "transcript_quality",
        "transcript",
        "needs_human_review",
        "received_at",
        "first_reviewed_at",
    )
    return reader.record(
        assessment,
        fields,
        as_received=assessment.raw_payload,
        dimensions=reader.nested(
            [
                reader.record(
                    dimension,
                    ("dimension", "score", "confidence"),
                    evidence=reader.nested(
                        [
                            reader.record(
                                None,
                                quote=quote.get("quote"),
                                start_s=quote.get("start_s"),
                                end_s=quote.get("end_s"),
                            )
                            for quote in dimension.evidence
                        ]
                    ),
                    reviews=reader.nested(
                        [
                            reader.record(review, ("outcome", "score", "reason", "reviewer", "created_at"))
                            for review in dimension.reviews.all()
                        ]
                    ),
                )
                for dimension in assessment.dimensions.all()
            ]
        ),
    )


def _interview_named(reader: _Reader, interview) -> str:
    if interview is None:
        return ""
    return f"{interview.get_kind_display()}, {reader.shown(interview.starts_at)}"


def _consents(reader: _Reader, candidate: Candidate):
    consents = (
        Consent.objects.filter(candidate=candidate)
        .select_related("notice", "interview")
        .order_by("decided_at", "pk")
    )
    return [
        reader.record(
            consent,
            ("scope", "decision", "decided_at", "ip", "user_agent"),
            interview=Shown(consent.interview_id, _interview_named(reader, consent.interview)),
            notice_version=consent.notice.version,
        )
        for consent in consents
    ]


def _surveys(reader: _Reader, candidate: Candidate):
    """Each survey sent after an interview, and the candidate's answers (docs/architecture.md,
    "Candidate survey")."""
    surveys = (
        InterviewSurvey.objects.filter(candidate=candidate)
        .select_related("interview")
        .order_by("sent_at", "pk")
    )
    return [
        reader.record(
            survey,
            ("language", "sent_at", "answered_at", "overall", "technical_problems", "fairness", "comment"),
            interview=Shown(survey.interview_id, _interview_named(reader, survey.interview)),
        )
        for survey in surveys
    ]


def _decisions(reader: _Reader, candidate: Candidate):
    decisions = (
        Decision.objects.filter(application__candidate=candidate)
        .select_related("application__position", "decided_by")
        .order_by("decided_at", "pk")
    )
    return [
        reader.record(
            decision,
            (
                "outcome",
                "reason",
                "decided_by",
                "decided_at",
                "from_stage",
                "to_stage",
                "status",
                "review_requested_at",
                "review_request_note",
            ),
            position=decision.application.position.title,
        )
        for decision in decisions
    ]


def _offers(reader: _Reader, candidate: Candidate):
    approvals = OfferApproval.objects.select_related("approver").order_by("round", "order")
    offers = (
        Offer.objects.filter(application__candidate=candidate)
        .select_related("position")
        .prefetch_related(Prefetch("approvals", queryset=approvals))
        .order_by("created_at", "pk")
    )
    return [
        reader.record(
            offer,
            (
                "salary",
                "currency",
                "start_date",
                "location",
                "expires_at",
                "status",
                "sent_at",
                "answered_at",
            ),
            position=offer.position.title,
            approvals=reader.nested(
                [
                    reader.record(approval, ("approver", "status", "note", "decided_at"))
                    for approval in offer.approvals.all()
                ]
            ),
        )
        for offer in offers
    ]


def _onboarding(reader: _Reader, candidate: Candidate):
    documents = OnboardingDocument.objects.defer("content_base64").order_by("created_at", "pk")
    tasks = OnboardingTask.objects.prefetch_related(Prefetch("documents", queryset=documents))
    deliveries = ProvisioningDelivery.objects.select_related("target").order_by("created_at", "pk")
    plans = (
        OnboardingPlan.objects.filter(application__candidate=candidate)
        .select_related("application__position")
        .prefetch_related(
            Prefetch("tasks", queryset=tasks.order_by("due_at", "pk")),
            Prefetch("deliveries", queryset=deliveries),
        )
        .order_by("created_at", "pk")
    )
    return [
        reader.record(
            plan,
            ("start_date", "status", "cancel_reason", "cancelled_at"),
            position=plan.application.position.title,
            tasks=reader.nested(
                [
                    reader.record(
                        task,
                        ("title", "kind", "assignee", "due_at", "status", "completed_at"),
                        documents=reader.nested(
                            [
                                reader.record(
                                    document,
                                    ("original_filename", "content_type", "size"),
                                    uploaded_at=document.created_at,
                                )
                                for document in task.documents.all()
                            ]
                        ),
                    )
                    for task in plan.tasks.all()
                ]
            ),
            sent_to=reader.nested(
                [
                    reader.record(
                        delivery,
                        ("status", "delivered_at", "payload"),
                        system=Shown(delivery.target.system, delivery.target.get_system_display()),
                    )
                    for delivery in plan.deliveries.all()
                ]
            ),
        )
        for plan in plans
    ]


def _messages(reader: _Reader, candidate: Candidate):
    """The messages sent or queued to them: which, when and in what language. Their links are
    credentials and are not copied."""
    notifications = (
        Notification.objects.filter(candidate=candidate).defer("secret_payload").order_by("due_at", "pk")
    )
    return [
        reader.record(
            notification,
            ("status", "due_at", "sent_at", "language"),
            message=Shown(notification.template, notification.get_template_display()),
        )
        for notification in notifications
    ]


def _access_log(reader: _Reader, candidate: Candidate):
    """Every event of the audit trail filed under them, and every list that showed a record of
    theirs (their candidate record, applications, interviews, requests): when, who, what was done
    and to which kind of record, and what of theirs the event keeps (a reason given about them,
    the address and browser they acted from: `audit.personal`, sealed under their key). Nothing
    else of the event (the other records a list named, staff's addresses)."""
    events = (
        AuditEvent.objects.filter(candidate_id=candidate.pk)
        .order_by("at", "id")
        .values_list("at", "id", "actor_label", "action", "target_type", "personal")
    )
    rows = [*events.iterator(chunk_size=2000), *_lists_showing(candidate)]
    rows.sort(key=lambda row: (row[0], row[1]))
    actions = dict(AuditAction.choices)
    return [
        reader.record(
            None,
            at=at,
            by=actor,
            action=Shown(action, str(actions.get(action, action))),
            record=Shown(target_type, _record_type(target_type)),
            **({"personal": personal_open(personal)} if personal else {}),
        )
        for at, _id, actor, action, target_type, personal in rows
    ]


def _lists_showing(candidate: Candidate) -> list[tuple]:
    """The `list` events whose ids name a record of theirs, as `_access_log` reads events. On
    PostgreSQL a containment test per id, along the trail's index of list ids (audit migration
    0015); elsewhere (the embedded SQLite database, small) the lists are read and tested here."""
    ids = {str(candidate.pk)}
    ids |= {str(pk) for pk in Application.objects.filter(candidate=candidate).values_list("pk", flat=True)}
    ids |= {
        str(pk)
        for pk in Interview.objects.filter(application__candidate=candidate).values_list("pk", flat=True)
    }
    ids |= {str(pk) for pk in PrivacyRequest.objects.filter(candidate=candidate).values_list("pk", flat=True)}
    lists = AuditEvent.objects.filter(action=AuditAction.LIST).exclude(candidate_id=candidate.pk)
    columns = ("at", "id", "actor_label", "action", "target_type", "personal")
    if connection.vendor == "postgresql":
        showing = Q()
        for pk in sorted(ids):
            showing |= Q(target_ids__contains=[pk])
        return list(lists.filter(showing).values_list(*columns))
    found = []
    for row in lists.values_list(*columns, "target_ids").iterator(chunk_size=2000):
        if ids.intersection(row[-1]):
            found.append(row[:-1])
    return found


def _record_type(label: str) -> str:
    """A record type of the trail ("candidates.candidate") by its model's name, as the reader
    knows it."""
    try:
        return str(apps.get_model(label)._meta.verbose_name)
    except (LookupError, ValueError):
        return label
