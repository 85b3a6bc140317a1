"""The candidate's pages opened from their e-mails, under /portal/: the token is the credential."""

from django.urls import path

from interviews import portal_views

urlpatterns = [
    path("interviews/<str:token>/", portal_views.interview_page, name="portal-interview"),
    path("consent/<str:token>/", portal_views.consent_page, name="portal-consent"),
    path("reschedule/<str:token>/", portal_views.reschedule_page, name="portal-reschedule"),
]
