"""Signing in and out (with a password, or through a one-time link by e-mail), and the
signed-in user's language and time zone."""

from zoneinfo import available_timezones

from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django.views.i18n import set_language

from accounts import services, sign_in_limits, sign_in_links
from accounts.links import LinkUnusable
from audit.models import AuditAction
from audit.services import audit_record
from audit.signals import attempted_name_for_trail
from hrsuite.errors import NotFound, ValidationFailed
from hrsuite.navigation import home_for
from hrsuite.pages import field_errors
from hrsuite.rate_limits import RateLimited

# The password backend (first in AUTHENTICATION_BACKENDS): the link signs in the account it names,
# without a password, and later requests load the user through it.
_BACKEND = settings.AUTHENTICATION_BACKENDS[0]


class SignInView(auth_views.LoginView):
    """Django's sign-in. Past the brute-force limits (`sign_in_limits`) the password is not
    checked at all: the page answers 429 (with how long to wait, and the way in by e-mail), and
    the refusal is in the audit trail like a failed sign-in, with its reason."""

    template_name = "accounts/sign_in.html"
    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        return home_for(self.request.user)

    def post(self, request, *args, **kwargs):
        username = request.POST.get("username", "")
        refusal = sign_in_limits.refusal(request, username)
        if refusal is None:
            return super().post(request, *args, **kwargs)
        audit_record(
            actor=None,
            action=AuditAction.LOGIN_FAILED,
            detail={"username": attempted_name_for_trail(username), "reason": refusal.reason},
        )
        # An unbound form: a bound one would authenticate as soon as the page read its errors.
        form = AuthenticationForm(request, initial={"username": username})
        context = self.get_context_data(
            form=form,
            too_many_attempts=refusal.reason != sign_in_limits.Reason.NAME,
            slowed_down=refusal.retry_after if refusal.reason == sign_in_limits.Reason.NAME else None,
        )
        response = self.render_to_response(context, status=429)
        response["Retry-After"] = str(refusal.retry_after)
        return response


class SignOutView(auth_views.LogoutView):
    next_page = "sign-in"


@never_cache
@require_http_methods(["GET", "POST"])
def sign_in_link_request(request):
    """GET: the user-name form; POST: a one-time sign-in link by e-mail, if the name has an
    account with an address. The answer is the same either way, so the page tells nobody which
    user names exist."""
    errors: dict = {}
    status = 200
    username = request.POST.get("username", "") if request.method == "POST" else ""
    if request.method == "POST":
        try:
            sign_in_links.sign_in_link_request(username=username, ip=request.META.get("REMOTE_ADDR"))
        except ValidationFailed as error:
            errors, status = field_errors(error), 400
        except RateLimited as error:
            errors, status = {"__all__": [error.message]}, 429
        else:
            return redirect(f"{reverse('sign-in-link-request')}?sent=1")
    context = {
        "errors": errors,
        "problem": errors.get("__all__", [""])[0],
        "username": username,
        "sent": request.GET.get("sent") == "1",
        "minutes": int(sign_in_links.SIGN_IN_LINK_MAX_AGE.total_seconds() // 60),
    }
    return _link_page(request, "accounts/sign_in_link_request.html", context, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def sign_in_link(request, uidb64: str, token: str):
    """GET: a "Sign in" button and nothing more (mail scanners fetch links; only the POST uses
    it up); POST: sign in, which lifts the sign-in limits at this address for the user."""
    try:
        user = sign_in_links.sign_in_link_open(uidb64=uidb64, token=token)
    except (NotFound, LinkUnusable) as error:
        status = 410 if isinstance(error, LinkUnusable) else 404
        return _link_page(request, "accounts/link_problem.html", {"status": status}, status=status)
    if request.method == "POST":
        login(request, user, backend=_BACKEND)
        return redirect(home_for(user))
    return _link_page(request, "accounts/sign_in_link.html", {"account": user})


def _link_page(request, template: str, context: dict, *, status: int = 200):
    response = render(request, template, context, status=status)
    # The link's address is the credential: the browser passes on at most the site's origin.
    response["Referrer-Policy"] = "strict-origin"
    return response


def home(request):
    """Signed in: the user's first section. Anonymous: the start page (sign-in and API docs)."""
    if request.user.is_authenticated:
        return redirect(home_for(request.user))
    return render(request, "home.html")


@never_cache
@require_http_methods(["GET", "POST"])
def preferences(request):
    """The user's language and time zone (GET: the form; POST: save, then back to `next`).

    The language switch in every page's header posts here too. Signed in, the choice is the
    user's own and follows them to every device; anonymous, it is Django's language cookie.
    """
    if not request.user.is_authenticated:
        if request.method == "POST":
            return set_language(request)
        return redirect("sign-in")
    user = request.user
    errors = {}
    if request.method == "POST":
        try:
            services.user_preferences_update(
                user=user,
                language=request.POST.get("language", user.preferred_language),
                time_zone=request.POST.get("time_zone", user.time_zone),
                actor=user,
            )
        except ValidationFailed as error:
            errors = field_errors(error)
        else:
            back = request.POST.get("next", "")
            if not url_has_allowed_host_and_scheme(
                back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
            ):
                back = home_for(user)
            return redirect(back)
    context = {"errors": errors, "time_zones": sorted(available_timezones())}
    return render(request, "accounts/preferences.html", context, status=400 if errors else 200)
