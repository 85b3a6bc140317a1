"""The outbox sends only the messages the apps registered, each with its e-mail texts."""

from pathlib import Path

import pytest
from django.conf import settings

from notifications.models import Notification
from notifications.registry import template_choices
from notifications.services.outbox import notification_key, notification_queue
from tests.factories import make_candidate

EMAILS = Path(settings.BASE_DIR) / "templates" / "emails"


def test_every_registered_message_has_its_texts_in_both_languages():
    for name, _label in template_choices():
        for language in ("en", "zh-hans"):
            assert (EMAILS / f"{name}.{language}.txt").is_file(), (name, language)


def test_every_message_text_belongs_to_a_registered_message():
    named = {path.name.split(".")[0] for path in EMAILS.glob("*.txt")}
    assert named == {name for name, _label in template_choices()}


@pytest.mark.django_db
def test_a_message_no_app_registered_is_refused_when_queued(recruiter):
    candidate = make_candidate(recruiter)
    with pytest.raises(LookupError):
        notification_queue(
            template="horoscope", key=notification_key("horoscope", candidate.pk), candidate=candidate
        )
    assert not Notification.objects.exists()
