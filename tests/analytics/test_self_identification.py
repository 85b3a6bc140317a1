"""Voluntary self-identification (docs/architecture.md, "Fairness"): asked on the careers page
after the application is stored, without JavaScript, and in the portal; in the region's categories
with "prefer not to say"; kept apart from the candidate file, sealed under the candidate's key,
audited without its values; the careers page never changes an answer; erasure reaches it."""

import pytest
from django.db import connection

from analytics.models import SelfIdentification
from analytics.services.self_identification import CAREERS, self_identification_record
from audit.models import AuditEvent
from candidates.models import Application
from candidates.services.candidates import candidate_portal_link
from hrsuite.errors import NotFound, ValidationFailed
from hrsuite.fields import is_erased
from hrsuite.persons import person_key_destroy
from hrsuite.roles import Role
from tests.careers.test_careers_pages import form
from tests.factories import make_application, make_position, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def us_position(recruiter):
    return make_position(recruiter, region="US-NY", time_zone="America/New_York", owner=recruiter)


def _apply(client, position, **overrides):
    answer = client.post(f"/careers/{position.pk}/", form(**overrides))
    assert answer.status_code == 302 and answer["Location"] == f"/careers/{position.pk}/applied/"
    return answer["Location"]


def test_the_careers_page_asks_after_the_application_is_stored(client, us_position):
    applied = _apply(client, us_position)
    page = client.get(applied).text
    # EEO-1's categories in the US, each question with "prefer not to say".
    for label in ("Hispanic or Latino", "Two or more races", "Female", "Prefer not to say"):
        assert label in page
    assert 'name="race_ethnicity"' in page and "<script" not in page
    answer = client.post(applied, {"sex": "female", "race_ethnicity": "asian"})
    assert answer.status_code == 200 and "kept apart" in answer.text
    row = SelfIdentification.objects.get()
    application = Application.objects.get()
    assert (row.sex, row.race_ethnicity, row.scheme, row.region) == ("female", "asian", "us_eeo1", "US-NY")
    assert (row.candidate_id, row.application_id, row.channel) == (
        application.candidate_id,
        application.pk,
        "careers",
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT sex, race_ethnicity FROM analytics_selfidentification")
        stored = cursor.fetchone()
    assert all(value.startswith(f"p1:{application.candidate_id.hex}") for value in stored)
    event = AuditEvent.objects.get(target_id=str(row.pk))
    assert (event.action, event.candidate_id) == ("create", application.candidate_id)
    assert "female" not in str(event.detail) and "asian" not in str(event.detail)


def test_outside_the_us_the_careers_page_asks_sex_only(client, recruiter):
    position = make_position(recruiter, region="DE-BE", time_zone="Europe/Berlin", owner=recruiter)
    page = client.get(_apply(client, position)).text
    assert 'name="sex"' in page and 'name="race_ethnicity"' not in page


def test_an_answer_not_offered_is_refused_naming_its_field(client, us_position):
    applied = _apply(client, us_position)
    answer = client.post(applied, {"sex": "female", "race_ethnicity": "martian"})
    assert answer.status_code == 400 and 'id="race_ethnicity-errors"' in answer.text
    assert not SelfIdentification.objects.exists()


def test_skipping_stores_nothing_and_a_form_without_its_cookie_is_refused(client, us_position):
    applied = _apply(client, us_position)
    assert client.post(applied, {}).status_code == 200
    assert not SelfIdentification.objects.exists()
    client.cookies.clear()
    assert client.post(applied, {"sex": "male"}).status_code == 400
    assert not SelfIdentification.objects.exists()


def test_the_careers_page_never_changes_an_answer(client, us_position, recruiter):
    applied = _apply(client, us_position)
    client.post(applied, {"sex": "female", "race_ethnicity": "asian"})
    # Someone types the same address for another US position, and answers otherwise.
    other = make_position(recruiter, region="US-CA", time_zone="America/Los_Angeles", owner=recruiter)
    answer = client.post(_apply(client, other), {"sex": "male", "race_ethnicity": "white"})
    assert answer.status_code == 200  # the same page: it tells nothing
    row = SelfIdentification.objects.get()
    assert (row.sex, row.race_ethnicity) == ("female", "asian")


def test_the_candidate_answers_and_changes_their_answers_in_the_portal(
    client, us_position, recruiter, candidate_user
):
    application = make_application(recruiter, position=us_position)
    candidate_portal_link(candidate=application.candidate, user=candidate_user, actor=recruiter)
    client.force_login(candidate_user)
    page = client.get("/portal/self-identification/")
    assert page.status_code == 200 and 'name="race_ethnicity"' in page.text
    for sex in ("female", "declined"):
        answer = client.post(
            "/portal/self-identification/",
            {"application": str(application.pk), "sex": sex, "race_ethnicity": "declined"},
        )
        assert answer.status_code == 302
    row = SelfIdentification.objects.get()
    assert (row.sex, row.channel) == ("declined", "portal")
    # The answers are never shown back.
    assert "You have answered" in client.get("/portal/self-identification/").text
    # Another's application is not theirs to answer for.
    other = make_application(recruiter, position=us_position)
    answer = client.post("/portal/self-identification/", {"application": str(other.pk), "sex": "male"})
    assert answer.status_code == 400
    with pytest.raises(NotFound):
        self_identification_record(
            application=other, given={"sex": "male"}, channel="portal", actor=candidate_user
        )


def test_staff_cannot_record_an_answer(recruiter, us_position):
    application = make_application(recruiter, position=us_position)
    with pytest.raises(NotFound):
        self_identification_record(
            application=application, given={"sex": "male"}, channel="portal", actor=recruiter
        )
    with pytest.raises(ValidationFailed):
        self_identification_record(
            application=application, given={"sex": "x"}, channel="careers", actor=CAREERS
        )


def test_erasing_the_candidate_erases_their_answers(recruiter, us_position):
    application = make_application(recruiter, position=us_position)
    self_identification_record(
        application=application,
        given={"sex": "female", "race_ethnicity": "black"},
        channel="careers",
        actor=CAREERS,
    )
    person_key_destroy(application.candidate_id)
    row = SelfIdentification.objects.get()
    assert is_erased(row.sex) and is_erased(row.race_ethnicity)


def test_only_compliance_reads_an_answer_through_the_api(api, recruiter, us_position, request):
    application = make_application(recruiter, position=us_position)
    row = self_identification_record(
        application=application, given={"sex": "female"}, channel="careers", actor=CAREERS
    )
    compliance = make_user(Role.COMPLIANCE, username="compliance")
    answer = api.as_user(compliance).get(f"/api/self-identifications/{row.pk}/")
    assert answer.status_code == 200 and answer.json()["sex"] == "female"
    for role in ("recruiter", "hr_admin", "interviewer", "candidate_user"):
        answer = api.as_user(request.getfixturevalue(role)).get(f"/api/self-identifications/{row.pk}/")
        assert answer.status_code == 404, role
