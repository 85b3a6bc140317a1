"""A choice's label is looked up from labels translated once per field and language, yet always shown
in the language of the request showing it."""

from pathlib import Path

from django.utils import translation
from django.utils.autoreload import file_changed

from audit.models import AuditAction, AuditEvent
from hrsuite.models import choice_labels
from interviews.models import Interview


def test_a_label_follows_each_requests_language_though_the_choices_are_made_once():
    interview = Interview(status=Interview.Status.SCHEDULED)
    event = AuditEvent(action=AuditAction.VIEW)
    for language, scheduled, view in [("en", "Scheduled", "View"), ("zh-hans", "已安排", "查看")] * 2:
        with translation.override(language):
            assert interview.get_status_display() == scheduled
            assert event.get_action_display() == view


def test_the_labels_are_made_once_per_field_and_language(settings):
    field = Interview._meta.get_field("status")
    with translation.override("zh-hans"):
        made = choice_labels(field)
        assert [Interview(status=s).get_status_display() for s in Interview.Status][:1] == ["已安排"]
        assert choice_labels(field) is made
        assert made[Interview.Status.SCHEDULED] == "已安排" and type(made[Interview.Status.SCHEDULED]) is str
    with translation.override("en"):
        assert choice_labels(field) is not made
        assert choice_labels(Interview.Status)[Interview.Status.SCHEDULED] == "Scheduled"
    # Catalogues loaded again (a test overriding where they come from, a new .mo) are read again.
    settings.LOCALE_PATHS = [*settings.LOCALE_PATHS]
    with translation.override("zh-hans"):
        assert choice_labels(field) is not made


def test_a_value_that_is_no_choice_shows_as_it_is():
    assert Interview(status="archived").get_status_display() == "archived"
    assert Interview(status="").get_status_display() == ""


def test_a_changed_catalogue_file_makes_them_again():
    field = Interview._meta.get_field("status")
    made = choice_labels(field)
    file_changed.send(sender=None, file_path=Path("locale/zh_Hans/LC_MESSAGES/django.po"))
    assert choice_labels(field) is made  # a source file: nothing loaded again
    file_changed.send(sender=None, file_path=Path("locale/zh_Hans/LC_MESSAGES/django.mo"))
    assert choice_labels(field) is not made
