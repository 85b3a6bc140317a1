"""A full database dump (what a stolen backup holds) shows no personal data in the clear."""

import datetime
import json
import re

import pytest
from django.utils import timezone

from audit import context
from candidates.models import Candidate
from candidates.services.applications import application_move
from candidates.services.candidates import candidate_portal_link
from candidates.services.prior_records import prior_record_create
from hrsuite import crypto, persons
from hrsuite.roles import Role
from interviews.services.assignments import assignment_create
from interviews.services.incidents import incident_open
from interviews.services.scorecards import scorecard_save
from onboarding.models import OnboardingPlan
from onboarding.services import offers, plans
from tests.dump import database_dump
from tests.factories import (
    application_awaiting_decision,
    assessment_payload,
    give_consent,
    make_application,
    make_candidate,
    make_hire,
    make_interview,
    make_user,
    receive_assessment,
)

# Once in the clear, the proof that the dump was real; encrypted now like the rest.
CANDIDATE_NAME = "Dumpcheck Visiblename"
SECRETS = {
    "email": "dump.leak.check@example.test",
    "phone": "+86 139 7777 2468",
    "national_id": "11010119900307427X",
    "resume": "Led the Foxglove ledger migration",
    "transcript": "我在 Quillmoor 主导了账本迁移 and the Quillmoor cut-over",
    "quote_1": "I walked Brackenfield finance through the plan",
    "quote_2": "we split the Tamsworth migration in three",
    "notes": "Private: Wrenhaven reference sounded lukewarm",
    "reason": "Moved on after the Larkspur reference call",
    "full_name": CANDIDATE_NAME,
    "prior_title": "Quarterly Zephyrine platform review",
    "prior_rating": "Outstanding Marblewood",
    "location": "Harrowgate Pier office",
    "incident_network": "Thistlecomb Broadband",
    "incident_ip": "192.0.2.199",
    "original_filename": "Ottoline passport scan.png",
    "consent_ip": "198.51.100.77",
    "consent_user_agent": "Mozilla/5.0 (Fernbrook Browser 9.1)",
}
# A plain column, to show the dump reads in the clear where nothing is encrypted.
VISIBLE_SOURCE = "Plainview careers fair"
PNG = b"\x89PNG\r\n\x1a\n" + b"scan" * 10


def _seed():
    recruiter = make_user(Role.RECRUITER)
    interviewer = make_user(Role.INTERVIEWER)
    candidate = make_candidate(
        recruiter,
        full_name=CANDIDATE_NAME,
        email=SECRETS["email"],
        phone=SECRETS["phone"],
        national_id=SECRETS["national_id"],
        resume_text=SECRETS["resume"],
        source=VISIBLE_SOURCE,
    )
    prior_record_create(
        candidate=candidate,
        actor=recruiter,
        kind="performance_review",
        title=SECRETS["prior_title"],
        period_start=datetime.date(2025, 1, 1),
        rating=SECRETS["prior_rating"],
    )
    application = make_application(recruiter, candidate=candidate)
    application_move(application=application, event="interview", reason=SECRETS["reason"], actor=recruiter)
    interview = make_interview(recruiter, application=application)
    payload = assessment_payload(transcript=SECRETS["transcript"])
    payload["dimensions"][0]["evidence"][0]["quote"] = SECRETS["quote_1"]
    payload["dimensions"][1]["evidence"][0]["quote"] = SECRETS["quote_2"]
    receive_assessment(interview, payload, actor="provider:test")
    assignment_create(interview=interview, interviewer=interviewer, actor=recruiter)
    scorecard_save(
        interview=interview, ratings={"communication": 4}, notes=SECRETS["notes"], actor=interviewer
    )
    # The candidate's consent to another interview, given from their own address and browser
    # (which the audit trail keeps sealed under their key too).
    second = make_interview(recruiter, application=application)
    bound = context.bind(
        context.RequestContext(
            request_id="dump-check", ip=SECRETS["consent_ip"], user_agent=SECRETS["consent_user_agent"]
        )
    )
    try:
        give_consent(second)
    finally:
        context.unbind(bound)
    incident_open(
        interview=make_interview(recruiter, application=application, starts_in=datetime.timedelta(days=3)),
        kind="technical_issue",
        occurred_at=timezone.now(),
        details={"client_ip": SECRETS["incident_ip"], "network": SECRETS["incident_network"]},
        actor="provider:simulated",
    )
    # The hire: an offer with its place of work, and a document the new hire uploaded.
    candidate_user = make_user(Role.CANDIDATE)
    candidate_portal_link(candidate=candidate, user=candidate_user, actor=recruiter)
    offer = make_hire(
        recruiter,
        application=application_awaiting_decision(recruiter, candidate=candidate),
        location=SECRETS["location"],
    )
    offers.offer_answer(offer=offer, accept=True, actor=candidate_user)
    plans.task_document_upload(
        task=OnboardingPlan.objects.get(offer=offer).tasks.filter(kind="document").first(),
        filename=SECRETS["original_filename"],
        content_type="image/png",
        content=PNG,
        actor=candidate_user,
    )


def test_a_database_dump_holds_no_personal_data_in_the_clear(transactional_db):
    _seed()

    dump = database_dump()

    # The dump is real: the tables are there and an unencrypted column reads in the clear.
    assert "candidates_candidate" in dump and "interviews_scorecard" in dump
    assert VISIBLE_SOURCE in dump
    assert CANDIDATE_NAME not in dump
    for name, secret in SECRETS.items():
        # Also the form JSON columns store it in (non-ASCII escaped as \uXXXX).
        for form in {secret, json.dumps(secret)[1:-1]}:
            assert form not in dump, f"{name} appears in the clear in the database dump"
    # Nor any distinctive part of a quote, the transcript or a name (a copy cut to length, a
    # word of a name kept to find it by, say).
    for fragment in (
        "Quillmoor",
        "账本迁移",
        "Brackenfield",
        "Tamsworth",
        "Wrenhaven",
        "Larkspur",
        "Foxglove",
        "Dumpcheck",
        "Visiblename",
        "visiblename",
        "Zephyrine",
        "Marblewood",
        "Harrowgate",
        "Thistlecomb",
        "Ottoline",
    ):
        assert fragment not in dump, fragment


def test_a_dump_taken_before_an_erasure_cannot_be_read_after_it(transactional_db):
    _seed()
    candidate = Candidate.objects.get()
    dump = database_dump()
    # What the dump holds of the candidate: ciphertext under their own key, and no key at all.
    tokens = re.findall(rf"p1:{candidate.pk.hex}:[A-Za-z0-9+/=]+", dump)
    assert len(tokens) >= len(SECRETS)
    assert "hrsuite_personkey" not in dump

    persons.person_key_destroy(candidate.pk)

    # Every value of theirs in the dump fails to open: their key is gone from the key store,
    # the only place it was kept.
    for token in tokens:
        with pytest.raises(crypto.Erased):
            # The key is looked for before the binding to a row is checked.
            crypto.decrypt(token, aad=b"any row", person_key=persons.data_key)
