"""Service refusals reach people in their own language: the HR page shows a zh-hans recruiter the
scheduling rule in Chinese next to its field, and the API answers the same refusal in each user's
language (signed in by session or by token) with the same code."""

import pytest
from django.apps import apps
from django.utils import translation

from hrsuite.roles import Role
from interviews.models import Interview
from tests.backoffice.hr_helpers import file_url
from tests.factories import make_api_token, make_application, make_user
from tests.interviews.scheduling_helpers import frozen_clock, schedule

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]

# The clock stands at Monday 1 March 2027, 00:00 UTC; Friday 26 February, 10:00 in Shanghai, is a
# working hour that has passed.
PAST_FRIDAY_10_SHANGHAI = "2027-02-26T10:00"
PAST_FRIDAY_10_SHANGHAI_UTC = "2027-02-26T02:00:00Z"
PAST = {
    "en": "The start time must be in the future.",
    "zh-hans": "开始时间必须晚于当前时间。",
}


@pytest.fixture
def clock():
    yield from frozen_clock()


@pytest.fixture
def chinese_recruiter(db):
    return make_user(Role.RECRUITER, username="zh_recruiter", preferred_language="zh-hans")


def _api_post(client, api, user, how: str, path: str, body: dict):
    """POST JSON to the API as `user`, signed in by session (the pages' sign-in) or by token."""
    if how == "session":
        client.force_login(user)
        return client.post(path, body, content_type="application/json")
    api.credentials(HTTP_AUTHORIZATION=f"Token {make_api_token(user)}")
    return api.post(path, body, format="json")


# --- The HR page -----------------------------------------------------------------------------------


def _schedule_on_the_page(client, user, application, *, starts_at: str):
    """The candidate file's schedule form, posted as `user` for an AI interview in the candidate's zone."""
    client.force_login(user)
    form = {"action": "schedule", "application": application.pk, "kind": "ai_video"}
    form |= {"starts_at": starts_at, "zone": "candidate", "duration_minutes": "45"}
    return client.post(file_url(application.candidate), form)


def test_a_chinese_recruiter_sees_the_past_start_refused_in_chinese_next_to_the_field(
    client, chinese_recruiter
):
    application = make_application(chinese_recruiter)
    response = _schedule_on_the_page(
        client, chinese_recruiter, application, starts_at=PAST_FRIDAY_10_SHANGHAI
    )
    assert response.status_code == 400
    page = response.text
    errors = f'<ul class="errorlist" id="sc-{application.pk}-starts_at-errors">'
    assert f"{errors}<li>{PAST['zh-hans']}</li></ul>" in page
    assert PAST["en"] not in page
    assert not Interview.objects.exists()


def test_a_chinese_recruiter_is_told_the_weekday_in_chinese(client, chinese_recruiter):
    application = make_application(chinese_recruiter)
    response = _schedule_on_the_page(client, chinese_recruiter, application, starts_at="2027-03-06T10:00")
    assert response.status_code == 400
    assert "按候选人所在时区，2027-03-06 是星期六。" in response.text  # noqa: RUF001
    assert "Saturday" not in response.text


# --- The API ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("how", ["session", "token"])
def test_the_api_refuses_a_past_start_in_each_users_language_with_the_same_code(
    client, api, recruiter, chinese_recruiter, how
):
    answers = {}
    for user in (recruiter, chinese_recruiter):
        application = make_application(user)
        body = {
            "application": str(application.pk),
            "kind": "ai_video",
            "starts_at": PAST_FRIDAY_10_SHANGHAI_UTC,
        }
        response = _api_post(client, api, user, how, "/api/scheduling/", body)
        assert response.status_code == 400, response.content
        answers[user.preferred_language] = response.json()["error"]
    english, chinese = answers["en"], answers["zh-hans"]
    assert english["code"] == chinese["code"] == "invalid"
    assert english["fields"] == {"starts_at": [PAST["en"]]}
    assert chinese["fields"] == {"starts_at": [PAST["zh-hans"]]}
    assert english["message"] == "Cannot schedule: starts_at."
    assert chinese["message"] == "无法安排面试：starts_at。"  # noqa: RUF001
    assert not Interview.objects.exists()


def test_a_refused_transition_names_the_interview_in_the_users_language(api, recruiter, chinese_recruiter):
    interview = schedule(recruiter, application=make_application(recruiter))
    api.force_authenticate(recruiter)
    assert api.post(f"/api/scheduling/{interview.pk}/cancel/", {"reason": "Filled"}).status_code == 200
    answers = {}
    for user in (recruiter, chinese_recruiter):
        api.force_authenticate(None)
        api.credentials(HTTP_AUTHORIZATION=f"Token {make_api_token(user)}")
        response = api.post(f"/api/scheduling/{interview.pk}/cancel/", {"reason": "Twice"}, format="json")
        assert response.status_code == 409
        answers[user.preferred_language] = response.json()["error"]
    assert answers["en"]["code"] == answers["zh-hans"]["code"] == "invalid_transition"
    assert answers["en"]["message"] == "Interview in state 'cancelled' does not accept 'cancel'."
    assert answers["zh-hans"]["message"] == "面试当前状态为“cancelled”，不能执行“cancel”。"  # noqa: RUF001


# --- Model names ------------------------------------------------------------------------------------


def test_every_model_has_a_chinese_name_for_messages():
    """A refusal names its model (not found, may not change, does not accept) by its verbose name:
    each model the apps define has its Chinese name, singular and plural, so no English word is
    left in a Chinese sentence."""
    models = [
        model
        for app in ("candidates", "interviews", "onboarding", "analytics", "privacy", "audit", "accounts")
        for model in apps.get_app_config(app).get_models()
    ]

    def names():
        return {m._meta.label: (str(m._meta.verbose_name), str(m._meta.verbose_name_plural)) for m in models}

    with translation.override("en"):
        english = names()
    with translation.override("zh-hans"):
        chinese = names()
    untranslated = [label for label in english if set(english[label]) & set(chinese[label])]
    assert not untranslated
