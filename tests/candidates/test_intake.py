"""The application intake (docs/architecture.md, "Careers page and intake"): one service behind the
careers page and the intake API; dedupe by the e-mail's blind index, closed positions, field
errors, the honeypot, the limits (with Redis and without), the e-mails, and the API's token."""

import logging

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.services import integration_create
from audit.models import AuditEvent
from candidates.models import Application, ApplicationIntake, Candidate, Position, ResumeFile
from candidates.services.candidates import email_index
from candidates.services.intake import API_ACTOR, CAREERS_ACTOR, application_intake, privacy_notice
from candidates.services.positions import position_transition
from demo.resume_files import docx_with_text, pdf_with_text
from hrsuite.errors import Conflict, ValidationFailed
from hrsuite.rate_limits import RateLimited
from hrsuite.roles import Role
from notifications.models import Notification
from notifications.rendering import render
from tests.factories import make_candidate, make_position, make_user

pytestmark = pytest.mark.django_db


def pdf(name="cv.pdf"):
    return SimpleUploadedFile(
        name, pdf_with_text(["Zhou Min", "Data engineer"]), content_type="application/pdf"
    )


def applicant(**overrides):
    data = {
        "full_name": "Zhou Min",
        "email": "Zhou.Min@Example.test ",
        "phone": "+86 138 0000 1234",
        "source": "referral",
        "source_detail": "A friend in the data team",
        "privacy_acknowledged": "on",
        "privacy_notice_version": privacy_notice("en").version,
    }
    data.update(overrides)
    return data


def apply(position, *, language="en", upload=None, address="203.0.113.7", **overrides):
    return application_intake(
        position=position,
        data=applicant(**overrides),
        upload=upload or pdf(),
        language=language,
        actor=CAREERS_ACTOR,
        address=address,
    )


@pytest.fixture
def owner(db):
    return make_user(Role.RECRUITER, username="olivia", email="olivia@example.test")


@pytest.fixture
def position(owner):
    return make_position(owner, title_en="Data Engineer", title_zh_hans="数据工程师", owner=owner)


def test_a_new_applicant_becomes_a_candidate_with_an_application_a_file_and_two_messages(position, owner):
    receipt = apply(position, language="zh-hans")

    assert receipt.outcome == "applied"
    candidate = Candidate.objects.get()
    assert (candidate.full_name, candidate.email, candidate.preferred_language, candidate.source) == (
        "Zhou Min",
        "zhou.min@example.test",
        "zh-hans",
        "referral",
    )
    application = Application.objects.get()
    assert application.pk == receipt.application_id and application.position == position
    assert ResumeFile.objects.filter(candidate=candidate).count() == 1
    intake = ApplicationIntake.objects.get()
    assert (intake.channel, intake.source, intake.source_detail, intake.language) == (
        "careers_page",
        "referral",
        "A friend in the data team",
        "zh-hans",
    )
    assert intake.notice_version == privacy_notice("zh-hans").version
    assert intake.notice_sha256 == privacy_notice("zh-hans").sha256
    # Every write is audited by the careers page's system actor.
    actors = set(AuditEvent.objects.filter(action="create").values_list("actor_label", flat=True))
    assert CAREERS_ACTOR in actors
    # The applicant's confirmation in the language they applied in; the owner's notice in theirs.
    to_applicant = Notification.objects.get(template="application_received")
    assert (to_applicant.candidate_id, to_applicant.language) == (candidate.pk, "zh-hans")
    assert render(to_applicant).subject == "我们已收到您的申请（数据工程师）"  # noqa: RUF001
    to_owner = Notification.objects.get(template="application_new")
    assert to_owner.recipient_user == owner
    assert "Data Engineer" in render(to_owner).subject


def test_without_an_active_owner_every_recruiter_is_told(position, owner):
    rob = make_user(Role.RECRUITER, username="rob", email="rob@example.test")
    ruth = make_user(Role.RECRUITER, username="ruth", email="ruth@example.test")
    owner.is_active = False
    owner.save(update_fields=["is_active"])
    apply(Position.objects.get(pk=position.pk))
    told = Notification.objects.filter(template="application_new").values_list("recipient_user", flat=True)
    assert set(told) == {rob.pk, ruth.pk}


def test_a_known_address_gets_a_new_application_on_its_record_and_its_data_stays(position, owner):
    known = make_candidate(owner, full_name="Zhou Min", email="zhou.min@example.test", phone="+86 1")
    other = make_position(owner, title_en="Platform Engineer")
    apply(other, full_name="Somebody Else", phone="+1 555 0100", email="ZHOU.MIN@example.test")
    receipt = apply(position, full_name="Somebody Else")

    assert receipt.outcome == "applied"
    assert Candidate.objects.count() == 1
    known.refresh_from_db()
    assert (known.full_name, known.phone) == ("Zhou Min", "+86 1")
    assert set(Application.objects.values_list("position", flat=True)) == {position.pk, other.pk}
    # The new résumé file is the one thing the record takes.
    assert ResumeFile.objects.filter(candidate=known).count() == 2


def test_applying_twice_for_a_position_stores_nothing_more_and_answers_the_same(position):
    first = apply(position)
    second = apply(position, upload=SimpleUploadedFile("cv.docx", docx_with_text(["Zhou Min"])))

    assert (second.outcome, second.application_id) == ("applied_before", first.application_id)
    assert Application.objects.count() == 1
    assert ResumeFile.objects.count() == 1
    assert ApplicationIntake.objects.count() == 1
    # The address has its confirmation (one a day per application, however often it is sent).
    assert Notification.objects.filter(template="application_received").count() == 1


@pytest.mark.parametrize("event", ["close", "hold"])
def test_a_position_not_open_refuses_and_nothing_is_stored(position, owner, event):
    position_transition(position=position, event=event, actor=owner)
    with pytest.raises(Conflict) as refused:
        apply(position)
    assert refused.value.code == "position_not_open" and "position" in refused.value.fields
    assert not Candidate.objects.exists() and not ResumeFile.objects.exists()
    assert not Notification.objects.exists()


def test_bad_input_names_every_field_and_stores_nothing(position):
    png = SimpleUploadedFile("cv.pdf", b"\x89PNG\r\n\x1a\n" + b"\0" * 32, content_type="application/pdf")
    with pytest.raises(ValidationFailed) as refused:
        apply(
            position,
            upload=png,
            full_name=" ",
            email="not-an-address",
            phone="call me",
            source="telepathy",
            privacy_acknowledged="",
        )
    assert set(refused.value.fields) == {
        "full_name",
        "email",
        "phone",
        "source",
        "privacy_acknowledged",
        "resume",
    }
    assert not Candidate.objects.exists() and not Notification.objects.exists()


def test_a_missing_file_and_an_old_notice_are_named(position):
    with pytest.raises(ValidationFailed) as refused:
        application_intake(
            position=position,
            data=applicant(privacy_notice_version="1999.1"),
            upload=None,
            language="en",
            actor=CAREERS_ACTOR,
        )
    assert set(refused.value.fields) == {"resume", "privacy_acknowledged"}
    assert "version" in refused.value.fields["privacy_acknowledged"][0]


def test_a_filled_honeypot_answers_like_success_stores_nothing_and_is_logged(position, caplog):
    caplog.set_level(logging.WARNING, logger="candidates.services.intake")
    receipt = application_intake(
        position=position,
        data=applicant(),
        upload=pdf(),
        language="en",
        actor=CAREERS_ACTOR,
        address="198.51.100.9",
        honeypot="http://spam.example",
    )
    assert receipt.outcome == "discarded" and receipt.application_id is None
    assert not Candidate.objects.exists() and not Notification.objects.exists()
    assert "honeypot" in caplog.text and "198.51.100" in caplog.text


def test_one_address_is_held_to_its_limit(position, settings):
    settings.HRSUITE_INTAKE_PER_ADDRESS = 2
    apply(position, email="a@example.test")
    apply(position, email="b@example.test")
    with pytest.raises(RateLimited):
        apply(position, email="c@example.test")
    # Another address is not.
    apply(position, email="c@example.test", address="192.0.2.1")
    assert Candidate.objects.count() == 3


def test_one_e_mail_address_is_held_to_its_limit_from_any_address(position, settings):
    settings.HRSUITE_INTAKE_PER_EMAIL = 1
    apply(position)
    with pytest.raises(RateLimited):
        apply(position, address="192.0.2.1")


@pytest.mark.services
def test_the_limits_hold_in_memory_while_redis_is_down(position, settings, redis_cache_proxy):
    settings.HRSUITE_INTAKE_PER_ADDRESS = 1
    redis_cache_proxy.cut()
    apply(position, email="a@example.test")
    with pytest.raises(RateLimited):
        apply(position, email="b@example.test")
    assert Candidate.objects.count() == 1


# --- The API -----------------------------------------------------------------------------------------

INTAKE = "/api/application-intake/"


def body(position, **overrides):
    return {"position": str(position.pk), **applicant(**overrides), "resume": pdf()}


def test_the_api_takes_an_application_with_an_intake_token(api, position):
    board, _token = integration_create(name="jobboard", scopes=["submit_applications"], actor="system:test")
    answer = api.as_user(board).post(INTAKE, body(position, language="zh-hans"), format="multipart")

    assert answer.status_code == 201, answer.content
    intake = ApplicationIntake.objects.get()
    assert answer.json() == {"id": str(intake.application_id)}
    assert (intake.channel, intake.submitted_by, intake.language) == ("api", board, "zh-hans")
    assert AuditEvent.objects.filter(target_type="candidates.applicationintake", actor=board).exists()
    assert AuditEvent.objects.filter(target_type="candidates.candidate", actor_label=API_ACTOR).exists()
    # A known applicant, applying again: the same answer, nothing more stored.
    again = api.as_user(board).post(INTAKE, body(position), format="multipart")
    assert (again.status_code, again.json()) == (201, answer.json())
    assert Application.objects.count() == 1


def test_the_api_names_the_fields_as_the_page_does(api, position):
    board, _token = integration_create(name="jobboard", scopes=["submit_applications"], actor="system:test")
    answer = api.as_user(board).post(
        INTAKE,
        {**body(position, email="nope", privacy_acknowledged="false"), "resume": ""},
        format="multipart",
    )
    assert answer.status_code == 400
    assert {"email", "privacy_acknowledged", "resume"} <= set(answer.json()["error"]["fields"])
    unknown = api.as_user(board).post(INTAKE, {**body(position), "position": "x"}, format="multipart")
    assert unknown.status_code == 400 and "position" in unknown.json()["error"]["fields"]


def test_the_api_refuses_without_a_token_or_without_the_scope(api, position, integration, recruiter):
    assert api.post(INTAKE, body(position), format="multipart").status_code == 401
    assert api.as_user(integration).post(INTAKE, body(position), format="multipart").status_code == 403
    assert api.as_user(recruiter).post(INTAKE, body(position), format="multipart").status_code == 403
    assert not Candidate.objects.filter(email_index=email_index("zhou.min@example.test")).exists()


def test_the_api_is_in_the_schema(api, recruiter):
    schema = api.as_user(recruiter).get("/api/schema/?format=json").json()
    operation = schema["paths"][INTAKE]["post"]
    assert "multipart/form-data" in operation["requestBody"]["content"]
    assert "201" in operation["responses"]
