"""The simulated background-check provider's own call, for the demo and the tests."""

from django.http import HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from hrsuite import signing
from onboarding.providers.simulated import SimulatedCheckProvider


@csrf_exempt
@require_POST
def simulated_checks_erase(request):
    """The simulated vendor's erase call, as `SimulatedCheckProvider.erase_check` makes it: a
    signed request naming a check. The simulated vendor keeps nothing, so a signed call has
    nothing left to do and answers 204; an unsigned one is refused (403)."""
    try:
        signing.verify(SimulatedCheckProvider().secret_name, headers=request.headers, body=request.body)
    except signing.WebhookSignatureInvalid:
        return HttpResponse(status=403)
    return HttpResponse(status=204)
