import base64
import io

import pytest
from django.core.management import CommandError, call_command

from audit.models import AuditAction, AuditEvent
from candidates.models import Candidate
from hrsuite import crypto
from hrsuite.fields import Sealed
from interviews.models import AIAssessment, AIDimensionScore
from tests.factories import assessment_payload, make_candidate, make_interview, receive_assessment

OLD = f"old:{base64.b64encode(b'o' * 32).decode()}"
NEW = f"new:{base64.b64encode(b'n' * 32).decode()}"


def _tokens(model, *fields):
    """Raw stored tokens, keyed by row id (values_list does not decrypt)."""
    return {pk: tuple(map(str, rest)) for pk, *rest in model.objects.values_list("pk", *fields)}


def _key_ids(model, *fields):
    return {crypto.key_id_of(token) for row in _tokens(model, *fields).values() for token in row if token}


def _rotate(*args):
    out = io.StringIO()
    call_command("rotate_keys", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def old_data(settings, recruiter):
    """Five candidates and an AI assessment sealed with the old key, the old key still primary."""
    settings.HRSUITE_ENCRYPTION_KEYS = OLD
    candidates = [
        make_candidate(recruiter, email=f"rotate{n}@example.test", phone=f"+86 139 0000 {n:04d}")
        for n in range(5)
    ]
    interview = make_interview(recruiter)
    payload = assessment_payload(transcript="我负责把计费服务迁移到 Django。")
    assessment = receive_assessment(interview, payload, actor="provider:test")
    expected = {
        "candidates": {c.pk: (c.email, c.phone, c.resume_text) for c in Candidate.objects.all()},
        "transcript": assessment.transcript,
        "raw_payload": AIAssessment.objects.get(pk=assessment.pk).raw_payload,
        "evidence": {d.pk: d.evidence for d in AIDimensionScore.objects.all()},
    }
    assert len(expected["candidates"]) == 6  # five here, one behind the interview
    assert _key_ids(Candidate, "email", "phone", "resume_text") == {"old"}
    return candidates, assessment, expected


def _assert_reads_as(expected, assessment):
    for pk, values in expected["candidates"].items():
        fresh = Candidate.objects.get(pk=pk)
        assert (fresh.email, fresh.phone, fresh.resume_text) == values
    fresh = AIAssessment.objects.get(pk=assessment.pk)
    assert fresh.transcript == expected["transcript"] == "我负责把计费服务迁移到 Django。"
    assert fresh.raw_payload == expected["raw_payload"] and fresh.raw_payload["dimensions"]
    assert {d.pk: d.evidence for d in AIDimensionScore.objects.all()} == expected["evidence"]


def test_rotation_moves_every_value_to_the_new_primary_key(settings, old_data):
    _candidates, assessment, expected = old_data
    settings.HRSUITE_ENCRYPTION_KEYS = f"{NEW},{OLD}"

    output = _rotate("--batch-size", "2")  # several batches: keyset pagination across pages

    assert _key_ids(Candidate, "email", "phone", "resume_text") == {"new"}
    assert _key_ids(AIAssessment, "transcript", "raw_payload") == {"new"}
    assert _key_ids(AIDimensionScore, "evidence") == {"new"}
    assert "candidates.candidate.email: 6 of 6 values re-encrypted" in output
    assert "interviews.aidimensionscore.evidence: 2 of 2 values re-encrypted" in output
    _assert_reads_as(expected, assessment)

    # Only the new key left: the data still reads, so the old key is no longer needed.
    settings.HRSUITE_ENCRYPTION_KEYS = NEW
    _assert_reads_as(expected, assessment)


def test_second_run_changes_nothing(settings, old_data):
    settings.HRSUITE_ENCRYPTION_KEYS = f"{NEW},{OLD}"
    _rotate()
    before = _tokens(Candidate, "email", "phone", "resume_text")
    events = AuditEvent.objects.count()

    output = _rotate()

    assert _tokens(Candidate, "email", "phone", "resume_text") == before
    assert "candidates.candidate.email: 0 of 6 values re-encrypted" in output
    assert AuditEvent.objects.count() == events  # nothing changed, nothing to record


def test_rotation_records_one_audit_event_per_model_without_values(settings, old_data):
    settings.HRSUITE_ENCRYPTION_KEYS = f"{NEW},{OLD}"
    last_id = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first()

    _rotate("--batch-size", "2")

    events = {e.target_type: e for e in AuditEvent.objects.filter(id__gt=last_id)}
    assert set(events) == {"candidates.candidate", "interviews.aiassessment", "interviews.aidimensionscore"}
    candidate_event = events["candidates.candidate"]
    assert candidate_event.actor_id is None and candidate_event.actor_label == "system:rotate_keys"
    assert candidate_event.action == AuditAction.UPDATE
    assert candidate_event.changed_fields == ["email", "phone", "resume_text"]
    assert candidate_event.detail == {
        "re_encrypted": {"email": 6, "phone": 6, "resume_text": 6},
        "key_id": "new",
    }
    call_command("audit_verify", stdout=io.StringIO())


def test_dry_run_counts_and_changes_nothing(settings, old_data):
    settings.HRSUITE_ENCRYPTION_KEYS = f"{NEW},{OLD}"
    before = _tokens(Candidate, "email", "phone", "resume_text")
    events = AuditEvent.objects.count()

    output = _rotate("--dry-run")

    assert "candidates.candidate.phone: 6 of 6 values would be re-encrypted" in output
    assert _tokens(Candidate, "email", "phone", "resume_text") == before
    assert AuditEvent.objects.count() == events


def test_a_value_that_does_not_decrypt_stops_the_command_naming_its_row(settings, old_data):
    # The victim is the batch's last row, so rows before it would show any half-written batch.
    donor, *_, victim = Candidate.objects.order_by("pk")
    # A value moved from another row: well-formed, right key, but bound to the donor's row.
    stolen = Candidate.objects.values_list("phone", flat=True).get(pk=donor.pk)
    Candidate.objects.filter(pk=victim.pk).update(phone=Sealed(str(stolen)))
    settings.HRSUITE_ENCRYPTION_KEYS = f"{NEW},{OLD}"
    events = AuditEvent.objects.count()

    with pytest.raises(CommandError, match=rf"candidates\.candidate\.phone of row {victim.pk}"):
        _rotate()  # one batch holds every candidate

    # Nothing of that batch was written, so nothing was recorded either.
    assert _key_ids(Candidate, "email", "phone", "resume_text") == {"old"}
    assert AuditEvent.objects.count() == events


def test_a_key_missing_from_the_ring_stops_the_command(settings, old_data):
    settings.HRSUITE_ENCRYPTION_KEYS = NEW  # the old key dropped before rotating

    with pytest.raises(CommandError, match=r"No key with id 'old'"):
        _rotate()


def test_batch_size_must_be_positive(db):
    with pytest.raises(CommandError, match="at least 1"):
        _rotate("--batch-size", "0")
