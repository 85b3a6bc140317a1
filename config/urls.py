"""URL roots: the start page, the API under /api/ (with its schema and docs), and the admin."""

from django.contrib import admin
from django.urls import include, path

from accounts import views as account_views

urlpatterns = [
    path("", account_views.home, name="home"),
    path("account/", include("accounts.urls")),
    # HR (recruiters and HR admins): the dashboard, the audit trail, candidate files and interviews.
    path("hr/", include("backoffice.urls")),
    # Interviewers: their assigned interviews and scorecards.
    path("workspace/", include("workspace.urls")),
    # Signed-in candidates: their own applications, interviews, results, offer and onboarding.
    path("portal/", include("portal.urls")),
    # Anyone: the open positions and the application form.
    path("careers/", include("careers.urls")),
    path("admin/", admin.site.urls),
    path("api/", include("config.api_urls")),
    # The simulated provider's join and practice pages.
    path("interviews/", include("interviews.urls")),
    # The simulated background-check provider's erase call.
    path("onboarding/", include("onboarding.urls")),
    # The candidate's interview, consent and reschedule pages, opened from their e-mails without signing in.
    path("portal/", include("portal.link_urls")),
]

# Unknown API paths answer in the API's JSON error shape, not an HTML page.
handler404 = "hrsuite.views.not_found"
handler403 = "hrsuite.views.forbidden"
handler500 = "hrsuite.views.failure"
