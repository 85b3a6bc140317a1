"""HR's candidate list, candidate file and interview pages under /hr/."""

urlpatterns: list = []
