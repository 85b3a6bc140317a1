"""Signing in and out, and the signed-in user's language and time zone."""

from zoneinfo import available_timezones

from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django.views.i18n import set_language

from audit.models import AuditAction
from audit.services import audit_record
from audit.signals import attempted_name_for_trail
from hrsuite.accounts import services, sign_in_limits
from hrsuite.errors import ValidationFailed
from hrsuite.navigation import home_for
from hrsuite.pages import field_errors


class SignInView(auth_views.LoginView):
    """Django's sign-in. Past the brute-force limits (`sign_in_limits`) the password is not
    checked at all: the page answers 429, and the refusal is in the audit trail like a failed
    sign-in, with its reason."""

    template_name = "accounts/sign_in.html"
    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        return home_for(self.request.user)

    def post(self, request, *args, **kwargs):
        username = request.POST.get("username", "")
        if not sign_in_limits.too_many_failures(request, username):
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
