"""Technical failures: incidents, reschedule or phone offers, the candidate's link, HR's views."""

import hashlib
from datetime import datetime, timedelta
from urllib.parse import urlparse

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from hrsuite.errors import NotFound, ValidationFailed
from interviews.models import Incident, Interview, RescheduleOffer
from interviews.notices import InterviewMessage
from interviews.services.incidents import (
    OfferExpired,
    OfferUsed,
    incident_open,
    reschedule_offer_choose,
)
from interviews.services.scheduling import busy_interviews, holiday_name, slot_errors
from notifications.models import Notification
from tests.factories import make_interview, make_position
from tests.interviews.scheduling_helpers import (
    SHANGHAI,
    application_in,
    frozen_clock,
    local,
    rows,
    schedule,
    shanghai,
)

pytestmark = pytest.mark.usefixtures("clock")
PROVIDER = "provider:simulated"


@pytest.fixture
def clock():
    yield from frozen_clock()


def _fail(interview, kind="technical_issue"):
    return incident_open(
        interview=interview,
        kind=kind,
        occurred_at=timezone.now(),
        details={"code": "ICE_FAILED", "packet_loss": 0.4},
        actor=PROVIDER,
    )


def _offer_and_token(interview):
    offer = RescheduleOffer.objects.get(interview=interview)
    message = Notification.objects.get(
        interview=interview,
        template__in=[InterviewMessage.RESCHEDULE_OFFER, InterviewMessage.PHONE_FALLBACK_OFFER],
    )
    token = urlparse(message.secret_payload["offer_url"]).path.rstrip("/").rsplit("/", 1)[-1]
    return offer, message, token


def _history(recruiter, region, *, completed, failed):
    """Finished interviews of `region` in the last 30 days."""
    position = make_position(recruiter, region=region)
    for i in range(completed + failed):
        interview = make_interview(
            recruiter,
            application=application_in(recruiter, position=position),
            starts_in=-timedelta(days=i + 1),
        )
        status = Interview.Status.COMPLETED if i < completed else Interview.Status.TECHNICAL_ISSUE
        Interview.objects.filter(pk=interview.pk).update(status=status)
    return position


def test_failure_opens_incident_and_offers_three_valid_slots(recruiter, interviewer):
    interview = schedule(recruiter, starts_at=shanghai(2027, 3, 1, 10, 0), interviewers=[interviewer])

    incident = _fail(interview)

    assert incident.region == "CN" and incident.provider == "simulated"
    assert incident.details["code"] == "ICE_FAILED"
    assert incident.resolution == Incident.Resolution.RESCHEDULE_OFFERED
    interview.refresh_from_db()
    assert interview.status == Interview.Status.TECHNICAL_ISSUE
    assert rows(interview, InterviewMessage.REMINDER) == []
    offer, message, token = _offer_and_token(interview)
    assert offer.kind == RescheduleOffer.Kind.RESCHEDULE
    assert offer.expires_at == timezone.now() + timedelta(hours=72)
    # Only the hash is stored; the raw token is in the link alone.
    assert offer.token_sha256 == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(RescheduleOffer.objects.filter(pk=offer.pk).values().get())
    assert (
        message.template == InterviewMessage.RESCHEDULE_OFFER
        and message.candidate_id == interview.application.candidate_id
    )
    assert message.secret_payload["offer_url"].endswith(f"/portal/reschedule/{token}/")
    assert message.payload["slots"] == offer.slots
    assert token not in str(message.payload)  # the credential is only in the encrypted part
    slots = [datetime.fromisoformat(s) for s in offer.slots]
    assert len(slots) == 3
    assert len({s.astimezone(SHANGHAI).date() for s in slots}) == 3
    candidate = interview.application.candidate
    for slot in slots:
        assert slot > timezone.now()
        assert (
            slot_errors(candidate=candidate, starts_at=slot, duration_minutes=45, interviewers=[interviewer])
            == {}
        )
        # The failed interview's local time of day is kept where it fits.
        assert slot.astimezone(SHANGHAI).hour == 10


def test_one_read_of_a_span_answers_each_slot_as_its_own_read_would(recruiter, interviewer):
    moved = schedule(recruiter, starts_at=shanghai(2027, 3, 2, 10, 0), interviewers=[interviewer])
    for starts_at, minutes in (
        (shanghai(2027, 3, 3, 10, 30), 45),  # half over the 10:00 and the 11:00 slots
        (shanghai(2027, 3, 15, 9, 0), 60),
        (shanghai(2027, 3, 31, 16, 0), 90),  # the end of the span
    ):
        schedule(recruiter, starts_at=starts_at, interviewers=[interviewer], duration_minutes=minutes)
    candidate = moved.application.candidate
    span = busy_interviews([interviewer], timezone.now(), timezone.now() + timedelta(days=32), moved)

    tried = [
        shanghai(2027, 3, 2, 10, 0) + timedelta(days=day, hours=hour)
        for day in range(30)
        for hour in range(-1, 8)
    ]
    taken = []
    for starts_at in tried:
        asked = {"candidate": candidate, "starts_at": starts_at, "duration_minutes": 45}
        alone = slot_errors(**asked, interviewers=[interviewer], exclude_interview=moved)
        assert slot_errors(**asked, busy=span) == alone, starts_at
        taken += [starts_at] if "interviewers" in alone else []
    # The moved interview's own time stays free; each other one takes the slots it overlaps.
    assert taken == [
        shanghai(2027, 3, 3, 10, 0),
        shanghai(2027, 3, 3, 11, 0),
        shanghai(2027, 3, 15, 9, 0),
        shanghai(2027, 3, 31, 16, 0),
        shanghai(2027, 3, 31, 17, 0),
    ]


def test_slots_skip_holidays_and_the_interviewers_other_interviews(recruiter, interviewer, clock):
    clock.move_to(shanghai(2027, 9, 29, 9, 0))
    interview = schedule(recruiter, starts_at=shanghai(2027, 9, 29, 10, 0), interviewers=[interviewer])
    busy = schedule(recruiter, starts_at=shanghai(2027, 9, 30, 10, 0), interviewers=[interviewer])
    _fail(interview)
    offer, _, _ = _offer_and_token(interview)
    local = [datetime.fromisoformat(s).astimezone(SHANGHAI) for s in offer.slots]
    assert local[0].date().isoformat() == "2027-09-30" and local[0].hour != 10  # busy at 10:00
    assert busy.starts_at not in [datetime.fromisoformat(s) for s in offer.slots]
    for slot in local[1:]:
        assert slot.weekday() < 5 and holiday_name("CN", slot.date()) is None
        # Not on National Day or the days the `holidays` package observes with it (Oct 1-5, 2027).
        assert not datetime(2027, 10, 1).date() <= slot.date() <= datetime(2027, 10, 5).date()


def test_low_completion_rate_in_the_region_offers_a_phone_interview(recruiter, interviewer):
    position = _history(recruiter, "CN", completed=6, failed=4)  # 60 % < 80 %
    application = application_in(recruiter, position=position)
    interview = schedule(recruiter, application=application, kind="ai_video", interviewers=[interviewer])
    incident = _fail(interview, kind="no_show")
    assert incident.resolution == Incident.Resolution.PHONE_OFFERED
    offer, message, token = _offer_and_token(interview)
    assert offer.kind == RescheduleOffer.Kind.PHONE
    assert message.template == InterviewMessage.PHONE_FALLBACK_OFFER

    chosen = reschedule_offer_choose(
        token=token, slot=datetime.fromisoformat(offer.slots[1]), ip="203.0.113.9", user_agent="UA"
    )
    assert chosen.kind == Interview.Kind.PHONE


def test_a_rate_needs_ten_finished_interviews_before_it_counts(recruiter, interviewer):
    _history(recruiter, "CN", completed=2, failed=7)  # 22 %, but only 9 finished
    interview = schedule(recruiter, interviewers=[interviewer])
    _fail(interview)
    assert RescheduleOffer.objects.get(interview=interview).kind == RescheduleOffer.Kind.RESCHEDULE


def test_a_healthy_region_gets_the_same_kind_again(recruiter, interviewer):
    _history(recruiter, "CN", completed=9, failed=1)
    interview = schedule(recruiter, interviewers=[interviewer])
    _fail(interview)
    assert RescheduleOffer.objects.get(interview=interview).kind == RescheduleOffer.Kind.RESCHEDULE


def test_choosing_a_slot_schedules_the_new_interview(recruiter, interviewer):
    failed = schedule(recruiter, kind="live_video", interviewers=[interviewer])
    incident = _fail(failed)
    offer, _, token = _offer_and_token(failed)
    slot = datetime.fromisoformat(offer.slots[2])

    interview = reschedule_offer_choose(token=token, slot=slot, ip="203.0.113.9", user_agent="Firefox")

    assert interview.pk != failed.pk
    assert interview.kind == Interview.Kind.LIVE_VIDEO and interview.starts_at == slot
    assert list(interview.assignments.values_list("interviewer_id", flat=True)) == [interviewer.pk]
    assert (
        len(rows(interview, InterviewMessage.INVITATION)) == 2
        and len(rows(interview, InterviewMessage.REMINDER)) == 2
    )
    incident.refresh_from_db()
    assert incident.resolution == Incident.Resolution.RESCHEDULED
    offer.refresh_from_db()
    assert offer.chosen_slot == slot and offer.chosen_at == timezone.now()
    event = AuditEvent.objects.get(target_id=str(offer.pk), action="update")
    assert event.actor_label == "candidate-link" and event.actor_id is None
    assert event.detail["new_interview"] == str(interview.pk)


def test_a_link_works_once(recruiter, interviewer):
    failed = schedule(recruiter, interviewers=[interviewer])
    _fail(failed)
    offer, _, token = _offer_and_token(failed)
    reschedule_offer_choose(token=token, slot=datetime.fromisoformat(offer.slots[0]), ip=None, user_agent="")
    with pytest.raises(OfferUsed):
        reschedule_offer_choose(
            token=token, slot=datetime.fromisoformat(offer.slots[1]), ip=None, user_agent=""
        )


def test_expired_unknown_or_unoffered_choices_are_refused(recruiter, interviewer, clock):
    failed = schedule(recruiter, interviewers=[interviewer])
    _fail(failed)
    offer, _, token = _offer_and_token(failed)
    with pytest.raises(NotFound):
        reschedule_offer_choose(
            token="not-a-token", slot=datetime.fromisoformat(offer.slots[0]), ip=None, user_agent=""
        )
    with pytest.raises(ValidationFailed) as caught:
        reschedule_offer_choose(token=token, slot=shanghai(2027, 3, 9, 11, 0), ip=None, user_agent="")
    assert list(caught.value.fields) == ["slot"]
    clock.move_to(timezone.now() + timedelta(hours=72, seconds=1))
    with pytest.raises(OfferExpired):
        reschedule_offer_choose(
            token=token, slot=datetime.fromisoformat(offer.slots[2]), ip=None, user_agent=""
        )
    assert Interview.objects.count() == 1


def test_a_slot_taken_since_the_offer_is_refused_on_slot(recruiter, interviewer):
    failed = schedule(recruiter, interviewers=[interviewer])
    _fail(failed)
    offer, _, token = _offer_and_token(failed)
    slot = datetime.fromisoformat(offer.slots[0])
    schedule(recruiter, starts_at=slot, interviewers=[interviewer])
    with pytest.raises(ValidationFailed) as caught:
        reschedule_offer_choose(token=token, slot=slot, ip=None, user_agent="")
    assert list(caught.value.fields) == ["slot"]
    offer.refresh_from_db()
    assert offer.chosen_at is None  # the candidate may still pick another slot


def test_a_second_report_adds_an_incident_but_not_a_second_offer(recruiter, interviewer):
    interview = schedule(recruiter, interviewers=[interviewer])
    _fail(interview)
    _fail(interview)
    assert Incident.objects.filter(interview=interview).count() == 2
    assert RescheduleOffer.objects.filter(interview=interview).count() == 1


def test_an_incident_on_a_completed_interview_offers_nothing(recruiter):
    interview = schedule(recruiter)
    Interview.objects.filter(pk=interview.pk).update(status=Interview.Status.COMPLETED)
    incident = _fail(interview)
    assert incident.resolution == Incident.Resolution.OPEN
    assert not RescheduleOffer.objects.exists()


# --- API ------------------------------------------------------------------------------------------


def test_link_api_lists_and_chooses_without_sign_in(api, recruiter, interviewer):
    failed = schedule(recruiter, interviewers=[interviewer])
    _fail(failed)
    offer, _, token = _offer_and_token(failed)
    url = reverse("reschedule-offer", args=[token])

    response = api.get(url)
    assert response.status_code == 200, response.content
    assert len(response.json()["slots"]) == 3 and response.json()["kind"] == "reschedule"
    from audit.models import AuditEvent

    read = AuditEvent.objects.get(action="view", target_id=str(offer.pk))
    assert read.candidate_id == failed.application.candidate_id

    response = api.post(url, {"slot": offer.slots[1]}, format="json", HTTP_USER_AGENT="Safari")
    assert response.status_code == 201, response.content
    assert response.json()["starts_at"] == offer.slots[1].replace("+00:00", "Z")

    response = api.get(url)
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "offer_used"


def test_link_api_answers_unknown_404_and_expired_410(api, recruiter, clock):
    failed = schedule(recruiter)
    _fail(failed)
    _, _, token = _offer_and_token(failed)
    response = api.get(reverse("reschedule-offer", args=["nope"]))
    assert response.status_code == 404 and set(response.json()["error"]) == {"code", "message", "fields"}
    clock.move_to(timezone.now() + timedelta(days=4))
    response = api.post(
        reverse("reschedule-offer", args=[token]), {"slot": "2027-03-02T02:00:00Z"}, format="json"
    )
    assert response.status_code == 410


def test_incident_list_filters_by_region_provider_and_kind(api, recruiter, hr_admin, interviewer):
    cn = schedule(recruiter)
    position = make_position(recruiter, region="DE-BE", time_zone="Europe/Berlin")
    berlin = application_in(recruiter, region="DE-BE", time_zone="Europe/Berlin", position=position)
    de = schedule(recruiter, application=berlin, starts_at=local("Europe/Berlin", 2027, 3, 2, 9, 0))
    _fail(cn)
    _fail(de, kind="no_show")

    for user in (recruiter, hr_admin):
        client = api.as_user(user)
        assert client.get(reverse("incident-list")).json()["count"] == 2
        only_de = client.get(reverse("incident-list"), {"region": "DE-BE"}).json()["results"]
        assert [r["interview"] for r in only_de] == [str(de.pk)]
        # The provider's details, stored encrypted, answered as the JSON they are.
        assert only_de[0]["details"] == {"code": "ICE_FAILED", "packet_loss": 0.4}
        assert (
            client.get(reverse("incident-list"), {"kind": "no_show", "provider": "simulated"}).json()["count"]
            == 1
        )
    assert api.as_user(interviewer).get(reverse("incident-list")).json()["count"] == 0
    assert api.as_user(recruiter).get(reverse("incident-list"), {"kind": "meteor"}).status_code == 400


def test_completion_rates_by_region_and_provider(api, recruiter, hr_admin, interviewer, candidate_user):
    _history(recruiter, "CN", completed=3, failed=1)
    schedule(recruiter)  # in the future: outside the 30-day window
    for user in (recruiter, hr_admin):
        response = api.as_user(user).get(reverse("completion-rate-list"))
        assert response.status_code == 200
        assert response.json() == [
            {
                "region": "CN",
                "provider": "simulated",
                "scheduled": 4,
                "completed": 3,
                "technical_issue": 1,
                "no_show": 0,
                "rate": 0.75,
            }
        ]
    assert api.as_user(recruiter).get(reverse("completion-rate-list"), {"region": "SG"}).json() == []
    for user in (interviewer, candidate_user):
        assert api.as_user(user).get(reverse("completion-rate-list")).status_code == 403
    api.force_authenticate(None)
    assert api.get(reverse("completion-rate-list")).status_code in (401, 403)
