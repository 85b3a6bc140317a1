"""Candidates choosing the same time on their reschedule pages at once: one is booked, each of the
others sees the page again saying the time was just taken (409), naming no one."""

from datetime import datetime

import pytest
from django.test import Client
from django.urls import reverse

from interviews.models import RescheduleOffer
from tests.interviews.scheduling_helpers import frozen_clock
from tests.interviews.test_booking_conflicts import (
    RACERS,
    bookings_at,
    failed_interviews_offering_one_slot,
    run_all,
)

pytestmark = pytest.mark.usefixtures("clock")

TAKEN = "That time has just been taken. Please choose another one."


@pytest.fixture
def clock():
    yield from frozen_clock()


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("mode", ["parallel", "sequential"])
def test_candidates_choosing_the_same_time_on_their_pages_book_it_once(recruiter, interviewer, mode):
    tokens, slot = failed_interviews_offering_one_slot(recruiter, interviewer, RACERS)

    def choose(token):
        return lambda: Client().post(reverse("portal-reschedule", args=[token]), {"slot": slot})

    responses = run_all([choose(token) for token in tokens], mode)

    assert all(hasattr(r, "status_code") for r in responses), responses
    assert sorted(r.status_code for r in responses) == [200] + [409] * (RACERS - 1)
    for response in (r for r in responses if r.status_code == 409):
        page = response.content.decode()
        # The message, with the offered times to choose from again.
        assert TAKEN in page and 'name="slot"' in page
        assert interviewer.get_username() not in page
    assert bookings_at(interviewer, datetime.fromisoformat(slot)) == 1
    # The refused keep their links: they may still choose another time.
    assert RescheduleOffer.objects.filter(chosen_at__isnull=True).count() == RACERS - 1
