"""Each person's data sealed under a key of their own, kept in the key store; destroying the key
erases the person from every copy of the main database."""

import pytest
from django.db import connections

from candidates.models import Candidate
from hrsuite import crypto, persons
from hrsuite.fields import is_erased
from hrsuite.models import PersonKey
from hrsuite.persons import KEY_STORE, PersonErased
from hrsuite.roles import Role
from interviews.models import AIAssessment, Scorecard
from interviews.services.assignments import assignment_create
from interviews.services.scorecards import scorecard_save
from onboarding.models import ProvisioningTarget
from onboarding.services.provisioning import provisioning_target_create
from tests.factories import assessment_payload, make_candidate, make_interview, make_user, receive_assessment


def _raw(model, pk, field):
    return str(model.objects.values_list(field, flat=True).get(pk=pk))


def _fresh(model, pk):
    persons.forget()
    return model.objects.get(pk=pk)


def test_a_persons_values_are_sealed_under_their_own_key(recruiter):
    keys_before = set(PersonKey.objects.values_list("person", flat=True))
    interviewer = make_user(Role.INTERVIEWER)
    interview = make_interview(recruiter)
    candidate = interview.application.candidate
    receive_assessment(interview, assessment_payload(transcript="I rebuilt the Fernhill ledger"))
    assignment_create(interview=interview, interviewer=interviewer, actor=recruiter)
    scorecard = scorecard_save(
        interview=interview, ratings={"communication": 4}, notes="Calm", actor=interviewer
    )
    other = make_candidate(recruiter, email="other.person@example.test")

    for model, pk, field in [
        (Candidate, candidate.pk, "email"),
        (AIAssessment, interview.assessment.pk, "transcript"),
        (Scorecard, scorecard.pk, "notes"),
    ]:
        assert crypto.person_of(_raw(model, pk, field)) == candidate.pk.hex
    assert crypto.person_of(_raw(Candidate, other.pk, "email")) == other.pk.hex
    # One key per person, in the key store.
    assert set(PersonKey.objects.values_list("person", flat=True)) - keys_before == {candidate.pk, other.pk}
    assert _fresh(AIAssessment, interview.assessment.pk).transcript == "I rebuilt the Fernhill ledger"


def test_what_is_no_ones_personal_data_stays_under_the_keyring(recruiter):
    target = provisioning_target_create(
        system="oa", url="http://127.0.0.1:9/hook", secret="k" * 32, actor=recruiter
    )

    token = _raw(ProvisioningTarget, target.pk, "secret")

    assert crypto.person_of(token) is None and crypto.key_id_of(token) == crypto.keyring().primary_id


def test_the_keys_live_only_in_the_key_store(recruiter):
    make_candidate(recruiter)

    assert "hrsuite_personkey" in connections[KEY_STORE].introspection.table_names()
    assert "hrsuite_personkey" not in connections["default"].introspection.table_names()
    # The key store holds the keys and nothing of the hiring data.
    assert "candidates_candidate" not in connections[KEY_STORE].introspection.table_names()


def test_a_list_fetches_its_persons_keys_in_one_query(recruiter, django_assert_num_queries):
    for n in range(12):
        make_candidate(recruiter, email=f"list{n}@example.test")
    persons.forget()

    with django_assert_num_queries(1, connection=connections[KEY_STORE]):
        emails = sorted(c.email for c in Candidate.objects.all())

    assert emails == sorted(f"list{n}@example.test" for n in range(12))


def test_destroying_a_key_erases_every_value_sealed_under_it(recruiter):
    interview = make_interview(recruiter)
    candidate = interview.application.candidate
    receive_assessment(interview, assessment_payload(transcript="I rebuilt the Fernhill ledger"))
    other = make_candidate(recruiter, email="stays@example.test")
    token = _raw(Candidate, candidate.pk, "email")  # what a dump taken now holds

    persons.person_key_destroy(candidate.pk)

    erased = _fresh(Candidate, candidate.pk)
    assert erased.email == "" and is_erased(erased.email) and is_erased(erased.resume_text)
    assert _fresh(AIAssessment, interview.assessment.pk).transcript == ""
    assert _fresh(AIAssessment, interview.assessment.pk).raw_payload == {}
    # The ciphertext a copy holds does not decrypt any more, with any key the suite has.
    field = Candidate._meta.get_field("email")
    with pytest.raises(crypto.Erased):
        crypto.decrypt(token, aad=field.aad_for(candidate.pk), person_key=persons.data_key)
    assert PersonKey.objects.get(person=candidate.pk).key == ""
    # Everyone else reads as before.
    assert _fresh(Candidate, other.pk).email == "stays@example.test"


def test_nothing_is_sealed_for_an_erased_person_again(recruiter):
    candidate = make_candidate(recruiter)
    persons.person_key_destroy(candidate.pk)
    persons.forget()

    with pytest.raises(PersonErased):
        persons.sealing_key(candidate.pk)


def test_a_person_erased_before_anything_was_sealed_for_them_stays_erased(db):
    import uuid

    person = uuid.uuid4()
    persons.person_key_destroy(person)

    with pytest.raises(PersonErased):
        persons.sealing_key(person)


def test_a_key_destroyed_elsewhere_is_not_used_after_the_next_request(recruiter, client):
    candidate = make_candidate(recruiter, email="remembered@example.test")
    assert _fresh(Candidate, candidate.pk).email == "remembered@example.test"  # the key remembered
    # Another process destroys it: this one still remembers it until its next request starts.
    PersonKey.objects.filter(person=candidate.pk).update(key="", erased_at=candidate.created_at)

    client.get("/")  # any request

    assert is_erased(Candidate.objects.get(pk=candidate.pk).email)


def test_a_missing_key_is_an_error_not_an_empty_value(recruiter):
    candidate = make_candidate(recruiter, email="keyless@example.test")
    PersonKey.objects.filter(person=candidate.pk).delete()

    with pytest.raises(crypto.DecryptionError, match="No data key"):
        _ = _fresh(Candidate, candidate.pk).email
