"""HR's name search over encrypted names: whole words (a Chinese name also by its characters),
every word searched, through the blind index of the name's tokens and never the name itself."""

import datetime
import hashlib

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from candidates import names
from candidates.models import Candidate, CandidateNameToken
from candidates.services.candidates import candidate_update
from hrsuite.errors import ValidationFailed
from interviews.services.assignments import assignment_create
from tests.factories import make_application, make_candidate, make_interview

pytestmark = pytest.mark.django_db


def _found(api, user, query) -> set[str]:
    api.force_authenticate(type(user).objects.get(pk=user.pk))
    response = api.get("/api/candidates/", {"q": query, "page_size": 100})
    assert response.status_code == 200, response.content
    return {row["full_name"] for row in response.json()["results"]}


@pytest.fixture
def people(recruiter):
    for name in ("Wang Fang", "Fang Li", "Wang Jun", "李娜", "王小明", "Jean-Luc O'Brien", "Wangari Maathai"):
        make_candidate(recruiter, full_name=name)


def test_one_word_finds_every_name_holding_it_whole(api, recruiter, people):
    assert _found(api, recruiter, "wang") == {"Wang Fang", "Wang Jun"}
    assert _found(api, recruiter, "Fang") == {"Wang Fang", "Fang Li"}
    assert _found(api, recruiter, "O'Brien") == {"Jean-Luc O'Brien"}
    assert _found(api, recruiter, "luc") == {"Jean-Luc O'Brien"}


def test_two_words_find_only_names_holding_both(api, recruiter, people):
    assert _found(api, recruiter, "Wang Fang") == {"Wang Fang"}
    assert _found(api, recruiter, "fang  wang") == {"Wang Fang"}
    assert _found(api, recruiter, "Wang Li") == set()


def test_a_chinese_name_is_found_whole_by_one_character_or_by_neighbouring_characters(api, recruiter, people):
    assert _found(api, recruiter, "李娜") == {"李娜"}
    assert _found(api, recruiter, "娜") == {"李娜"}
    assert _found(api, recruiter, "王小明") == {"王小明"}
    assert _found(api, recruiter, "小明") == {"王小明"}
    assert _found(api, recruiter, "王") == {"王小明"}
    # Characters that are not neighbours in the name are not a part of it.
    assert _found(api, recruiter, "王明") == set()


def test_case_and_full_width_letters_do_not_matter(api, recruiter, people):
    assert _found(api, recruiter, "WANG FANG") == {"Wang Fang"}
    assert _found(api, recruiter, "ｗａｎｇ ｆａｎｇ") == {"Wang Fang"}  # noqa: RUF001 - full-width on purpose
    make_candidate(recruiter, full_name="Jürgen Straße")
    assert _found(api, recruiter, "STRASSE") == {"Jürgen Straße"}


def test_part_of_a_word_finds_nothing(api, recruiter, people):
    # Wangari holds "wang", Fang holds "an": neither is a word of a name.
    assert _found(api, recruiter, "wan") == set()
    assert _found(api, recruiter, "an") == set()
    assert _found(api, recruiter, "Wangari") == {"Wangari Maathai"}
    assert _found(api, recruiter, "-") == set()


def test_the_token_table_holds_keyed_hashes_never_a_name_or_part_of_one(recruiter):
    candidate = make_candidate(recruiter, full_name="Wang Fang")
    stored = set(CandidateNameToken.objects.filter(candidate=candidate).values_list("token", flat=True))
    assert stored == {names.token_index("wang"), names.token_index("fang")}
    for token in stored:
        assert len(token) == 64 and "wang" not in token.lower() and "fang" not in token.lower()
    # Keyed: not the plain SHA-256 of the word, which anyone could look up.
    assert hashlib.sha256(b"wang").hexdigest() not in stored


def test_a_renamed_candidate_is_found_by_the_new_name_not_the_old(api, recruiter):
    candidate = make_candidate(recruiter, full_name="Chen Jing")
    candidate_update(candidate=candidate, full_name="Chen Xiaoyu", actor=recruiter)
    assert _found(api, recruiter, "Xiaoyu") == {"Chen Xiaoyu"}
    assert _found(api, recruiter, "Jing") == set()
    assert _found(api, recruiter, "Chen") == {"Chen Xiaoyu"}
    assert CandidateNameToken.objects.filter(candidate=candidate).count() == 2


def test_an_interviewer_finds_only_the_candidates_assigned_to_them(api, recruiter, interviewer):
    mine = make_candidate(recruiter, full_name="Zhou Min")
    make_candidate(recruiter, full_name="Zhou Lei")
    interview = make_interview(
        recruiter,
        application=make_application(recruiter, candidate=mine),
        starts_in=datetime.timedelta(days=2),
    )
    assignment_create(interview=interview, interviewer=interviewer, actor=recruiter)
    assert _found(api, interviewer, "zhou") == {"Zhou Min"}
    assert _found(api, recruiter, "zhou") == {"Zhou Min", "Zhou Lei"}


def test_the_hr_list_page_filters_by_name_too(client, recruiter, people):
    client.force_login(recruiter)
    page = client.post(reverse("hr-candidates"), {"find": "search", "search": "wang"}, follow=True).text
    assert "Wang Fang" in page and "Wang Jun" in page and "Fang Li" not in page and "李娜" not in page
    refused = client.post(
        reverse("hr-candidates"),
        {"find": "search", "search": " ".join(f"w{n}" for n in range(11))},
        follow=True,
    )
    assert refused.status_code == 400
    assert "Search for at most 10 words or characters." in refused.text


def test_a_search_of_too_many_words_is_a_field_error(api, recruiter):
    api.force_authenticate(recruiter)
    response = api.get("/api/candidates/", {"q": " ".join(f"w{n}" for n in range(11))})
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["q"] == ["Search for at most 10 words or characters."]


def test_a_name_longer_than_200_characters_is_refused_naming_the_field(recruiter):
    with pytest.raises(ValidationFailed) as refused:
        make_candidate(recruiter, full_name="x" * 201)
    assert "full_name" in refused.value.fields
    assert not Candidate.objects.exists() and not CandidateNameToken.objects.exists()
    candidate = make_candidate(recruiter, full_name="x" * 200)
    with pytest.raises(ValidationFailed) as refused:
        candidate_update(candidate=candidate, full_name="y" * 201, actor=recruiter)
    assert "full_name" in refused.value.fields


def test_the_candidate_list_reads_as_many_queries_with_a_name_search_as_without(client, recruiter, people):
    client.force_login(recruiter)
    client.get(reverse("hr-candidates"))
    counts = []
    searched = client.post(reverse("hr-candidates"), {"find": "search", "search": "wang fang"}).url
    for url in (reverse("hr-candidates"), searched):
        with (
            CaptureQueriesContext(connections["default"]) as main,
            CaptureQueriesContext(connections["keys"]) as key_store,
        ):
            response = client.get(url)
        assert response.status_code == 200
        counts.append((len(main), len(key_store)))
    # The search joins the token table in the page's queries, it adds none (the page's count is
    # in tests/backoffice/test_candidate_list.py). The key store is read once, for the persons'
    # keys of the page's names and e-mails.
    assert counts[0] == counts[1]
    assert counts[1][1] == 1


@pytest.mark.parametrize("query", [{}, {"q": "wang"}])
def test_the_candidate_api_list_reads_the_key_store_once_for_its_names(api, recruiter, people, query):
    api.force_authenticate(recruiter)
    api.get("/api/candidates/")
    api.force_authenticate(type(recruiter).objects.get(pk=recruiter.pk))
    with (
        CaptureQueriesContext(connections["default"]) as main,
        CaptureQueriesContext(connections["keys"]) as key_store,
    ):
        response = api.get("/api/candidates/", query)
    assert response.status_code == 200 and response.json()["results"]
    # As tests/test_api_queries.py counts the list's, with or without a search.
    assert len(main) == 6
    assert len(key_store) == 1
