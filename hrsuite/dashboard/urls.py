"""The HR dashboard under /hr/."""

urlpatterns: list = []
