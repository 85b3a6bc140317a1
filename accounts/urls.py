"""Signing in and out (by password or an e-mailed link), and the user's own preferences, under
/account/."""

from django.urls import path

from accounts import views

urlpatterns = [
    path("sign-in/", views.SignInView.as_view(), name="sign-in"),
    path("sign-in/link/", views.sign_in_link_request, name="sign-in-link-request"),
    path("sign-in/link/<str:uidb64>/<str:token>/", views.sign_in_link, name="sign-in-link"),
    path("sign-out/", views.SignOutView.as_view(), name="sign-out"),
    path("preferences/", views.preferences, name="preferences"),
]
