"""The interviewer workspace under /workspace/."""

urlpatterns: list = []
