"""After the interview: scorecard requests and reminders, and the summary once feedback is in."""

from datetime import datetime

from django.db import transaction

from interviews.models import Interview


@transaction.atomic
def interview_ended(*, interview: Interview, ended_at: datetime, actor) -> Interview:
    """The provider reports the interview over: ask each interviewer for a scorecard (filled in next)."""
    return interview
