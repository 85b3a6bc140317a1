"""The trail's readers while events wait to be chained: they show them, newest first."""

import re
from datetime import UTC, datetime

import time_machine
from django.urls import reverse

from audit.models import AuditAction, AuditEvent
from audit.selectors import audit_trail_for
from audit.services import audit_record


def _view(target_id: str) -> AuditEvent:
    return audit_record(actor="test", action=AuditAction.VIEW, target_type="tests.thing", target_id=target_id)


def _chained_then_unchained(django_capture_on_commit_callbacks) -> list[str]:
    """Two events chained, then two written in the (never committed) test transaction: the
    target ids newest first."""
    with django_capture_on_commit_callbacks(execute=True):
        _view("chained-1")
        _view("chained-2")
    _view("unchained-1")
    _view("unchained-2")
    assert list(
        AuditEvent.objects.filter(seq__isnull=True).order_by("id").values_list("target_id", flat=True)
    ) == [
        "unchained-1",
        "unchained-2",
    ]
    return ["unchained-2", "unchained-1", "chained-2", "chained-1"]


def test_the_selector_lists_unchained_events_first_then_the_chain(
    hr_admin, django_capture_on_commit_callbacks
):
    newest_first = _chained_then_unchained(django_capture_on_commit_callbacks)

    events = audit_trail_for(user=hr_admin, filters={"target_type": "tests.thing"}).chain

    assert [e.target_id for e in events] == newest_first


def test_the_api_pages_through_unchained_and_chained_events(
    api, hr_admin, django_capture_on_commit_callbacks
):
    newest_first = _chained_then_unchained(django_capture_on_commit_callbacks)
    client = api.as_user(hr_admin)

    seen, url = [], reverse("audit-event-list") + "?target_type=tests.thing&page_size=1"
    while url:
        page = client.get(url).json()
        seen += [(row["target_id"], row["seq"]) for row in page["results"]]
        url = page["next"]

    assert [target_id for target_id, _ in seen] == newest_first
    assert [seq for _, seq in seen] == [None, None, 2, 1]


def test_the_trail_page_shows_unchained_events_on_top(client, hr_admin, django_capture_on_commit_callbacks):
    _chained_then_unchained(django_capture_on_commit_callbacks)
    client.force_login(hr_admin)

    text = client.get(reverse("hr-audit"), {"target_type": "tests.thing"}).text

    assert re.findall(r'<td class="num">([^<]*)</td>', text) == ["\u2013", "\u2013", "2", "1"]


def test_the_api_lists_a_time_range_with_its_late_and_unchained_events(
    api, hr_admin, django_capture_on_commit_callbacks
):
    """The API reads a time range between the seqs its days hold: an event chained after later
    ones and one not chained yet (read apart) are in it, the next day's event is not."""

    def written(target_id: str, when: datetime, *, chained: bool = True) -> None:
        with time_machine.travel(when, tick=False), django_capture_on_commit_callbacks(execute=chained):
            _view(target_id)

    written("evening", datetime(2027, 3, 1, 22, 0, tzinfo=UTC))
    written("next-morning", datetime(2027, 3, 2, 1, 0, tzinfo=UTC))
    written("late", datetime(2027, 3, 1, 23, 0, tzinfo=UTC))
    written("pending", datetime(2027, 3, 1, 23, 30, tzinfo=UTC), chained=False)
    client = api.as_user(hr_admin)

    def listed(query: str) -> list[str]:
        seen, url = [], f"{reverse('audit-event-list')}?target_type=tests.thing&page_size=1&{query}"
        while url:
            page = client.get(url).json()
            seen += [row["target_id"] for row in page["results"]]
            url = page["next"]
        return seen

    assert listed("since=2027-03-01T00:00:00Z&until=2027-03-02T00:00:00Z") == ["pending", "late", "evening"]
    assert listed("since=2027-03-01T22:30:00Z") == ["pending", "late", "next-morning"]
    assert listed("until=2027-03-01T23:00:00Z") == ["evening"]
