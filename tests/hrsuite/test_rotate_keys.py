import base64
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

OLD = f"old:{base64.b64encode(b'o' * 32).decode()}"
NEW = f"new:{base64.b64encode(b'n' * 32).decode()}"


def _tokens(model, *fields):
    """Raw stored tokens, keyed by row id (values_list does not decrypt)."""
    return {pk: tuple(map(str, rest)) for pk, *rest in model.objects.values_list("pk", *fields)}


def _key_ids(model, *fields):
    """The keyring's key ids that the values are sealed under."""
    return {crypto.key_id_of(token) for row in _tokens(model, *fields).values() for token in row if token}


def _rotate(*args):
    out = io.StringIO()
    call_command("rotate_keys", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def old_data(settings, recruiter):
    """Five candidates, an AI assessment and an outside system's secret, sealed while the old
    key was primary: the candidates' data under their own keys, which the old key seals, and the
    secret, which is no one's personal data, under the old key itself."""
    settings.HRSUITE_ENCRYPTION_KEYS = OLD
    candidates = [
        make_candidate(recruiter, email=f"rotate{n}@example.test", phone=f"+86 139 0000 {n:04d}")
        for n in range(5)
    ]
    interview = make_interview(recruiter)
    payload = assessment_payload(transcript="我负责把计费服务迁移到 Django。")
    assessment = receive_assessment(interview, payload, actor="provider:test")
    provisioning_target_create(
        system="oa", url="http://127.0.0.1:9/hook", secret="rotate-secret-" + "s" * 20, actor=recruiter
    )
    expected = {
        "candidates": {c.pk: (c.email, c.phone, c.resume_text) for c in Candidate.objects.all()},
        "transcript": assessment.transcript,
        "raw_payload": AIAssessment.objects.get(pk=assessment.pk).raw_payload,
        "evidence": {d.pk: d.evidence for d in AIDimensionScore.objects.all()},
    }
    assert len(expected["candidates"]) == 6  # five here, one behind the interview
    assert _key_ids(PersonKey, "key") == {"old"}
    assert _key_ids(ProvisioningTarget, "secret") == {"old"}
    return candidates, assessment, expected


PERSONAL = [
    (Candidate, ("email", "phone", "resume_text")),
    (AIAssessment, ("transcript", "raw_payload")),
    (AIDimensionScore, ("evidence",)),
]


def _personal_tokens():
    return {model: _tokens(model, *fields) for model, fields in PERSONAL}


def _assert_reads_as(expected, assessment):
    persons.forget()  # read the person keys afresh, with the ring as it is now
    for pk, values in expected["candidates"].items():
        fresh = Candidate.objects.get(pk=pk)
        assert (fresh.email, fresh.phone, fresh.resume_text) == values
    fresh = AIAssessment.objects.get(pk=assessment.pk)
    assert fresh.transcript == expected["transcript"] == "我负责把计费服务迁移到 Django。"
    assert fresh.raw_payload == expected["raw_payload"] and fresh.raw_payload["dimensions"]
    assert {d.pk: d.evidence for d in AIDimensionScore.objects.all()} == expected["evidence"]
    assert ProvisioningTarget.objects.get().secret == "rotate-secret-" + "s" * 20


def test_rotation_reseals_the_person_keys_and_leaves_their_values_as_they_are(settings, old_data):
    _candidates, assessment, expected = old_data
    personal = _personal_tokens()
    settings.HRSUITE_ENCRYPTION_KEYS = f"{NEW},{OLD}"

    output = _rotate("--batch-size", "2")  # several batches: keyset pagination across pages

    assert _key_ids(PersonKey, "key") == {"new"}
    assert _key_ids(ProvisioningTarget, "secret") == {"new"}
    assert "hrsuite.personkey.key: 6 of 6 values re-encrypted" in output
    assert "onboarding.provisioningtarget.secret: 1 of 1 values re-encrypted" in output
    # What is sealed under a person's key was not touched: one row per person was rewritten.
    assert _personal_tokens() == personal
    assert "candidates.candidate.email: 0 of 0 values re-encrypted" in output
    _assert_reads_as(expected, assessment)

    # Only the new key left: the data still reads, so the old key is no longer needed.
    settings.HRSUITE_ENCRYPTION_KEYS = NEW
    _assert_reads_as(expected, assessment)


def test_second_run_changes_nothing(settings, old_data):
    settings.HRSUITE_ENCRYPTION_KEYS = f"{NEW},{OLD}"
    _rotate()
    before = _tokens(PersonKey, "key")
    events = AuditEvent.objects.count()

    output = _rotate()

    assert _tokens(PersonKey, "key") == before
    assert "hrsuite.personkey.key: 0 of 6 values re-encrypted" in output
    assert AuditEvent.objects.count() == events  # nothing changed, nothing to record


def test_rotation_records_one_audit_event_per_model_without_values(settings, old_data):
    settings.HRSUITE_ENCRYPTION_KEYS = f"{NEW},{OLD}"
    last_id = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first()

    _rotate("--batch-size", "2")

    events = {e.target_type: e for e in AuditEvent.objects.filter(id__gt=last_id)}
    assert set(events) == {"hrsuite.personkey", "onboarding.provisioningtarget"}
    keys_event = events["hrsuite.personkey"]
    assert keys_event.actor_id is None and keys_event.actor_label == "system:rotate_keys"
    assert keys_event.action == AuditAction.UPDATE
    assert keys_event.changed_fields == ["key"]
    assert keys_event.detail == {"re_encrypted": {"key": 6}, "key_id": "new"}
    call_command("audit_verify", stdout=io.StringIO())


def test_dry_run_counts_and_changes_nothing(settings, old_data):
    settings.HRSUITE_ENCRYPTION_KEYS = f"{NEW},{OLD}"
    before = _tokens(PersonKey, "key")
    events = AuditEvent.objects.count()

    output = _rotate("--dry-run")

    assert "hrsuite.personkey.key: 6 of 6 values would be re-encrypted" in output
    assert _tokens(PersonKey, "key") == before
    assert AuditEvent.objects.count() == events


def test_a_value_that_does_not_decrypt_stops_the_command_naming_its_row(settings, old_data):
    # The victim is the batch's last row, so rows before it would show any half-written batch.
    donor, *_, victim = PersonKey.objects.order_by("pk")
    # A key moved from another person's row: well-formed, right ring key, but bound to the donor.
    stolen = PersonKey.objects.values_list("key", flat=True).get(pk=donor.pk)
    PersonKey.objects.filter(pk=victim.pk).update(key=Sealed(str(stolen)))
    settings.HRSUITE_ENCRYPTION_KEYS = f"{NEW},{OLD}"
    events = AuditEvent.objects.count()

    with pytest.raises(CommandError, match=rf"hrsuite\.personkey\.key of row {victim.pk}"):
        _rotate()  # one batch holds every key

    # Nothing of that batch was written, so nothing was recorded either.
    assert _key_ids(PersonKey, "key") == {"old"}
    assert AuditEvent.objects.count() == events


def test_a_key_missing_from_the_ring_stops_the_command(settings, old_data):
    settings.HRSUITE_ENCRYPTION_KEYS = NEW  # the old key dropped before rotating

    with pytest.raises(CommandError, match=r"No key with id 'old'"):
        _rotate()


def test_batch_size_must_be_positive(db):
    with pytest.raises(CommandError, match="at least 1"):
        _rotate("--batch-size", "0")
