"""What HR writes for HR stays with HR.

Every field a model declares restricted (`hrsuite.visibility`) gets a unique marker in every row
of one candidate's whole file: three applications with their stage history, interviews with an
AI assessment, a human review and scorecards, a rejection the candidate asked to have reviewed, a
hire with its offer, approval chain, background check, onboarding and provisioning, an offer
not answered yet, and privacy requests (a correction carried out, an erasure refused, a copy
of their data given). Then every
API endpoint and every page (found from the URL resolver, filled with the file's ids and link
tokens) is read as the assigned interviewer, as the candidate, as an integration's service user
and as a recruiter.

A marker may appear only where the declaration lets the reader's role see the field and the row
policy lets them see the row; where both do, it must appear somewhere, so the reads are shown to
reach the data.

The interviewer, who held interviews of all three applications, must also find no trace of what
was decided on them: no stage after interviewing, no moment of a decision, no decision, offer,
check or onboarding row, not even by filtering a list by stage.
"""

import datetime
import decimal
import json
import secrets
from urllib.parse import urlparse

import pytest
from django.db import models
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from rest_framework import serializers

from accounts.models import User
from analytics.models import BiasAudit, FairnessResult, ValidityResult
from analytics.services.bias_audits import bias_audit_make
from analytics.services.fairness import tool_compute
from analytics.services.ratings import RatingIn, performance_rating_record
from analytics.services.self_identification import self_identification_record
from analytics.services.validity import validity_refresh
from candidates.models import Candidate, Position, ResumeFile, Stage, StageChange
from candidates.services.applications import application_move
from candidates.services.candidates import candidate_portal_link, candidate_update
from candidates.services.prior_records import prior_record_create
from candidates.services.resume_files import resume_file_upload
from hrsuite import visibility
from hrsuite.fields import EncryptedJSONField
from hrsuite.permissions import restrict
from hrsuite.roles import Role
from interviews.models import AIAssessment, Interview, InterviewSurvey
from interviews.services import accommodations
from interviews.services import candidate_links as interview_links
from interviews.services import consent as consent_services
from interviews.services import survey as survey_services
from interviews.services.assignments import assignment_create
from interviews.services.incidents import incident_open
from interviews.services.interviews import interview_results_release
from interviews.services.reviews import human_review_create
from interviews.services.scorecards import scorecard_save
from notifications.models import Notification
from onboarding import models as onboarding_models
from onboarding.services import candidate_links as onboarding_links
from onboarding.services import decisions, notices, offers, plans
from onboarding.services.provisioning import provisioning_start
from privacy.models import AccessBundle, PrivacyRequest
from privacy.services import access as privacy_access
from privacy.services import requests as privacy_requests
from tests.authz import PNG, resume_upload
from tests.factories import (
    application_awaiting_decision,
    make_application,
    make_candidate,
    make_hire,
    make_interview,
    make_position,
    make_user,
    offer_terms,
    receive_assessment,
)
from tests.onboarding.provisioning_helpers import make_targets
from tests.packages import OUR_PACKAGES

# The fields HR writes for itself that must be declared whatever else is.
OBVIOUS = {
    "candidates.candidate": {"email", "phone", "national_id", "date_of_birth"},
    "candidates.stagechange": {"reason", "actor"},
    "candidates.priorrecord": {"notes"},
    "interviews.humanreview": {"reason", "reviewer"},
    "interviews.scorecard": {"notes"},
    "interviews.accommodation": {"words", "answer", "decided_by"},
    "onboarding.decision": {"reason", "decided_by"},
    "onboarding.offer": {"salary"},
    "onboarding.offerapproval": {"note", "approver"},
    "onboarding.backgroundcheck": {"findings"},
    "privacy.privacyrequest": {"handled_by", "resolution"},
}

# Which model's ids a page's argument takes (the API's come from its viewsets).
PAGE_ARGUMENTS = {
    ("hr-fairness-scope", "pk"): FairnessResult,
    ("hr-fairness-export", "pk"): FairnessResult,
    ("hr-bias-audit-pdf", "pk"): BiasAudit,
    ("hr-bias-audit-csv", "pk"): BiasAudit,
    ("hr-candidate", "pk"): Candidate,
    ("hr-resume-file", "pk"): ResumeFile,
    ("workspace-resume-file", "pk"): ResumeFile,
    ("hr-interview", "pk"): Interview,
    ("hr-interview-recording", "pk"): Interview,
    ("workspace-interview-recording", "pk"): Interview,
    ("hr-message-retry", "pk"): Notification,
    ("workspace-interview", "pk"): Interview,
    ("workspace-scorecard", "pk"): Interview,
    ("workspace-scorecard-submit", "pk"): Interview,
    ("portal-invite", "candidate_id"): Candidate,
    ("portal-result", "assessment_id"): AIAssessment,
    ("portal-open-interview", "interview_id"): Interview,
    ("portal-open-consent", "interview_id"): Interview,
    ("portal-accommodations", "interview_id"): Interview,
    ("portal-open-offer", "offer_id"): onboarding_models.Offer,
    ("portal-open-onboarding", "plan_id"): onboarding_models.OnboardingPlan,
    ("hr-privacy-request", "pk"): PrivacyRequest,
    ("hr-position", "pk"): Position,
    ("hr-position-edit", "pk"): Position,
    ("hr-position-board", "pk"): Position,
    ("hr-position-close-applications", "pk"): Position,
    ("hr-position-closing", "pk"): Position,
    # The careers page: a position's page, and the confirmation after applying for it.
    ("careers-position", "pk"): Position,
    ("careers-applied", "pk"): Position,
    ("hr-validity", "pk"): ValidityResult,
    ("hr-validity-export", "pk"): ValidityResult,
    ("hr-validity-adopt", "pk"): ValidityResult,
    ("portal-open-survey", "survey_id"): InterviewSurvey,
}
# Routes not read, and why.
NOT_READ = {
    "portal-welcome": "a set-password link: it shows a form, no record",
    "portal-sign-in-link": "a one-time sign-in link: it signs in and shows no record",
    "sign-in-link": "a staff member's one-time sign-in link: it signs in and shows no record",
    "schema": "the API's description, made from the code: it holds no records",
    "api-docs": "the page that shows the schema",
    # What the right of access gives the candidate is everything held about them, HR's notes and
    # reasons included (GDPR Art. 15, PIPL Art. 45), not what their role sees on a page: the copy
    # is checked for holding all of theirs and none of another's in tests/privacy/test_access_copy.py.
    "portal-privacy-copy": "the candidate's copy of their own data under the right of access",
}
# Fields no page or answer shows even to HR: kept for the systems that use them.
SHOWN_TO_NOBODY = {
    ("aiassessment", "raw_payload"),
    ("provisioningtarget", "secret"),
    ("provisioningdelivery", "payload"),
    ("interviewassignment", "assigned_by"),
}


# --- The file ---------------------------------------------------------------------------------


class File:
    """One candidate's whole file, the link tokens of their e-mails, and the readers."""

    def __init__(self, *, recruiter, interviewer, other_interviewer, candidate_user, integration):
        self.recruiter, self.interviewer, self.candidate_user = recruiter, interviewer, candidate_user
        self.integration = integration
        approver = make_user(Role.RECRUITER, username="approver")
        candidate = make_candidate(recruiter, national_id="110101199001011234", date_of_birth="1990-01-01")
        candidate_portal_link(candidate=candidate, user=candidate_user, actor=recruiter)
        prior_record_create(
            candidate=candidate,
            actor=recruiter,
            kind="performance_review",
            title="2025 review",
            period_start=datetime.date(2025, 1, 1),
            rating="exceeds",
            notes="Strong year.",
        )
        resume_file_upload(candidate=candidate, upload=resume_upload(), actor=recruiter)

        # The hire: screened and interviewed (AI assessment reviewed by a person, two scorecards).
        hired = make_application(recruiter, candidate=candidate, position=make_position(recruiter))
        application_move(application=hired, event="interview", reason="Screened by phone.", actor=recruiter)
        interview = make_interview(recruiter, application=hired)
        for person in (interviewer, other_interviewer):
            assignment_create(interview=interview, interviewer=person, actor=recruiter)
        assessment = receive_assessment(interview, actor="system:test")
        human_review_create(
            dimension_score=assessment.dimensions.first(),
            outcome="override",
            score=70,
            reason="The transcript missed a sentence.",
            actor=recruiter,
        )
        interview_results_release(interview=interview, actor=recruiter)
        for person in (interviewer, other_interviewer):
            scorecard_save(
                interview=interview, ratings={"communication": 4}, notes="Clear answers.", actor=person
            )
        application_move(
            application=hired, event="await_decision", reason="Interviews done.", actor=recruiter
        )
        decision = decisions.decision_record(
            application=hired,
            outcome="hire",
            reason="Best of the round.",
            offer_terms=offer_terms(),
            actor=recruiter,
        )
        offer = decision.offer
        offers.offer_submit(offer=offer, approvers=[approver], actor=recruiter)
        offers.offer_approval_decide(offer=offer, approve=True, note="Within the band.", actor=approver)
        offers.offer_send(offer=offer, actor=recruiter)
        offers.offer_answer(offer=offer, accept=True, actor=candidate_user)
        plan = onboarding_models.OnboardingPlan.objects.get(offer=offer)
        document = plan.tasks.filter(kind="document").first()
        plans.task_document_upload(
            task=document, filename="id.png", content_type="image/png", content=PNG, actor=candidate_user
        )
        make_targets(recruiter, {"oa": "https://oa.example.com/hooks"})
        provisioning_start(plan=plan, actor=recruiter)
        # The hire's later performance, and the figures computed from it.
        performance_rating_record(
            given=RatingIn(
                application=hired.pk,
                period_start="2025-01-01",
                period_end="2025-06-30",
                rating="4",
                dimension_ratings={"communication": "4"},
            ),
            source="hr",
            actor=recruiter,
        )
        validity_refresh()
        # Their voluntary self-identification, and the fairness figures and a bias audit made
        # with it: compliance's alone (docs/architecture.md, "Fairness").
        self_identification_record(
            application=hired, given={"sex": "female"}, channel="portal", actor=candidate_user
        )
        tool_compute("simulated", now=timezone.now())
        bias_audit_make(provider="simulated", actor="system:test")
        self.compliance = make_user(Role.COMPLIANCE, username="compliance")

        # The rejection, after an interview the same interviewer held, and its re-review request;
        # a technical failure on another interview brought a reschedule offer.
        rejected = application_awaiting_decision(recruiter, candidate=candidate)
        second = make_interview(recruiter, application=rejected)
        assignment_create(interview=second, interviewer=interviewer, actor=recruiter)
        # Accommodations the candidate asked for it: captions granted (its interviewer sees that
        # they apply), a quiet room still to be answered.
        captions = accommodations.accommodation_request(
            interview=second, kind="captions", words="I am hard of hearing.", actor=candidate_user
        )
        accommodations.accommodation_grant(accommodation=captions, answer="Captions are on.", actor=recruiter)
        accommodations.accommodation_request(
            interview=second, kind="other", words="A quiet room, please.", actor=candidate_user
        )
        failed = make_interview(recruiter, application=rejected, starts_in=datetime.timedelta(days=3))
        incident_open(
            interview=failed,
            kind="technical_issue",
            occurred_at=timezone.now(),
            details={"code": "ICE_FAILED"},
            actor="provider:simulated",
        )
        rejection = decisions.decision_record(
            application=rejected, outcome="reject", reason="Another fits better.", actor=recruiter
        )
        decisions.decision_review_request(decision=rejection, note="Please look again.", actor=candidate_user)

        # An offer sent and not answered yet, after an interview the same interviewer held.
        offered = application_awaiting_decision(recruiter, candidate=candidate)
        third = make_interview(recruiter, application=offered)
        assignment_create(interview=third, interviewer=interviewer, actor=recruiter)
        make_hire(recruiter, application=offered)

        # The candidate's consent, an HR task and HR's wording of a message to candidates.
        notice = consent_services.default_notices_publish()[0]
        consent_services.consent_record(
            interview=interview,
            scope="general",
            decision="given",
            notice_version=notice.version,
            actor=candidate_user,
        )
        # The candidate's survey after the hire's interview, answered with a comment.
        survey = InterviewSurvey.objects.create(
            interview=interview,
            candidate=candidate,
            language="en",
            region="CN",
            provider="simulated",
            kind=interview.kind,
            sent_at=timezone.now(),
        )
        survey_services.survey_answer(
            survey=survey,
            answers={"overall": 4, "technical_problems": False, "fairness": 5, "comment": "Fair."},
            actor=candidate_user,
        )
        onboarding_models.HRTask.objects.create(
            kind="check_inconclusive", application=hired, background_check=offer.background_checks.get()
        )
        notices.candidate_message_text_set(
            key="offer_cancelled",
            language="en",
            subject="About your offer",
            body="We are sorry.",
            actor=recruiter,
        )

        # Privacy requests: a correction carried out, an erasure refused.
        correction = privacy_requests.privacy_request_submit(
            actor=candidate_user, kind="correction", text="My phone number changed."
        )
        privacy_requests.privacy_request_start(request=correction, actor=recruiter)
        candidate_update(candidate=candidate, actor=recruiter, phone="+86 139 0000 9999")
        privacy_requests.privacy_request_complete(
            request=correction, actor=recruiter, resolution="Phone corrected in the file."
        )
        erasure = privacy_requests.privacy_request_record(
            candidate=candidate, kind="erasure", channel="letter", text="Delete my video.", actor=recruiter
        )
        privacy_requests.privacy_request_refuse(request=erasure, actor=recruiter, reason="Kept for a claim.")
        asked = privacy_requests.privacy_request_submit(actor=candidate_user, kind="access")
        privacy_requests.privacy_request_start(request=asked, actor=recruiter)
        privacy_access.access_bundles_build()

        offer_link = Notification.objects.get(template="reschedule_offer").secret_payload["offer_url"]
        self.tokens = {
            "portal-interview": [
                interview_links.interview_token(interview=i) for i in (interview, second, third)
            ],
            "portal-consent": [interview_links.consent_token(interview=interview)],
            "portal-offer": [onboarding_links.offer_token(offer=offer)],
            "portal-onboarding": [onboarding_links.onboarding_token(plan=plan)],
            "portal-reschedule": [urlparse(offer_link).path.rstrip("/").rsplit("/", 1)[-1]],
            "portal-access-copy": [privacy_access.copy_token(bundle=AccessBundle.objects.get(request=asked))],
            "portal-survey": [survey_services.survey_token(survey=survey)],
        }
        self.tokens["reschedule-offer"] = self.tokens["portal-reschedule"]
        self.values = {
            "provider": ["simulated"],
            "meeting_id": [interview.provider_meeting_id or "none"],
            # A bulk action's result is kept in the session of whoever ran it (its ids and
            # outcomes, tests/backoffice/test_bulk_actions.py): any other reader is sent back to
            # the list.
            "key": ["another-session"],
        }
        # Lists are read whole; the consent notice is read for an interview.
        self.queries = {"consent-notice": f"?interview={interview.pk}"}
        self.markers = plant_markers()


def _marker_like(value) -> str:
    """A unique marker shaped like the value it replaces, so pages that format it still work."""
    if isinstance(value, str) and value:
        try:
            decimal.Decimal(value)
        except decimal.InvalidOperation:
            pass
        else:
            return f"{secrets.randbelow(9 * 10**8) + 10**8}.{secrets.randbelow(90) + 10}"
        if "@" in value:
            return f"mk{secrets.token_hex(6)}@example.test"
    return f"mk{secrets.token_hex(6)}"


def plant_markers() -> dict[str, tuple[type[models.Model], str, object]]:
    """A marker in every declared field of every row, set through the model as a normal value
    (encrypted fields encrypt it); for a user field, a user of that name. Marker → (model, field,
    row id); a figure also under its grouped form (1,234,567.89)."""
    markers = {}
    for model, fields in visibility.declared().items():
        rows = list(model.objects.all())
        assert rows, f"the file has no {model.__name__} to plant a marker in"
        for name in fields:
            field = model._meta.get_field(name)
            for row in rows:
                if field.is_relation:
                    marker = f"mk{secrets.token_hex(6)}"
                    value = User.objects.create(username=marker)
                elif isinstance(field, EncryptedJSONField | models.JSONField):
                    marker = f"mk{secrets.token_hex(6)}"
                    value = {"marker": marker}
                else:
                    marker = value = _marker_like(getattr(row, name))
                setattr(row, name, value)
                row.save(update_fields=[name])
                markers[marker.split("@")[0]] = (model, name, row.pk)
                if marker[0].isdigit():
                    markers[f"{decimal.Decimal(marker):,}"] = (model, name, row.pk)
    return markers


# --- The routes -------------------------------------------------------------------------------


def _patterns(patterns, namespace=None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _patterns(pattern.url_patterns, pattern.namespace or namespace)
        else:
            yield pattern, namespace


def _reads_get(pattern: URLPattern) -> bool:
    view = getattr(pattern.callback, "cls", None)
    actions = getattr(pattern.callback, "actions", None)
    if actions is not None:
        return "get" in actions
    return view is None or hasattr(view, "get")


def _arguments(file: File, pattern: URLPattern, name: str) -> list:
    view = getattr(pattern.callback, "cls", None)
    if name == "token":
        return file.tokens.get(pattern.name)
    if name == "pk" and view is not None:
        model = view.queryset.model
    else:
        model = PAGE_ARGUMENTS.get((pattern.name, name))
    if model is not None:
        return [str(pk) for pk in model.objects.values_list("pk", flat=True)]
    return file.values.get(name)


def addresses(file: File) -> tuple[list[str], list[str]]:
    """(every address to read, routes that could not be filled)."""
    found, unfilled = [], []
    for pattern, namespace in _patterns(get_resolver().url_patterns):
        # The Django admin is for staff accounts only, which no interviewer or candidate holds.
        if namespace == "admin" or pattern.name in NOT_READ or not _reads_get(pattern):
            continue
        names = list(pattern.pattern.regex.groupindex)
        if "format" in names:  # the same views with a format suffix
            continue
        if not names:
            found.append(reverse(pattern.name) + file.queries.get(pattern.name, "?page_size=100"))
            continue
        if len(names) != 1 or not _arguments(file, pattern, names[0]):
            unfilled.append(pattern.name)
            continue
        found += [
            reverse(pattern.name, kwargs={names[0]: value}) for value in _arguments(file, pattern, names[0])
        ]
    return found, unfilled


# --- The reads --------------------------------------------------------------------------------


@pytest.fixture
def file(recruiter, interviewer, other_interviewer, candidate_user, integration):
    return File(
        recruiter=recruiter,
        interviewer=interviewer,
        other_interviewer=other_interviewer,
        candidate_user=candidate_user,
        integration=integration,
    )


def test_the_declaration_covers_what_hr_writes_for_itself():
    declared = {model._meta.label_lower: set(fields) for model, fields in visibility.declared().items()}
    missing = {label: names - declared.get(label, set()) for label, names in OBVIOUS.items()}
    assert {label: names for label, names in missing.items() if names} == {}


def _read_everything(file: File, user) -> dict[str, str]:
    client = Client()
    client.force_login(user)
    bodies = {}
    addresses_found, unfilled = addresses(file)
    assert unfilled == [], f"routes the test cannot fill, declare their arguments: {unfilled}"
    for address in addresses_found:
        response = client.get(address)
        assert response.status_code < 500, address
        content = b"".join(response.streaming_content) if response.streaming else response.content
        bodies[address] = (content.decode("utf-8", "replace") + response.get("Location", "")).lower()
    return bodies


def _what_may_appear(file: File, user) -> tuple[dict, dict]:
    """(markers the user may read, markers they may not), each marker → its field and row: a
    marker may be read where the field's declaration names the user's role (or they are HR) and
    the row is one the row policies (`restrict`) let them see."""
    allowed, forbidden = {}, {}
    rows_seen: dict[type[models.Model], set] = {}
    for marker, (model, name, pk) in file.markers.items():
        if model not in rows_seen:
            rows_seen[model] = set(restrict(model.objects.all(), user=user).values_list("pk", flat=True))
        sees = visibility.may_see(user, model, name) and pk in rows_seen[model]
        (allowed if sees else forbidden)[marker] = (model, name, pk)
    return allowed, forbidden


@pytest.mark.parametrize(
    "reader", ["interviewer", "candidate_user", "integration", "recruiter", "compliance"]
)
def test_no_page_or_answer_shows_a_field_its_reader_may_not_see(file, reader):
    user = getattr(file, reader)
    bodies = _read_everything(file, user)
    allowed, forbidden = _what_may_appear(file, user)

    leaks = sorted(
        f"{model.__name__}.{name} (row {pk}) at {address}"
        for marker, (model, name, pk) in forbidden.items()
        for address, body in bodies.items()
        if marker.lower() in body
    )
    assert leaks == []

    shown = {
        (model, name)
        for marker, (model, name, _pk) in allowed.items()
        if any(marker.lower() in b for b in bodies.values())
    }
    expected = {
        (model, name)
        for model, name, _pk in allowed.values()
        if (model._meta.model_name, name) not in SHOWN_TO_NOBODY
    }
    assert sorted(f"{m.__name__}.{n}" for m, n in expected - shown) == []


# What an interviewer knows of an application: where it stood while they interviewed. Whether
# a decision was taken, what it was and when, and what followed (offer, hire, withdrawal) is not
# theirs.
STAGES_AN_INTERVIEWER_READS = {"", Stage.APPLIED, Stage.SCREENING, Stage.INTERVIEWING}
# The rows that exist only because of a decision.
DECISION_ROWS = (
    onboarding_models.Decision,
    onboarding_models.Offer,
    onboarding_models.OfferApproval,
    onboarding_models.BackgroundCheck,
    onboarding_models.HRTask,
    onboarding_models.OnboardingPlan,
    onboarding_models.OnboardingTask,
)


def _stages_and_moments(value, stages: set, moments: set) -> None:
    """Every stage value and every moment in an API answer."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key in ("stage", "from_stage", "to_stage"):
                stages.add(item)
            _stages_and_moments(item, stages, moments)
    elif isinstance(value, list):
        for item in value:
            _stages_and_moments(item, stages, moments)
    elif isinstance(value, str):
        moment = parse_datetime(value.upper())  # the bodies read are lower-cased
        if moment is not None:
            moments.add(moment)


def test_the_interviewer_reads_no_trace_of_a_decision(file):
    """The interviewer held interviews of a hire, of a rejection and of a candidate with an open
    offer: no answer or page tells them where those applications went after interviewing."""
    bodies = _read_everything(file, file.interviewer)

    stages, moments = set(), set()
    for body in bodies.values():
        if body.startswith(("{", "[")):
            _stages_and_moments(json.loads(body), stages, moments)
    assert Stage.INTERVIEWING in stages, "the reads reach the applications"
    assert stages - STAGES_AN_INTERVIEWER_READS == set()

    hidden = {change.at for change in StageChange.objects.exclude(to_stage__in=STAGES_AN_INTERVIEWER_READS)}
    hidden |= {decision.decided_at for decision in onboarding_models.Decision.objects.all()}
    assert moments and sorted(moments & hidden) == []

    # A stage shown on a page is a whole element's text; an id anywhere. Pages a candidate's
    # e-mailed link opens are the candidate's whoever holds the link, and an address naming an
    # id has it in the answer's own links.
    labels = {
        f">{label}<".lower() for stage, label in Stage.choices if stage not in STAGES_AN_INTERVIEWER_READS
    }
    ids = {str(pk) for model in DECISION_ROWS for pk in model.objects.values_list("pk", flat=True)}
    tokens = [token for of_link in file.tokens.values() for token in of_link]
    traces = sorted(
        f"{trace} at {address}"
        for address, body in bodies.items()
        if not any(token in address for token in tokens)
        for trace in labels | ids
        if trace in body and trace not in address
    )
    assert traces == []

    # Nor do the lists' filters find an application by where it went after interviewing.
    client = Client()
    client.force_login(file.interviewer)
    found = {
        (listing, stage): len(client.get(reverse(f"{listing}-list"), {"stage": stage}).json()["results"])
        for listing in ("application", "candidate")
        for stage in Stage.values
    }
    assert {key: count for key, count in found.items() if count} == {
        ("application", Stage.INTERVIEWING): 3,
        ("candidate", Stage.INTERVIEWING): 1,
    }


def _subclasses(cls):
    for subclass in cls.__subclasses__():
        yield subclass
        yield from _subclasses(subclass)


def test_every_answer_about_a_model_is_rendered_as_its_viewer_sees_it():
    import config.api_urls  # noqa: F401  (every API module, so every serializer, is loaded)

    ours = set(OUR_PACKAGES)
    unscoped = sorted(
        f"{cls.__module__}.{cls.__qualname__}"
        for cls in _subclasses(serializers.ModelSerializer)
        if cls.__module__.split(".")[0] in ours and not issubclass(cls, visibility.SeenByViewer)
    )
    assert unscoped == [], "model serializers that do not render as their viewer sees (use ModelOut)"
