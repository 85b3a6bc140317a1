"""The simulated background-check provider's call that deletes what it holds of a check."""

from django.urls import path

from onboarding import views

urlpatterns = [
    path("simulated/api/checks/erase/", views.simulated_checks_erase, name="simulated-checks-erase"),
]
