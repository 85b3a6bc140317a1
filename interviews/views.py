"""Pages of the simulated provider: the candidate's join page and the practice (tech check) page,
and its API's erase call.

The join link is the candidate's key to the meeting, as with a vendor's link: it shows the kind
and time of the interview, and nothing about the candidate.
"""

from zoneinfo import ZoneInfo

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from hrsuite import signing
from interviews.models import Interview
from interviews.providers.simulated import SimulatedProvider, recording_link_valid


@require_GET
def simulated_join(request, meeting_id: str):
    interview = (
        Interview.objects.select_related("application__candidate")
        .filter(provider=SimulatedProvider.name, provider_meeting_id=meeting_id)
        .first()
    )
    if interview is None:
        raise Http404("No such meeting.")
    zone = ZoneInfo(interview.candidate_time_zone)
    context = {
        "interview": interview,
        "starts_at_local": interview.starts_at.astimezone(zone),
        "time_zone": interview.candidate_time_zone,
        "meeting_id": meeting_id,
    }
    with translation.override(interview.application.candidate.preferred_language):
        return render(request, "interviews/simulated_join.html", context)


@require_GET
def simulated_practice(request):
    return render(request, "interviews/simulated_practice.html")


@csrf_exempt
@require_POST
def simulated_recordings_erase(request):
    """The simulated provider's erase call, as `SimulatedProvider.erase_recordings` makes it: a
    signed request naming a meeting. The simulated provider keeps no recordings, so a signed
    call has nothing left to do and answers 204; an unsigned one is refused (403)."""
    try:
        signing.verify(SimulatedProvider.name, headers=request.headers, body=request.body)
    except signing.WebhookSignatureInvalid:
        return HttpResponse(status=403)
    return HttpResponse(status=204)


@require_GET
def simulated_recording(request, meeting_id: str):
    """The simulated provider's recording of a meeting, opened through a link hrsuite issued for
    one viewing (`recording_share`): refused once expired or when not the provider's own."""
    if not recording_link_valid(
        meeting_id, expires=request.GET.get("expires", ""), signature=request.GET.get("signature", "")
    ):
        return render(request, "interviews/simulated_recording.html", {"refused": True}, status=403)
    response = render(request, "interviews/simulated_recording.html", {"meeting_id": meeting_id})
    response["Cache-Control"] = "no-store"
    return response
