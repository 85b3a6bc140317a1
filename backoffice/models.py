"""What HR's pages keep between views: the dashboard's counts."""

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _


class DashboardSummary(models.Model):
    """The dashboard's counts for one scope, as of `counted_at`: "all" for everyone who may see
    every row, "user-<pk>" for one user who sees less (`backoffice.selectors.dashboard`). A row
    without counts is a scope's first view asking for them.

    Numbers only, with the open positions' titles: no candidate is named or identified here, so
    erasing one leaves nothing behind in this table (docs/architecture.md, "HR dashboard")."""

    scope = models.CharField(_("scope"), max_length=40, primary_key=True)
    counted_at = models.DateTimeField(_("counted at"), null=True, blank=True)
    counts = models.JSONField(_("counts"), encoder=DjangoJSONEncoder, null=True, blank=True)
    # A view that found the row stale asks beat to count it again; a run of beat that does so
    # marks the row as being counted, so that another run started meanwhile leaves it alone.
    recount_asked_at = models.DateTimeField(_("recount asked at"), null=True, blank=True)
    counting_since = models.DateTimeField(_("counting since"), null=True, blank=True)

    class Meta:
        verbose_name = _("dashboard summary")
        verbose_name_plural = _("dashboard summaries")

    def __str__(self) -> str:
        if self.counted_at is None:
            return f"{self.scope}, not counted yet"
        return f"{self.scope} as of {self.counted_at:%Y-%m-%d %H:%M:%S}"
