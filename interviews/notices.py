"""The interviews' messages in the notification outbox. What each one says and what the outbox
re-checks before sending it are in `interviews.emails`.

Each message's `payload` says what it announces:

- invitation, reminder: {"starts_at": ISO UTC, "sequence": calendar_sequence}; sent only while
  the interview is still scheduled at that time and sequence;
- cancellation: {"sequence": n}; sent only if the interview is cancelled; to an interviewer
  taken off it, {"sequence": n, "unassigned": true}, sent only while they are not assigned again;
- scorecard_request, scorecard_reminder: {"round": n}; sent only while the recipient's
  scorecard for the interview is not submitted;
- application_rejected: {"application": id}; sent only while the application is rejected;
- accommodation_requested (to the recruiters), accommodation_answered (to the candidate):
  {"accommodation": id}; the request and HR's answer are read from it at send time;
- anything else: {} or ids; sent as queued (while its interview exists).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class InterviewMessage(models.TextChoices):
    INVITATION = "invitation", _("Interview invitation")
    REMINDER = "reminder", _("Interview reminder")
    CANCELLATION = "cancellation", _("Interview cancelled")
    RESCHEDULE_OFFER = "reschedule_offer", _("Choose a new time")
    PHONE_FALLBACK_OFFER = "phone_fallback_offer", _("Phone interview offered")
    SCORECARD_REQUEST = "scorecard_request", _("Scorecard request")
    SCORECARD_REMINDER = "scorecard_reminder", _("Scorecard reminder")
    FEEDBACK_COMPLETE = "feedback_complete", _("Feedback complete")
    REVIEW_NEEDED = "review_needed", _("Assessment needs human review")
    HUMAN_INTERVIEW_NEEDED = "human_interview_needed", _("Human-reviewed interview needed")
    # The candidate's answer after a rejection, HRSUITE_REJECTION_NOTICE_HOURS after it.
    APPLICATION_REJECTED = "application_rejected", _("Your application")
    # docs/architecture.md, "Accommodations".
    ACCOMMODATION_REQUESTED = "accommodation_requested", _("Accommodation requested")
    ACCOMMODATION_ANSWERED = "accommodation_answered", _("Your accommodation request")
