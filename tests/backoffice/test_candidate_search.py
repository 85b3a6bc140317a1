"""HR's candidate list: the one search box (a name's words, an exact e-mail, an exact phone), kept
out of every URL and audit event; the filters by source and date added; the orders; paging that
keeps all of them; time in stage on the list and the file; the phone's blind index."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from backoffice.views.candidates import search_kind
from candidates.models import Application, Candidate, Stage
from candidates.services.applications import application_move
from candidates.services.candidates import candidate_update, phone_index
from privacy.services.erasure import person_erase
from tests.factories import make_application, make_candidate, make_position

pytestmark = pytest.mark.django_db
LIST = reverse("hr-candidates")


def _search(client, text, **filters):
    """The search box posted; the redirect it answers, and the list it leads to."""
    posted = client.post(LIST, {"find": "search", "search": text, **filters})
    assert posted.status_code == 302
    return posted.url, client.get(posted.url)


def _shown(page: str) -> list[str]:
    return re.findall(r'<td><a href="/hr/candidates/([0-9a-f-]{36})/', page)


def _listed_event():
    return AuditEvent.objects.filter(action="list", target_type="candidates.candidate").latest("id")


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("li.na@example.cn", "email"),
        ("+86 138 0013 8000", "phone"),
        ("(010) 6552-9988", "phone"),
        ("13800138000", "phone"),
        ("Wang", "q"),
        ("王小明", "q"),
        ("Room 101", "q"),
        ("1234", "q"),
    ],
)
def test_what_is_typed_decides_what_it_is_searched_as(text, kind):
    assert search_kind(text) == kind


def test_a_part_of_a_name_finds_the_candidate_and_stays_out_of_urls_and_the_trail(client, recruiter):
    wanted = make_candidate(recruiter, full_name="Chen Jiayi")
    other = make_candidate(recruiter, full_name="Zhao Lei")
    client.force_login(recruiter)

    url, response = _search(client, "jiayi")

    assert response.status_code == 200
    assert _shown(response.text) == [str(wanted.pk)] and str(other.pk) not in response.text
    # The address carries a random key, never the text; the page's links neither.
    assert "jiayi" not in url.lower() and re.fullmatch(r"/hr/candidates/\?s=[\w-]+", url)
    assert not re.search(r'href="[^"]*jiayi', response.text, re.IGNORECASE)
    event = _listed_event()
    assert event.target_ids == [str(wanted.pk)]
    assert event.detail["query"] == {"q": "[name search]"}
    assert "jiayi" not in str(event.detail).lower()
    # The box shows what was searched, and how.
    assert 'value="jiayi"' in response.text and "Searching names for every word given." in response.text


def test_an_exact_email_finds_the_candidate_by_its_blind_index_only(client, recruiter):
    wanted, other = make_candidate(recruiter), make_candidate(recruiter)
    client.force_login(recruiter)

    url, response = _search(client, f"  {wanted.email.upper()} ")

    assert _shown(response.text) == [str(wanted.pk)]
    assert "@" not in url and "%40" not in url
    event = _listed_event()
    assert event.detail["query"] == {"email": f"blind-index:{wanted.email_index}"}
    assert wanted.email.split("@")[0] not in str(event.detail)
    _url, response = _search(client, wanted.email[:-1])
    assert _shown(response.text) == [] and "No candidate matches these filters." in response.text
    assert str(other.pk) not in response.text


def test_an_exact_phone_finds_the_candidate_however_it_is_written(client, recruiter):
    wanted = make_candidate(recruiter, phone="+86 138-0013-8000")
    make_candidate(recruiter, phone="+86 138 0013 8001")
    client.force_login(recruiter)

    for written in ("+86 138 0013 8000", "008613800138000", "(86) 138.0013.8000"):
        url, response = _search(client, written)
        assert _shown(response.text) == [str(wanted.pk)], written
        assert "138" not in url
        event = _listed_event()
        assert event.detail["query"] == {"phone": f"blind-index:{phone_index('+8613800138000')}"}
        assert "138" not in str(event.detail["query"]).replace(phone_index("+8613800138000"), "")


def test_the_search_is_a_key_in_the_session_that_another_browser_cannot_read(client, recruiter):
    make_candidate(recruiter, full_name="Chen Jiayi")
    client.force_login(recruiter)
    url, _response = _search(client, "jiayi")
    client.logout()
    client.force_login(recruiter)
    response = client.get(url)
    assert response.status_code == 400
    assert "This search is no longer kept: search again." in response.text
    assert _shown(response.text) == []


def test_the_page_no_longer_takes_a_search_from_its_address(client, recruiter):
    """A name, e-mail or phone in a query string is ignored: links carry none."""
    first, second = make_candidate(recruiter, full_name="Chen Jiayi"), make_candidate(recruiter)
    client.force_login(recruiter)
    for query in ({"q": "jiayi"}, {"email": first.email}, {"phone": first.phone}):
        assert set(_shown(client.get(LIST, query).text)) == {str(first.pk), str(second.pk)}


def test_the_search_keeps_the_filters_and_the_filters_and_pages_keep_the_search(client, recruiter):
    engineer, analyst = make_position(recruiter), make_position(recruiter)
    wangs = [make_candidate(recruiter, full_name=f"Wang {n}") for n in range(30)]
    for candidate in wangs:
        make_application(recruiter, candidate=candidate, position=engineer)
    make_application(recruiter, candidate=make_candidate(recruiter, full_name="Wang Else"), position=analyst)
    make_application(recruiter, candidate=make_candidate(recruiter, full_name="Li Na"), position=engineer)
    client.force_login(recruiter)

    url, page = _search(client, "wang", position=str(engineer.pk), sort="added")

    assert f"position={engineer.pk}" in url and "sort=added" in url and "wang" not in url.lower()
    assert "Page 1 of 2" in page.text
    key = re.search(r"s=([\w-]+)", url).group(1)
    next_link = re.search(r'href="\?([^"]*page=2)"', page.text).group(1).replace("&amp;", "&")
    assert f"s={key}" in next_link and f"position={engineer.pk}" in next_link and "sort=added" in next_link
    second = client.get(f"{LIST}?{next_link}")
    oldest_first = [str(c.pk) for c in sorted(wangs, key=lambda c: (c.created_at, -c.pk.int))]
    assert _shown(page.text) + _shown(second.text) == oldest_first
    # A sort link keeps the search and the filters, and starts again from the first page.
    sort_link = re.search(r'href="\?([^"]*sort=-added)"', second.text).group(1).replace("&amp;", "&")
    assert f"s={key}" in sort_link and "page=" not in sort_link


def test_filters_by_source_and_by_the_dates_added(client, recruiter, time_machine):
    time_machine.move_to(datetime.datetime(2027, 1, 10, 12, tzinfo=datetime.UTC))
    early = make_candidate(recruiter, source="referral")
    time_machine.move_to(datetime.datetime(2027, 2, 10, 12, tzinfo=datetime.UTC))
    late_referral = make_candidate(recruiter, source="referral")
    late_board = make_candidate(recruiter, source="job board")
    client.force_login(recruiter)

    assert set(_shown(client.get(LIST, {"source": "referral"}).text)) == {
        str(early.pk),
        str(late_referral.pk),
    }
    between = client.get(LIST, {"added_from": "2027-02-01", "added_to": "2027-02-10"}).text
    assert set(_shown(between)) == {str(late_referral.pk), str(late_board.pk)}
    assert _shown(client.get(LIST, {"added_to": "2027-01-31"}).text) == [str(early.pk)]
    refused = client.get(LIST, {"added_from": "February"})
    assert (
        refused.status_code == 400
        and 'id="f-added-from" name="added_from" value="February" aria-invalid' in (refused.text)
    )


def test_sorted_by_time_in_stage_and_by_position(client, recruiter, time_machine):
    time_machine.move_to(datetime.datetime(2027, 1, 1, 9, tzinfo=datetime.UTC))
    zeta, alpha = make_position(recruiter, title_en="Zeta"), make_position(recruiter, title_en="Alpha")
    waiting_long = make_application(recruiter, position=zeta)
    time_machine.move_to(datetime.datetime(2027, 1, 5, 9, tzinfo=datetime.UTC))
    moved_lately = make_application(recruiter, position=alpha)
    time_machine.move_to(datetime.datetime(2027, 1, 8, 9, tzinfo=datetime.UTC))
    application_move(application=moved_lately, event="screen", actor=recruiter)
    fresh = make_application(recruiter, position=zeta)
    time_machine.move_to(datetime.datetime(2027, 1, 11, 9, tzinfo=datetime.UTC))
    client.force_login(recruiter)

    def order(sort):
        return _shown(client.get(LIST, {"sort": sort}).text)

    ids = {
        name: str(a.candidate_id)
        for name, a in (("long", waiting_long), ("moved", moved_lately), ("fresh", fresh))
    }
    assert order("in_stage") == [ids["long"], ids["moved"], ids["fresh"]]
    assert order("-in_stage") == [ids["fresh"], ids["moved"], ids["long"]]
    assert order("position") == [ids["moved"], ids["fresh"], ids["long"]]
    assert order("-added") == [ids["fresh"], ids["moved"], ids["long"]]
    assert client.get(LIST, {"sort": "name"}).status_code == 400
    page = client.get(LIST).text
    assert "Names are encrypted, so the list cannot be sorted by name." in page
    # Time in stage on each application line: ten days applied, three days screening.
    assert "10 days in stage" in page and "3 days in stage" in page and "0 days in stage" in page


def test_the_file_shows_how_long_each_open_application_has_been_in_its_stage(client, recruiter, time_machine):
    time_machine.move_to(datetime.datetime(2027, 1, 1, 9, tzinfo=datetime.UTC))
    application = make_application(recruiter)
    time_machine.move_to(datetime.datetime(2027, 1, 2, 10, tzinfo=datetime.UTC))
    client.force_login(recruiter)
    page = client.get(reverse("hr-candidate", args=[application.candidate_id])).text
    assert "1 day in this stage" in page
    time_machine.move_to(datetime.datetime(2027, 1, 9, 10, tzinfo=datetime.UTC))
    client.force_login(recruiter)  # the session of a week ago is over
    assert "8 days in this stage" in client.get(reverse("hr-candidate", args=[application.candidate_id])).text


def test_the_phone_index_follows_every_change_of_the_number_and_goes_on_erasure(recruiter):
    candidate = make_candidate(recruiter, phone="+86 138 0013 8000")
    assert Candidate.objects.get(pk=candidate.pk).phone_index == phone_index("8613800138000")
    candidate_update(candidate=candidate, phone="+44 20 7946 0018", actor=recruiter)
    assert Candidate.objects.get(pk=candidate.pk).phone_index == phone_index("442079460018")
    candidate_update(candidate=candidate, phone="", actor=recruiter)
    assert Candidate.objects.get(pk=candidate.pk).phone_index == ""
    candidate_update(candidate=candidate, phone="+44 20 7946 0018", actor=recruiter)

    person_erase(candidate=candidate, actor=recruiter)

    assert Candidate.objects.get(pk=candidate.pk).phone_index == ""
    assert not Candidate.objects.filter(phone_index=phone_index("442079460018")).exists()


def test_an_hr_admin_searches_too(client, hr_admin, recruiter):
    wanted = make_candidate(recruiter, full_name="Chen Jiayi")
    make_candidate(recruiter)
    client.force_login(hr_admin)
    _url, response = _search(client, "Chen")
    assert _shown(response.text) == [str(wanted.pk)]
    assert 'name="application"' not in response.text  # no bulk selection


def test_days_in_stage_are_not_shown_for_a_closed_application(client, recruiter):
    application = make_application(recruiter)
    Application.objects.filter(pk=application.pk).update(
        stage=Stage.WITHDRAWN, stage_changed_at=timezone.now() - datetime.timedelta(days=4)
    )
    client.force_login(recruiter)
    assert "days in stage" not in client.get(LIST).text
