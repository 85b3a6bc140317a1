"""HR's pages under /hr/: the dashboard, the candidate list and file, interviews, positions, the
audit trail, privacy requests, analytics."""

from django.urls import path

from backoffice.views import (
    analytics,
    audit,
    board,
    bulk,
    candidates,
    dashboard,
    fairness,
    positions,
    privacy,
    survey_results,
)

urlpatterns = [
    path("", dashboard.dashboard, name="hr-dashboard"),
    path("messages/<uuid:pk>/retry/", dashboard.message_retry, name="hr-message-retry"),
    path("audit/", audit.trail, name="hr-audit"),
    path("audit/export.csv", audit.export, name="hr-audit-export"),
    path("audit/candidate/", audit.find_candidate, name="hr-audit-candidate"),
    path("audit/verify/", audit.verify, name="hr-audit-verify"),
    path("candidates/", candidates.candidate_list, name="hr-candidates"),
    path("candidates/bulk/", bulk.candidates_bulk, name="hr-candidates-bulk"),
    path("candidates/bulk/<str:key>/", bulk.candidates_bulk_result, name="hr-candidates-bulk-result"),
    path("candidates/<uuid:pk>/", candidates.candidate_file, name="hr-candidate"),
    path("resume-files/<uuid:pk>/", candidates.resume_file_download, name="hr-resume-file"),
    path("interviews/<uuid:pk>/", candidates.interview_page, name="hr-interview"),
    path("interviews/<uuid:pk>/recording/", candidates.interview_recording, name="hr-interview-recording"),
    path("positions/", positions.position_list, name="hr-positions"),
    path("positions/new/", positions.position_new, name="hr-position-new"),
    path("positions/<uuid:pk>/", positions.position_page, name="hr-position"),
    path("positions/<uuid:pk>/edit/", positions.position_edit, name="hr-position-edit"),
    path("positions/<uuid:pk>/board/", board.position_board, name="hr-position-board"),
    path(
        "positions/<uuid:pk>/close-applications/",
        positions.position_close_applications,
        name="hr-position-close-applications",
    ),
    path("positions/<uuid:pk>/closing/", positions.position_closing, name="hr-position-closing"),
    path("privacy/", privacy.privacy_request_list, name="hr-privacy-requests"),
    path("privacy/<uuid:pk>/", privacy.privacy_request_page, name="hr-privacy-request"),
    path("privacy/retention/", privacy.retention_runs, name="hr-retention"),
    path("analytics/", analytics.analytics_home, name="hr-analytics"),
    path("analytics/validity/<uuid:pk>/", analytics.validity_page, name="hr-validity"),
    path("analytics/validity/<uuid:pk>/export.csv", analytics.validity_export, name="hr-validity-export"),
    path("analytics/validity/<uuid:pk>/adopt/", analytics.validity_adopt, name="hr-validity-adopt"),
    path("analytics/ratings/", analytics.ratings_upload, name="hr-ratings-upload"),
    # Compliance's (docs/architecture.md, "Fairness").
    path("fairness/", fairness.fairness_home, name="hr-fairness"),
    path("fairness/compute/", fairness.fairness_compute, name="hr-fairness-compute"),
    path("fairness/<uuid:pk>/", fairness.fairness_scope, name="hr-fairness-scope"),
    path("fairness/<uuid:pk>/export.csv", fairness.fairness_export, name="hr-fairness-export"),
    path("fairness/audits/", fairness.bias_audit_create, name="hr-bias-audit-create"),
    path(
        "fairness/audits/<uuid:pk>/report.pdf",
        fairness.bias_audit_download,
        {"kind": "pdf"},
        name="hr-bias-audit-pdf",
    ),
    path(
        "fairness/audits/<uuid:pk>/report.csv",
        fairness.bias_audit_download,
        {"kind": "csv"},
        name="hr-bias-audit-csv",
    ),
    path("fairness/illinois.csv", fairness.illinois_report, name="hr-illinois-report"),
    path("analytics/survey/", survey_results.survey_results_page, name="hr-survey-results"),
    path(
        "analytics/survey/export.csv", survey_results.survey_results_export, name="hr-survey-results-export"
    ),
]
