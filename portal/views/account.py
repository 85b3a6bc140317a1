"""The signed-in candidate portal: invitation (recruiters), welcome and sign-in links, the
candidate's home page with their own records, released results, and the way from here to the
token pages of their e-mails (interview, consent, offer, onboarding).

Pages reached from a link before signing in speak the account's language (unless the visitor
switched it) and answer a link that cannot be used with a page saying why: 404 unknown, 410
expired or used.
"""

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from accounts.links import LinkUnusable
from candidates.models import Candidate, Stage
from candidates.services import portal_accounts
from hrsuite.errors import ApplicationError, Forbidden, NotFound, ValidationFailed
from hrsuite.formatting import format_date, format_time
from hrsuite.pages import field_errors, role_required, visible_or_404
from hrsuite.permissions import has_role
from hrsuite.rate_limits import RateLimited
from hrsuite.roles import Role
from interviews.models import Consent, HumanReview, Interview
from interviews.selectors import assessment_detail_queryset
from interviews.services import candidate_links as interview_links
from interviews.services.calendar_messages import practice_url
from onboarding.models import Offer, OnboardingPlan, OnboardingTask
from onboarding.services import candidate_links as onboarding_links
from portal.selectors import portal_overview_for
from portal.views.interviews import portal_page

_LANGUAGES = {code for code, _name in settings.LANGUAGES}
# The password backend (first in AUTHENTICATION_BACKENDS): the links sign in the account they name,
# without a password, and later requests load the user through it.
_BACKEND = settings.AUTHENTICATION_BACKENDS[0]


def candidate_page(view):
    """Candidates only: anonymous visitors are sent to the portal's sign-in, other roles get 403."""
    guarded = role_required(Role.CANDIDATE)(view)

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), login_url=reverse("portal-sign-in"))
        return guarded(request, *args, **kwargs)

    return never_cache(wrapper)


def _page_language(request, account_language: str) -> str:
    """A visitor who switched language (the cookie) gets theirs, else the account's."""
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    if chosen in _LANGUAGES:
        return chosen
    return account_language if account_language in _LANGUAGES else translation.get_language()


def _link_problem(request, error: ApplicationError, *, link: str, language: str = "") -> HttpResponse:
    status = 410 if isinstance(error, LinkUnusable) else 404
    context = {"status": status, "link": link}
    return portal_page(
        request, "candidate_portal/link_problem.html", context, language=language, status=status
    )


# --- Invitation (recruiters) -----------------------------------------------------------------------


@require_POST
@role_required(Role.RECRUITER)
def invite(request, candidate_id):
    """The recruiter's "Invite to the portal" button on the candidate file; back there after."""
    candidate = visible_or_404(Candidate.objects.all(), user=request.user, pk=candidate_id)
    try:
        portal_accounts.candidate_portal_invite(candidate=candidate, actor=request.user)
    except Forbidden:
        raise PermissionDenied from None
    except ValidationFailed as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            gettext("%(name)s is invited to the candidate portal: the e-mail is on its way.")
            % {"name": candidate.full_name},
        )
    return redirect("hr-candidate", pk=candidate.pk)


# --- Welcome: set a password -----------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def welcome(request, uidb64: str, token: str):
    """GET: the form to choose a password; POST: set it, sign in, and go to the portal."""
    try:
        user = portal_accounts.portal_welcome_open(uidb64=uidb64, token=token)
    except (NotFound, LinkUnusable) as error:
        return _link_problem(request, error, link="welcome")
    language = _page_language(request, user.preferred_language)
    errors: dict = {}
    if request.method == "POST":
        with translation.override(language):
            try:
                user = portal_accounts.portal_password_set(
                    uidb64=uidb64,
                    token=token,
                    password=request.POST.get("password", ""),
                    password_again=request.POST.get("password_again", ""),
                )
            except ValidationFailed as error:
                errors = field_errors(error)
            else:
                login(request, user, backend=_BACKEND)
                messages.success(request, gettext("Your password is set. Welcome to your candidate portal."))
                return redirect("portal-home")
    context = {"account": user, "errors": errors, "problem": errors.get("__all__", [""])[0]}
    return portal_page(
        request, "candidate_portal/welcome.html", context, language=language, status=400 if errors else 200
    )


# --- Sign-in by e-mail -----------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def sign_in(request):
    """GET: the e-mail form; POST: a sign-in link to that address if it has an account. The
    answer is the same either way, so the page tells nobody which addresses have accounts."""
    if request.user.is_authenticated and has_role(request.user, Role.CANDIDATE):
        return redirect("portal-home")
    errors: dict = {}
    status = 200
    email = request.POST.get("email", "") if request.method == "POST" else ""
    if request.method == "POST":
        try:
            portal_accounts.portal_sign_in_link_request(email=email, ip=request.META.get("REMOTE_ADDR"))
        except ValidationFailed as error:
            errors, status = field_errors(error), 400
        except RateLimited as error:
            errors, status = {"__all__": [error.message]}, 429
        else:
            return redirect(f"{reverse('portal-sign-in')}?sent=1")
    context = {
        "errors": errors,
        "problem": errors.get("__all__", [""])[0],
        "email": email,
        "sent": request.GET.get("sent") == "1",
        "next": request.GET.get("next", ""),
        "minutes": int(portal_accounts.SIGN_IN_LINK_MAX_AGE.total_seconds() // 60),
    }
    return render(request, "candidate_portal/sign_in.html", context, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def sign_in_link(request, uidb64: str, token: str):
    """GET: a "Sign in" button and nothing more (mail scanners fetch links; only the POST uses
    it up); POST: sign in and go to the portal."""
    try:
        user = portal_accounts.portal_sign_in_link_open(uidb64=uidb64, token=token)
    except (NotFound, LinkUnusable) as error:
        return _link_problem(request, error, link="sign-in")
    if request.method == "POST":
        login(request, user, backend=_BACKEND)
        return redirect("portal-home")
    language = _page_language(request, user.preferred_language)
    return portal_page(request, "candidate_portal/sign_in_link.html", {"account": user}, language=language)


# --- The portal home -------------------------------------------------------------------------------

# Each stage as the candidate reads it: (what it means for them, badge style).
STAGE_WORDS = {
    Stage.APPLIED: (_("We have received your application"), "neutral"),
    Stage.SCREENING: (_("We are reviewing your application"), "neutral"),
    Stage.INTERVIEWING: (_("Interviews"), ""),
    Stage.DECISION: (_("We are making our decision"), "warn"),
    Stage.OFFER: (_("You have an offer"), "ok"),
    Stage.HIRED: (_("Hired: welcome aboard"), "ok"),
    Stage.REJECTED: (_("Not successful this time"), "bad"),
    Stage.WITHDRAWN: (_("Closed"), "neutral"),
}
INTERVIEW_BADGES = {
    Interview.Status.SCHEDULED: "",
    Interview.Status.IN_PROGRESS: "warn",
    Interview.Status.COMPLETED: "ok",
    Interview.Status.TECHNICAL_ISSUE: "bad",
    Interview.Status.NO_SHOW: "bad",
    Interview.Status.CANCELLED: "neutral",
}
CONSENT_BADGES = {
    Consent.Decision.GIVEN: "ok",
    Consent.Decision.REFUSED: "bad",
    Consent.Decision.WITHDRAWN: "warn",
}
OFFER_WORDS = {
    Offer.Status.SENT: (_("Waiting for your answer"), "warn"),
    Offer.Status.ACCEPTED: (_("Accepted"), "ok"),
    Offer.Status.DECLINED: (_("Declined"), "neutral"),
    Offer.Status.EXPIRED: (_("Expired"), "neutral"),
    Offer.Status.CANCELLED: (_("Withdrawn"), "neutral"),
}
_JOINABLE = (Interview.Status.SCHEDULED, Interview.Status.IN_PROGRESS)


def _interview_rows(overview, *, zone, language: str) -> list[dict]:
    rows = []
    for interview in overview.interviews:
        video = interview.kind in Interview.VIDEO_KINDS
        upcoming = interview.status in _JOINABLE
        decisions = overview.consents.get(interview.pk, {})
        result = overview.results.get(interview.pk)
        rows.append(
            {
                "interview": interview,
                "position": interview.application.position.title,
                "starts_at": format_time(interview.starts_at, zone=zone, language=language),
                "badge": INTERVIEW_BADGES.get(interview.status, ""),
                "upcoming": upcoming,
                "join_url": interview.join_url if video and upcoming else "",
                "tech_check": video and upcoming,
                "practice_url": practice_url(interview) if video and upcoming else "",
                "consents": [
                    {
                        "label": label,
                        "decision": Consent.Decision(decisions[scope]).label if scope in decisions else "",
                        "badge": CONSENT_BADGES.get(decisions.get(scope), "neutral"),
                    }
                    for scope, label in Consent.Scope.choices
                ],
                "result": result,
                "survey": overview.surveys.get(interview.pk),
            }
        )
    return rows


@candidate_page
def home(request):
    language = translation.get_language()
    zone = timezone.get_current_timezone()
    overview = portal_overview_for(user=request.user, language=language)
    applications = [
        {
            "application": application,
            "words": STAGE_WORDS.get(application.stage, (application.get_stage_display(), ""))[0],
            "badge": STAGE_WORDS.get(application.stage, ("", "neutral"))[1],
        }
        for application in overview.applications
    ]
    offers = [
        {
            "offer": offer,
            "words": OFFER_WORDS.get(offer.status, (offer.get_status_display(), ""))[0],
            "badge": OFFER_WORDS.get(offer.status, ("", "neutral"))[1],
            "answer_by": format_time(offer.expires_at, zone=zone, language=language),
            "start_date": format_date(offer.start_date, language=language),
            "open": offer.status == Offer.Status.SENT,
        }
        for offer in overview.offers
    ]
    plans = [
        {
            "plan": plan,
            "position": plan.application.position.title,
            "start_date": format_date(plan.start_date, language=language),
            "active": plan.status != OnboardingPlan.Status.CANCELLED,
            "tasks": [
                {
                    "task": task,
                    "due": format_time(task.due_at, zone=zone, language=language),
                    "done": task.status != OnboardingTask.Status.OPEN,
                }
                for task in overview.tasks.get(plan.pk, [])
            ],
        }
        for plan in overview.plans
    ]
    interviews = _interview_rows(overview, zone=zone, language=language)
    context = {
        "candidate": overview.candidate,
        "applications": applications,
        "interviews": interviews,
        "results": [row for row in interviews if row["result"]],
        "notice": overview.notice,
        "offers": offers,
        "plans": plans,
        "zone": zone.key,
    }
    return render(request, "candidate_portal/home.html", context)


@candidate_page
def result(request, assessment_id):
    """A released result: the overall score and each dimension's (a reviewer's corrected score
    where one was given). Another candidate's, or one not released, is a 404."""
    queryset = assessment_detail_queryset(user=request.user).select_related(
        "interview__application__position"
    )
    assessment = visible_or_404(queryset, user=request.user, pk=assessment_id)
    position = assessment.interview.application.position
    dimensions = []
    for dimension in assessment.dimensions.all():
        overrides = [
            r
            for r in dimension.reviews.all()
            if r.outcome == HumanReview.Outcome.OVERRIDE and r.score is not None
        ]
        score = overrides[-1].score if overrides else dimension.score
        dimensions.append(
            {
                "label": position.dimension_label(dimension.dimension),
                "score": score,
                "width": max(min(score, 100), 0),
            }
        )
    interview = assessment.interview
    reviewed_at = assessment.first_reviewed_at
    context = {
        "assessment": assessment,
        "interview": interview,
        # What the page says of a person's review must hold: one was recorded before the release.
        "reviewed_before_release": reviewed_at is not None and reviewed_at <= interview.results_released_at,
        "position": interview.application.position.title,
        "held_at": format_time(
            interview.starts_at, zone=timezone.get_current_timezone(), language=translation.get_language()
        ),
        "dimensions": dimensions,
    }
    return render(request, "candidate_portal/result.html", context)


# --- From the portal to the pages of the candidate's e-mails ---------------------------------------
#
# Those pages take a signed token as their credential; a signed-in candidate gets a fresh one for
# their own object (found through the candidate policy: another's is a 404) and is sent there.


@candidate_page
def open_interview(request, interview_id):
    interview = visible_or_404(_own_interviews(), user=request.user, pk=interview_id)
    return redirect("portal-interview", interview_links.interview_token(interview=interview))


@candidate_page
def open_consent(request, interview_id):
    interview = visible_or_404(_own_interviews(), user=request.user, pk=interview_id)
    return redirect("portal-consent", interview_links.consent_token(interview=interview))


@candidate_page
def open_offer(request, offer_id):
    queryset = Offer.objects.select_related("application__candidate", "position").defer("salary")
    offer = visible_or_404(queryset, user=request.user, pk=offer_id)
    return redirect("portal-offer", onboarding_links.offer_token(offer=offer))


@candidate_page
def open_onboarding(request, plan_id):
    queryset = OnboardingPlan.objects.select_related("application__candidate")
    plan = visible_or_404(queryset, user=request.user, pk=plan_id)
    return redirect("portal-onboarding", onboarding_links.onboarding_token(plan=plan))


def _own_interviews():
    return Interview.objects.select_related("application__candidate")
