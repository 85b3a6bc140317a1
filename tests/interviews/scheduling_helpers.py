"""Shared data and clock for the scheduling, feedback and incident tests."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import time_machine

from interviews.services.scheduling import interview_schedule
from notifications.models import Notification
from tests.factories import make_application, make_candidate

# A Monday, 08:00 in Shanghai: the week ahead has business days and no Chinese holiday.
NOW = datetime(2027, 3, 1, 0, 0, tzinfo=UTC)
SHANGHAI = ZoneInfo("Asia/Shanghai")


def local(zone: str | ZoneInfo, *args) -> datetime:
    zone = ZoneInfo(zone) if isinstance(zone, str) else zone
    return datetime(*args, tzinfo=zone)


def shanghai(*args) -> datetime:
    return local(SHANGHAI, *args)


def frozen_clock():
    """Body of each test module's `clock` fixture: time stands at NOW until moved."""
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def application_in(recruiter, *, region="CN", time_zone="Asia/Shanghai", position=None):
    candidate = make_candidate(recruiter, region=region, time_zone=time_zone)
    return make_application(recruiter, candidate=candidate, position=position)


def schedule(recruiter, *, application=None, starts_at=None, interviewers=(), kind="live_video", **kwargs):
    return interview_schedule(
        application=application or application_in(recruiter),
        kind=kind,
        starts_at=starts_at or shanghai(2027, 3, 2, 10, 0),
        duration_minutes=kwargs.pop("duration_minutes", 45),
        interviewers=list(interviewers),
        actor=recruiter,
        **kwargs,
    )


def rows(interview, template, status=Notification.Status.PENDING):
    return list(
        Notification.objects.filter(interview=interview, template=template, status=status).order_by(
            "due_at", "candidate_id", "recipient_user_id"
        )
    )
