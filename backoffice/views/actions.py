"""The recruiter's actions from the candidate file and HR's interview page.

Each action is one small POST form calling one existing service, the way the APIs call it (see
`candidates/apis.py`, `interviews/apis/`, `onboarding/apis/`).
The object a form names (application, interview, assignment, dimension score, offer) is looked up
through `restrict()` among THIS candidate's records: an id from elsewhere is a 404, like a missing
one. Services raise ValidationFailed, InvalidTransition or Forbidden; the page turns those into the
form shown again (400), a message (409) or a refusal (403).
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from analytics.models import PerformanceRating
from analytics.services.ratings import RatingIn, performance_rating_record
from backoffice.forms import local_moment, raise_if, viewer_zone, whole_number, zone_named
from backoffice.selectors.candidate_file import active_users_with, candidate_by_email, positions_for
from candidates.models import Application, Candidate, Language, Position
from candidates.services import applications as application_services
from candidates.services import candidates as candidate_services
from candidates.services import resume_files
from hrsuite import uploads
from hrsuite.errors import ValidationFailed
from hrsuite.models import BIGINT_MAX
from hrsuite.permissions import restrict
from hrsuite.roles import Role
from interviews.models import AIDimensionScore, Interview
from interviews.selectors import (
    accommodation_detail_queryset,
    assessment_list_for,
    assignment_detail_queryset,
    interview_detail_queryset,
)
from interviews.services import accommodations, scheduling
from interviews.services.assignments import assignment_create, assignment_delete
from interviews.services.interviews import interview_results_release
from interviews.services.reviews import human_review_create
from onboarding.models import Offer
from onboarding.selectors import offer_detail_queryset
from onboarding.services import decisions, offers


@dataclass
class Done:
    """A successful action: the message to show and where on the page to return."""

    message: str
    anchor: str = ""


@dataclass
class Action:
    handler: Callable
    # The POST field naming the object the form acts on (its refused state is kept on that object).
    target: str
    # The form the action belongs to, when several actions share one (approve / reject).
    form: str = ""


# --- Looking up what a form names ----------------------------------------------------------------


def _one(queryset: models.QuerySet, pk):
    try:
        return queryset.get(pk=pk)
    except (queryset.model.DoesNotExist, ValidationError, ValueError):
        raise Http404 from None


def _application(request, candidate_id) -> Application:
    queryset = restrict(Application.objects.select_related("candidate", "position"), user=request.user)
    return _one(queryset.filter(candidate_id=candidate_id), request.POST.get("application"))


def _interview(request, candidate_id) -> Interview:
    queryset = restrict(interview_detail_queryset(user=request.user), user=request.user)
    return _one(queryset.filter(application__candidate_id=candidate_id), request.POST.get("interview"))


def _offer(request, candidate_id) -> Offer:
    queryset = restrict(offer_detail_queryset(user=request.user), user=request.user)
    return _one(queryset.filter(application__candidate_id=candidate_id), request.POST.get("offer"))


def _moment_zone(request, *, candidate_zone: str):
    """The zone a form's time was entered in: the viewer's own (default) or the candidate's."""
    if request.POST.get("zone") == "candidate":
        return zone_named(candidate_zone) or viewer_zone()
    return viewer_zone()


def _when(moment) -> str:
    local = timezone.localtime(moment)
    return f"{local:%Y-%m-%d %H:%M} ({timezone.get_current_timezone_name()})"


# --- Interviews ------------------------------------------------------------------------------------


def schedule(request, *, candidate_id) -> Done:
    application = _application(request, candidate_id)
    post, errors = request.POST, {}
    zone = _moment_zone(request, candidate_zone=application.candidate.time_zone)
    starts_at = local_moment(post.get("starts_at"), zone=zone, field_name="starts_at", errors=errors)
    duration = whole_number(post.get("duration_minutes"), field_name="duration_minutes", errors=errors)
    ids = [pk for pk in post.getlist("interviewers") if pk]
    chosen = {str(u.pk): u for u in active_users_with(Role.INTERVIEWER).filter(pk__in=_int_ids(ids))}
    if len(chosen) != len(set(ids)):
        errors.setdefault("interviewers", []).append(_("Choose interviewers from the list."))
    raise_if(errors)
    interview = scheduling.interview_schedule(
        application=application,
        kind=post.get("kind", ""),
        starts_at=starts_at,
        duration_minutes=duration,
        interviewers=[chosen[pk] for pk in dict.fromkeys(ids)],
        actor=request.user,
    )
    message = _("Interview scheduled for %(when)s. Invitations are on their way.") % {
        "when": _when(interview.starts_at)
    }
    return Done(message, f"interview-{interview.pk}")


def reschedule(request, *, candidate_id) -> Done:
    interview = _interview(request, candidate_id)
    errors: dict = {}
    zone = _moment_zone(request, candidate_zone=interview.candidate_time_zone)
    starts_at = local_moment(request.POST.get("starts_at"), zone=zone, field_name="starts_at", errors=errors)
    raise_if(errors)
    interview = scheduling.interview_reschedule(interview=interview, starts_at=starts_at, actor=request.user)
    message = _("Interview moved to %(when)s. Everyone gets the new time.") % {
        "when": _when(interview.starts_at)
    }
    return Done(message, f"interview-{interview.pk}")


def cancel(request, *, candidate_id) -> Done:
    interview = _interview(request, candidate_id)
    scheduling.interview_cancel(
        interview=interview, reason=request.POST.get("reason", ""), actor=request.user
    )
    return Done(
        _("Interview cancelled. The candidate and interviewers are told."), f"interview-{interview.pk}"
    )


def assign(request, *, candidate_id) -> Done:
    interview = _interview(request, candidate_id)
    interviewer = (
        active_users_with(Role.INTERVIEWER).filter(pk__in=_int_ids([request.POST.get("interviewer")])).first()
    )
    if interviewer is None:
        message = _("Choose an interviewer from the list.")
        raise ValidationFailed(message, fields={"interviewer": [message]})
    assignment_create(interview=interview, interviewer=interviewer, actor=request.user)
    message = _("%(name)s is assigned and can now see this interview.") % {"name": _person(interviewer)}
    return Done(message, f"interview-{interview.pk}")


def unassign(request, *, candidate_id) -> Done:
    """Asked for in two steps (the page's "Unassign", then its confirmation): the interviewer loses
    access and is told, so a slip of the mouse must not do it."""
    queryset = restrict(assignment_detail_queryset(user=request.user), user=request.user)
    assignment = _one(
        queryset.filter(interview__application__candidate_id=candidate_id), request.POST.get("assignment")
    )
    if request.POST.get("confirm") != "yes":
        message = _("Confirm that the interviewer is to be unassigned.")
        raise ValidationFailed(message, fields={"confirm": [message]})
    interview_id, name = assignment.interview_id, _person(assignment.interviewer)
    assignment_delete(assignment=assignment, actor=request.user)
    return Done(
        _("%(name)s is no longer assigned to this interview.") % {"name": name}, f"interview-{interview_id}"
    )


def release(request, *, candidate_id) -> Done:
    interview = _interview(request, candidate_id)
    interview_results_release(interview=interview, actor=request.user)
    return Done(
        _("The result is released: the candidate sees it in their portal."), f"interview-{interview.pk}"
    )


def review(request, *, candidate_id) -> Done:
    visible = assessment_list_for(user=request.user).values("pk")
    queryset = AIDimensionScore.objects.select_related("assessment__interview__application__position").filter(
        assessment__in=visible, assessment__interview__application__candidate_id=candidate_id
    )
    dimension = _one(queryset, request.POST.get("dimension"))
    score = (request.POST.get("score") or "").strip() or None
    human_review_create(
        dimension_score=dimension,
        outcome=request.POST.get("outcome", ""),
        score=score,
        reason=request.POST.get("reason", ""),
        actor=request.user,
    )
    position = dimension.assessment.interview.application.position
    return Done(
        _("Your review of “%(dimension)s” is recorded.")
        % {"dimension": position.dimension_label(dimension.dimension)},
        f"interview-{dimension.assessment.interview_id}",
    )


# --- The application -------------------------------------------------------------------------------


def move(request, *, candidate_id) -> Done:
    application = _application(request, candidate_id)
    event = request.POST.get("event", "")
    if event not in application_services.STAGE_EVENTS:
        message = _("Choose where the application goes.")
        raise ValidationFailed(message, fields={"event": [message]})
    application_services.application_move(
        application=application,
        event=event,
        reason=request.POST.get("reason", "").strip(),
        actor=request.user,
    )
    message = _("The application is now at “%(stage)s”.") % {"stage": application.get_stage_display()}
    return Done(message, f"application-{application.pk}")


def decide(request, *, candidate_id) -> Done:
    application = _application(request, candidate_id)
    post, parse_errors = request.POST, {}
    outcome = post.get("outcome", "")
    terms = None
    if outcome == "hire":
        expires_at = None
        if post.get("offer_expires_at"):
            expires_at = local_moment(
                post["offer_expires_at"],
                zone=viewer_zone(),
                field_name="offer.expires_at",
                errors=parse_errors,
            )
        terms = {
            "salary": post.get("offer_salary", "").strip(),
            "currency": post.get("offer_currency", "").strip().upper(),
            "start_date": post.get("offer_start_date", "").strip(),
            "location": post.get("offer_location", "").strip(),
            "expires_at": expires_at,
        }
    try:
        decision = decisions.decision_record(
            application=application,
            outcome=outcome,
            reason=post.get("reason", ""),
            offer_terms=terms,
            actor=request.user,
        )
    except ValidationFailed as error:
        # An unreadable answer-by time is named as such, not as a missing one.
        raise ValidationFailed(error.message, fields={**error.fields, **parse_errors}) from None
    message = {
        "hire": _("Hire recorded. The offer draft is ready below."),
        "reject": _("Rejection recorded, with its reason."),
    }.get(decision.outcome, _("Decision recorded: the application moves on."))
    return Done(message, f"application-{application.pk}")


def application_create(request, *, candidate_id) -> Done:
    candidate = _one(restrict(Candidate.objects.all(), user=request.user), candidate_id)
    position = _position(request)
    application = application_services.application_create(
        candidate=candidate, position=position, actor=request.user
    )
    message = _("%(name)s now applies for %(position)s.") % {
        "name": candidate.full_name,
        "position": position,
    }
    return Done(message, f"application-{application.pk}")


def _position(request) -> Position:
    position = (
        positions_for(user=request.user).filter(pk__in=_uuid_ids([request.POST.get("position")])).first()
    )
    if position is None:
        message = _("Choose a position from the list.")
        raise ValidationFailed(message, fields={"position": [message]})
    return position


# --- The offer -------------------------------------------------------------------------------------


def offer_submit(request, *, candidate_id) -> Done:
    offer = _offer(request, candidate_id)
    ids = [pk for pk in (request.POST.get(f"approver_{n}") for n in (1, 2, 3)) if pk]
    found = {str(u.pk): u for u in active_users_with(Role.RECRUITER).filter(pk__in=_int_ids(ids))}
    if any(pk not in found for pk in ids):
        message = _("Choose approvers from the list.")
        raise ValidationFailed(message, fields={"approvers": [message]})
    offers.offer_submit(offer=offer, approvers=[found[pk] for pk in ids], actor=request.user)
    message = _("The offer is with its approvers.") if ids else _("The offer is approved and ready to send.")
    return Done(message, f"offer-{offer.pk}")


def _offer_decide(request, *, candidate_id, approve: bool) -> Done:
    offer = _offer(request, candidate_id)
    offers.offer_approval_decide(
        offer=offer, approve=approve, note=request.POST.get("note", ""), actor=request.user
    )
    message = (
        _("Your approval is recorded.") if approve else _("You rejected the offer: it is back to draft.")
    )
    return Done(message, f"offer-{offer.pk}")


def offer_approve(request, *, candidate_id) -> Done:
    return _offer_decide(request, candidate_id=candidate_id, approve=True)


def offer_reject(request, *, candidate_id) -> Done:
    return _offer_decide(request, candidate_id=candidate_id, approve=False)


def offer_send(request, *, candidate_id) -> Done:
    offer = offers.offer_send(offer=_offer(request, candidate_id), actor=request.user)
    return Done(_("The offer is sent: the candidate can answer it now."), f"offer-{offer.pk}")


def offer_cancel(request, *, candidate_id) -> Done:
    offer = _offer(request, candidate_id)
    offers.offer_cancel(offer=offer, reason=request.POST.get("reason", ""), actor=request.user)
    return Done(_("The offer is withdrawn."), f"offer-{offer.pk}")


# --- Résumé files -----------------------------------------------------------------------------------


def resume_upload(request, *, candidate_id) -> Done:
    # A file part over the cap was dropped as it streamed in: its field's error.
    uploads.refuse_oversize(request)
    candidate = _one(restrict(Candidate.objects.only("pk"), user=request.user), candidate_id)
    file = resume_files.resume_file_upload(
        candidate=candidate, upload=request.FILES.get("file"), actor=request.user
    )
    return Done(
        _("%(name)s is stored. Its text is read in a moment and becomes the résumé.")
        % {"name": file.original_filename or file.filename},
        anchor="resume-files",
    )


# --- Accommodations (docs/architecture.md, "Accommodations") ---------------------------------------


def _accommodation(request, candidate_id):
    queryset = restrict(accommodation_detail_queryset(user=request.user), user=request.user)
    return _one(
        queryset.filter(interview__application__candidate_id=candidate_id), request.POST.get("accommodation")
    )


def accommodation_grant(request, *, candidate_id) -> Done:
    accommodation = _accommodation(request, candidate_id)
    accommodations.accommodation_grant(
        accommodation=accommodation, answer=request.POST.get("answer", ""), actor=request.user
    )
    return Done(_("Accommodation granted. The candidate is told."), f"accommodation-{accommodation.pk}")


def accommodation_decline(request, *, candidate_id) -> Done:
    accommodation = _accommodation(request, candidate_id)
    accommodations.accommodation_decline(
        accommodation=accommodation, answer=request.POST.get("answer", ""), actor=request.user
    )
    return Done(_("Accommodation declined. The candidate is told."), f"accommodation-{accommodation.pk}")


# The file's actions, by the name its forms post; the interview page offers the interview ones.
# --- Later performance -----------------------------------------------------------------------------


def rating_record(request, *, candidate_id) -> Done:
    """A hire's rating for one period, entered by a recruiter (the same service as the API's)."""
    application = _application(request, candidate_id)
    post = request.POST
    dimensions = {
        name[len("dimension.") :]: post[name].strip() for name in post if name.startswith("dimension.")
    }
    performance_rating_record(
        given=RatingIn(
            application=application.pk,
            period_start=post.get("period_start", ""),
            period_end=post.get("period_end", ""),
            rating=post.get("rating", ""),
            dimension_ratings=dimensions,
        ),
        source=PerformanceRating.Source.HR,
        actor=request.user,
    )
    return Done(_("Rating saved."), f"application-{application.pk}")


FILE_ACTIONS: dict[str, Action] = {
    "schedule": Action(schedule, "application"),
    "move": Action(move, "application"),
    "decide": Action(decide, "application"),
    "application_create": Action(application_create, "candidate"),
    "reschedule": Action(reschedule, "interview"),
    "cancel": Action(cancel, "interview"),
    "assign": Action(assign, "interview"),
    "unassign": Action(unassign, "assignment"),
    "release": Action(release, "interview"),
    "review": Action(review, "dimension"),
    "offer_submit": Action(offer_submit, "offer"),
    "offer_approve": Action(offer_approve, "offer", form="offer_decide"),
    "offer_reject": Action(offer_reject, "offer", form="offer_decide"),
    "offer_send": Action(offer_send, "offer"),
    "offer_cancel": Action(offer_cancel, "offer"),
    "resume_upload": Action(resume_upload, "candidate"),
    "rating_record": Action(rating_record, "application"),
    "accommodation_grant": Action(accommodation_grant, "accommodation", form="accommodation_answer"),
    "accommodation_decline": Action(accommodation_decline, "accommodation", form="accommodation_answer"),
}
INTERVIEW_ACTIONS = {
    name: FILE_ACTIONS[name]
    for name in (
        "reschedule",
        "cancel",
        "assign",
        "unassign",
        "release",
        "review",
        "accommodation_grant",
        "accommodation_decline",
    )
}


# --- The list page: a new candidate, a new application --------------------------------------------

_REQUIRED = ("full_name", "email", "region", "time_zone")


def candidate_create(request) -> Candidate:
    post = request.POST
    data = {
        "full_name": post.get("full_name", "").strip(),
        "email": post.get("email", "").strip(),
        "phone": post.get("phone", "").strip(),
        "region": post.get("region", "").strip().upper(),
        "time_zone": post.get("time_zone", "").strip(),
        "preferred_language": post.get("preferred_language") or Language.ENGLISH,
        "resume_text": post.get("resume_text", "").strip(),
        "source": post.get("source", "").strip(),
    }
    errors: dict = {}
    for name in _REQUIRED:
        if not data[name]:
            errors.setdefault(name, []).append(_("Required."))
    if data["email"]:
        try:
            validate_email(data["email"])
        except ValidationError:
            errors.setdefault("email", []).append(_("Give a valid e-mail address."))
    if data["preferred_language"] not in Language.values:
        errors.setdefault("preferred_language", []).append(_("Choose a language from the list."))
    raise_if(errors)
    return candidate_services.candidate_create(actor=request.user, **data)


def application_for_email(request) -> Application:
    email = request.POST.get("email", "").strip()
    candidate = candidate_by_email(user=request.user, email=email) if email else None
    position_error = None
    try:
        position = _position(request)
    except ValidationFailed as error:
        position, position_error = None, error.fields["position"]
    errors: dict = {}
    if candidate is None:
        errors["email"] = [_("No candidate has this e-mail address. Add them as a new candidate first.")]
    if position_error:
        errors["position"] = position_error
    raise_if(errors)
    return application_services.application_create(candidate=candidate, position=position, actor=request.user)


# --- Small parsers ---------------------------------------------------------------------------------


def _int_ids(values) -> list[int]:
    """The integer keys among `values`; anything else names no row. Plain ASCII digits ("²" is a
    digit to str.isdigit()) and within a key column's range, which SQLite will not compare past."""
    digits = [str(v) for v in values if v and str(v).isascii() and str(v).isdigit()]
    return [int(d) for d in digits if len(d) <= len(str(BIGINT_MAX)) and int(d) <= BIGINT_MAX]


def _uuid_ids(values) -> list[str]:
    ids = []
    for value in values:
        try:
            ids.append(str(uuid.UUID(str(value))))
        except ValueError:
            continue
    return ids


def _person(user) -> str:
    return user.get_full_name() or user.get_username()
