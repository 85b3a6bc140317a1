"""Data migrations of the onboarding app, run on rows written before them."""

import base64
import re

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from onboarding.models import OnboardingPlan
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
