"""Test data. Objects are made through the services, so they carry their audit events and grants."""

import datetime
import itertools

import factory
from django.conf import settings
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from candidates.services.applications import application_create, application_move
from candidates.services.candidates import candidate_create
from candidates.services.positions import position_create
from hrsuite.roles import Role

_seq = itertools.count(1)


def built_once(django_db_blocker, build):
    """For a module-scoped fixture (`yield from built_once(django_db_blocker, build)`): what
    `build()` makes is made once, in a transaction rolled back when the fixture ends. Each test
    asking for the `db` fixture runs in a savepoint of its own inside it, so whatever a test
    writes is gone before the next one starts."""
    # Every database: what `build()` seals makes person keys in the key store (hrsuite.persons).
    aliases = list(settings.DATABASES)
    with django_db_blocker.unblock():
        outer = [transaction.atomic(using=alias) for alias in aliases]
        for block in outer:
            block.__enter__()
        try:
            built = build()
        except BaseException:
            _roll_back(aliases, outer)
            raise
    yield built
    with django_db_blocker.unblock():
        _roll_back(aliases, outer)


def _roll_back(aliases: list[str], blocks: list) -> None:
    for alias, block in zip(reversed(aliases), reversed(blocks), strict=True):
        transaction.set_rollback(True, using=alias)
        block.__exit__(None, None, None)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.test")
    password = factory.PostGenerationMethodCall("set_password", "pw-for-tests-1")

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if extracted:
            self.groups.add(Group.objects.get(name=Role(extracted).value))
        self.save()


def make_user(role: Role, **kwargs) -> User:
    return UserFactory(role=role, **kwargs)


def make_api_token(user: User, **kwargs) -> str:
    """A new API token of `user` (as `POST /api/auth/token/` issues one): its secret, for
    `Authorization: Token <secret>`. Keyword arguments go to `api_token_issue` (name, days)."""
    from accounts.services import api_token_issue

    _token, secret = api_token_issue(user=user, actor="system:test", **kwargs)
    return secret


def make_position(actor, **overrides):
    data = {
        "title_en": f"Engineer {next(_seq)}",
        "department": "Engineering",
        "region": "CN",
        "time_zone": "Asia/Shanghai",
        "dimension_weights": {"communication": 0.4, "problem_solving": 0.6},
    }
    data.update(overrides)
    return position_create(actor=actor, **data)


def make_candidate(actor, **overrides):
    n = next(_seq)
    data = {
        "full_name": f"Candidate {n}",
        "email": f"candidate{n}@example.test",
        "phone": f"+86 138 0000 {n:04d}",
        "region": "CN",
        "time_zone": "Asia/Shanghai",
        "resume_text": f"Résumé of candidate {n}: Python, Django.",
    }
    data.update(overrides)
    return candidate_create(actor=actor, **data)


def make_application(actor, *, candidate=None, position=None):
    return application_create(
        candidate=candidate or make_candidate(actor), position=position or make_position(actor), actor=actor
    )


def make_interview(actor, *, application=None, starts_in=datetime.timedelta(days=2), **kwargs):
    from interviews.services.interviews import interview_create

    return interview_create(
        application=application or make_application(actor),
        kind=kwargs.pop("kind", "ai_video"),
        starts_at=timezone.now() + starts_in,
        actor=actor,
        **kwargs,
    )


def assessment_payload(**overrides):
    payload = {
        "overall_score": 78,
        "confidence": 0.82,
        "transcript_quality": 0.91,
        "model_version": "sim-assess-2026.1",
        "transcript": "I led the migration of our billing service to Django.",
        "dimensions": [
            {
                "dimension": "communication",
                "score": 80,
                "confidence": 0.85,
                "evidence": [{"quote": "I explained the plan to finance", "start_s": 12.0, "end_s": 15.5}],
            },
            {
                "dimension": "problem_solving",
                "score": 76,
                "confidence": 0.8,
                "evidence": [
                    {"quote": "we split the migration in three steps", "start_s": 40.0, "end_s": 44.0}
                ],
            },
        ],
    }
    payload.update(overrides)
    return payload


def give_consent(interview, scopes=("general", "biometric")):
    """The candidate gives consent on the current notice, through their signed consent link."""
    from interviews.services import candidate_links
    from interviews.services import consent as consent_services

    consent_services.default_notices_publish()
    language = interview.application.candidate.preferred_language
    return candidate_links.consent_decide_by_link(
        token=candidate_links.consent_token(interview=interview),
        decisions=dict.fromkeys(scopes, "given"),
        notice_version=consent_services.notice_current(language=language).version,
    )


def hold_interview(interview, *, actor="provider:test"):
    """The provider reports the interview started, then completed."""
    from interviews.services.scheduling import interview_transition

    interview.refresh_from_db()
    if interview.status == "scheduled":
        interview_transition(interview=interview, event="started", actor=actor)
    if interview.status == "in_progress":
        interview_transition(
            interview=interview, event="completed", actor=actor, changes={"ended_at": timezone.now()}
        )
    return interview


def receive_assessment(interview, payload=None, *, actor="provider:test", consent=True):
    """The AI interview held, with both consents given (unless told not to), and its assessment
    received through the one way in that the webhook and the API take."""
    from interviews.services.assessments import assessment_ingest

    if consent:
        give_consent(interview)
    hold_interview(interview)
    receipt = assessment_ingest(interview=interview, payload=payload or assessment_payload(), actor=actor)
    return receipt.assessment


def offer_terms(**overrides):
    terms = {
        "salary": "420000.00",
        "currency": "CNY",
        "start_date": (timezone.now() + datetime.timedelta(days=30)).date().isoformat(),
        "location": "Shanghai office",
        "expires_at": (timezone.now() + datetime.timedelta(days=7)).isoformat(),
    }
    terms.update(overrides)
    return terms


def application_awaiting_decision(actor, **kwargs):
    """An application moved through interviewing to the decision stage."""
    application = make_application(actor, **kwargs)
    for event in ("interview", "await_decision"):
        application_move(application=application, event=event, actor=actor)
    return application


def make_hire(actor, *, application=None, send: bool = True, **terms):
    """A hire decision with its offer (approved without a chain, and sent unless told not to)."""
    from onboarding.services import decisions, offers

    application = application or application_awaiting_decision(actor)
    decision = decisions.decision_record(
        application=application,
        outcome="hire",
        reason="Strong interviews.",
        offer_terms=offer_terms(**terms),
        actor=actor,
    )
    offer = decision.offer
    if send:
        offers.offer_submit(offer=offer, approvers=[], actor=actor)
        offers.offer_send(offer=offer, actor=actor)
        offer.refresh_from_db()
    return offer
