"""Signing in and out, and the user's own preferences, under /account/."""

from django.urls import path

from hrsuite.accounts import views

urlpatterns = [
    path("sign-in/", views.SignInView.as_view(), name="sign-in"),
    path("sign-out/", views.SignOutView.as_view(), name="sign-out"),
    path("preferences/", views.preferences, name="preferences"),
]
