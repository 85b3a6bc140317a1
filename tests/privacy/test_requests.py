"""Privacy requests: who makes them, their deadlines by region, and the moves HR makes."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import IntegrityError, transaction

from audit.models import AuditEvent
from candidates.services.candidates import candidate_update
from hrsuite.errors import Conflict, Forbidden, InvalidTransition, NotFound, ValidationFailed
from hrsuite.permissions import restrict
from privacy.models import PrivacyRequest
from privacy.services import requests as services
from privacy.services.restrictions import ai_processing_restricted
from tests.factories import make_candidate
from tests.privacy.helpers import candidate_of

NOW = datetime(2027, 3, 2, 2, 0, tzinfo=UTC)


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def mine(recruiter, candidate_user):
    return candidate_of(candidate_user, recruiter, region="CN")


# --- Deadlines ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("region", "days"),
    [
        ("CN", 15),
        ("CN-SH", 15),
        ("US-IL", 30),
        ("US-CA", 30),
        ("DE-BE", 28),
        ("FR", 28),
        ("GB", 28),
        ("us-il", 30),
        ("", 30),
    ],
)
def test_the_deadline_is_the_strictest_the_candidates_region_sets(region, days):
    received = datetime(2027, 1, 31, 9, 0, tzinfo=UTC)
    assert services.deadline_for(region=region, received_at=received) == received + timedelta(days=days)


def test_a_gdpr_deadline_never_runs_past_a_calendar_month():
    received = datetime(2027, 1, 31, 9, 0, tzinfo=UTC)
    assert services.deadline_for(region="DE", received_at=received) <= datetime(2027, 2, 28, 9, 0, tzinfo=UTC)


def test_the_longest_region_prefix_configured_wins(settings):
    settings.HRSUITE_PRIVACY_DEADLINE_DAYS = {"US": 45, "US-IL": 20, "default": 10}
    assert [services.deadline_days(region) for region in ("US-IL", "US-IL-X", "US-CA", "US", "CN")] == [
        20,
        20,
        45,
        45,
        10,
    ]


def test_a_request_is_due_by_its_candidates_regions_deadline(recruiter, clock):
    candidate = make_candidate(recruiter, region="US-IL")
    request = services.privacy_request_record(
        candidate=candidate, kind="erasure", channel="letter", actor=recruiter
    )
    assert request.deadline == NOW + timedelta(days=30)


def test_a_recorded_request_counts_from_when_it_came_in(recruiter, clock):
    candidate = make_candidate(recruiter, region="CN")
    came_in = NOW - timedelta(days=4)
    request = services.privacy_request_record(
        candidate=candidate, kind="access", channel="email", received_at=came_in, actor=recruiter
    )
    assert (request.received_at, request.deadline) == (came_in, came_in + timedelta(days=15))


def test_a_request_cannot_have_come_in_in_the_future(recruiter, clock):
    with pytest.raises(ValidationFailed) as refused:
        services.privacy_request_record(
            candidate=make_candidate(recruiter),
            kind="access",
            channel="phone",
            received_at=NOW + timedelta(hours=1),
            actor=recruiter,
        )
    assert set(refused.value.fields) == {"received_at"}
    assert not PrivacyRequest.objects.exists()


# --- Who makes requests ------------------------------------------------------------------------


def test_a_candidate_makes_a_request_about_themselves_from_the_portal(candidate_user, mine, clock):
    request = services.privacy_request_submit(actor=candidate_user, kind="access", text="Everything, please.")
    assert (request.candidate, request.channel, request.state) == (mine, "portal", "received")
    assert request.deadline == NOW + timedelta(days=15)
    event = AuditEvent.objects.get(target_id=str(request.pk), action="create")
    assert (event.candidate_id, event.actor_label) == (mine.pk, candidate_user.username)
    assert "Everything" not in str(event.detail)  # the text is named, never its value


def test_a_candidate_cannot_record_a_request_for_anyone(recruiter, candidate_user, mine):
    for candidate in (mine, make_candidate(recruiter)):
        with pytest.raises(Forbidden):
            services.privacy_request_record(
                candidate=candidate, kind="erasure", channel="letter", actor=candidate_user
            )
    assert not PrivacyRequest.objects.exists()


def test_hr_admins_and_interviewers_make_no_request(hr_admin, interviewer, recruiter):
    candidate = make_candidate(recruiter)
    for actor in (hr_admin, interviewer):
        with pytest.raises(Forbidden):
            services.privacy_request_record(candidate=candidate, kind="access", channel="email", actor=actor)
        with pytest.raises(Forbidden):
            services.privacy_request_submit(actor=actor, kind="access")
    assert not PrivacyRequest.objects.exists()


def test_a_recruiter_records_only_what_came_by_mail_phone_or_letter(recruiter):
    with pytest.raises(ValidationFailed) as refused:
        services.privacy_request_record(
            candidate=make_candidate(recruiter), kind="access", channel="portal", actor=recruiter
        )
    assert set(refused.value.fields) == {"channel"}


def test_a_correction_says_what_is_wrong(candidate_user, mine):
    with pytest.raises(ValidationFailed) as refused:
        services.privacy_request_submit(actor=candidate_user, kind="correction", text="  ")
    assert set(refused.value.fields) == {"text"}
    with pytest.raises(ValidationFailed) as refused:
        services.privacy_request_submit(actor=candidate_user, kind="deletion-now")
    assert set(refused.value.fields) == {"kind"}


def test_one_request_of_a_kind_is_open_at_a_time(candidate_user, recruiter, mine):
    first = services.privacy_request_submit(actor=candidate_user, kind="access")
    with pytest.raises(Conflict) as refused:
        services.privacy_request_submit(actor=candidate_user, kind="access")
    assert (refused.value.code, set(refused.value.fields)) == ("request_open_already", {"kind"})
    services.privacy_request_refuse(request=first, actor=recruiter, reason="We could not verify you.")
    assert services.privacy_request_submit(actor=candidate_user, kind="access").state == "received"


def test_candidates_see_their_own_requests_hr_every_one_and_interviewers_none(
    recruiter, hr_admin, interviewer, candidate_user, mine
):
    own = services.privacy_request_submit(actor=candidate_user, kind="access")
    other = services.privacy_request_record(
        candidate=make_candidate(recruiter), kind="access", channel="email", actor=recruiter
    )
    seen = {
        user.username: set(restrict(PrivacyRequest.objects.all(), user=user).values_list("pk", flat=True))
        for user in (recruiter, hr_admin, interviewer, candidate_user)
    }
    assert seen == {
        "recruiter": {own.pk, other.pk},
        "hradmin": {own.pk, other.pk},
        "interviewer1": set(),
        "candidate1": {own.pk},
    }


# --- Moves -------------------------------------------------------------------------------------


def test_a_request_moves_received_in_progress_done(recruiter, candidate_user, mine, clock):
    request = services.privacy_request_submit(actor=candidate_user, kind="restriction")
    services.privacy_request_start(request=request, actor=recruiter)
    request.refresh_from_db()
    assert (request.state, request.handled_by, request.started_at) == ("in_progress", recruiter, NOW)
    services.privacy_request_complete(request=request, actor=recruiter, resolution="Confirmed by phone.")
    request.refresh_from_db()
    assert (request.state, request.closed_at, request.resolution) == ("done", NOW, "Confirmed by phone.")
    moves = AuditEvent.objects.filter(target_id=str(request.pk), action="update").order_by("id")
    assert [(e.detail["from"], e.detail["to"]) for e in moves] == [
        ("received", "in_progress"),
        ("in_progress", "done"),
    ]


@pytest.mark.parametrize(
    ("moves", "refused"),
    [
        ((), "complete"),
        (("start",), "start"),
        (("refuse",), "start"),
        (("refuse",), "complete"),
        (("start", "complete"), "refuse"),
    ],
)
def test_a_move_the_table_does_not_have_is_a_409(recruiter, candidate_user, mine, moves, refused):
    request = services.privacy_request_submit(actor=candidate_user, kind="restriction")
    do = {
        "start": lambda: services.privacy_request_start(request=request, actor=recruiter),
        "complete": lambda: services.privacy_request_complete(request=request, actor=recruiter),
        "refuse": lambda: services.privacy_request_refuse(request=request, actor=recruiter, reason="No."),
    }
    for move in moves:
        do[move]()
    state = PrivacyRequest.objects.get(pk=request.pk).state
    with pytest.raises(InvalidTransition) as error:
        do[refused]()
    assert error.value.status_code == 409 and error.value.state == state
    assert PrivacyRequest.objects.get(pk=request.pk).state == state


def test_a_stale_copy_of_a_request_moves_nothing(recruiter, candidate_user, mine):
    request = services.privacy_request_submit(actor=candidate_user, kind="restriction")
    stale = PrivacyRequest.objects.get(pk=request.pk)
    services.privacy_request_refuse(request=request, actor=recruiter, reason="Not verified.")
    with pytest.raises(InvalidTransition):
        services.privacy_request_start(request=stale, actor=recruiter)


def test_hr_admins_change_no_request(recruiter, hr_admin, candidate_user, mine):
    request = services.privacy_request_submit(actor=candidate_user, kind="restriction")
    with pytest.raises(Forbidden):
        services.privacy_request_start(request=request, actor=hr_admin)
    with pytest.raises(Forbidden):
        services.privacy_request_refuse(request=request, actor=hr_admin, reason="No.")
    with pytest.raises(Forbidden):
        services.privacy_request_start(request=request, actor=candidate_user)
    assert PrivacyRequest.objects.get(pk=request.pk).state == "received"


def test_a_refusal_says_why_and_the_database_holds_none_without(recruiter, candidate_user, mine):
    request = services.privacy_request_submit(actor=candidate_user, kind="access")
    with pytest.raises(ValidationFailed) as refused:
        services.privacy_request_refuse(request=request, actor=recruiter, reason=" ")
    assert set(refused.value.fields) == {"reason"}
    with pytest.raises(IntegrityError), transaction.atomic():
        PrivacyRequest.objects.filter(pk=request.pk).update(state="refused")
    services.privacy_request_refuse(request=request, actor=recruiter, reason="We hold nothing more.")
    request.refresh_from_db()
    assert (request.state, request.refusal_reason) == ("refused", "We hold nothing more.")


def test_an_erasure_request_is_completed_by_the_erasure_alone_and_may_be_refused_before_it(recruiter, mine):
    request = services.privacy_request_record(
        candidate=mine, kind="erasure", channel="letter", text="Delete my video.", actor=recruiter
    )
    services.privacy_request_start(request=request, actor=recruiter)
    with pytest.raises(services.ErasureElsewhere) as refused:
        services.privacy_request_complete(request=request, actor=recruiter)
    assert (refused.value.status_code, refused.value.code) == (409, "erasure_carried_out_elsewhere")
    assert "carry it out with the erasure" in refused.value.message
    assert PrivacyRequest.objects.get(pk=request.pk).state == "in_progress"
    services.privacy_request_refuse(request=request, actor=recruiter, reason="Kept for a legal claim.")
    assert PrivacyRequest.objects.get(pk=request.pk).state == "refused"


# --- Corrections -------------------------------------------------------------------------------


def test_a_correction_is_done_through_the_candidate_services_and_names_the_changes(
    recruiter, candidate_user, mine
):
    request = services.privacy_request_submit(
        actor=candidate_user, kind="correction", text="My phone number is +86 139 1111 2222."
    )
    services.privacy_request_start(request=request, actor=recruiter)
    with pytest.raises(ValidationFailed) as refused:
        services.privacy_request_complete(request=request, actor=recruiter)
    assert set(refused.value.fields) == {"resolution"}
    with pytest.raises(Conflict) as refused:
        services.privacy_request_complete(request=request, actor=recruiter, resolution="Phone corrected.")
    assert refused.value.code == "nothing_corrected"

    candidate_update(candidate=mine, actor=recruiter, phone="+86 139 1111 2222")
    services.privacy_request_complete(request=request, actor=recruiter, resolution="Phone corrected.")
    request.refresh_from_db()
    corrected = AuditEvent.objects.get(
        target_type="candidates.candidate", action="update", candidate_id=mine.pk
    )
    assert request.state == "done"
    assert [(c["event"], c["target_type"], c["fields"]) for c in request.changes] == [
        (corrected.pk, "candidates.candidate", ["phone"])
    ]
    assert "1111 2222" not in str(request.changes)  # the fields changed, never their values


def test_changes_before_the_request_or_to_others_are_not_its_corrections(recruiter, candidate_user, mine):
    candidate_update(candidate=mine, actor=recruiter, phone="+86 139 0000 0001")
    other = make_candidate(recruiter)
    request = services.privacy_request_submit(actor=candidate_user, kind="correction", text="Wrong phone.")
    candidate_update(candidate=other, actor=recruiter, phone="+86 139 0000 0002")
    services.privacy_request_start(request=request, actor=recruiter)
    with pytest.raises(Conflict):
        services.privacy_request_complete(request=request, actor=recruiter, resolution="Done.")


# --- Restrictions ------------------------------------------------------------------------------


def test_a_restriction_is_in_force_from_receipt_until_refused(recruiter, candidate_user, mine):
    assert ai_processing_restricted(mine.pk) == ""
    request = services.privacy_request_submit(actor=candidate_user, kind="restriction")
    assert ai_processing_restricted(mine.pk) == "processing_restricted"
    services.privacy_request_refuse(request=request, actor=recruiter, reason="Not verified.")
    assert ai_processing_restricted(mine.pk) == ""


def test_a_confirmed_restriction_stays_in_force(recruiter, candidate_user, mine):
    request = services.privacy_request_submit(actor=candidate_user, kind="restriction")
    services.privacy_request_start(request=request, actor=recruiter)
    services.privacy_request_complete(request=request, actor=recruiter)
    assert ai_processing_restricted(mine.pk) == "processing_restricted"
    # A later restriction request refused leaves the confirmed one standing.
    later = services.privacy_request_record(
        candidate=mine, kind="restriction", channel="email", actor=recruiter
    )
    services.privacy_request_refuse(request=later, actor=recruiter, reason="You have one already.")
    assert ai_processing_restricted(mine.pk) == "processing_restricted"


def test_one_candidates_restriction_is_not_anothers(recruiter, candidate_user, mine):
    services.privacy_request_submit(actor=candidate_user, kind="restriction")
    assert ai_processing_restricted(make_candidate(recruiter).pk) == ""


def test_a_candidate_account_linked_to_no_record_makes_no_request(db):
    from hrsuite.roles import Role
    from tests.factories import make_user

    with pytest.raises(NotFound):
        services.privacy_request_submit(actor=make_user(Role.CANDIDATE, username="nobody"), kind="access")
