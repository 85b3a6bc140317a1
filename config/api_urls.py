"""The API under /api/: one router for every app's endpoints, the schema and its docs page."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from accounts.apis import ApiTokenApi, MeApi, TokenApi
from analytics.apis import BiasAuditApi, FairnessResultApi, PerformanceRatingApi, SelfIdentificationApi
from audit.apis import AuditEventApi
from candidates.apis import ApplicationIntakeApi, CandidateApi, PositionApi, PriorRecordApi, ResumeFileApi
from interviews.apis.accommodations import AccommodationApi
from interviews.apis.applications import ApplicationWithFeedbackApi
from interviews.apis.assessments import AssessmentApi
from interviews.apis.assignments import AssignmentApi
from interviews.apis.consents import ConsentApi
from interviews.apis.incidents import CompletionRateApi, IncidentApi
from interviews.apis.interviews import InterviewApi
from interviews.apis.reschedule_offers import RescheduleOfferApi
from interviews.apis.reviews import HumanReviewApi
from interviews.apis.scheduling import SchedulingApi
from interviews.apis.scorecards import ScorecardApi
from interviews.apis.surveys import SurveyApi, SurveyResultApi
from interviews.webhooks import WebhookApi
from notifications.apis import NotificationApi
from onboarding.apis.background_checks import BackgroundCheckApi
from onboarding.apis.decisions import DecisionApi
from onboarding.apis.hr_tasks import HRTaskApi
from onboarding.apis.message_texts import CandidateMessageTextApi
from onboarding.apis.offers import OfferApi
from onboarding.apis.plans import OnboardingDocumentApi, OnboardingPlanApi, OnboardingTaskApi
from onboarding.apis.provisioning import ProvisioningDeliveryApi, ProvisioningTargetApi
from onboarding.webhooks import CheckWebhookApi
from privacy.apis import PrivacyRequestApi

router = DefaultRouter()
router.register("positions", PositionApi, basename="position")
router.register("candidates", CandidateApi, basename="candidate")
router.register("applications", ApplicationWithFeedbackApi, basename="application")
router.register("prior-records", PriorRecordApi, basename="prior-record")
router.register("resume-files", ResumeFileApi, basename="resume-file")
router.register("application-intake", ApplicationIntakeApi, basename="application-intake")
router.register("interviews", InterviewApi, basename="interview")
router.register("assignments", AssignmentApi, basename="assignment")
router.register("assessments", AssessmentApi, basename="assessment")
router.register("human-reviews", HumanReviewApi, basename="human-review")
router.register("scorecards", ScorecardApi, basename="scorecard")
router.register("audit-events", AuditEventApi, basename="audit-event")
router.register("notifications", NotificationApi, basename="notification")
router.register("scheduling", SchedulingApi, basename="scheduling")
router.register("incidents", IncidentApi, basename="incident")
router.register("completion-rates", CompletionRateApi, basename="completion-rate")
router.register("consents", ConsentApi, basename="consent")
router.register("accommodations", AccommodationApi, basename="accommodation")
router.register("interview-surveys", SurveyApi, basename="interview-survey")
router.register("survey-results", SurveyResultApi, basename="survey-result")
router.register("decisions", DecisionApi, basename="decision")
router.register("offers", OfferApi, basename="offer")
router.register("background-checks", BackgroundCheckApi, basename="background-check")
router.register("onboarding-plans", OnboardingPlanApi, basename="onboarding-plan")
router.register("onboarding-tasks", OnboardingTaskApi, basename="onboarding-task")
router.register("onboarding-documents", OnboardingDocumentApi, basename="onboarding-document")
router.register("hr-tasks", HRTaskApi, basename="hr-task")
router.register("candidate-message-texts", CandidateMessageTextApi, basename="candidate-message-text")
router.register("provisioning-targets", ProvisioningTargetApi, basename="provisioning-target")
router.register("provisioning-deliveries", ProvisioningDeliveryApi, basename="provisioning-delivery")
router.register("api-tokens", ApiTokenApi, basename="api-token")
router.register("privacy-requests", PrivacyRequestApi, basename="privacy-request")
router.register("performance-ratings", PerformanceRatingApi, basename="performance-rating")
router.register("self-identifications", SelfIdentificationApi, basename="self-identification")
router.register("fairness-results", FairnessResultApi, basename="fairness-result")
router.register("bias-audits", BiasAuditApi, basename="bias-audit")

urlpatterns = [
    path("auth/token/", TokenApi.as_view(), name="auth-token"),
    path("me/", MeApi.as_view(), name="me"),
    # Public: the token in the candidate's link is the credential (see RescheduleOfferApi).
    path("reschedule/<str:token>/", RescheduleOfferApi.as_view(), name="reschedule-offer"),
    # Signed by the provider, not signed in: see WebhookApi.
    path("webhooks/<str:provider>/", WebhookApi.as_view(), name="provider-webhook"),
    # Signed by the background-check provider: see CheckWebhookApi.
    path("webhooks/checks/<str:provider>/", CheckWebhookApi.as_view(), name="background-check-webhook"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # Its script is a second request to the same address (?script), not inline: script-src 'self'.
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(url_name="schema", template_name="api/docs.html"),
        name="api-docs",
    ),
    path("", include(router.urls)),
]
