"""Bulk actions on applications a recruiter selected (docs/architecture.md, "Bulk actions").

`applications_bulk(action=, application_ids=, actor=, **params)` is the one entry for every page
that selects applications (the candidate list, a pipeline board): it checks the request as a
whole (`applications_bulk_check`: the recruiter, the action, the selection and its cap, the
action's parameters), then applies the action to each application on its own through the
service that does it one at a time (`candidates.services.applications.applications_each`): its
own transaction and audit events, a refusal kept with its reason, undoing none of the others.

| action | params | through |
|---|---|---|
| `reject` | `reason` | `decision_record` (a rejection, the candidate's message after the position's delay) |
| `advance` | | `application_move` by the plain move to the next stage (`ADVANCE_EVENTS`) |
| `assign` | `interviewer` (a user id) | `assignment_create` on the application's next scheduled interview |
| `invite` | | `candidate_portal_invite`, once per candidate |

Call it outside a transaction, so that each application commits by itself.
"""

from dataclasses import dataclass
from uuid import UUID

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from accounts.models import User
from candidates.models import Application, Stage
from candidates.services.applications import EachApplied, application_move, applications_each
from candidates.services.portal_accounts import candidate_portal_invite
from hrsuite.errors import Conflict, Forbidden, ValidationFailed
from hrsuite.permissions import get_for_change, has_role, restrict
from hrsuite.roles import Role
from interviews.models import Interview
from interviews.services.assignments import assignment_create
from onboarding.models import Decision
from onboarding.services.decisions import decision_record

# The most applications one bulk action takes: a page's selection, each applied in a transaction
# of its own within one request.
BULK_AT_MOST = 100


class BulkAction(models.TextChoices):
    REJECT = "reject", gettext_lazy("Reject")
    ADVANCE = "advance", gettext_lazy("Advance to the next stage")
    ASSIGN = "assign", gettext_lazy("Assign an interviewer to the next interview")
    INVITE = "invite", gettext_lazy("Invite to the candidate portal")


# The plain stage move that advances an application from each stage (the application service's
# STAGE_TRANSITIONS); from the others only a decision or the candidate moves it on.
ADVANCE_EVENTS = {Stage.APPLIED: "screen", Stage.SCREENING: "interview", Stage.INTERVIEWING: "await_decision"}


@dataclass(frozen=True)
class BulkRequest:
    """A checked bulk action: what, on which of the selected applications `actor` may see
    (oldest first, with their candidates and positions), and with what."""

    action: str
    applications: list[Application]
    reason: str = ""
    interviewer: User | None = None
    # How many of the selected ids named no application `actor` may see: not looked at.
    unseen: int = 0


def _ids(application_ids) -> list[UUID]:
    ids = []
    for value in application_ids:
        try:
            ids.append(value if isinstance(value, UUID) else UUID(str(value)))
        except ValueError:
            message = gettext("Select applications from the list.")
            raise ValidationFailed(message, fields={"applications": [message]}) from None
    return list(dict.fromkeys(ids))


def applications_bulk_check(
    *, action: str, application_ids, actor, reason: str = "", interviewer=None
) -> BulkRequest:
    """The bulk action as it would be applied, nothing written: Forbidden for anyone but a
    recruiter; ValidationFailed naming `action`, `applications` (none, or more than
    BULK_AT_MOST), `reason` (a rejection gives one) or `interviewer` (an active interviewer's
    id)."""
    if getattr(actor, "pk", None) is None or not has_role(actor, Role.RECRUITER):
        raise Forbidden(gettext("Only a recruiter acts on applications in bulk."))
    errors: dict[str, list[str]] = {}
    if action not in BulkAction.values:
        errors["action"] = [gettext("Choose what to do with the selected applications.")]
    ids = _ids(application_ids)
    if not ids:
        errors["applications"] = [gettext("Select at least one application.")]
    elif len(ids) > BULK_AT_MOST:
        errors["applications"] = [
            gettext("Select at most %(count)d applications at once.") % {"count": BULK_AT_MOST}
        ]
    reason = (reason or "").strip()
    if action == BulkAction.REJECT and not reason:
        errors["reason"] = [gettext("Give the reason: each candidate's rejection is recorded with it.")]
    chosen = None
    if action == BulkAction.ASSIGN:
        chosen = _interviewer(interviewer)
        if chosen is None:
            errors["interviewer"] = [gettext("Choose an interviewer.")]
    if errors:
        raise ValidationFailed.naming(gettext("Check the bulk action: %(fields)s."), errors)
    applications = restrict(Application.objects.select_related("candidate", "position"), user=actor)
    found = list(applications.filter(pk__in=ids).order_by("created_at", "id"))
    return BulkRequest(
        action=action, applications=found, reason=reason, interviewer=chosen, unseen=len(ids) - len(found)
    )


def _interviewer(value) -> User | None:
    if not value:
        return None
    try:
        pk = int(value) if not isinstance(value, User) else value.pk
    except (TypeError, ValueError):
        return None
    return User.objects.filter(pk=pk, is_active=True, groups__name=Role.INTERVIEWER.value).first()


def applications_bulk(
    *, action: str, application_ids, actor, reason: str = "", interviewer=None
) -> list[EachApplied]:
    """Apply `action` to each selected application `actor` may see, each on its own; the
    outcome of each, oldest application first: done, or refused and why."""
    request = applications_bulk_check(
        action=action, application_ids=application_ids, actor=actor, reason=reason, interviewer=interviewer
    )
    if action == BulkAction.REJECT:

        def apply(application):
            decision_record(
                application=application, outcome=Decision.Outcome.REJECT, reason=request.reason, actor=actor
            )

    elif action == BulkAction.ADVANCE:

        def apply(application):
            _advance(application, actor=actor)

    elif action == BulkAction.ASSIGN:

        def apply(application):
            _assign(application, interviewer=request.interviewer, actor=actor)

    else:
        invited: set = set()

        def apply(application):
            if application.candidate_id in invited:
                raise Conflict(
                    gettext("The candidate is invited already, with another selected application.")
                )
            candidate_portal_invite(candidate=application.candidate, actor=actor)
            invited.add(application.candidate_id)

    return applications_each(request.applications, apply)


def _advance(application: Application, *, actor) -> None:
    application = get_for_change(Application.objects, user=actor, pk=application.pk)
    event = ADVANCE_EVENTS.get(application.stage)
    if event is None:
        raise Conflict(
            gettext("No stage follows “%(stage)s” without a decision.")
            % {"stage": Stage(application.stage).label},
            code="invalid_transition",
        )
    application_move(application=application, event=event, actor=actor)


def _assign(application: Application, *, interviewer: User, actor) -> None:
    upcoming = restrict(Interview.objects.all(), user=actor).filter(
        application=application, status=Interview.Status.SCHEDULED, starts_at__gte=timezone.now()
    )
    interview = upcoming.order_by("starts_at", "id").first()
    if interview is None:
        raise Conflict(gettext("No interview is scheduled for this application: schedule one first."))
    assignment_create(interview=interview, interviewer=interviewer, actor=actor)
