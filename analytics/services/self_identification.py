"""Candidates' voluntary self-identification (docs/architecture.md, "Fairness").

Asked on the careers page right after an application is stored, and in the portal, in the
categories of the position's region (`analytics.fairness.categories`), always with "prefer not to
say". Kept apart from the candidate file (`SelfIdentification`, its own table), each answer
sealed under the candidate's person key. Only compliance reads an answer; the candidate changes
theirs in the portal; no page of HR's or the interviewers' shows one.
"""

from django.db import transaction
from django.utils.translation import gettext

from analytics.fairness import categories
from analytics.models import SelfIdentification
from audit.models import AuditAction
from audit.services import audit_record
from candidates.models import Application, Candidate
from hrsuite.errors import Forbidden, NotFound, ValidationFailed
from hrsuite.permissions import has_role
from hrsuite.roles import Role

# The careers page acts as this label: it has no signed-in user (candidates.services.intake).
CAREERS = "system:careers"


def answers_checked(region: str, given: dict) -> dict[str, str]:
    """{field: value} of the questions asked for `region`, "" for a question left blank;
    ValidationFailed naming each field whose value is not one of its choices."""
    values, errors = {}, {}
    for name, choices in categories.questions(region):
        value = str(given.get(name) or "").strip()
        if value and value not in choices:
            errors[name] = [gettext("Choose one of the answers offered.")]
        values[name] = value
    if errors:
        raise ValidationFailed.naming(gettext("Invalid self-identification: %(fields)s."), errors)
    return values


@transaction.atomic
def self_identification_record(
    *, application: Application, given: dict, channel: str, actor
) -> SelfIdentification | None:
    """The candidate's answers for the scheme of `application`'s position region.

    From the portal (`actor` the candidate's own account) the answers replace any given before.
    From the careers page (`actor` CAREERS, nobody signed in) they are kept only where the
    candidate has none for that scheme yet: whoever types an address may not be its owner, so
    the page adds an answer and never changes one (returns None then). Answers all left blank
    store nothing."""
    # Read afresh: whose portal account owns the candidate is what authorises the answers.
    candidate = Candidate.objects.get(pk=application.candidate_id)
    if channel == SelfIdentification.Channel.PORTAL:
        if not (has_role(actor, Role.CANDIDATE) and candidate.user_id == getattr(actor, "pk", None)):
            raise NotFound(gettext("Application not found."))
    elif channel != SelfIdentification.Channel.CAREERS or actor != CAREERS:
        raise Forbidden(gettext("Only the candidate answers these questions."))
    if candidate.erased_at is not None:
        raise NotFound(gettext("Application not found."))
    region = application.position.region
    values = answers_checked(region, given)
    if not any(values.values()):
        return None
    scheme = categories.scheme_for(region)
    existing = (
        SelfIdentification.objects.select_for_update().filter(candidate=candidate, scheme=scheme).first()
    )
    if existing is not None and channel == SelfIdentification.Channel.CAREERS:
        return None
    row = existing or SelfIdentification(candidate=candidate, scheme=scheme)
    row.region, row.application, row.channel = region, application, channel
    row.sex = values.get("sex", "")
    row.race_ethnicity = values.get("race_ethnicity", "")
    row.save()
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE if existing else AuditAction.CREATE,
        target=row,
        candidate_id=candidate.pk,
        changed_fields=sorted(values),
        # Which questions were answered, never the answers.
        detail={"event": "self_identification_recorded", "scheme": scheme, "channel": channel},
    )
    return row


def own_applications(*, user) -> list[Application]:
    """The signed-in candidate's applications, for the portal's form (one per scheme they
    applied under), newest first."""
    candidate = Candidate.objects.filter(user=user, erased_at__isnull=True).first()
    if candidate is None:
        return []
    return list(
        Application.objects.filter(candidate=candidate).select_related("position").order_by("-created_at")
    )


def own_answered_schemes(*, user) -> set[str]:
    """The schemes the candidate has answered (not the answers: the portal offers the form again,
    blank, and says it was answered)."""
    return set(SelfIdentification.objects.filter(candidate__user=user).values_list("scheme", flat=True))
