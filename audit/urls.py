"""The audit trail viewer and its CSV export under /hr/audit/."""

urlpatterns: list = []
