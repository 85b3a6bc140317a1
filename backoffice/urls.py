"""HR's pages under /hr/: the dashboard, the candidate list and file, interviews, the audit trail,
privacy requests."""

from django.urls import path

from backoffice.views import audit, candidates, dashboard, privacy

urlpatterns = [
    path("", dashboard.dashboard, name="hr-dashboard"),
    path("messages/<uuid:pk>/retry/", dashboard.message_retry, name="hr-message-retry"),
    path("audit/", audit.trail, name="hr-audit"),
    path("audit/export.csv", audit.export, name="hr-audit-export"),
    path("audit/candidate/", audit.find_candidate, name="hr-audit-candidate"),
    path("audit/verify/", audit.verify, name="hr-audit-verify"),
    path("candidates/", candidates.candidate_list, name="hr-candidates"),
    path("candidates/<uuid:pk>/", candidates.candidate_file, name="hr-candidate"),
    path("resume-files/<uuid:pk>/", candidates.resume_file_download, name="hr-resume-file"),
    path("interviews/<uuid:pk>/", candidates.interview_page, name="hr-interview"),
    path("interviews/<uuid:pk>/recording/", candidates.interview_recording, name="hr-interview-recording"),
    path("privacy/", privacy.privacy_request_list, name="hr-privacy-requests"),
    path("privacy/<uuid:pk>/", privacy.privacy_request_page, name="hr-privacy-request"),
    path("privacy/retention/", privacy.retention_runs, name="hr-retention"),
]
