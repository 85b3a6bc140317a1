"""Kept row counts (hrsuite.tallies): PostgreSQL keeps the large tables' counts exact through
every way rows come and go, writers never wait for one another on them, and HR's whole lists are
paged from them without a COUNT over the table."""

import threading

import pytest
from django.db import connection, transaction
from django.db.migrations.loader import MigrationLoader
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from candidates.models import Application, Candidate
from candidates.services.candidates import email_index
from config.celery import app
from hrsuite.migration_operations import TallyRows
from hrsuite.models import RowTally
from hrsuite.tallies import tallied_count, tallies_compact
from hrsuite.tasks import row_tallies_compact
from interviews.models import Interview
from tests.conftest import ON_POSTGRES
from tests.factories import make_application, make_candidate, make_interview

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not ON_POSTGRES, reason="the tallies are kept by PostgreSQL's triggers"),
]


def _kept(model) -> int | None:
    return tallied_count(model.objects.all())


def _counted_rows(model) -> int:
    return model.objects.count()


def test_the_kept_counts_follow_every_insert_and_delete(recruiter):
    applications = [make_application(recruiter) for _ in range(3)]
    make_interview(recruiter, application=applications[0])
    Candidate.objects.bulk_create(
        [
            Candidate(
                full_name=f"Bulk {n}",
                email=f"bulk{n}@example.test",
                source="bulk",
                email_index=email_index(f"bulk{n}@example.test"),
            )
            for n in range(4)
        ]
    )
    assert _kept(Candidate) == _counted_rows(Candidate) == 7
    assert _kept(Application) == _counted_rows(Application) == 3
    assert _kept(Interview) == _counted_rows(Interview) == 1

    Interview.objects.all().delete()
    applications[0].delete()
    applications[0].candidate.delete()
    Candidate.objects.filter(source="bulk").delete()
    assert _kept(Candidate) == _counted_rows(Candidate) == 2
    assert _kept(Application) == _counted_rows(Application) == 2
    assert _kept(Interview) == _counted_rows(Interview) == 0


def test_a_statement_that_changes_no_row_leaves_no_tally_row(recruiter):
    make_candidate(recruiter)
    before = RowTally.objects.count()
    Candidate.objects.filter(source="nobody").delete()
    Candidate.objects.bulk_create([], ignore_conflicts=True)
    assert RowTally.objects.count() == before


def test_compacting_folds_each_table_into_one_row_and_keeps_the_counts(recruiter):
    for _ in range(3):
        make_application(recruiter)
    make_candidate(recruiter).delete()
    assert RowTally.objects.filter(table=Candidate._meta.db_table).count() > 1

    tallies_compact()

    for model in (Candidate, Application, Interview):
        assert RowTally.objects.filter(table=model._meta.db_table).count() == 1
        assert _kept(model) == _counted_rows(model)


@pytest.mark.django_db(transaction=True)
def test_truncating_a_table_starts_its_count_again(recruiter):
    make_candidate(recruiter)
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {Candidate._meta.db_table} CASCADE")
    assert _kept(Candidate) == 0
    make_candidate(recruiter)
    assert _kept(Candidate) == 1


def test_only_a_whole_table_is_read_from_its_tally(recruiter):
    candidate = make_candidate(recruiter)
    assert tallied_count(Candidate.objects.defer("resume_text").order_by("-created_at")) == 1
    for narrowed in (
        Candidate.objects.filter(pk=candidate.pk),
        Candidate.objects.filter(applications__stage="applied").distinct(),
        Candidate.objects.all()[:1],
        Candidate.objects.values("region").annotate(n=Count("id")),
    ):
        assert tallied_count(narrowed) is None
    # A table without a tally is counted, without a query to find that out.
    with CaptureQueriesContext(connection) as queries:
        assert tallied_count(RowTally.objects.all()) is None
    assert not queries


def test_the_migration_counts_the_rows_already_there(recruiter):
    for _ in range(3):
        make_candidate(recruiter)
    state = MigrationLoader(connection).project_state(("candidates", "0007_tally_rows"))
    operation = TallyRows("Candidate")
    with connection.schema_editor() as editor:
        operation.database_backwards("candidates", editor, state, state)
    assert _kept(Candidate) is None
    make_candidate(recruiter)  # while no trigger keeps the count

    with connection.schema_editor() as editor:
        operation.database_forwards("candidates", editor, state, state)

    assert _kept(Candidate) == _counted_rows(Candidate) == 4
    make_candidate(recruiter)
    assert _kept(Candidate) == 5


@pytest.mark.django_db(transaction=True)
def test_writers_never_wait_for_each_other_on_a_count(recruiter):
    """One transaction adds a candidate and stays open; another adds one and commits meanwhile,
    under a lock timeout that fails it if it waited."""
    inserted, release = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def long_transaction():
        try:
            with transaction.atomic():
                make_candidate(recruiter)
                inserted.set()
                release.wait(timeout=30)
        except BaseException as exc:  # the test reports it: a thread cannot fail the test itself
            errors.append(exc)
        finally:
            connection.close()

    first = threading.Thread(target=long_transaction)
    first.start()
    assert inserted.wait(timeout=30)
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '2s'")
            make_candidate(recruiter)
        assert _kept(Candidate) == 1  # the open transaction's candidate is not counted yet
    finally:
        release.set()
        first.join(timeout=30)
    assert not errors
    assert _kept(Candidate) == _counted_rows(Candidate) == 2


def test_hrs_whole_candidate_list_is_paged_without_counting_the_table(recruiter, api, client):
    for _ in range(3):
        make_candidate(recruiter)
    table = Candidate._meta.db_table

    with CaptureQueriesContext(connection) as queries:
        answer = api.as_user(recruiter).get("/api/candidates/")
    assert answer.status_code == 200
    assert answer.json()["count"] == 3
    assert isinstance(answer.json()["count"], int)
    assert not [q for q in queries if "COUNT(" in q["sql"] and f'FROM "{table}"' in q["sql"]]

    client.force_login(recruiter)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("hr-candidates"))
    assert page.status_code == 200
    assert not [q for q in queries if "COUNT(" in q["sql"] and f'FROM "{table}"' in q["sql"]]
    # A filtered list is counted as before.
    answer = api.as_user(recruiter).get("/api/candidates/", {"region": "nowhere"})
    assert answer.json()["count"] == 0


def test_beat_compacts_the_tallies_every_minute(recruiter):
    (entry,) = [
        e for e in app.conf.beat_schedule.values() if e["task"] == "hrsuite.tasks.row_tallies_compact"
    ]
    assert entry["schedule"] <= 60.0
    make_candidate(recruiter)
    make_candidate(recruiter)

    row_tallies_compact.apply()

    assert RowTally.objects.filter(table=Candidate._meta.db_table).count() == 1
    assert _kept(Candidate) == 2
