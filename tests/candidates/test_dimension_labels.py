"""A dimension is shown by its label, in the reader's language, wherever it is shown: HR's
candidate file and interview page, the interviewer's workspace and scorecard, the candidate's
result, and the positions API; never as its key (`problem_solving`) where a label exists."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import translation

from candidates.dimensions import dimension_label
from hrsuite.roles import Role
from interviews.services.assignments import assignment_create
from interviews.services.interviews import interview_results_release
from interviews.services.scorecards import scorecard_save, scorecard_submit
from tests.factories import (
    assessment_payload,
    make_api_token,
    make_application,
    make_candidate,
    make_interview,
    make_position,
    make_user,
    receive_assessment,
)

pytestmark = pytest.mark.django_db

LABELS = {"problem_solving": {"en": "Solving open problems", "zh-hans": "开放问题求解"}}


def test_the_label_is_the_positions_then_the_suites_then_the_others_then_the_key():
    labels = {"problem_solving": {"en": "Solving open problems"}, "grit": {"zh-hans": "毅力"}}
    with translation.override("zh-hans"):
        # No Chinese label of its own: the suite's Chinese name of a common dimension.
        assert dimension_label("problem_solving", labels) == "解决问题能力"
        assert dimension_label("grit", labels) == "毅力"
        assert dimension_label("team_spirit", labels) == "Team spirit"
    with translation.override("en"):
        assert dimension_label("problem_solving", labels) == "Solving open problems"
        assert dimension_label("communication") == "Communication"
        # Nothing in English: the Chinese label rather than the bare key.
        assert dimension_label("grit", labels) == "毅力"
    assert dimension_label("problem_solving", labels, "zh-hans") == "解决问题能力"


@pytest.fixture
def assessed(recruiter, interviewer):
    """An AI interview of a position with its own labels, assessed and scored, assigned to the
    interviewer, its results released to the candidate (who reads Chinese)."""
    position = make_position(recruiter, dimension_labels=LABELS)
    candidate_user = make_user(Role.CANDIDATE, preferred_language="zh-hans")
    candidate = make_candidate(recruiter, preferred_language="zh-hans")
    from candidates.services.candidates import candidate_portal_link

    candidate = candidate_portal_link(candidate=candidate, user=candidate_user, actor=recruiter)
    application = make_application(recruiter, candidate=candidate, position=position)
    interview = make_interview(recruiter, application=application, starts_in=timedelta(hours=-2))
    assignment_create(interview=interview, interviewer=interviewer, actor=recruiter)
    assessment = receive_assessment(interview, assessment_payload())
    card = scorecard_save(
        interview=interview,
        ratings={"communication": 4, "problem_solving": 5},
        recommendation="yes",
        actor=interviewer,
    )
    scorecard_submit(scorecard=card, actor=interviewer)
    interview_results_release(interview=interview, actor=recruiter)
    return {"interview": interview, "assessment": assessment, "candidate_user": candidate_user}


def _speaking(user, language):
    user.preferred_language = language
    user.save(update_fields=["preferred_language"])
    return user


@pytest.mark.parametrize(
    ("language", "label"), [("en", "Solving open problems"), ("zh-hans", "开放问题求解")]
)
def test_hr_pages_show_the_labels_in_the_readers_language(client, recruiter, assessed, language, label):
    client.force_login(_speaking(recruiter, language))
    interview = assessed["interview"]
    for url in (
        reverse("hr-candidate", args=[interview.application.candidate_id]),
        reverse("hr-interview", args=[interview.pk]),
    ):
        page = client.get(url).text
        # The assessment's row and the scorecard's rating both.
        assert page.count(label) >= 2, url
        assert ">problem_solving<" not in page and "problem_solving:" not in page


def test_the_workspace_shows_the_labels_on_the_interview_and_the_scorecard(client, interviewer, assessed):
    client.force_login(_speaking(interviewer, "zh-hans"))
    interview = assessed["interview"]
    page = client.get(reverse("workspace-interview", args=[interview.pk])).text
    assert "开放问题求解" in page and "沟通能力" in page
    scorecard = client.get(reverse("workspace-scorecard", args=[interview.pk])).text
    assert "开放问题求解" in scorecard


def test_the_candidate_reads_their_result_by_the_labels(client, assessed):
    client.force_login(assessed["candidate_user"])
    page = client.get(reverse("portal-result", args=[assessed["assessment"].pk])).text
    assert "开放问题求解" in page and "沟通能力" in page and "problem_solving" not in page


def test_the_positions_api_presents_each_dimension_with_its_label(api, recruiter):
    position = make_position(recruiter, dimension_labels=LABELS)
    # Signed in with a token, the API speaks its user's language.
    api.credentials(HTTP_AUTHORIZATION=f"Token {make_api_token(_speaking(recruiter, 'zh-hans'))}")
    answer = api.get(reverse("position-detail", args=[position.pk])).json()
    assert answer["dimensions"] == [
        {"key": "problem_solving", "weight": 0.6, "label": "开放问题求解"},
        {"key": "communication", "weight": 0.4, "label": "沟通能力"},
    ]
    assert answer["dimension_labels"] == LABELS
