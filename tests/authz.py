"""The authorization test kit: every API endpoint, every role, own and other objects.

Each endpoint declares which objects of the shared `World` each role should see, and what each
write should answer per role. `tests/test_authorization.py` runs all of it, and fails when the
router has an endpoint (or an action) that is not declared here, so a new endpoint cannot ship
without its authorization tests.
"""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from candidates.services.candidates import candidate_portal_link
from candidates.services.prior_records import prior_record_create
from candidates.services.resume_files import resume_file_upload
from demo.resume_files import pdf_with_text
from interviews.services.assignments import assignment_create
from interviews.services.interviews import interview_results_release
from interviews.services.scorecards import scorecard_save
from notifications.services.outbox import notification_queue
from tests.factories import (
    assessment_payload,
    give_consent,
    hold_interview,
    make_application,
    make_candidate,
    make_interview,
    make_position,
    receive_assessment,
)

# The smallest PNG a new hire could upload.
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def resume_upload(name: str = "cv.pdf"):
    """A small PDF résumé as an uploaded file."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    content = pdf_with_text(["Li Na", "Backend engineer"])
    return SimpleUploadedFile(name, content, content_type="application/pdf")


ROLES = ("anonymous", "recruiter", "hr_admin", "interviewer", "candidate", "integration", "compliance")


class World:
    """Two candidates: A (the candidate user's own, assigned to `interviewer`) and B (assigned to
    `other_interviewer` only)."""

    def __init__(
        self, *, recruiter, hr_admin, interviewer, other_interviewer, candidate_user, integration, compliance
    ):
        self.users = {
            "compliance": compliance,
            "anonymous": None,
            "recruiter": recruiter,
            "hr_admin": hr_admin,
            "interviewer": interviewer,
            "candidate": candidate_user,
            "integration": integration,
        }
        self.recruiter, self.interviewer, self.other_interviewer = recruiter, interviewer, other_interviewer
        self.position = make_position(recruiter)
        self.objects: dict[str, dict[str, object]] = {}
        # Each interview on its own day: an interviewer assigned to another's cannot be booked
        # twice at once.
        for day, (key, assignee) in enumerate((("mine", interviewer), ("theirs", other_interviewer))):
            candidate = make_candidate(recruiter)
            application = make_application(recruiter, candidate=candidate, position=self.position)
            starts_in = datetime.timedelta(days=2 + 2 * day)
            interview = make_interview(recruiter, application=application, starts_in=starts_in)
            assignment = assignment_create(interview=interview, interviewer=assignee, actor=recruiter)
            # An AI interview already held, with its assessment (the one above is still to come).
            assessed = make_interview(
                recruiter, application=application, starts_in=starts_in + datetime.timedelta(days=1)
            )
            assignment_create(interview=assessed, interviewer=assignee, actor=recruiter)
            assessment = receive_assessment(assessed, actor="system:test")
            scorecard = scorecard_save(
                interview=interview, ratings={"communication": 4}, notes="private note", actor=assignee
            )
            prior = prior_record_create(
                candidate=candidate,
                actor=recruiter,
                kind="training",
                title="Django course",
                period_start=datetime.date(2024, 1, 1),
            )
            resume_file = resume_file_upload(
                candidate=candidate, upload=resume_upload(f"cv-{key}.pdf"), actor=recruiter
            )
            notification = notification_queue(
                template="invitation",
                key=f"authz-invitation:{interview.pk}",
                candidate=candidate,
                interview=interview,
                payload={"starts_at": interview.starts_at.isoformat(), "sequence": 0},
            )
            self.objects[key] = {
                "notification": notification,
                "candidate": candidate,
                "application": application,
                "interview": interview,
                "assignment": assignment,
                "assessed-interview": assessed,
                "assessment": assessment,
                "scorecard": scorecard,
                "prior-record": prior,
                "resume-file": resume_file,
                "position": self.position,
            }
        mine = self.objects["mine"]
        candidate_portal_link(candidate=mine["candidate"], user=candidate_user, actor=recruiter)
        interview_results_release(interview=mine["assessed-interview"], actor=recruiter)
        # An unreleased second interview of the candidate's own application.
        self.unreleased = make_interview(recruiter, application=mine["application"])
        # A held AI interview with both consents, whose assessment has not arrived yet.
        self.awaiting_assessment = hold_interview(make_interview(recruiter, application=mine["application"]))
        give_consent(self.awaiting_assessment)
        self._incidents()
        self._consents(candidate_user)
        self._onboarding()
        self._onboarding_plans()
        self._provisioning()
        self._api_tokens()
        self._privacy_requests()
        self._accommodations()
        self._performance_ratings()
        self._fairness()
        self._surveys()
        # Two events of the trail, among the newest: the API's first page (newest first) holds them.
        from audit.models import AuditEvent

        theirs, mine = AuditEvent.objects.order_by("-id")[:2]
        self.objects["mine"]["audit-event"], self.objects["theirs"]["audit-event"] = mine, theirs

    def _api_tokens(self):
        """An API token of `interviewer` ("mine") and one of `other_interviewer` ("theirs")."""
        from accounts.models import ApiToken
        from tests.factories import make_api_token

        for which, owner in (("mine", self.interviewer), ("theirs", self.other_interviewer)):
            make_api_token(owner, name=which)
            self.objects[which]["api-token"] = ApiToken.objects.get(user=owner, name=which)

    def _privacy_requests(self):
        """A correction candidate A asked for in the portal, and an erasure candidate B asked for
        by letter, which a recruiter recorded."""
        from privacy.services import requests as privacy_services

        self.objects["mine"]["privacy-request"] = privacy_services.privacy_request_submit(
            actor=self.candidate_users["mine"], kind="correction", text="My phone number changed."
        )
        self.objects["theirs"]["privacy-request"] = privacy_services.privacy_request_record(
            candidate=self.objects["theirs"]["candidate"],
            kind="erasure",
            channel="letter",
            text="Delete my interview video.",
            actor=self.recruiter,
        )

    def _accommodations(self):
        """Each candidate asked for captions (granted) and for something else (still open) for
        their interview, signed in to the portal."""
        from interviews.services import accommodations

        for which in ("mine", "theirs"):
            user, interview = self.candidate_users[which], self.objects[which]["interview"]
            granted = accommodations.accommodation_request(
                interview=interview, kind="captions", words="I am hard of hearing.", actor=user
            )
            self.objects[which]["accommodation"] = accommodations.accommodation_grant(
                accommodation=granted, answer="Captions will be on.", actor=self.recruiter
            )
            self.objects[which]["accommodation-open"] = accommodations.accommodation_request(
                interview=interview, kind="other", words="A quiet room, please.", actor=user
            )

    def _performance_ratings(self):
        """Each candidate's hire (the accepted offer of `_onboarding_plans`) rated for a half-year."""
        from analytics.services.ratings import RatingIn, performance_rating_record

        for which in ("mine", "theirs"):
            hire = self.objects[which]["onboarding-plan"].application
            self.objects[which]["hire"] = hire
            self.objects[which]["performance-rating"] = performance_rating_record(
                given=RatingIn(
                    application=hire.pk, period_start="2025-01-01", period_end="2025-06-30", rating="4"
                ),
                source="hr",
                actor=self.recruiter,
            )

    def _fairness(self):
        """Each candidate's self-identification (A's from the portal, B's from the careers page),
        the impact ratios of the kit's AI tool (its own row "mine", its position's "theirs") and
        two bias audits of it."""
        from analytics.models import FairnessResult
        from analytics.services.bias_audits import bias_audit_make
        from analytics.services.fairness import tool_compute
        from analytics.services.self_identification import CAREERS, self_identification_record

        for which, actor, channel in (
            ("mine", self.candidate_users["mine"], "portal"),
            ("theirs", CAREERS, "careers"),
        ):
            self.objects[which]["self-identification"] = self_identification_record(
                application=self.objects[which]["application"],
                given={"sex": "female"},
                channel=channel,
                actor=actor,
            )
        tool_compute("simulated", now=timezone.now())
        results = FairnessResult.objects.filter(provider="simulated")
        self.objects["mine"]["fairness-result"] = results.get(position__isnull=True)
        self.objects["theirs"]["fairness-result"] = results.filter(position__isnull=False).first()
        for which in ("mine", "theirs"):
            self.objects[which]["bias-audit"] = bias_audit_make(provider="simulated", actor="system:test")

    def _surveys(self):
        """Each candidate's survey after their held interview, "theirs" answered with a comment."""
        from interviews.models import InterviewSurvey
        from interviews.services.survey import survey_answer

        for which in ("mine", "theirs"):
            interview = self.objects[which]["assessed-interview"]
            self.objects[which]["interview-survey"] = InterviewSurvey.objects.create(
                interview=interview,
                candidate=self.objects[which]["candidate"],
                language="en",
                region="CN",
                provider=interview.provider,
                kind=interview.kind,
                sent_at=timezone.now(),
            )
        theirs = self.objects["theirs"]["interview-survey"]
        survey_answer(
            survey=theirs,
            answers={"overall": 3, "technical_problems": True, "fairness": 4, "comment": "Video froze."},
            actor=self.candidate_users["theirs"],
        )

    def _consents(self, candidate_user):
        """A consent decision of each candidate, given through their own portal account."""
        from hrsuite.roles import Role
        from interviews.services import consent as consent_services
        from tests.factories import make_user

        notice = consent_services.default_notices_publish()[0]
        theirs = self.objects["theirs"]
        other_user = make_user(Role.CANDIDATE, username="candidate2")
        self.candidate_users = {"mine": candidate_user, "theirs": other_user}
        candidate_portal_link(candidate=theirs["candidate"], user=other_user, actor=self.recruiter)
        for which, user in (("mine", candidate_user), ("theirs", other_user)):
            self.objects[which]["consent"] = consent_services.consent_record(
                interview=self.objects[which]["interview"],
                scope="general",
                decision="given",
                notice_version=notice.version,
                actor=user,
            )

    def _incidents(self):
        """A technical failure on another interview of each candidate (with its reschedule offer)."""
        from interviews.services.incidents import incident_open

        for which in ("mine", "theirs"):
            failed = make_interview(self.recruiter, application=self.objects[which]["application"])
            self.objects[which]["incident"] = incident_open(
                interview=failed,
                kind="technical_issue",
                occurred_at=timezone.now(),
                details={"code": "ICE_FAILED"},
                actor="provider:simulated",
            )

    def _onboarding(self):
        """For each candidate: a sent offer (hire decision, background check requested) on one
        position, and a rejection on another."""
        from onboarding.services.decisions import decision_record
        from tests.factories import application_awaiting_decision, make_hire

        hire_position, reject_position = make_position(self.recruiter), make_position(self.recruiter)
        for which in ("mine", "theirs"):
            candidate = self.objects[which]["candidate"]
            offer = make_hire(
                self.recruiter,
                application=application_awaiting_decision(
                    self.recruiter, candidate=candidate, position=hire_position
                ),
            )
            self.objects[which]["offer"] = offer
            self.objects[which]["background-check"] = offer.background_checks.get()
            self.objects[which]["decision"] = decision_record(
                application=make_application(self.recruiter, candidate=candidate, position=reject_position),
                outcome="reject",
                reason="Another candidate fits the team better.",
                actor=self.recruiter,
            )

    def _provisioning(self):
        """Two outside systems' endpoints (OA as "mine", finance as "theirs"), and each candidate's
        hire queued to both; the OA deliveries are the objects the kit looks for."""
        from onboarding.services.provisioning import provisioning_start
        from tests.onboarding.provisioning_helpers import make_targets, plan_for

        targets = make_targets(
            self.recruiter, {"oa": "https://oa.example.com/hooks", "finance": "https://pay.example.com/hooks"}
        )
        self.objects["mine"]["provisioning-target"] = targets["oa"]
        self.objects["theirs"]["provisioning-target"] = targets["finance"]
        for which in ("mine", "theirs"):
            plan = plan_for(self.objects[which]["offer"])
            deliveries = provisioning_start(plan=plan, actor=self.recruiter)
            self.objects[which]["provisioning-delivery"] = next(
                d for d in deliveries if d.target.system == "oa"
            )

    def _onboarding_plans(self):
        """For each candidate: an accepted offer's plan, with the ID document uploaded (the task
        under test is the bank form), an HR task, and a text HR set for one language."""
        from onboarding.models import CandidateMessageText, HRTask
        from onboarding.services import offers, plans
        from tests.factories import application_awaiting_decision, make_hire

        position = make_position(self.recruiter)
        for which, language in (("mine", "en"), ("theirs", "zh-hans")):
            candidate, user = self.objects[which]["candidate"], self.candidate_users[which]
            offer = make_hire(
                self.recruiter,
                application=application_awaiting_decision(
                    self.recruiter, candidate=candidate, position=position
                ),
            )
            offers.offer_answer(offer=offer, accept=True, actor=user)
            plan = offer.onboarding_plan
            documents = plan.tasks.filter(kind="document").order_by("title")
            identity = next(t for t in documents if "identity" in t.title or "身份" in t.title)
            objects = self.objects[which]
            objects["onboarding-plan"] = plan
            objects["onboarding-document"] = plans.task_document_upload(
                task=identity, filename="id.png", content_type="image/png", content=PNG, actor=user
            )
            objects["onboarding-task"] = documents.exclude(pk=identity.pk).get()
            objects["onboarding-form"] = plan.tasks.get(kind="confirm")
            objects["onboarding-hr-action"] = plan.tasks.filter(kind="hr_action").first()
            objects["hr-task"] = HRTask.objects.create(
                kind="check_inconclusive",
                application=offer.application,
                background_check=objects["background-check"],
            )
            objects["candidate-message-text"] = CandidateMessageText.objects.create(
                key="offer_cancelled", language=language, subject="About your offer", body="We are sorry."
            )

    @classmethod
    def with_users(cls) -> "World":
        """The world with its own user of each role, named as tests/conftest.py's fixtures name
        theirs."""
        from accounts.services import integration_create
        from hrsuite.roles import Role
        from tests.factories import make_user

        integration, _token = integration_create(
            name="simulated", scopes=["assess_interviews", "submit_applications"], actor="system:test"
        )
        return cls(
            recruiter=make_user(Role.RECRUITER, username="recruiter"),
            hr_admin=make_user(Role.HR_ADMIN, username="hradmin"),
            interviewer=make_user(Role.INTERVIEWER, username="interviewer1"),
            other_interviewer=make_user(Role.INTERVIEWER, username="interviewer2"),
            candidate_user=make_user(Role.CANDIDATE, username="candidate1"),
            integration=integration,
            compliance=make_user(Role.COMPLIANCE, username="compliance"),
        )

    def obj(self, which: str, kind: str):
        return self.objects[which][kind]


STAFF = {"recruiter": {"mine", "theirs"}, "hr_admin": {"mine", "theirs"}}
NOBODY_ELSE = {
    "anonymous": set(),
    "interviewer": set(),
    "candidate": set(),
    "integration": set(),
    "compliance": set(),
}


@dataclass(frozen=True)
class ReadSpec:
    """`visible[role]` is the set of objects ("mine", "theirs") that role sees."""

    basename: str
    kind: str
    visible: dict[str, set[str]]


READS = [
    ReadSpec(
        "candidate", "candidate", {**STAFF, **NOBODY_ELSE, "interviewer": {"mine"}, "candidate": {"mine"}}
    ),
    ReadSpec(
        "application", "application", {**STAFF, **NOBODY_ELSE, "interviewer": {"mine"}, "candidate": {"mine"}}
    ),
    ReadSpec(
        "interview", "interview", {**STAFF, **NOBODY_ELSE, "interviewer": {"mine"}, "candidate": {"mine"}}
    ),
    ReadSpec("assignment", "assignment", {**STAFF, **NOBODY_ELSE, "interviewer": {"mine"}}),
    ReadSpec(
        "assessment", "assessment", {**STAFF, **NOBODY_ELSE, "interviewer": {"mine"}, "candidate": {"mine"}}
    ),
    ReadSpec("scorecard", "scorecard", {**STAFF, **NOBODY_ELSE, "interviewer": {"mine"}}),
    ReadSpec("prior-record", "prior-record", {**STAFF, **NOBODY_ELSE}),
    ReadSpec("notification", "notification", {**STAFF, **NOBODY_ELSE}),
    ReadSpec("position", "position", {**STAFF, **NOBODY_ELSE}),
    ReadSpec(
        "audit-event", "audit-event", {**NOBODY_ELSE, "recruiter": set(), "hr_admin": {"mine", "theirs"}}
    ),
    ReadSpec("incident", "incident", {**STAFF, **NOBODY_ELSE}),
]
READS.append(ReadSpec("consent", "consent", {**STAFF, **NOBODY_ELSE, "candidate": {"mine"}}))
# A token is its owner's alone: not even staff see another's ("mine" is the interviewer's).
READS.append(
    ReadSpec(
        "api-token",
        "api-token",
        {**NOBODY_ELSE, "recruiter": set(), "hr_admin": set(), "interviewer": {"mine"}},
    )
)
# Reads that are not list/retrieve, checked by their own tests.
OTHER_READS = {("audit-event", "export")}
# Aggregates with no object to retrieve: recruiters and HR admins only (tests/interviews/test_incidents.py).
OTHER_READS |= {("completion-rate", "list")}
# Public endpoints outside the router where a token in the URL is the only credential, so there is
# no role to vary: their own tests cover unknown, expired and used tokens
# (tests/interviews/test_incidents.py for the reschedule link).
PUBLIC_TOKEN_ENDPOINTS = {"reschedule-offer"}
# The consent notice of an interview: tests/interviews/test_consent.py checks it for every role.
OTHER_READS.add(("consent", "notice"))

# Endpoints outside the role kit: no user signs in, the caller is authenticated by an HMAC signature
# alone. tests/interviews/test_webhooks.py covers them (every role and anonymous: unsigned → 403).
SIGNATURE_AUTHENTICATED = {"provider-webhook"}
# The background-check providers' webhooks, likewise: tests/onboarding/test_check_webhooks.py.
# A set of its own, since tests/interviews/test_webhooks.py pins SIGNATURE_AUTHENTICATED's members.
CHECK_SIGNATURE_AUTHENTICATED = {"background-check-webhook"}


@dataclass(frozen=True)
class WriteSpec:
    """One write. `target` names the object a detail write addresses; `body(world)` builds the
    payload; `expect[role]` is the status code that role must get."""

    basename: str
    action: str
    method: str
    expect: dict[str, int]
    target: tuple[str, str] | None = None
    body: object = field(default=lambda world: {})
    # How the body is sent: "json", or "multipart" for a file.
    format: str = "json"


def _denied(**overrides) -> dict[str, int]:
    """Writes nobody but a recruiter may make: HR admin 403 always, interviewer and candidate
    403 (or 404 where they cannot even see the object)."""
    return {
        "anonymous": 401,
        "hr_admin": 403,
        "interviewer": 403,
        "candidate": 403,
        "integration": 403,
        "compliance": 403,
        **overrides,
    }


def _own_and_another(
    basename: str, action: str, kind: str, role: str, *, own: int, body=None, **expect
) -> list[WriteSpec]:
    """A POST that `role` makes on its own object (answering `own`) and then tries on another's,
    which it cannot see (404); the other roles answer `_denied(**expect)` on both."""
    return [
        WriteSpec(
            basename,
            action,
            "post",
            _denied(**expect, **{role: status}),
            target=(which, kind),
            body=body or (lambda world: {}),
        )
        for which, status in (("mine", own), ("theirs", 404))
    ]


def _when(days=3):
    return (timezone.now() + datetime.timedelta(days=days)).isoformat()


def _consent_body(which: str):
    def body(world):
        from interviews.services.consent import notice_current

        return {
            "interview": str(world.obj(which, "interview").pk),
            "scope": "biometric",
            "decision": "given",
            "notice_version": notice_current(language="en").version,
        }

    return body


WRITES = [
    WriteSpec(
        "notification",
        "retry",
        "post",
        # A pending message has nothing to retry: the recruiter passes the permission check and
        # gets the state answer; interviewers and candidates cannot see the outbox at all.
        _denied(recruiter=409),
        target=("mine", "notification"),
    ),
    WriteSpec(
        "position",
        "create",
        "post",
        _denied(recruiter=201),
        body=lambda w: {
            "title_en": "Data engineer",
            "title_zh_hans": "数据工程师",
            "department": "Data",
            "region": "DE-BE",
            "time_zone": "Europe/Berlin",
            "dimension_weights": {"communication": 0.5, "sql": 0.5},
        },
    ),
    WriteSpec(
        "position",
        "partial_update",
        "patch",
        _denied(recruiter=200),
        target=("mine", "position"),
        body=lambda w: {"rejection_notice_hours": 72},
    ),
    WriteSpec(
        "position",
        "transition",
        "post",
        _denied(recruiter=200),
        target=("mine", "position"),
        body=lambda w: {"event": "hold"},
    ),
    WriteSpec(
        "candidate",
        "create",
        "post",
        _denied(recruiter=201),
        body=lambda w: {
            "full_name": "王芳",
            "email": "wang.fang@example.cn",
            "region": "CN",
            "time_zone": "Asia/Shanghai",
        },
    ),
    WriteSpec(
        "candidate",
        "partial_update",
        "patch",
        _denied(recruiter=200, candidate=403),
        target=("mine", "candidate"),
        body=lambda w: {"phone": "+86 139 0000 0000"},
    ),
    WriteSpec(
        "candidate",
        "partial_update",
        "patch",
        _denied(recruiter=200, interviewer=403, candidate=403),
        target=("theirs", "candidate"),
        body=lambda w: {"phone": "+86 139 0000 0001"},
    ),
    WriteSpec(
        "application",
        "create",
        "post",
        _denied(recruiter=201),
        body=lambda w: {"candidate": str(make_candidate(w.recruiter).pk), "position": str(w.position.pk)},
    ),
    WriteSpec(
        "application",
        "move",
        "post",
        _denied(recruiter=200, interviewer=403),
        target=("mine", "application"),
        body=lambda w: {"event": "interview"},
    ),
    WriteSpec(
        "prior-record",
        "create",
        "post",
        _denied(recruiter=201),
        body=lambda w: {
            "candidate": str(w.obj("mine", "candidate").pk),
            "kind": "performance_review",
            "title": "2025 review",
            "period_start": "2025-01-01",
        },
    ),
    WriteSpec(
        "interview",
        "release_results",
        "post",
        _denied(recruiter=200),
        target=("theirs", "assessed-interview"),
    ),
    WriteSpec(
        "assignment",
        "create",
        "post",
        _denied(recruiter=201),
        body=lambda w: {"interview": str(w.obj("theirs", "interview").pk), "interviewer": w.interviewer.pk},
    ),
    WriteSpec("assignment", "destroy", "delete", _denied(recruiter=204), target=("mine", "assignment")),
    WriteSpec(
        "assessment",
        "create",
        "post",
        # Only an integration token whose scope names it posts assessments; it reads nothing.
        _denied(recruiter=403, integration=201),
        body=lambda w: {"interview": str(w.awaiting_assessment.pk), **assessment_payload()},
    ),
    WriteSpec(
        "human-review",
        "create",
        "post",
        _denied(recruiter=201),
        body=lambda w: {
            "dimension_score": str(w.obj("mine", "assessment").dimensions.first().pk),
            "outcome": "override",
            "score": "70",
            "reason": "Answer was strong; the transcript missed a sentence.",
        },
    ),
    WriteSpec(
        "scorecard",
        "create",
        "post",
        # Recruiters are not assigned, so they have no scorecard of their own to write.
        _denied(recruiter=403, interviewer=201),
        body=lambda w: {
            "interview": str(w.obj("mine", "interview").pk),
            "ratings": {"communication": 5, "problem_solving": 4},
            "recommendation": "yes",
        },
    ),
    # Submitting needs every dimension rated: the interviewer passes the permission check and gets
    # the validation answer, which proves the write path is theirs.
    *_own_and_another("scorecard", "submit", "scorecard", "interviewer", own=400, recruiter=403),
]
WRITES += [
    # Only the candidate decides on their own consent: recruiters cannot consent for them.
    WriteSpec("consent", "create", "post", _denied(recruiter=403, candidate=201), body=_consent_body("mine")),
    # Another candidate's interview is not one the candidate can name: a field error.
    WriteSpec(
        "consent", "create", "post", _denied(recruiter=403, candidate=400), body=_consent_body("theirs")
    ),
]


def _free_slot(world) -> str:
    """A time every scheduling rule accepts for candidate A with `interviewer` assigned."""
    from interviews.services.incidents import offer_slots

    return offer_slots(interview=world.unreleased, interviewers=[world.interviewer])[0].isoformat()


WRITES += [
    WriteSpec(
        "scheduling",
        "create",
        "post",
        _denied(recruiter=201),
        body=lambda w: {
            "application": str(w.obj("mine", "application").pk),
            "kind": "live_video",
            "starts_at": _free_slot(w),
            "interviewers": [w.interviewer.pk],
        },
    ),
    WriteSpec(
        "scheduling",
        "reschedule",
        "post",
        _denied(recruiter=200),
        target=("mine", "interview"),
        body=lambda w: {"starts_at": _free_slot(w)},
    ),
    WriteSpec(
        "scheduling",
        "cancel",
        "post",
        _denied(recruiter=200),
        target=("theirs", "interview"),
        body=lambda w: {"reason": "The position is on hold."},
    ),
]

# --- Decisions, offers, background checks --------------------------------------------------------
# Interviewers see none of them; a candidate sees their own rejection and their own sent offer.
READS += [
    ReadSpec("decision", "decision", {**STAFF, **NOBODY_ELSE, "candidate": {"mine"}}),
    ReadSpec("offer", "offer", {**STAFF, **NOBODY_ELSE, "candidate": {"mine"}}),
    ReadSpec("background-check", "background-check", {**STAFF, **NOBODY_ELSE}),
]


def _offer_write(action: str, which: str, **expect) -> WriteSpec:
    return WriteSpec("offer", action, "post", _denied(**expect), target=(which, "offer"))


WRITES += [
    WriteSpec(
        "decision",
        "create",
        "post",
        _denied(recruiter=201),
        body=lambda w: {"application": str(w.obj("mine", "application").pk), "outcome": "advance"},
    ),
    # Only the candidate asks for a re-review of their own rejection; HR cannot ask for them.
    *_own_and_another(
        "decision",
        "request_review",
        "decision",
        "candidate",
        own=200,
        recruiter=403,
        body=lambda w: {"note": "I would like a person to look again."},
    ),
    # The world's offers are sent: the recruiter passes the permission check and gets the state answer.
    _offer_write("submit", "mine", recruiter=409),
    _offer_write("approve", "mine", recruiter=409),
    _offer_write("reject", "mine", recruiter=409),
    _offer_write("send", "mine", recruiter=409),
    _offer_write("cancel", "mine", recruiter=200),
    _offer_write("cancel", "theirs", recruiter=200, candidate=403),
    # Only the candidate answers, and only their own offer.
    _offer_write("accept", "mine", recruiter=403, candidate=200),
    _offer_write("decline", "mine", recruiter=403, candidate=200),
    _offer_write("accept", "theirs", recruiter=403, candidate=404),
]

# --- Provisioning to outside systems -------------------------------------------------------------
# HR's configuration and status pages: recruiters and HR admins read them, nobody else; only a
# recruiter changes a target or retries a delivery.
READS += [
    ReadSpec("provisioning-target", "provisioning-target", {**STAFF, **NOBODY_ELSE}),
    ReadSpec("provisioning-delivery", "provisioning-delivery", {**STAFF, **NOBODY_ELSE}),
]
WRITES += [
    WriteSpec(
        "provisioning-target",
        "create",
        "post",
        _denied(recruiter=201),
        body=lambda w: {
            "system": "training",
            "url": "https://learning.example.com/hooks",
            "secret": "training-shared-secret-1",
        },
    ),
    WriteSpec(
        "provisioning-target",
        "partial_update",
        "patch",
        _denied(recruiter=200),
        target=("mine", "provisioning-target"),
        body=lambda w: {"active": False},
    ),
    # The world's deliveries are pending: the recruiter passes the permission check and gets the
    # state answer (only a dead delivery is retried).
    WriteSpec(
        "provisioning-delivery",
        "retry",
        "post",
        _denied(recruiter=409),
        target=("mine", "provisioning-delivery"),
    ),
]

# --- Onboarding plans, tasks, documents, HR tasks, HR's candidate texts ----------------------------
# Interviewers see none; a candidate sees their own plan and new-hire tasks, never documents
# through this API nor HR's tasks and texts. HR admins read everything and change nothing.
READS += [
    ReadSpec("onboarding-plan", "onboarding-plan", {**STAFF, **NOBODY_ELSE, "candidate": {"mine"}}),
    ReadSpec("onboarding-task", "onboarding-task", {**STAFF, **NOBODY_ELSE, "candidate": {"mine"}}),
    ReadSpec("onboarding-document", "onboarding-document", {**STAFF, **NOBODY_ELSE}),
    ReadSpec("hr-task", "hr-task", {**STAFF, **NOBODY_ELSE}),
    ReadSpec("candidate-message-text", "candidate-message-text", {**STAFF, **NOBODY_ELSE}),
]
# The file itself, audited as an export: tests/onboarding/test_plans.py checks every role.
OTHER_READS.add(("onboarding-document", "download"))


def _png_upload(world):
    import base64

    return {
        "filename": "bank.png",
        "content_type": "image/png",
        "content_base64": base64.b64encode(PNG).decode(),
    }


WRITES += [
    # Only the new hire uploads and confirms, and only on their own plan.
    *_own_and_another(
        "onboarding-task", "upload", "onboarding-task", "candidate", own=201, recruiter=403, body=_png_upload
    ),
    *_own_and_another("onboarding-task", "confirm", "onboarding-form", "candidate", own=200, recruiter=403),
    # HR's own tasks: only recruiters mark them done.
    WriteSpec(
        "onboarding-task", "complete", "post", _denied(recruiter=200), target=("mine", "onboarding-hr-action")
    ),
    WriteSpec("hr-task", "close", "post", _denied(recruiter=200), target=("mine", "hr-task")),
    # Only a recruiter cancels a hire's onboarding; the new hire cannot cancel their own plan.
    WriteSpec(
        "onboarding-plan",
        "cancel",
        "post",
        _denied(recruiter=200),
        target=("mine", "onboarding-plan"),
        body=lambda w: {"reason": "hire_withdrew"},
    ),
    WriteSpec(
        "onboarding-plan",
        "cancel",
        "post",
        _denied(recruiter=200),
        target=("theirs", "onboarding-plan"),
        body=lambda w: {"reason": "offer_withdrawn"},
    ),
    WriteSpec(
        "candidate-message-text",
        "create",
        "post",
        _denied(recruiter=201),
        body=lambda w: {
            "key": "offer_cancelled",
            "language": "zh-hans",
            "subject": "关于您的录用通知",
            "body": "{name}，您好：很遗憾，录用通知已撤回。",  # noqa: RUF001
        },
    ),
]

# Each user revokes their own API tokens, whatever their role (tests/accounts/test_api_tokens.py
# shows it for HR admins and candidates); another's is not even there (404).
_NOT_THERE = {"anonymous": 401, **dict.fromkeys(ROLES[1:], 404)}
WRITES += [
    WriteSpec(
        "api-token", "revoke", "post", {**_NOT_THERE, "interviewer": 200}, target=("mine", "api-token")
    ),
    WriteSpec("api-token", "revoke", "post", _NOT_THERE, target=("theirs", "api-token")),
]

# --- Privacy requests ------------------------------------------------------------------------------
# Recruiters record and answer them, HR admins read them, a candidate reads their own (and makes
# them in the portal, not here); interviewers and integrations see none.
READS.append(ReadSpec("privacy-request", "privacy-request", {**STAFF, **NOBODY_ELSE, "candidate": {"mine"}}))
WRITES += [
    WriteSpec(
        "privacy-request",
        "create",
        "post",
        _denied(recruiter=201),
        body=lambda w: {
            "candidate": str(w.obj("mine", "candidate").pk),
            "kind": "access",
            "channel": "email",
        },
    ),
    WriteSpec("privacy-request", "start", "post", _denied(recruiter=200), target=("mine", "privacy-request")),
    # A received request is not completed before it is started: the recruiter passes the
    # permission check and gets the state answer.
    WriteSpec(
        "privacy-request", "complete", "post", _denied(recruiter=409), target=("mine", "privacy-request")
    ),
    WriteSpec(
        "privacy-request",
        "refuse",
        "post",
        _denied(recruiter=200),
        target=("theirs", "privacy-request"),
        body=lambda w: {"reason": "We keep it for a legal claim."},
    ),
    # No copy failed: the state answer again.
    WriteSpec(
        "privacy-request", "retry_copy", "post", _denied(recruiter=409), target=("mine", "privacy-request")
    ),
    # A correction is not carried out by erasing, and no erasure step failed: the state answers.
    WriteSpec("privacy-request", "erase", "post", _denied(recruiter=409), target=("mine", "privacy-request")),
    WriteSpec(
        "privacy-request", "retry_steps", "post", _denied(recruiter=409), target=("mine", "privacy-request")
    ),
]

# --- Résumé files ----------------------------------------------------------------------------------
# HR sees every file, an interviewer those of their assigned candidates, the candidate none here
# (their access copy lists theirs); only recruiters upload.
READS.append(ReadSpec("resume-file", "resume-file", {**STAFF, **NOBODY_ELSE, "interviewer": {"mine"}}))
# The file itself, audited as an export: tests/candidates/test_resume_files.py checks every role.
OTHER_READS.add(("resume-file", "download"))
WRITES.append(
    WriteSpec(
        "resume-file",
        "create",
        "post",
        _denied(recruiter=201),
        body=lambda w: {"candidate": str(w.obj("mine", "candidate").pk), "file": resume_upload()},
        format="multipart",
    )
)

# --- Application intake ----------------------------------------------------------------------------
# Only an integration token with the intake scope posts applications; it reads nothing
# (tests/candidates/test_intake.py covers the answers in detail).
WRITES.append(
    WriteSpec(
        "application-intake",
        "create",
        "post",
        _denied(recruiter=403, integration=201),
        body=lambda w: {
            "position": str(w.position.pk),
            "full_name": "Zhou Min",
            "email": "zhou.min@example.test",
            "resume": resume_upload(),
            "privacy_acknowledged": "true",
        },
        format="multipart",
    )
)

# --- The candidate survey --------------------------------------------------------------------------
# HR reads every answer; the candidate their own, which only they answer, once (a second answer,
# tests/interviews/test_survey.py); interviewers and integrations see none. The results are an
# aggregate for recruiters and HR admins (tests/interviews/test_survey_results.py).
READS.append(
    ReadSpec("interview-survey", "interview-survey", {**STAFF, **NOBODY_ELSE, "candidate": {"mine"}})
)
OTHER_READS.add(("survey-result", "list"))
WRITES += _own_and_another(
    "interview-survey",
    "answer",
    "interview-survey",
    "candidate",
    own=200,
    body=lambda w: {"overall": 5, "technical_problems": False, "fairness": 5, "comment": "Thanks."},
    recruiter=403,
)

# --- Later performance -----------------------------------------------------------------------------
# HR reads hires' ratings; interviewers and candidates never see one. Recruiters write them, and
# so does a performance system's token with the `record_performance` scope
# (tests/analytics/test_api.py), not the kit's integration, whose token has other scopes.
READS.append(ReadSpec("performance-rating", "performance-rating", {**STAFF, **NOBODY_ELSE}))
WRITES.append(
    WriteSpec(
        "performance-rating",
        "create",
        "post",
        _denied(recruiter=201),
        body=lambda w: {
            "application": str(w.obj("mine", "hire").pk),
            "period_start": "2025-07-01",
            "period_end": "2025-12-31",
            "rating": "3.5",
        },
    )
)

# --- Accommodations --------------------------------------------------------------------------------
# Recruiters answer them, HR admins read them, a candidate reads their own (asking is in the portal
# and on the interview link's page: tests/interviews/test_accommodations.py), an interviewer the
# granted ones of the interviews they are assigned to, without the candidate's words.
READS.append(
    ReadSpec(
        "accommodation",
        "accommodation",
        {**STAFF, **NOBODY_ELSE, "interviewer": {"mine"}, "candidate": {"mine"}},
    )
)
WRITES += [
    WriteSpec(
        "accommodation", "grant", "post", _denied(recruiter=200), target=("mine", "accommodation-open")
    ),
    WriteSpec(
        "accommodation",
        "decline",
        "post",
        _denied(recruiter=200),
        target=("theirs", "accommodation-open"),
        body=lambda w: {"answer": "We cannot offer another room that day."},
    ),
    # Answered already: the recruiter passes the permission check and gets the state answer.
    WriteSpec(
        "accommodation",
        "decline",
        "post",
        _denied(recruiter=409),
        target=("mine", "accommodation"),
        body=lambda w: {"answer": "Changed our mind."},
    ),
]

# --- Fairness --------------------------------------------------------------------------------------
# Self-identification is compliance's alone: no recruiter, HR admin, interviewer, candidate or
# integration reads one (docs/architecture.md, "Fairness").
COMPLIANCE_ONLY = {**NOBODY_ELSE, "recruiter": set(), "hr_admin": set(), "compliance": {"mine", "theirs"}}
# The impact ratios and audits are numbers by category: HR reads them too, never a person's answers.
COMPLIANCE_AND_HR = {**COMPLIANCE_ONLY, **STAFF}
READS += [
    ReadSpec("self-identification", "self-identification", COMPLIANCE_ONLY),
    ReadSpec("fairness-result", "fairness-result", COMPLIANCE_AND_HR),
    ReadSpec("bias-audit", "bias-audit", COMPLIANCE_AND_HR),
]
WRITES.append(
    WriteSpec(
        "bias-audit",
        "create",
        "post",
        _denied(recruiter=403, compliance=201),
        body=lambda w: {"provider": "simulated"},
    )
)
