"""`adopt_person_keys`: data sealed under the keyring before person keys existed is sealed again
under each person's own key, in place, resumably."""

import io

import pytest
from django.core.management import CommandError, call_command

from audit.models import AuditAction, AuditEvent
from candidates.models import Candidate
from hrsuite import crypto, persons
from hrsuite.fields import Sealed
from hrsuite.models import PersonKey
from interviews.models import AIAssessment, AIDimensionScore
from onboarding.models import ProvisioningTarget
from onboarding.services.provisioning import provisioning_target_create
from tests.factories import assessment_payload, make_candidate, make_interview, receive_assessment

PERSONAL = [
    (Candidate, ("email", "phone", "resume_text")),
    (AIAssessment, ("transcript", "raw_payload")),
    (AIDimensionScore, ("evidence",)),
]


def _tokens(model, *fields):
    return {pk: tuple(map(str, rest)) for pk, *rest in model.objects.values_list("pk", *fields)}


def _under_ring_again():
    """Every personal value sealed again under the keyring, and the person keys gone: the data
    as it was written before person keys existed."""
    for model, fields in PERSONAL:
        for pk, *tokens in model.objects.values_list("pk", *fields):
            values = {}
            for name, token in zip(fields, tokens, strict=True):
                if not token:
                    continue
                field = model._meta.get_field(name)
                plaintext = crypto.decrypt(token, aad=field.aad_for(pk), person_key=persons.data_key)
                values[name] = Sealed(crypto.encrypt(plaintext, aad=field.aad_for(pk)))
            model.objects.filter(pk=pk).update(**values)
    PersonKey.objects.all().delete()
    persons.forget()


def _adopt(*args):
    out = io.StringIO()
    call_command("adopt_person_keys", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def old_data(recruiter):
    for n in range(4):
        make_candidate(recruiter, email=f"adopt{n}@example.test", phone=f"+86 139 0000 {n:04d}")
    interview = make_interview(recruiter)
    receive_assessment(interview, assessment_payload(transcript="我负责把计费服务迁移到 Django。"))
    persons.forget()
    expected = {
        "candidates": {c.pk: (c.email, c.phone, c.resume_text) for c in Candidate.objects.all()},
        "transcript": AIAssessment.objects.get().transcript,
        "evidence": {d.pk: d.evidence for d in AIDimensionScore.objects.all()},
    }
    _under_ring_again()
    return expected


def _persons_of(model, *fields):
    return {crypto.person_of(token) for row in _tokens(model, *fields).values() for token in row if token}


def _assert_reads_as(expected):
    persons.forget()
    for pk, values in expected["candidates"].items():
        fresh = Candidate.objects.get(pk=pk)
        assert (fresh.email, fresh.phone, fresh.resume_text) == values
    assert AIAssessment.objects.get().transcript == expected["transcript"]
    assert {d.pk: d.evidence for d in AIDimensionScore.objects.all()} == expected["evidence"]


def test_every_personal_value_moves_under_its_persons_key(old_data):
    assert _persons_of(Candidate, "email", "phone") == {None}

    output = _adopt("--batch-size", "2")

    candidates = Candidate.objects.values_list("pk", flat=True)
    for pk, tokens in _tokens(Candidate, "email", "phone", "resume_text").items():
        assert {crypto.person_of(token) for token in tokens} == {pk.hex}
    interview_candidate = AIAssessment.objects.get().interview.application.candidate_id
    assert _persons_of(AIAssessment, "transcript", "raw_payload") == {interview_candidate.hex}
    assert _persons_of(AIDimensionScore, "evidence") == {interview_candidate.hex}
    assert set(PersonKey.objects.values_list("person", flat=True)) == set(candidates)
    assert "candidates.candidate.email: 5 values sealed under their person's key" in output
    _assert_reads_as(old_data)


def test_a_second_run_changes_nothing(old_data):
    _adopt()
    before = {model: _tokens(model, *fields) for model, fields in PERSONAL}
    events = AuditEvent.objects.count()

    output = _adopt()

    assert {model: _tokens(model, *fields) for model, fields in PERSONAL} == before
    assert "0 values sealed under their person's key." in output
    assert AuditEvent.objects.count() == events


def test_a_stopped_run_is_picked_up_where_it_stopped(old_data):
    # The third candidate by key cannot be decrypted: the run stops there, batches of one.
    first, second, victim, *rest = Candidate.objects.order_by("pk")
    stolen = Candidate.objects.values_list("phone", flat=True).get(pk=first.pk)
    good = Candidate.objects.values_list("phone", flat=True).get(pk=victim.pk)
    Candidate.objects.filter(pk=victim.pk).update(phone=Sealed(str(stolen)))

    with pytest.raises(CommandError, match=rf"candidates\.candidate\.phone of row {victim.pk}"):
        _adopt("--batch-size", "1")

    # What was done stays done, and is recorded; the rest waits.
    assert crypto.person_of(str(Candidate.objects.values_list("email", flat=True).get(pk=second.pk)))
    assert not crypto.person_of(str(Candidate.objects.values_list("email", flat=True).get(pk=rest[0].pk)))
    event = AuditEvent.objects.filter(actor_label="system:adopt_person_keys").get()
    assert event.action == AuditAction.UPDATE and event.target_type == "candidates.candidate"
    assert event.detail == {"sealed_for_persons": {"email": 2, "phone": 2, "resume_text": 2}}

    Candidate.objects.filter(pk=victim.pk).update(phone=Sealed(str(good)))
    _adopt("--batch-size", "1")

    assert _persons_of(Candidate, "email", "phone", "resume_text") == {
        pk.hex for pk in Candidate.objects.values_list("pk", flat=True)
    }
    _assert_reads_as(old_data)
    call_command("audit_verify", stdout=io.StringIO())


def test_what_holds_no_ones_data_stays_under_the_keyring(old_data, recruiter):
    target = provisioning_target_create(
        system="oa", url="http://127.0.0.1:9/hook", secret="k" * 32, actor=recruiter
    )
    before = _tokens(ProvisioningTarget, "secret")

    _adopt()

    assert _tokens(ProvisioningTarget, "secret") == before
    assert _persons_of(ProvisioningTarget, "secret") == {None}
    assert ProvisioningTarget.objects.get(pk=target.pk).secret == "k" * 32
    # The person keys themselves are sealed under the keyring.
    assert _persons_of(PersonKey, "key") == {None}


def test_batch_size_must_be_positive(db):
    with pytest.raises(CommandError, match="at least 1"):
        _adopt("--batch-size", "0")
