"""The interviewer workspace under /workspace/: my interviews, one interview, my scorecard, the
résumé files of the candidates assigned to me.

The scorecard's address is the one the scorecard request and reminder e-mails link to.
"""

from django.urls import path

from workspace import views as views

urlpatterns = [
    path("", views.home, name="workspace-home"),
    path("interviews/<uuid:pk>/", views.interview_page, name="workspace-interview"),
    path("interviews/<uuid:pk>/recording/", views.interview_recording, name="workspace-interview-recording"),
    path("interviews/<uuid:pk>/scorecard/", views.scorecard_page, name="workspace-scorecard"),
    path("resume-files/<uuid:pk>/", views.resume_file_download, name="workspace-resume-file"),
    path(
        "interviews/<uuid:pk>/scorecard/submit/",
        views.scorecard_submit_page,
        name="workspace-scorecard-submit",
    ),
]
