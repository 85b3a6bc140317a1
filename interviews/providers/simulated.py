"""The simulated provider: a local join page and signed webhooks, for the demo and the tests."""

from django.conf import settings
from django.urls import reverse

from interviews.providers import Meeting, Provider, register


class SimulatedProvider(Provider):
    name = "simulated"

    def create_meeting(self, interview) -> Meeting:
        meeting_id = f"sim-{interview.pk}"
        base = settings.HRSUITE_PUBLIC_URL.rstrip("/")
        return Meeting(
            meeting_id=meeting_id,
            join_url=base + reverse("simulated-join", args=[meeting_id]),
            practice_url=base + reverse("simulated-practice"),
        )


register(SimulatedProvider())
