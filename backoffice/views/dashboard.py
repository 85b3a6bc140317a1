"""The HR dashboard: the pipeline and today's work at a glance, and retrying a failed message."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from analytics.services import bias_audits
from backoffice.selectors import dashboard as selectors
from backoffice.views.survey_results import survey_row
from hrsuite.errors import Forbidden, InvalidTransition
from hrsuite.models import choice_labels
from hrsuite.pages import role_required, url_for_each, visible_or_404
from hrsuite.permissions import may
from hrsuite.roles import Role
from interviews.models import Interview
from interviews.survey_models import SurveyResult
from notifications.models import Notification
from notifications.selectors import notification_detail_queryset
from notifications.services.outbox import notification_retry


@require_GET
@role_required(Role.RECRUITER, Role.HR_ADMIN)
def dashboard(request):
    return _dashboard_page(request)


@require_POST
@role_required(Role.RECRUITER)
def message_retry(request, pk):
    """A recruiter sends a failed message again (the outbox's retry service); HR admins change
    nothing, so they are refused before anything is read."""
    user = request.user
    notification = visible_or_404(notification_detail_queryset(user=user), user=user, pk=pk)
    try:
        notification_retry(notification=notification, actor=user)
    except Forbidden:
        raise PermissionDenied from None
    except InvalidTransition:
        problem = _(
            "That message is no longer failed (someone may have retried it already): nothing was changed."
        )
        return _dashboard_page(request, problem=problem, status=409)
    messages.success(request, _("The message is queued again and goes out within a minute."))
    return redirect("hr-dashboard")


def _dashboard_page(request, *, problem: str = "", status: int = 200):
    user = request.user
    board = selectors.dashboard_for(user=user, tz=timezone.get_current_timezone())
    _link_rows(board)
    context = {
        "board": board,
        "problem": problem,
        "can_retry": may(user, "change", Notification),
        "pipeline_limit": selectors.PIPELINE_POSITIONS,
        "completion_days": selectors.COMPLETION_DAYS,
        # AI interview tools whose bias audit a region needs and that lapses within 30 days or
        # has (docs/architecture.md, "Fairness"): dates only, no figure.
        "audit_warnings": bias_audits.audit_warnings(),
        # The candidate survey beside the completion rates, from the counts' row (no query).
        "survey_rows": [
            survey_row(SurveyResult(**figures), kinds)
            for kinds in [choice_labels(Interview.Kind)]
            for figures in board.survey
        ],
        "survey_days": settings.HRSUITE_SURVEY_DAYS,
    }
    return render(request, "hr/dashboard.html", context, status=status)


def _link_rows(board: selectors.Dashboard) -> None:
    """Each listed row that names an interview gets `page_url`, the HR interview page it links
    to, each failed message `retry_url`, where its retry button posts, and each privacy request
    `page_url`, its own page."""
    rows = [interview for day in board.agenda.days for interview in day.interviews]
    for shortlist in (
        board.overdue_scorecards,
        board.reviews_waiting,
        board.open_incidents,
        board.failed_messages,
    ):
        rows += shortlist.rows
    page_url = url_for_each("hr-interview")
    for row in rows:
        if row["interview_id"]:
            row["page_url"] = page_url(row["interview_id"])
    retry_url = url_for_each("hr-message-retry")
    for message in board.failed_messages.rows:
        message["retry_url"] = retry_url(message["id"])
    request_url = url_for_each("hr-privacy-request")
    for request in board.privacy_due.rows:
        request["page_url"] = request_url(request["id"])
