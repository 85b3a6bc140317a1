"""Data migrations of the candidates app, run on rows written before them."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor

from candidates.models import Candidate, CandidateNameToken, Position, PriorRecord
from candidates.selectors import candidate_list_for
from candidates.services.prior_records import prior_record_create
from hrsuite import crypto, persons
from tests.factories import make_candidate

BEFORE = ("candidates", "0008_application_candidate_created_at")
AFTER = ("candidates", "0009_encrypt_names_and_prior_records")


def _migrate(target):
    executor = MigrationExecutor(connection)
    executor.migrate([target])
    return executor.loader.project_state([target]).apps


def _migrate_to_the_end():
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def _stored(model, pk, *fields) -> tuple:
    return tuple(map(str, model.objects.filter(pk=pk).values_list(*fields).get()))


@pytest.mark.django_db(transaction=True)
def test_plain_names_and_prior_records_are_encrypted_in_place_and_the_names_indexed(recruiter):
    # Written before: sealed under the person's key, opened again by the way back.
    earlier = make_candidate(recruiter, full_name="Zhao Lei")
    record = prior_record_create(
        candidate=earlier,
        actor=recruiter,
        kind="training",
        title="Data privacy training",
        period_start=datetime.date(2024, 3, 1),
        rating="Passed",
    )
    try:
        old = _migrate(BEFORE)
        old_candidate, old_record = (
            old.get_model("candidates", name) for name in ("Candidate", "PriorRecord")
        )
        assert old_candidate.objects.get(pk=earlier.pk).full_name == "Zhao Lei"
        assert (old_record.objects.get(pk=record.pk).title, old_record.objects.get(pk=record.pk).rating) == (
            "Data privacy training",
            "Passed",
        )
        plain = old_candidate.objects.create(
            full_name="Wang Xiaoming 王小明",
            email_index="plain-index",
            region="CN",
            time_zone="Asia/Shanghai",
        )
        plain_record = old_record.objects.create(
            candidate_id=plain.pk,
            kind="performance_review",
            title="2024 annual review",
            period_start=datetime.date(2024, 1, 1),
            rating="Exceeds expectations",
        )

        _migrate(AFTER)
        # And on to the end, so that today's models read the rows (later migrations add columns).
        _migrate_to_the_end()

        persons.forget()
        for candidate, name in ((plain, "Wang Xiaoming 王小明"), (earlier, "Zhao Lei")):
            (token,) = _stored(Candidate, candidate.pk, "full_name")
            # Under the keyring: a migration's models name no person.
            assert token.startswith("v1:") and name not in token
            assert Candidate.objects.get(pk=candidate.pk).full_name == name
        for row, (title, rating) in (
            (plain_record, ("2024 annual review", "Exceeds expectations")),
            (record, ("Data privacy training", "Passed")),
        ):
            assert all(token.startswith("v1:") for token in _stored(PriorRecord, row.pk, "title", "rating"))
            fresh = PriorRecord.objects.get(pk=row.pk)
            assert (fresh.title, fresh.rating) == (title, rating)
        # Each name is found by its words and characters.
        for query, found in (("xiaoming", plain.pk), ("小明", plain.pk), ("lei zhao", earlier.pk)):
            matches = candidate_list_for(user=recruiter, filters={"q": query})
            assert list(matches.values_list("pk", flat=True)) == [found]
        assert CandidateNameToken.objects.filter(candidate_id=plain.pk).count() == 7

        # Then moved under each person's key, once every migration has run (the command walks
        # every table of today's models).
        _migrate_to_the_end()
        call_command("adopt_person_keys", stdout=io.StringIO())
        persons.forget()
        (token,) = _stored(Candidate, plain.pk, "full_name")
        assert crypto.person_of(token) == plain.pk.hex
        assert Candidate.objects.get(pk=plain.pk).full_name == "Wang Xiaoming 王小明"
        assert {crypto.person_of(t) for t in _stored(PriorRecord, plain_record.pk, "title", "rating")} == {
            plain.pk.hex
        }
    finally:
        _migrate_to_the_end()


BEFORE_LANGUAGES = ("candidates", "0011_resume_files")
AFTER_LANGUAGES = ("candidates", "0012_position_languages_team_plan")


@pytest.mark.django_db(transaction=True)
def test_a_positions_one_title_becomes_its_english_one_and_its_chinese_part_the_chinese_one():
    weights = {"communication": 0.3, "problem_solving": 0.7}
    try:
        old = _migrate(BEFORE_LANGUAGES)
        position = old.get_model("candidates", "Position")
        made = {
            title: position.objects.create(
                title=title,
                department="Engineering",
                region="CN",
                time_zone="Asia/Shanghai",
                dimension_weights=weights,
            ).pk
            for title in (
                "Senior Backend Engineer · 高级后端工程师",
                "Data Analyst",
                "客户成功专员",
                "QA · Tools",
            )
        }

        _migrate(AFTER_LANGUAGES)

        titles = {
            title: tuple(Position.objects.filter(pk=pk).values_list("title_en", "title_zh_hans").get())
            for title, pk in made.items()
        }
        assert titles == {
            "Senior Backend Engineer · 高级后端工程师": ("Senior Backend Engineer", "高级后端工程师"),
            "Data Analyst": ("Data Analyst", ""),
            "客户成功专员": ("", "客户成功专员"),
            "QA · Tools": ("QA · Tools", ""),
        }
        # The rest as before, and what is new empty: the weights keep working, unlabelled (read
        # with today's model, once the later migrations added their columns).
        _migrate_to_the_end()
        moved = Position.objects.get(pk=made["Data Analyst"])
        assert moved.dimension_weights == weights and moved.dimension_labels == {}
        assert (moved.headcount, moved.owner_id, moved.interview_plan, list(moved.interviewers.all())) == (
            1,
            None,
            [],
            [],
        )
        assert [d["label"] for d in moved.dimensions()] == ["Problem solving", "Communication"]

        # And back: one title again.
        old = _migrate(BEFORE_LANGUAGES)
        back = old.get_model("candidates", "Position").objects
        assert {back.get(pk=pk).title for pk in made.values()} == set(made)
    finally:
        _migrate_to_the_end()


BEFORE_PHONES = ("candidates", "0014_application_intake")
AFTER_PHONES = ("candidates", "0015_candidate_phone_index")


@pytest.mark.django_db(transaction=True)
def test_the_phones_of_candidates_there_are_get_their_blind_index(recruiter):
    from candidates.services.candidates import phone_index
    from privacy.services.erasure import person_erase

    numbered = make_candidate(recruiter, phone="+86 138 0013 8000")
    without = make_candidate(recruiter, phone="")
    erased = make_candidate(recruiter, phone="+86 138 0013 8001")
    with transaction.atomic():
        person_erase(candidate=erased, actor=recruiter)
    try:
        _migrate(BEFORE_PHONES)
        _migrate(AFTER_PHONES)

        indexes = dict(Candidate.objects.values_list("pk", "phone_index"))
        assert indexes == {numbered.pk: phone_index("8613800138000"), without.pk: "", erased.pk: ""}
        found = candidate_list_for(user=recruiter, filters={"phone": "008613800138000"})
        assert [c.pk for c in found] == [numbered.pk]
    finally:
        _migrate_to_the_end()
