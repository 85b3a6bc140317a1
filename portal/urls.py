"""The signed-in candidate portal under /portal/: sign-in and the candidate's own records.

Mounted before the token pages of the candidate's e-mails (`portal.link_urls`), so nothing
here may look like `<page>/<token>/` of theirs: interviews, consent, reschedule, offers, onboarding,
access-copy, survey. (`accommodations/<interview id>/` is the signed-in page; the link's requests are
made on its interview page.)
"""

from django.urls import path

from portal.views import accommodations as accommodation_views
from portal.views import account as portal_views
from portal.views import privacy as privacy_views
from portal.views import self_identification as self_id_views
from portal.views import survey as survey_views

urlpatterns = [
    path("", portal_views.home, name="portal-home"),
    path("invite/<uuid:candidate_id>/", portal_views.invite, name="portal-invite"),
    path("welcome/<str:uidb64>/<str:token>/", portal_views.welcome, name="portal-welcome"),
    path("sign-in/", portal_views.sign_in, name="portal-sign-in"),
    path("sign-in/<str:uidb64>/<str:token>/", portal_views.sign_in_link, name="portal-sign-in-link"),
    path("results/<uuid:assessment_id>/", portal_views.result, name="portal-result"),
    path("open/interview/<uuid:interview_id>/", portal_views.open_interview, name="portal-open-interview"),
    path("open/consent/<uuid:interview_id>/", portal_views.open_consent, name="portal-open-consent"),
    path("open/offer/<uuid:offer_id>/", portal_views.open_offer, name="portal-open-offer"),
    path("open/onboarding/<uuid:plan_id>/", portal_views.open_onboarding, name="portal-open-onboarding"),
    path(
        "accommodations/<uuid:interview_id>/",
        accommodation_views.accommodations,
        name="portal-accommodations",
    ),
    path("open/survey/<uuid:survey_id>/", survey_views.open_survey, name="portal-open-survey"),
    path("privacy/", privacy_views.privacy, name="portal-privacy"),
    path("privacy/copies/<uuid:bundle_id>/", privacy_views.privacy_copy, name="portal-privacy-copy"),
    path("self-identification/", self_id_views.self_identification, name="portal-self-identification"),
]
