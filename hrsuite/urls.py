"""URL roots: the start page, the API under /api/ (with its schema and docs), and the admin."""

from django.contrib import admin
from django.urls import include, path

from hrsuite import views

urlpatterns = [
    path("", views.home, name="home"),
    path("admin/", admin.site.urls),
    path("api/", include("hrsuite.api_urls")),
    # The simulated provider's join and practice pages.
    path("interviews/", include("interviews.urls")),
    # The candidate's interview, consent and reschedule pages, opened from their e-mails without signing in.
    path("portal/", include("interviews.portal_urls")),
]

# Unknown API paths answer in the API's JSON error shape, not an HTML page.
handler404 = "hrsuite.views.not_found"
handler500 = "hrsuite.views.failure"
