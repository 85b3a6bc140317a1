"""HR's candidate list, candidate file and interview pages under /hr/."""

from django.urls import path

from candidates import views

urlpatterns = [
    path("candidates/", views.candidate_list, name="hr-candidates"),
    path("candidates/<uuid:pk>/", views.candidate_file, name="hr-candidate"),
    path("interviews/<uuid:pk>/", views.interview_page, name="hr-interview"),
]
