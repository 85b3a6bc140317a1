"""A position's pipeline board (docs/architecture.md, "Pipeline board"): its applications by stage,
and moving one on, as the API does it.

A card is moved by its own small form: the moves its stage allows, as a list to choose from and a
button, which a keyboard reaches like any form and which works without JavaScript. `board.js`,
served by the app itself, adds dragging a card onto a column: the drop picks the move leading to
that column and sends the same form. Refusals (a move the application's stage no longer allows)
come back on the board with their message (409). Cards ticked on the board go to the candidate
list's bulk actions (`backoffice.views.bulk`): the same review, confirmation and result per
application. Recruiters move cards; HR admins see the board without the forms and are refused a
POST before anything is read.
"""

import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from backoffice.selectors.board import board_for
from backoffice.views.bulk import bulk_choices
from backoffice.views.candidates import _options, _people
from backoffice.views.positions import _may_act, _position_or_404
from candidates.models import Application
from candidates.services.applications import application_move
from hrsuite.errors import ApplicationError, Forbidden, NotFound, ValidationFailed
from hrsuite.pages import role_required, url_for_each
from hrsuite.permissions import restrict
from hrsuite.roles import Role
from onboarding.services.bulk import BULK_AT_MOST

HR = (Role.RECRUITER, Role.HR_ADMIN)


@role_required(*HR)
@require_http_methods(["GET", "POST"])
def position_board(request, pk):
    refusal = None
    if request.method == "POST":
        if not _may_act(request):
            raise PermissionDenied
        try:
            moved = _move(request, pk)
        except Forbidden:
            raise PermissionDenied from None
        except NotFound:
            raise Http404 from None
        except ApplicationError as error:
            refusal = {"message": error.message, "status": error.status_code}
        else:
            messages.success(request, _("Moved to %(stage)s.") % {"stage": moved.get_stage_display()})
            return redirect(reverse("hr-position-board", args=[pk]) + f"#stage-{moved.stage}")
    position = _position_or_404(request, pk)
    columns = board_for(user=request.user, position=position, now=timezone.now())
    file_url = url_for_each("hr-candidate")
    for column in columns:
        for card in column.cards:
            card.file_url = file_url(card.candidate_id)
    may_act = _may_act(request)
    context = {
        "position": position,
        "columns": columns,
        "may_act": may_act,
        "refusal": refusal,
        "list_url": reverse("hr-candidates"),
    }
    if may_act:
        # The candidate list's bulk form, for the cards ticked on the board.
        interviewers = _people({"interviewers": Role.INTERVIEWER})["interviewers"]
        context.update(
            bulk_at_most=BULK_AT_MOST,
            bulk_actions=bulk_choices(),
            interviewer_options=_options(interviewers, None),
            bulk_back=f"position={position.pk}",
        )
    return render(request, "hr/board.html", context, status=refusal["status"] if refusal else 200)


def _move(request, pk) -> Application:
    """The posted card's move, through the applications' service (its transitions and checks)."""
    event = request.POST.get("event", "")
    try:
        application_id = uuid.UUID(request.POST.get("application", ""))
    except ValueError:
        application = None
    else:
        visible = restrict(Application.objects.filter(position_id=pk), user=request.user)
        application = visible.filter(pk=application_id).first()
    if application is None:
        raise NotFound(_("Application not found."))
    if not event:
        message = _("Choose where to move it.")
        raise ValidationFailed(message, fields={"event": [message]})
    return application_move(application=application, event=event, actor=request.user)
