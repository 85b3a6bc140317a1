"""`manage.py simulate_provider_event <interview id> <event>`: fire a signed simulated webhook.

For the demo: the simulated provider reports started, technical_issue, no_show or completed (with a
realistic AI assessment) for an interview. The webhook is signed with the provider's secret and
POSTed to the running app (--url), or handed in-process to the same view (--in-process); either
way it passes the same signature check as a vendor's would.
"""

import json
import urllib.error
import urllib.request

from django.core.management.base import BaseCommand, CommandError
from django.test import RequestFactory
from django.urls import reverse

from hrsuite import signing
from interviews.models import Interview
from interviews.providers.simulated import EVENT_TYPES, SimulatedProvider, demo_event_data, event_body
from interviews.webhooks import WebhookApi

PROVIDER = SimulatedProvider.name


class Command(BaseCommand):
    help = "Send a signed webhook of the simulated interview provider for one interview."

    def add_arguments(self, parser):
        parser.add_argument("interview_id")
        parser.add_argument("event", choices=EVENT_TYPES)
        parser.add_argument("--url", default="http://127.0.0.1:8000", help="Base URL of the running app.")
        parser.add_argument(
            "--in-process", action="store_true", help="Call the webhook view in this process instead of HTTP."
        )
        parser.add_argument(
            "--low-confidence",
            action="store_true",
            help="completed: an assessment with low confidence and a poor transcript (routes to review).",
        )

    def handle(self, *args, interview_id, event, url, in_process, low_confidence, **options):
        interview = (
            Interview.objects.select_related("application__position").filter(pk=interview_id).first()
            if _is_uuid(interview_id)
            else None
        )
        if interview is None:
            raise CommandError(f"No interview {interview_id}.")
        if interview.provider != PROVIDER or not interview.provider_meeting_id:
            raise CommandError(
                f"Interview {interview_id} has no meeting with the {PROVIDER} provider "
                "(schedule it through the scheduling service, which creates the meeting)."
            )
        body = event_body(
            meeting_id=interview.provider_meeting_id,
            event_type=event,
            data=demo_event_data(interview, event, low_confidence=low_confidence),
        )
        headers = {"Content-Type": "application/json", **signing.signed_headers(PROVIDER, body)}
        path = reverse("provider-webhook", args=[PROVIDER])
        status, answer = _in_process(path, body, headers) if in_process else _post(url, path, body, headers)
        self.stdout.write(f"{event} → {status} {answer}")
        if status >= 400:
            raise CommandError(f"The webhook was refused ({status}).")


def _is_uuid(value: str) -> bool:
    import uuid

    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def _post(base: str, path: str, body: bytes, headers: dict) -> tuple[int, str]:
    if not base.startswith(("http://", "https://")):
        raise CommandError("--url must be an http(s) URL.")
    request = urllib.request.Request(base.rstrip("/") + path, data=body, headers=headers, method="POST")  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - scheme checked above
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()
    except urllib.error.URLError as exc:
        raise CommandError(f"Cannot reach {base}: {exc.reason}") from None


def _in_process(path: str, body: bytes, headers: dict) -> tuple[int, str]:
    """The same bytes and headers through the same view, without a server."""
    request = RequestFactory().post(
        path, data=body, content_type=headers["Content-Type"], headers=_without(headers, "Content-Type")
    )
    response = WebhookApi.as_view()(request, provider=PROVIDER)
    response.render()
    return response.status_code, json.dumps(json.loads(response.content), ensure_ascii=False)


def _without(headers: dict, name: str) -> dict:
    return {k: v for k, v in headers.items() if k != name}
