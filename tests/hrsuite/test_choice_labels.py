"""A choice's label is looked up from choices made once per field, yet always shown in the language
of the request showing it."""

from django.utils import translation

from audit.models import AuditAction, AuditEvent
from hrsuite.models import _choices_by_value
from interviews.models import Interview


def test_a_label_follows_each_requests_language_though_the_choices_are_made_once():
    interview = Interview(status=Interview.Status.SCHEDULED)
    event = AuditEvent(action=AuditAction.VIEW)
    for language, scheduled, view in [("en", "Scheduled", "View"), ("zh-hans", "已安排", "查看")] * 2:
        with translation.override(language):
            assert interview.get_status_display() == scheduled
            assert event.get_action_display() == view


def test_the_choices_are_made_once_per_field():
    field = Interview._meta.get_field("status")
    _choices_by_value.cache_clear()
    for status in Interview.Status:
        Interview(status=status).get_status_display()
    assert _choices_by_value.cache_info().misses == 1
    assert _choices_by_value.cache_info().hits == len(Interview.Status) - 1
    assert _choices_by_value(field)[Interview.Status.COMPLETED] is Interview.Status.COMPLETED.label


def test_a_value_that_is_no_choice_shows_as_it_is():
    assert Interview(status="archived").get_status_display() == "archived"
    assert Interview(status="").get_status_display() == ""
