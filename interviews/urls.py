"""Pages of the simulated interview provider: where a candidate joins, where they practise, and
the call that deletes a meeting's recordings."""

from django.urls import path

from interviews import views

urlpatterns = [
    path("simulated/practice/", views.simulated_practice, name="simulated-practice"),
    path(
        "simulated/api/recordings/erase/", views.simulated_recordings_erase, name="simulated-recordings-erase"
    ),
    path("simulated/recordings/<str:meeting_id>/", views.simulated_recording, name="simulated-recording"),
    path("simulated/<str:meeting_id>/", views.simulated_join, name="simulated-join"),
]
