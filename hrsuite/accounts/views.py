"""Signing in and out, and the signed-in user's language and time zone."""

import hashlib
from datetime import timedelta
from zoneinfo import available_timezones

from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.core.cache import cache
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django.views.i18n import set_language

from audit.models import AuditAction
from audit.services import audit_record
from audit.signals import attempted_name_for_trail
from hrsuite.accounts import services
from hrsuite.errors import ValidationFailed
from hrsuite.navigation import home_for
from hrsuite.pages import field_errors

# (failed sign-ins, window): how many one user name may have, and one client address, before the
# page stops checking passwords for them until the window has passed. A per-name count holds a
# guesser with many addresses; a per-address count one that tries many names.
SIGN_IN_LIMIT_PER_USERNAME = (5, timedelta(minutes=15))
SIGN_IN_LIMIT_PER_IP = (30, timedelta(minutes=15))


def _failure_keys(request, username: str) -> list[tuple[str, int, timedelta]]:
    # User names compare without case here, so "Ivy" and "ivy" share a count; hashed, so the
    # cache holds no names (nor whatever else someone typed into the field).
    name = hashlib.sha256(username.strip().casefold().encode()).hexdigest()
    address = request.META.get("REMOTE_ADDR") or "unknown"
    return [
        (f"hrsuite:sign-in-failures:name:{name}", *SIGN_IN_LIMIT_PER_USERNAME),
        (f"hrsuite:sign-in-failures:ip:{address}", *SIGN_IN_LIMIT_PER_IP),
    ]


def _too_many_failures(request, username: str) -> bool:
    keys = _failure_keys(request, username)
    counts = cache.get_many([key for key, _limit, _window in keys])
    return any(counts.get(key, 0) >= limit for key, limit, _window in keys)


def _count_failure(request, username: str) -> None:
    for key, _limit, window in _failure_keys(request, username):
        if not cache.add(key, 1, timeout=int(window.total_seconds())):
            try:
                cache.incr(key)
            except ValueError:  # expired between the two calls: a new window
                cache.add(key, 1, timeout=int(window.total_seconds()))


class SignInView(auth_views.LoginView):
    """Django's sign-in, with a brute-force limit (SIGN_IN_LIMIT_*): past it the password is not
    checked at all (429), and the refusal is in the audit trail like a failed sign-in."""

    template_name = "accounts/sign_in.html"
    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        return home_for(self.request.user)

    def post(self, request, *args, **kwargs):
        username = request.POST.get("username", "")
        if not _too_many_failures(request, username):
            return super().post(request, *args, **kwargs)
        audit_record(
            actor=None,
            action=AuditAction.LOGIN_FAILED,
            detail={"username": attempted_name_for_trail(username), "reason": "too_many_attempts"},
        )
        # An unbound form: a bound one would authenticate as soon as the page read its errors.
        form = AuthenticationForm(request, initial={"username": username})
        context = self.get_context_data(form=form, too_many_attempts=True)
        return self.render_to_response(context, status=429)

    def form_invalid(self, form):
        _count_failure(self.request, self.request.POST.get("username", ""))
        return super().form_invalid(form)

    def form_valid(self, form):
        name_key, _limit, _window = _failure_keys(self.request, self.request.POST.get("username", ""))[0]
        cache.delete(name_key)
        return super().form_valid(form)


class SignOutView(auth_views.LogoutView):
    next_page = "sign-in"


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
