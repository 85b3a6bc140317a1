"""The copy of everything held about a candidate that answers their access request: what it holds
(a value from every app of theirs, nothing of another candidate's, who accessed their data),
how it is built (in the background, once, audited as an export), delivered (an expiring signed
link by e-mail) and deleted."""

import html
import json
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from audit.models import AuditEvent
from audit.services import audit_list
from candidates.models import Candidate
from hrsuite.errors import Forbidden, NotFound
from hrsuite.links import LinkExpired
from hrsuite.roles import Role
from interviews.services.scheduling import interview_cancel
from notifications.models import Notification
from notifications.services.outbox import outbox_dispatch
from privacy import copies
from privacy.models import AccessBundle, PrivacyRequest
from privacy.notices import PrivacyMessage
from privacy.services import access
from privacy.services import requests as services
from tests.celery_worker import wait_until
from tests.factories import make_application, make_interview, make_user
from tests.privacy.files import file_of


@pytest.fixture
def viewers(db):
    return make_user(Role.HR_ADMIN, username="auditor-a"), make_user(Role.HR_ADMIN, username="auditor-b")


@pytest.fixture
def files(recruiter, interviewer, candidate_user, viewers):
    mine = file_of(
        "Alpha", recruiter=recruiter, interviewer=interviewer, viewer=viewers[0], user=candidate_user
    )
    theirs = file_of("Bravo", recruiter=recruiter, interviewer=interviewer, viewer=viewers[1])
    return mine, theirs


def _asked(candidate_user, recruiter):
    request = services.privacy_request_submit(actor=candidate_user, kind="access")
    return services.privacy_request_start(request=request, actor=recruiter)


def _built(candidate_user, recruiter) -> AccessBundle:
    request = _asked(candidate_user, recruiter)
    assert access.access_bundles_build() == 1
    return AccessBundle.objects.get(request=request)


def _known(values: dict) -> dict[str, str]:
    return {where: value for where, value in values.items() if "." in where}


def test_the_copy_holds_a_value_from_every_app_and_nothing_of_another_candidate(
    files, candidate_user, recruiter
):
    mine, theirs = files
    bundle = _built(candidate_user, recruiter)
    document, page = bundle.content_json, bundle.content_html

    missing = sorted(where for where, value in _known(mine).items() if value not in document)
    assert missing == []
    assert mine["account"] in document
    leaked = sorted(where for where, value in _known(theirs).items() if value in document or value in page)
    assert leaked == []
    assert str(theirs["candidate"].pk) not in document
    # The readable copy says the same.
    shown = [where for where, value in _known(mine).items() if value in html.unescape(page)]
    assert sorted(shown) == sorted(_known(mine))


def test_the_copy_lists_who_accessed_the_data_and_when_and_no_one_elses_access(
    files, candidate_user, recruiter
):
    mine, theirs = files
    data = json.loads(_built(candidate_user, recruiter).content_json)
    log = data["access_log"]
    viewed = [row for row in log if row["by"] == mine["viewer"] and row["action"] == "view"]
    assert viewed and viewed[0]["record"] == "candidates.candidate" and viewed[0]["at"]
    assert {row["by"] for row in log} >= {recruiter.username, "system:test", mine["account"]}
    assert theirs["viewer"] not in {row["by"] for row in log}
    assert set(log[0]) == {"at", "by", "action", "record"}


def test_every_section_is_in_the_copy(files, candidate_user, recruiter):
    data = json.loads(_built(candidate_user, recruiter).content_json)
    assert set(copies.SECTIONS) <= set(data)
    assert data["format"] == copies.FORMAT
    # The file has records of every kind but HR's follow-up tasks (no check was inconclusive).
    counts = {key: len(data[key]) for key in copies.SECTIONS if key not in ("candidate", "hr_tasks")}
    assert all(counts.values()), counts
    # Every message to them before the copy was made (the one announcing it is queued after).
    sent = Notification.objects.filter(candidate=files[0]["candidate"]).exclude(
        template=PrivacyMessage.ACCESS_COPY_READY
    )
    assert len(data["messages"]) == sent.count()
    (assessed,) = [i for i in data["interviews"] if i["assessment"]]
    scores = assessed["assessment"]["dimensions"]
    assert {"score", "confidence", "evidence", "reviews"} <= set(scores[0])
    assert assessed["assessment"]["model_version"] == "model-Alpha"


def test_building_is_one_export_event_naming_counts_and_no_values(files, candidate_user, recruiter):
    mine, _ = files
    bundle = _built(candidate_user, recruiter)
    (export,) = AuditEvent.objects.filter(action="export", target_id=str(bundle.pk))
    assert (export.candidate_id, export.actor_label) == (mine["candidate"].pk, access.BUILDER)
    assert export.detail["records"]["applications"] == 4
    assert not any(value in json.dumps(export.detail) for value in _known(mine).values())


def test_the_copy_is_sealed_under_the_candidates_own_key(files, candidate_user, recruiter):
    mine, _ = files
    bundle = _built(candidate_user, recruiter)
    stored = AccessBundle.objects.filter(pk=bundle.pk).values_list("content_json", "content_html").get()
    for token in stored:
        assert token.startswith(f"p1:{mine['candidate'].pk.hex}:")
        assert mine["onboarding.offer"] not in token


def test_a_ready_copy_completes_the_request_and_emails_the_candidate_a_link(
    files, candidate_user, recruiter, smtp_server
):
    mine, _ = files
    bundle = _built(candidate_user, recruiter)
    request = PrivacyRequest.objects.get(pk=bundle.request_id)
    assert (request.state, request.handled_by) == ("done", recruiter)
    assert (bundle.status, bundle.expires_at - bundle.built_at) == ("ready", timedelta(days=7))

    outbox_dispatch()
    (message,) = [
        m for m in smtp_server.sink.messages if m["Subject"] == "Your copy of your personal data is ready"
    ]
    text = message.get_body(("plain",)).get_content()
    assert message["To"] == mine["candidate"].email
    link = next(line for line in text.splitlines() if "/portal/access-copy/" in line)
    token = link.rstrip("/").rsplit("/", 1)[-1]
    assert access.copy_link_open(token=token).pk == bundle.pk
    assert mine["onboarding.offer"] not in text  # the link, never the data


def test_the_copy_is_built_once_however_many_runs(files, candidate_user, recruiter):
    bundle = _built(candidate_user, recruiter)
    assert access.access_bundles_build() == 0
    assert AuditEvent.objects.filter(action="export", target_id=str(bundle.pk)).count() == 1
    assert Notification.objects.filter(template="privacy_access_copy_ready").count() == 1


def test_the_candidate_downloads_their_copy_as_each_download_is_recorded(files, candidate_user, recruiter):
    bundle = _built(candidate_user, recruiter)
    download = access.access_copy_download(
        bundle_id=bundle.pk, actor=candidate_user, as_="json", via="portal"
    )
    assert download.content_type.startswith("application/json")
    assert json.loads(download.content)["format"] == copies.FORMAT
    page = access.access_copy_download(bundle_id=bundle.pk, actor=candidate_user, as_="html", via="portal")
    assert page.filename.endswith(".html") and "<h1>" in page.content
    events = AuditEvent.objects.filter(action="export", target_id=str(bundle.pk), actor_label="candidate1")
    assert sorted(e.detail["format"] for e in events) == ["html", "json"]


def test_no_one_else_downloads_a_candidates_copy(files, candidate_user, recruiter, hr_admin):
    _, theirs = files
    bundle = _built(candidate_user, recruiter)
    for staff in (recruiter, hr_admin):
        with pytest.raises(Forbidden):
            access.access_copy_download(bundle_id=bundle.pk, actor=staff, as_="json", via="portal")
    other = User.objects.get(username=theirs["account"])
    with pytest.raises(NotFound):
        access.access_copy_download(bundle_id=bundle.pk, actor=other, as_="json", via="portal")
    stranger = access.copy_link_actor(AccessBundle(candidate=theirs["candidate"]))
    with pytest.raises(NotFound):
        access.access_copy_download(bundle_id=bundle.pk, actor=stranger, as_="json", via="link")


def test_the_link_and_the_copy_expire_after_seven_days_and_the_content_is_deleted(
    files, candidate_user, recruiter
):
    bundle = _built(candidate_user, recruiter)
    token = access.copy_token(bundle=bundle)
    with time_machine.travel(timezone.now() + timedelta(days=6, hours=23)):
        assert access.copy_link_open(token=token).pk == bundle.pk
    with time_machine.travel(timezone.now() + timedelta(days=7, minutes=1)):
        with pytest.raises(LinkExpired):
            access.copy_link_open(token=token)
        with pytest.raises(access.CopyUnavailable):
            access.access_copy_download(bundle_id=bundle.pk, actor=candidate_user, as_="json", via="portal")
        assert access.access_bundles_build() == 0  # the run that empties what expired
    bundle.refresh_from_db()
    assert (bundle.status, bundle.content_json, bundle.content_html) == ("expired", "", "")


def test_a_link_for_one_copy_opens_no_other(files, candidate_user, recruiter):
    bundle = _built(candidate_user, recruiter)
    token = access.copy_token(bundle=bundle)
    with pytest.raises(NotFound):
        access.copy_link_open(token=token[:-2] + ("AA" if not token.endswith("AA") else "BB"))
    from django.core import signing

    forged = signing.dumps(
        {"b": str(bundle.pk), "c": str(bundle.candidate_id)}, salt="hrsuite.onboarding.offer-link"
    )
    with pytest.raises(NotFound):
        access.copy_link_open(token=forged)


def test_a_failed_build_is_retried_then_left_for_hr(files, candidate_user, recruiter, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(copies, "person_copy", broken)
    request = _asked(candidate_user, recruiter)
    bundle = AccessBundle.objects.get(request=request)
    now = timezone.now()
    for attempt in range(1, access.MAX_ATTEMPTS + 1):
        assert access.access_bundles_build(now=now) == 0
        bundle.refresh_from_db()
        assert (bundle.attempts, bundle.last_error) == (attempt, "RuntimeError")
        now = bundle.due_at
    assert bundle.status == "failed"
    assert not AuditEvent.objects.filter(action="export").exists()
    assert PrivacyRequest.objects.get(pk=request.pk).state == "in_progress"

    monkeypatch.undo()
    access.access_bundle_retry(request=request, actor=recruiter)
    assert access.access_bundles_build() == 1
    assert PrivacyRequest.objects.get(pk=request.pk).state == "done"


def test_an_access_request_is_completed_only_by_its_copy(files, candidate_user, recruiter):
    request = _asked(candidate_user, recruiter)
    with pytest.raises(services.Conflict) as refused:
        services.privacy_request_complete(request=request, actor=recruiter)
    assert refused.value.code == "copy_not_ready"


def test_a_refused_access_request_builds_no_copy(files, candidate_user, recruiter):
    request = _asked(candidate_user, recruiter)
    services.privacy_request_refuse(request=request, actor=recruiter, reason="We could not verify you.")
    assert access.access_bundles_build() == 0
    assert not AccessBundle.objects.exists()


def test_the_copy_speaks_the_candidates_language(files, candidate_user, recruiter):
    mine, _ = files
    candidate = mine["candidate"]
    candidate.preferred_language = "zh-hans"
    candidate.save(update_fields=["preferred_language"])
    bundle = _built(candidate_user, recruiter)
    assert f"<h1>我们持有的关于{candidate.full_name}的个人信息</h1>" in bundle.content_html
    assert "Asia/Shanghai 时间" in bundle.content_html and "谁在何时访问了您的个人信息" in bundle.content_html
    assert json.loads(bundle.content_json)["applications"][0]["stage"] in (
        "interviewing",
        "rejected",
        "offer",
    )


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_builds_the_copy(recruiter, interviewer, candidate_user, viewers, celery_worker):
    from privacy.tasks import access_copies_build

    file_of("Alpha", recruiter=recruiter, interviewer=interviewer, viewer=viewers[0], user=candidate_user)
    request = _asked(candidate_user, recruiter)
    celery_worker()
    access_copies_build.delay()
    wait_until(
        lambda: PrivacyRequest.objects.get(pk=request.pk).state == "done", "the worker to build the copy"
    )
    bundle = AccessBundle.objects.get(request=request)
    assert "Alpha" in bundle.content_json


def test_the_access_log_gives_them_what_the_trail_keeps_of_theirs(files, candidate_user, recruiter):
    mine, theirs = files
    for values, tag in ((mine, "Alpha"), (theirs, "Bravo")):
        application = make_application(recruiter, candidate=values["candidate"])
        interview = make_interview(recruiter, application=application)
        interview_cancel(
            interview=interview, reason=f"{tag} asked to move to the Tallow office", actor=recruiter
        )

    data = json.loads(_built(candidate_user, recruiter).content_json)

    kept = [row["personal"] for row in data["access_log"] if "personal" in row]
    assert {"reason": "Alpha asked to move to the Tallow office"} in kept
    assert "Bravo" not in json.dumps(data)


def test_the_access_log_names_the_lists_that_showed_them_and_no_others(
    files, candidate_user, recruiter, client
):
    _mine, theirs = files
    viewer = make_user(Role.RECRUITER, username="list-reader")
    client.force_login(viewer)
    # A list page showing both of them, and a list of someone else's only.
    assert client.get(reverse("hr-candidates")).status_code == 200
    audit_list(actor="system:other-list", model=Candidate, ids=[theirs["candidate"].pk])

    data = json.loads(_built(candidate_user, recruiter).content_json)

    lists = [row for row in data["access_log"] if row["action"] == "list"]
    assert {row["by"] for row in lists} >= {"list-reader"}
    assert "system:other-list" not in {row["by"] for row in lists}
