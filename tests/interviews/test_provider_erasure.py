"""The provider adapter's erase call: what a candidate's erasure asks of the video provider."""

import socket

import pytest
from django.urls import reverse

from hrsuite import signing
from interviews import providers
from interviews.providers import ProviderUnavailable


def _api_of(receiver) -> str:
    host, port = receiver.server.server_address[:2]
    return f"http://{host}:{port}/provider"


def test_the_erase_call_is_a_signed_request_naming_the_meeting(settings, http_receiver):
    receiver = http_receiver()
    settings.HRSUITE_SIMULATED_PROVIDER_API = _api_of(receiver)

    providers.get("simulated").erase_recordings(meeting_id="sim-erase-1")

    (request,) = receiver.requests
    assert request.path == "/provider/recordings/erase/"
    assert request.json() == {"meeting_id": "sim-erase-1"}
    signing.verify("simulated", headers=request.headers, body=request.body)  # raises if unsigned


def test_an_error_answer_is_unavailable_and_says_only_its_status(settings, http_receiver):
    settings.HRSUITE_SIMULATED_PROVIDER_API = _api_of(http_receiver(fail_always=True, fail_status=503))

    with pytest.raises(ProviderUnavailable, match=r"^HTTP 503 Service Unavailable$"):
        providers.get("simulated").erase_recordings(meeting_id="sim-erase-2")


def test_an_unreachable_provider_is_unavailable(settings):
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.HRSUITE_SIMULATED_PROVIDER_API = f"http://127.0.0.1:{port}/provider"

    with pytest.raises(ProviderUnavailable, match="Connection refused"):
        providers.get("simulated").erase_recordings(meeting_id="sim-erase-3")


def test_the_simulated_providers_own_erase_call_takes_signed_requests_only(client, db):
    body = b'{"meeting_id":"sim-erase-4"}'
    url = reverse("simulated-recordings-erase")

    signed = client.post(
        url, body, content_type="application/json", headers=signing.signed_headers("simulated", body)
    )
    unsigned = client.post(url, body, content_type="application/json")

    assert (signed.status_code, unsigned.status_code) == (204, 403)


@pytest.mark.django_db(transaction=True)
def test_unconfigured_the_call_goes_to_hrsuites_own_simulated_provider(settings, live_server):
    settings.HRSUITE_SIMULATED_PROVIDER_API = ""
    settings.HRSUITE_PUBLIC_URL = live_server.url

    providers.get("simulated").erase_recordings(meeting_id="sim-erase-5")  # a 204 over real HTTP
