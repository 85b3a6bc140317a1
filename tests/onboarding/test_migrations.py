"""Data migrations of the onboarding app, run on rows written before them."""

import base64
import io
import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from hrsuite import crypto, persons
from onboarding.models import Offer, OnboardingDocument, OnboardingPlan
from tests.factories import make_hire

BEFORE = ("onboarding", "0003_plan_cancellation")
AFTER = ("onboarding", "0004_document_name_of_our_own")


@pytest.mark.django_db(transaction=True)
def test_documents_stored_under_the_senders_name_get_one_of_our_own(recruiter):
    from onboarding.services import offers

    offer = make_hire(recruiter)
    offers.offer_answer(offer=offer, accept=True, actor="system:test")
    task = OnboardingPlan.objects.get(offer=offer).tasks.filter(kind="document").first()
    executor = MigrationExecutor(connection)
    executor.migrate([BEFORE])
    try:
        old = executor.loader.project_state([BEFORE]).apps.get_model("onboarding", "OnboardingDocument")
        pdf = b"%PDF-1.7 bank form"
        sent = old.objects.create(
            task_id=task.pk,
            filename="invoice.html",
            content_type="application/pdf",
            size=len(pdf),
            content_base64=base64.b64encode(pdf).decode(),
        )

        executor = MigrationExecutor(connection)
        executor.migrate([AFTER])
        new = executor.loader.project_state([AFTER]).apps.get_model("onboarding", "OnboardingDocument")
        document = new.objects.get(pk=sent.pk)
        assert document.original_filename == "invoice.html"
        assert re.fullmatch(r"document-[0-9a-f]{12}\.pdf", document.filename)
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())


def _stored(model, pk, field) -> str:
    return str(model.objects.filter(pk=pk).values_list(field, flat=True).get())


@pytest.mark.django_db(transaction=True)
def test_places_of_work_and_the_senders_file_names_are_encrypted_in_place(recruiter):
    from onboarding.services import offers

    before, after = (
        ("onboarding", "0005_verbose_names"),
        ("onboarding", "0006_encrypt_offer_location_and_document_name"),
    )
    # Written before: sealed under the person's key, opened again by the way back.
    offer = make_hire(recruiter, location="Shanghai, Jing'an office")
    offers.offer_answer(offer=offer, accept=True, actor="system:test")
    task = OnboardingPlan.objects.get(offer=offer).tasks.filter(kind="document").first()
    other = make_hire(recruiter, location="Berlin")
    executor = MigrationExecutor(connection)
    executor.migrate([before])
    try:
        old = executor.loader.project_state([before]).apps
        old_offer, old_document = (
            old.get_model("onboarding", name) for name in ("Offer", "OnboardingDocument")
        )
        assert old_offer.objects.get(pk=offer.pk).location == "Shanghai, Jing'an office"
        old_offer.objects.filter(pk=other.pk).update(location="深圳南山科技园")
        pdf = b"%PDF-1.7 bank form"
        sent = old_document.objects.create(
            task_id=task.pk,
            filename="document-0123456789ab.pdf",
            original_filename="Li Na bank form 2027.pdf",
            content_type="application/pdf",
            size=len(pdf),
            content_base64=base64.b64encode(pdf).decode(),
        )

        MigrationExecutor(connection).migrate([after])

        persons.forget()
        for pk, place in ((other.pk, "深圳南山科技园"), (offer.pk, "Shanghai, Jing'an office")):
            # Under the keyring: a migration's models name no person.
            assert _stored(Offer, pk, "location").startswith("v1:")
            assert Offer.objects.get(pk=pk).location == place
        assert _stored(OnboardingDocument, sent.pk, "original_filename").startswith("v1:")
        document = OnboardingDocument.objects.get(pk=sent.pk)
        assert (document.original_filename, document.filename) == ("Li Na bank form 2027.pdf", sent.filename)
        assert _stored(OnboardingDocument, sent.pk, "filename") == "document-0123456789ab.pdf"

        # Then moved under the person's key.
        call_command("adopt_person_keys", stdout=io.StringIO())
        persons.forget()
        candidate = offer.application.candidate_id
        assert crypto.person_of(_stored(Offer, offer.pk, "location")) == candidate.hex
        assert crypto.person_of(_stored(OnboardingDocument, sent.pk, "original_filename")) == candidate.hex
        assert OnboardingDocument.objects.get(pk=sent.pk).original_filename == "Li Na bank form 2027.pdf"
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
