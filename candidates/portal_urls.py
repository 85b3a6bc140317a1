"""The signed-in candidate portal under /portal/: sign-in and the candidate's own records."""

urlpatterns: list = []
