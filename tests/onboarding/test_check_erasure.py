"""The background-check adapter's erase call: what a candidate's erasure asks of the check vendor."""

import pytest
from django.urls import reverse

from hrsuite import signing
from onboarding import providers
from onboarding.providers import CheckUnavailable


def _api_of(receiver) -> str:
    host, port = receiver.server.server_address[:2]
    return f"http://{host}:{port}/vendor"


def test_the_erase_call_is_a_signed_request_naming_the_check(settings, http_receiver):
    receiver = http_receiver()
    settings.HRSUITE_SIMULATED_CHECK_API = _api_of(receiver)

    providers.get("simulated").erase_check(check_id="simchk-erase-1")

    (request,) = receiver.requests
    assert request.path == "/vendor/checks/erase/"
    assert request.json() == {"check_id": "simchk-erase-1"}
    signing.verify("check_simulated", headers=request.headers, body=request.body)  # raises if unsigned


def test_an_error_answer_is_unavailable_and_says_only_its_status(settings, http_receiver):
    settings.HRSUITE_SIMULATED_CHECK_API = _api_of(http_receiver(fail_always=True, fail_status=502))

    with pytest.raises(CheckUnavailable, match=r"^HTTP 502 Bad Gateway$"):
        providers.get("simulated").erase_check(check_id="simchk-erase-2")


def test_the_simulated_vendors_own_erase_call_takes_its_signed_requests_only(client, db):
    body = b'{"check_id":"simchk-erase-3"}'
    url = reverse("simulated-checks-erase")

    signed = client.post(
        url, body, content_type="application/json", headers=signing.signed_headers("check_simulated", body)
    )
    # Signed for the interview provider: another secret, refused.
    other = client.post(
        url, body, content_type="application/json", headers=signing.signed_headers("simulated", body)
    )
    unsigned = client.post(url, body, content_type="application/json")

    assert (signed.status_code, other.status_code, unsigned.status_code) == (204, 403, 403)
