"""The audit trail viewer and its CSV export under /hr/audit/."""

from django.urls import path

from audit import views

urlpatterns = [
    path("", views.trail, name="hr-audit"),
    path("export.csv", views.export, name="hr-audit-export"),
    path("candidate/", views.find_candidate, name="hr-audit-candidate"),
    path("verify/", views.verify, name="hr-audit-verify"),
]
