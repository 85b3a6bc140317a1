"""The careers page under /careers/: no sign-in."""

from django.urls import path

from careers import views

urlpatterns = [
    path("", views.positions, name="careers"),
    path("<uuid:pk>/", views.position, name="careers-position"),
    path("<uuid:pk>/applied/", views.applied, name="careers-applied"),
]
