"""Pages of the simulated interview provider: where a candidate joins, and where they practise."""

from django.urls import path

from interviews import views

urlpatterns = [
    path("simulated/practice/", views.simulated_practice, name="simulated-practice"),
    path("simulated/<str:meeting_id>/", views.simulated_join, name="simulated-join"),
]
