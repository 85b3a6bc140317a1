"""Accepting an offer: the hire, the onboarding plan with its tasks and reminders, the new hire's
encrypted uploads, HR's tasks, and provisioning started by setting."""

import base64
import datetime

import pytest
import time_machine
from django.db import connection
from django.urls import reverse

from audit.models import AuditEvent
from candidates.models import StageChange
from candidates.services.candidates import candidate_portal_link
from hrsuite.roles import Role
from notifications.models import Notification
from notifications.services.outbox import outbox_dispatch
from onboarding.models import OnboardingDocument, OnboardingPlan, OnboardingTask, ProvisioningDelivery
from onboarding.services import offers, plans
from tests.factories import make_hire, make_user

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"SECRET-ID-SCAN-BYTES" * 10
PDF = b"%PDF-1.7\n" + b"bank form" * 10


@pytest.fixture
def accepted(recruiter, candidate_user):
    offer = make_hire(recruiter, start_date=(datetime.date.today() + datetime.timedelta(days=30)).isoformat())
    candidate_portal_link(candidate=offer.application.candidate, user=candidate_user, actor=recruiter)
    offers.offer_answer(offer=offer, accept=True, actor=candidate_user)
    return OnboardingPlan.objects.get(offer=offer)


def _task(plan, **filters):
    return plan.tasks.filter(**filters).order_by("title").first()


def test_acceptance_hires_and_creates_the_plan_with_default_tasks_due_before_the_start(accepted):
    plan = accepted
    plan.application.refresh_from_db()
    assert plan.application.stage == "hired"
    change = StageChange.objects.filter(application=plan.application, to_stage="hired").get()
    assert change.actor is None  # the system's move, named in the audit trail
    assert AuditEvent.objects.filter(
        actor_label="system:offer-acceptance", target_id=plan.application.pk
    ).exists()
    kinds = sorted((t.assignee, t.kind) for t in plan.tasks.all())
    assert kinds == [
        ("hr", "hr_action"),
        ("hr", "hr_action"),
        ("new_hire", "confirm"),
        ("new_hire", "document"),
        ("new_hire", "document"),
    ]
    start = datetime.datetime.combine(plan.start_date, datetime.time(), tzinfo=datetime.UTC)
    assert all(t.due_at < start for t in plan.tasks.all())
    # The new hire's titles are in their language (the factory's candidates read Chinese or English).
    assert plans.plan_create_for(offer=plan.offer, actor="system:test").pk == plan.pk


def test_each_task_has_one_reminder_two_days_before_it_is_due(accepted, recruiter):
    for task in accepted.tasks.all():
        reminders = Notification.objects.filter(
            template="onboarding_task_reminder", payload__task=str(task.pk)
        )
        assert reminders.count() == 1
        reminder = reminders.get()
        assert reminder.due_at == task.due_at - datetime.timedelta(days=2)
        if task.assignee == "new_hire":
            assert reminder.candidate_id == accepted.application.candidate_id
        else:
            assert reminder.recipient_user == recruiter


def test_a_reminder_for_a_task_done_meanwhile_is_dropped_and_an_open_one_sent(
    accepted, candidate_user, smtp_server
):
    form = _task(accepted, kind="confirm")
    document = _task(accepted, kind="document")
    plans.task_confirm(task=form, actor=candidate_user)
    with time_machine.travel(document.due_at, tick=False):
        outbox_dispatch()
    sent = Notification.objects.get(template="onboarding_task_reminder", payload__task=str(document.pk))
    dropped = Notification.objects.get(template="onboarding_task_reminder", payload__task=str(form.pk))
    assert sent.status == "sent"
    assert dropped.status == "cancelled" and dropped.last_error == "The onboarding task is done."


def test_upload_is_stored_encrypted_and_completes_the_task(api, accepted, candidate_user):
    task = _task(accepted, kind="document")
    response = api.as_user(candidate_user).post(
        reverse("onboarding-task-upload", args=[task.pk]),
        {"filename": "id.png", "content_type": "image/png", "content_base64": base64.b64encode(PNG).decode()},
        format="json",
    )
    assert response.status_code == 201, response.content
    document = OnboardingDocument.objects.get(task=task)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT content_base64 FROM onboarding_onboardingdocument WHERE id = %s", [document.pk.hex]
        )
        (raw,) = cursor.fetchone()
    assert b"SECRET-ID-SCAN" not in raw.encode() and base64.b64encode(PNG).decode()[:40] not in raw
    assert base64.b64decode(document.content_base64) == PNG
    task.refresh_from_db()
    assert task.status == "done" and task.completed_at is not None


def test_multipart_upload_of_a_pdf(api, accepted, candidate_user):
    from django.core.files.uploadedfile import SimpleUploadedFile

    task = _task(accepted, kind="document")
    upload = SimpleUploadedFile("bank.pdf", PDF, content_type="application/pdf")
    response = api.as_user(candidate_user).post(
        reverse("onboarding-task-upload", args=[task.pk]), {"file": upload}, format="multipart"
    )
    assert response.status_code == 201, response.content
    assert response.json()["size"] == len(PDF) and response.json()["content_type"] == "application/pdf"


@pytest.mark.parametrize(
    ("content", "content_type", "message"),
    [
        (b"%PDF-" + b"x" * (5 * 1024 * 1024), "application/pdf", "At most 5 MB."),
        (b"MZ\x90\x00 not a document", "application/x-msdownload", "A PDF, PNG or JPEG"),
        (b"MZ\x90\x00 renamed", "application/pdf", "not a application/pdf file"),
    ],
)
def test_oversize_or_wrong_type_is_400_naming_the_field_and_stores_nothing(
    api, accepted, candidate_user, content, content_type, message
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    task = _task(accepted, kind="document")
    url = reverse("onboarding-task-upload", args=[task.pk])
    client = api.as_user(candidate_user)
    multipart = client.post(url, {"file": SimpleUploadedFile("f", content, content_type=content_type)})
    as_json = client.post(
        url,
        {"filename": "f", "content_type": content_type, "content_base64": base64.b64encode(content).decode()},
        format="json",
    )
    for response, field in ((multipart, "file"), (as_json, "content_base64")):
        assert response.status_code == 400, response.content
        assert message in response.json()["error"]["fields"][field][0]
    assert not OnboardingDocument.objects.exists()
    task.refresh_from_db()
    assert task.status == "open"


def test_another_candidate_cannot_upload_to_or_see_a_plan_404(api, accepted):
    other = make_user(Role.CANDIDATE, username="candidate-other")
    task = _task(accepted, kind="document")
    client = api.as_user(other)
    body = {"content_type": "image/png", "content_base64": base64.b64encode(PNG).decode()}
    assert (
        client.post(reverse("onboarding-task-upload", args=[task.pk]), body, format="json").status_code == 404
    )
    assert client.get(reverse("onboarding-plan-detail", args=[accepted.pk])).status_code == 404
    assert not OnboardingDocument.objects.exists()


def test_candidate_sees_own_plan_with_new_hire_tasks_only(api, accepted, candidate_user):
    seen = api.as_user(candidate_user).get(reverse("onboarding-plan-detail", args=[accepted.pk])).json()
    assert {t["assignee"] for t in seen["tasks"]} == {"new_hire"} and len(seen["tasks"]) == 3


def test_hr_downloads_a_document_audited_as_export_interviewers_and_candidates_cannot(
    api, accepted, candidate_user, recruiter, hr_admin, interviewer
):
    document = plans.task_document_upload(
        task=_task(accepted, kind="document"),
        filename="id.png",
        content_type="image/png",
        content=PNG,
        actor=candidate_user,
    )
    url = reverse("onboarding-document-download", args=[document.pk])
    for user in (recruiter, hr_admin):
        response = api.as_user(user).get(url)
        assert response.status_code == 200 and response.content == PNG
        assert response["Content-Type"] == "image/png"
        assert AuditEvent.objects.filter(
            action="export", target_id=document.pk, actor_label=user.username
        ).exists()
    for user in (interviewer, candidate_user):
        assert api.as_user(user).get(url).status_code == 404
    from rest_framework.test import APIClient

    assert APIClient().get(url).status_code == 401


def test_the_plan_completes_when_the_last_task_is_done(api, accepted, candidate_user, recruiter, hr_admin):
    for task in accepted.tasks.filter(kind="document"):
        plans.task_document_upload(
            task=task, filename="d.pdf", content_type="application/pdf", content=PDF, actor=candidate_user
        )
    confirm = _task(accepted, kind="confirm")
    assert (
        api.as_user(candidate_user).post(reverse("onboarding-task-confirm", args=[confirm.pk])).status_code
        == 200
    )
    hr_tasks = list(accepted.tasks.filter(assignee="hr"))
    # HR admin reads, never changes; the candidate cannot mark HR's tasks.
    assert (
        api.as_user(hr_admin).post(reverse("onboarding-task-complete", args=[hr_tasks[0].pk])).status_code
        == 403
    )
    for task in hr_tasks:
        response = api.as_user(recruiter).post(reverse("onboarding-task-complete", args=[task.pk]))
        assert response.status_code == 200, response.content
    accepted.refresh_from_db()
    assert accepted.status == "complete"
    again = api.as_user(recruiter).post(reverse("onboarding-task-complete", args=[hr_tasks[0].pk]))
    assert again.status_code == 409
    assert again.json()["error"]["message"] == "Onboarding task in state 'done' does not accept 'complete'."


def test_wrong_kind_is_a_field_error(api, accepted, candidate_user):
    confirm = _task(accepted, kind="confirm")
    body = {"content_type": "image/png", "content_base64": base64.b64encode(PNG).decode()}
    response = api.as_user(candidate_user).post(
        reverse("onboarding-task-upload", args=[confirm.pk]), body, format="json"
    )
    assert response.status_code == 400 and "task" in response.json()["error"]["fields"]


def test_provisioning_starts_on_acceptance_by_default(recruiter, candidate_user, settings):
    from onboarding.models import ProvisioningTarget

    ProvisioningTarget.objects.create(system="oa", url="http://127.0.0.1:9/hook", secret="s" * 32)
    offer = make_hire(recruiter)
    candidate_portal_link(candidate=offer.application.candidate, user=candidate_user, actor=recruiter)
    offers.offer_answer(offer=offer, accept=True, actor=candidate_user)
    assert ProvisioningDelivery.objects.filter(plan__offer=offer, target__system="oa").count() == 1


def test_provisioning_waits_for_the_start_date_when_set_so(recruiter, candidate_user, settings):
    from onboarding.models import ProvisioningTarget

    settings.HRSUITE_PROVISION_ON = "start_date"
    ProvisioningTarget.objects.create(system="oa", url="http://127.0.0.1:9/hook", secret="s" * 32)
    offer = make_hire(recruiter)
    candidate_portal_link(candidate=offer.application.candidate, user=candidate_user, actor=recruiter)
    offers.offer_answer(offer=offer, accept=True, actor=candidate_user)
    assert not ProvisioningDelivery.objects.exists()
    assert plans.plans_provision_due(today=offer.start_date - datetime.timedelta(days=1)) == 0
    assert plans.plans_provision_due(today=offer.start_date) == 1
    assert plans.plans_provision_due(today=offer.start_date) == 0
    assert ProvisioningDelivery.objects.count() == 1


def test_recruiters_close_hr_tasks_hr_admin_reads_only(api, recruiter, hr_admin):
    from onboarding.models import HRTask
    from tests.factories import make_hire as hire

    offer = hire(recruiter)
    task = HRTask.objects.create(kind="check_inconclusive", application=offer.application)
    url = reverse("hr-task-close", args=[task.pk])
    assert api.as_user(hr_admin).post(url).status_code == 403
    assert api.as_user(recruiter).post(url).json()["status"] == "done"
    assert api.as_user(recruiter).post(url).status_code == 409
    assert OnboardingTask.objects.count() == 0
