"""The candidate's voluntary self-identification in the portal (docs/architecture.md,
"Fairness"): one form per set of questions their applications were asked under (EEO-1 for US
positions, sex alone elsewhere), always with "prefer not to say". The answers are never shown
back (the page says which sets were answered); sending the form again replaces them."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods

from analytics.fairness import categories
from analytics.services import self_identification as services
from hrsuite.errors import ApplicationError, ValidationFailed
from hrsuite.pages import field_errors
from portal.views.account import candidate_page


def _forms(user) -> list[dict]:
    """One form per scheme, answered for the newest application of that scheme."""
    answered = services.own_answered_schemes(user=user)
    forms: dict = {}
    for application in services.own_applications(user=user):
        scheme = categories.scheme_for(application.position.region)
        if scheme not in forms:
            forms[scheme] = {
                "scheme": scheme,
                "application": application,
                "questions": categories.questions(application.position.region),
                "answered": scheme in answered,
                "positions": [],
            }
        forms[scheme]["positions"].append(application.position.title)
    return list(forms.values())


@candidate_page
@require_http_methods(["GET", "POST"])
def self_identification(request):
    forms = _forms(request.user)
    errors: dict = {}
    status = 200
    if request.method == "POST":
        chosen = next((f for f in forms if str(f["application"].pk) == request.POST.get("application")), None)
        if chosen is None:
            errors, status = {"__all__": [gettext("Choose one of your applications.")]}, 400
        else:
            given = {name: request.POST.get(name, "") for name, _choices in chosen["questions"]}
            try:
                services.self_identification_record(
                    application=chosen["application"], given=given, channel="portal", actor=request.user
                )
            except ValidationFailed as error:
                errors, status = field_errors(error), error.status_code
            except ApplicationError as error:
                errors, status = {"__all__": [error.message]}, error.status_code
            else:
                messages.success(
                    request, gettext("Thank you. Your answers are kept apart from your applications.")
                )
                return redirect("portal-self-identification")
    context = {"forms": forms, "errors": errors}
    return render(request, "candidate_portal/self_identification.html", context, status=status)
