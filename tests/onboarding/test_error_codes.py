"""Service errors carry stable codes: the API answers them as `error.code`, and the candidate's
pages choose their translated message by them, never by the English text of the message."""

import datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from candidates.services.candidates import candidate_portal_link
from hrsuite.errors import ApplicationError, InvalidTransition, ValidationFailed
from hrsuite.links import LinkExpired
from onboarding.models import OnboardingDocument, OnboardingPlan
from onboarding.services import candidate_links, offers, plans
from onboarding.tasks import offers_expire
from tests.factories import application_awaiting_decision, make_candidate, make_hire

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"scan" * 10


def test_a_class_has_its_general_code_and_a_raise_may_name_a_specific_one():
    assert ValidationFailed("Bad.").code == "invalid"
    assert ValidationFailed("Too big.", code="upload_too_large").code == "upload_too_large"
    assert InvalidTransition(entity="Offer", state="sent", event="send").code == "invalid_transition"
    error = InvalidTransition(entity="Offer", state="expired", event="accept", code="offer_expired")
    assert (error.code, error.message) == (
        "offer_expired",
        "Offer in state 'expired' does not accept 'accept'.",
    )
    assert ApplicationError.code == "invalid"  # the class is not changed by an instance's code


# --- The candidate's answer over the API ---------------------------------------------------------


@pytest.fixture
def sent_offer(recruiter, candidate_user):
    offer = make_hire(recruiter)
    candidate_portal_link(candidate=offer.application.candidate, user=candidate_user, actor=recruiter)
    return offer


def _accept(api, user, offer):
    return api.as_user(user).post(reverse("offer-accept", args=[offer.pk]))


def test_an_answer_after_the_answer_by_time_is_offer_expired_before_and_after_the_periodic_task(
    api, candidate_user, sent_offer
):
    later = sent_offer.expires_at + datetime.timedelta(minutes=1)
    with time_machine.travel(later, tick=False):
        before_task = _accept(api, candidate_user, sent_offer)
        offers_expire()
        after_task = _accept(api, candidate_user, sent_offer)
    for response in (before_task, after_task):
        assert response.status_code == 409
        assert response.json()["error"]["code"] == "offer_expired"
        assert response.json()["error"]["message"] == "Offer in state 'expired' does not accept 'accept'."


def test_an_offer_answered_already_is_offer_answered(api, candidate_user, sent_offer):
    assert _accept(api, candidate_user, sent_offer).status_code == 200
    again = api.as_user(candidate_user).post(reverse("offer-decline", args=[sent_offer.pk]))
    assert again.status_code == 409 and again.json()["error"]["code"] == "offer_answered"


def test_an_offer_withdrawn_by_hr_is_offer_withdrawn(api, recruiter, candidate_user, sent_offer):
    offers.offer_cancel(offer=sent_offer, actor=recruiter)
    response = _accept(api, candidate_user, sent_offer)
    assert response.status_code == 409 and response.json()["error"]["code"] == "offer_withdrawn"


def test_the_offer_link_closes_with_the_same_codes(recruiter, sent_offer):
    token = candidate_links.offer_token(offer=sent_offer)
    offers.offer_cancel(offer=sent_offer, actor=recruiter)
    with pytest.raises(candidate_links.OfferClosed) as caught:
        candidate_links.offer_page_read(token=token)
    assert (caught.value.code, caught.value.status_code) == ("offer_withdrawn", 410)


# --- Uploads over the API and on the onboarding page -----------------------------------------------


@pytest.fixture
def plan(recruiter, candidate_user):
    candidate = make_candidate(recruiter, preferred_language="en")
    offer = make_hire(recruiter, application=application_awaiting_decision(recruiter, candidate=candidate))
    candidate_portal_link(candidate=candidate, user=candidate_user, actor=recruiter)
    offers.offer_answer(offer=offer, accept=True, actor=candidate_user)
    return OnboardingPlan.objects.get(offer=offer)


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"filename": "id.png", "content_type": "image/png", "content_base64": ""}, "invalid"),
        (
            {"filename": "id.png", "content_type": "image/png", "content_base64": "bm90IGEgcG5n"},
            "upload_content_mismatch",
        ),
        (
            {"filename": "id.gif", "content_type": "image/gif", "content_base64": "R0lGODlh"},
            "upload_type_not_allowed",
        ),
        ({"filename": "id.png", "content_type": "image/png", "content_base64": "%%%"}, "upload_not_base64"),
    ],
)
def test_upload_refusals_over_the_api_carry_their_code(api, plan, candidate_user, body, code):
    task = plan.tasks.filter(kind="document").first()
    response = api.as_user(candidate_user).post(
        reverse("onboarding-task-upload", args=[task.pk]), body, format="json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == code
    assert not OnboardingDocument.objects.exists()


def test_an_upload_too_large_or_empty_carries_its_code(api, plan, candidate_user, settings):
    settings.HRSUITE_ONBOARDING_UPLOAD_MAX_BYTES = 1024 * 1024
    task = plan.tasks.filter(kind="document").first()
    client = api.as_user(candidate_user)
    url = reverse("onboarding-task-upload", args=[task.pk])
    big = SimpleUploadedFile("id.png", PNG + b"0" * (1024 * 1024), content_type="image/png")
    empty = SimpleUploadedFile("id.png", b"", content_type="image/png")
    assert client.post(url, {"file": big}, format="multipart").json()["error"]["code"] == "upload_too_large"
    # An empty file is refused by the API's parser before the service sees it.
    assert client.post(url, {"file": empty}, format="multipart").status_code == 400
    with pytest.raises(ValidationFailed) as caught:
        plans.task_document_upload(
            task=task, filename="x.png", content_type="image/png", content=b"", actor=candidate_user
        )
    assert caught.value.code == "upload_empty"


def test_a_task_of_the_wrong_kind_is_wrong_task_kind(api, plan, candidate_user):
    document = plan.tasks.filter(kind="document").first()
    response = api.as_user(candidate_user).post(reverse("onboarding-task-confirm", args=[document.pk]))
    assert response.status_code == 400 and response.json()["error"]["code"] == "wrong_task_kind"


def _plan_path(plan):
    return f"/portal/onboarding/{candidate_links.onboarding_token(plan=plan)}/"


def _upload(client, plan, task, content, *, name="id.png", content_type="image/png"):
    upload = SimpleUploadedFile(name, content, content_type=content_type)
    return client.post(_plan_path(plan), {"task": str(task.pk), "action": "upload", "file": upload})


def test_the_onboarding_page_says_each_refusal_by_its_code(client, plan, settings):
    settings.HRSUITE_ONBOARDING_UPLOAD_MAX_BYTES = 1024 * 1024
    document = plan.tasks.filter(kind="document").first()
    form = plan.tasks.get(kind="confirm")
    cases = [
        (_upload(client, plan, document, PNG + b"0" * (1024 * 1024)), "The file is too large: at most 1 MB."),
        (
            _upload(client, plan, document, b"GIF89a", content_type="image/gif"),
            "Please upload a PDF, PNG or JPEG",
        ),
        (_upload(client, plan, document, b"not a png"), "Please upload a PDF, PNG or JPEG file."),
        (_upload(client, plan, form, PNG), "This task cannot be completed that way."),
        (client.post(_plan_path(plan), {"task": str(document.pk), "action": "upload"}), "The file is empty."),
    ]
    for response, words in cases:
        assert response.status_code == 400, words
        assert words in response.content.decode(), words
    assert not OnboardingDocument.objects.exists()


def test_the_onboarding_page_says_it_in_chinese_too(client, recruiter, settings):
    settings.HRSUITE_ONBOARDING_UPLOAD_MAX_BYTES = 1024 * 1024
    candidate = make_candidate(recruiter, preferred_language="zh-hans")
    offer = make_hire(recruiter, application=application_awaiting_decision(recruiter, candidate=candidate))
    candidate_links.offer_answer_by_link(token=candidate_links.offer_token(offer=offer), accept=True)
    plan = OnboardingPlan.objects.get(offer=offer)
    document = plan.tasks.filter(kind="document").first()

    response = _upload(client, plan, document, PNG + b"0" * (1024 * 1024))

    assert response.status_code == 400 and "文件过大" in response.content.decode()


def test_a_cancelled_plans_link_says_the_onboarding_is_cancelled_in_the_candidates_language(
    client, api, recruiter, plan
):
    path = _plan_path(plan)
    plans.plan_cancel(plan=plan, reason="hire_withdrew", actor=recruiter)

    response = client.get(path)

    assert response.status_code == 410
    page = response.content.decode()
    assert "Your onboarding has been cancelled" in page and "This link has expired" not in page
    with pytest.raises(candidate_links.PlanClosed) as caught:
        candidate_links.onboarding_page_read(token=path.split("/")[3])
    assert caught.value.code == "plan_cancelled"


def test_a_cancelled_plans_link_in_chinese(client, recruiter):
    candidate = make_candidate(recruiter, preferred_language="zh-hans")
    offer = make_hire(recruiter, application=application_awaiting_decision(recruiter, candidate=candidate))
    candidate_links.offer_answer_by_link(token=candidate_links.offer_token(offer=offer), accept=True)
    plan = OnboardingPlan.objects.get(offer=offer)
    plans.plan_cancel(plan=plan, reason="offer_withdrawn", actor=recruiter)

    response = client.get(_plan_path(plan))

    assert response.status_code == 410 and "您的入职安排已取消" in response.content.decode()


# --- The interview links ----------------------------------------------------------------------------


def test_an_expired_signed_link_is_link_expired():
    assert LinkExpired("This link has expired.").code == "link_expired"
