"""URL roots: the API under /api/, its schema and docs, and the admin."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("hrsuite.api_urls")),
]
