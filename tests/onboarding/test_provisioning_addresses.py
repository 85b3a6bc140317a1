"""Which addresses a provisioning target may have (public ones, and networks the operator allows),
checked when HR saves a target and again when a hire is sent; and what HR reads of a failed
delivery: a category, never the network error with its host, port or what answered there."""

import socket
import threading

import pytest
from django.urls import reverse

from onboarding.models import ProvisioningDelivery, ProvisioningTarget
from onboarding.services.provisioning import provisioning_dispatch, provisioning_start
from tests.onboarding.provisioning_helpers import make_plan, make_targets

pytestmark = pytest.mark.django_db

REFUSED = [
    "http://127.0.0.1:8080/hooks",
    "http://localhost/hooks",
    "http://10.1.2.3/hooks",
    "http://172.16.0.9/hooks",
    "http://192.168.1.10/hooks",
    "http://169.254.169.254/latest/meta-data/",  # the cloud's metadata service
    "http://100.64.0.1/hooks",  # shared address space (carrier-grade NAT)
    "http://0.0.0.0:5432/",
    "http://224.0.0.1/",
    "http://240.0.0.1/",
    "http://[::1]:6379/",
    "http://[::]/",
    "http://[fe80::1]/",
    "http://[fd00::1]/",
    "http://[ff02::1]/",
    "http://[::ffff:127.0.0.1]:8080/",
    "http://[::ffff:10.0.0.1]/",
    "http://[64:ff9b::7f00:1]/",
]


def _create(api, recruiter, url):
    body = {"system": "oa", "url": url, "secret": "x" * 20}
    return api.as_user(recruiter).post(reverse("provisioning-target-list"), body, format="json")


@pytest.mark.parametrize("url", REFUSED)
def test_a_target_on_a_local_or_private_address_is_refused_by_default(api, recruiter, settings, url):
    settings.HRSUITE_PROVISIONING_ALLOWED_NETWORKS = []

    response = _create(api, recruiter, url)

    assert response.status_code == 400, response.content
    assert list(response.json()["error"]["fields"]) == ["url"]
    assert "private network" in response.json()["error"]["fields"]["url"][0]
    assert not ProvisioningTarget.objects.exists()


def test_a_public_address_or_an_unresolved_name_is_taken(api, recruiter, settings):
    settings.HRSUITE_PROVISIONING_ALLOWED_NETWORKS = []
    assert _create(api, recruiter, "https://203.0.113.0.nip.invalid/hooks").status_code == 201
    ProvisioningTarget.objects.all().delete()
    assert _create(api, recruiter, "https://8.8.8.8/hooks").status_code == 201


def test_changing_a_targets_url_to_a_private_address_is_refused(api, recruiter, settings):
    [target] = make_targets(recruiter, {"oa": "https://8.8.8.8/hooks"}).values()
    settings.HRSUITE_PROVISIONING_ALLOWED_NETWORKS = []

    url = reverse("provisioning-target-detail", args=[target.pk])
    response = api.as_user(recruiter).patch(url, {"url": "http://[::ffff:192.168.0.1]/"}, format="json")

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["url"]
    target.refresh_from_db()
    assert target.url == "https://8.8.8.8/hooks"


def test_a_network_the_operator_allows_is_taken(api, recruiter, settings):
    settings.HRSUITE_PROVISIONING_ALLOWED_NETWORKS = ["10.20.0.0/16", "fd00::/8"]

    assert _create(api, recruiter, "http://10.20.3.4:8080/hooks").status_code == 201
    ProvisioningTarget.objects.all().delete()
    assert _create(api, recruiter, "http://[fd00::5]/hooks").status_code == 201
    ProvisioningTarget.objects.all().delete()
    assert _create(api, recruiter, "http://10.21.0.1/hooks").status_code == 400


def test_an_address_no_longer_allowed_is_not_contacted_when_sending(recruiter, http_receiver, settings):
    receiver = http_receiver()
    plan = make_plan(recruiter)
    make_targets(recruiter, {"oa": receiver.url})  # allowed when saved (127.0.0.1 in test settings)
    provisioning_start(plan=plan, actor=recruiter)
    settings.HRSUITE_PROVISIONING_ALLOWED_NETWORKS = []

    assert provisioning_dispatch().retried == 1

    assert receiver.requests == []
    delivery = ProvisioningDelivery.objects.get(plan=plan)
    assert (delivery.status, delivery.last_error) == ("pending", "Address not allowed.")


def _banner_server(banner: bytes) -> tuple[str, threading.Thread]:
    """A TCP service that is not HTTP (as an SSH or Redis port would be): it writes its banner."""
    listener = socket.create_server(("127.0.0.1", 0))

    def serve():
        connection, _ = listener.accept()
        with connection, listener:
            connection.recv(65536)
            connection.sendall(banner)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    return f"http://127.0.0.1:{listener.getsockname()[1]}/hooks", thread


def test_hr_reads_a_category_of_the_failure_never_the_network_error(
    api, recruiter, hr_admin, http_receiver, caplog
):
    plan = make_plan(recruiter)
    closed = socket.create_server(("127.0.0.1", 0))
    closed_port = closed.getsockname()[1]
    closed.close()
    internal, served = _banner_server(b"SSH-2.0-OpenSSH_9.6 internal-build-7\r\n")
    failing = http_receiver(fail_always=True, fail_status=500)
    make_targets(
        recruiter,
        {"oa": f"http://127.0.0.1:{closed_port}/hooks", "finance": internal, "training": failing.url},
    )
    provisioning_start(plan=plan, actor=recruiter)

    assert provisioning_dispatch().retried == 3
    served.join(timeout=5)

    expected = {
        "oa": "Connection refused.",
        "finance": "Not an HTTP answer.",
        "training": "HTTP 500 Internal Server Error",
    }
    for user in (recruiter, hr_admin):
        rows = api.as_user(user).get(reverse("provisioning-delivery-list"), {"plan": str(plan.pk)}).json()
        assert {row["system"]: row["last_error"] for row in rows["results"]} == expected
    # The detail is for the server's log only.
    logged = caplog.text
    assert "OpenSSH_9.6" in logged and str(closed_port) in logged
    assert not any(
        "OpenSSH" in d.last_error or "127.0.0.1" in d.last_error for d in ProvisioningDelivery.objects.all()
    )
