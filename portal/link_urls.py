"""The candidate's pages opened from their e-mails, under /portal/: the token is the credential."""

from django.urls import path

from portal.views import interviews as portal_views
from portal.views import onboarding as onboarding_portal_views
from portal.views import privacy as privacy_portal_views
from portal.views import survey as survey_portal_views

urlpatterns = [
    path("interviews/<str:token>/", portal_views.interview_page, name="portal-interview"),
    path("consent/<str:token>/", portal_views.consent_page, name="portal-consent"),
    path("reschedule/<str:token>/", portal_views.reschedule_page, name="portal-reschedule"),
    path("offers/<str:token>/", onboarding_portal_views.offer_page, name="portal-offer"),
    path("onboarding/<str:token>/", onboarding_portal_views.onboarding_page, name="portal-onboarding"),
    path("access-copy/<str:token>/", privacy_portal_views.access_copy_page, name="portal-access-copy"),
    path("survey/<str:token>/", survey_portal_views.survey_page, name="portal-survey"),
]
