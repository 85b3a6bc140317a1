"""The HR dashboard under /hr/."""

from django.urls import path

from backoffice import views

urlpatterns = [
    path("", views.dashboard, name="hr-dashboard"),
    path("messages/<uuid:pk>/retry/", views.message_retry, name="hr-message-retry"),
]
