"""Bias audits (docs/architecture.md, "Fairness"): a dated, stored report in the published format
(PDF and CSV), made and downloaded by compliance alone and audited; an AI interview for a position
whose region requires an audit is refused (409) without one of the last 365 days, and recruiters
are warned 30 days before; Illinois' yearly report."""

import csv
import datetime
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone
from pypdf import PdfReader

from analytics.models import BiasAudit
from analytics.services.bias_audits import bias_audit_make
from analytics.services.fairness import fairness_refresh
from analytics.services.self_identification import CAREERS, self_identification_record
from audit.models import AuditEvent
from hrsuite.errors import Conflict
from hrsuite.roles import Role
from interviews.services.scheduling import holiday_name, interview_reschedule, interview_schedule
from tests.analytics.fairness_helpers import applicant, known_applicants, us_position
from tests.factories import make_application, make_position, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def position(recruiter):
    return us_position(recruiter)


def _pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_an_audit_is_the_published_format_in_pdf_and_csv(position, recruiter, compliance, settings):
    settings.HRSUITE_FAIRNESS_SMALL_CELL = 1
    known_applicants(recruiter, position)
    fairness_refresh()
    audit = bias_audit_make(provider="simulated", actor=compliance, today=datetime.date(2026, 12, 1))
    audit.refresh_from_db()
    assert (audit.audit_date, audit.provider, audit.made_by) == (
        datetime.date(2026, 12, 1),
        "simulated",
        compliance,
    )
    text = _pdf_text(bytes(audit.pdf))
    for expected in (
        "Bias audit",
        "Audit date",
        "2026-12-01",
        "Source data",
        "14 applicants",
        "Selection rate",
        "Scoring rate",
        "Female",
        "0.500",
        "Unknown",
        "Intersectional",
        "Male / White",
    ):
        assert expected in text, expected
    rows = list(csv.DictReader(io.StringIO(audit.csv)))
    female = next(
        r for r in rows if (r["method"], r["dimension"], r["category"]) == ("selection", "Sex", "Female")
    )
    assert female == {
        "audit_date": "2026-12-01",
        "tool": "simulated",
        "method": "selection",
        "dimension": "Sex",
        "category": "Female",
        "applicants": "6",
        "selected_or_scored_above": "2",
        "rate": "0.333",
        "impact_ratio": "0.500",
        "below_four_fifths": "yes",
        "small_sample": "yes",
        "fisher_p": "0.5671",
    }
    unknown = next(
        r for r in rows if (r["method"], r["dimension"], r["category"]) == ("scoring", "Sex", "Unknown")
    )
    assert (unknown["applicants"], unknown["selected_or_scored_above"], unknown["impact_ratio"]) == (
        "2",
        "1",
        "",
    )
    assert AuditEvent.objects.get(target_id=str(audit.pk)).action == "create"


def test_an_audit_needs_the_figures_computed(api, compliance):
    answer = api.as_user(compliance).post("/api/bias-audits/", {"provider": "simulated"}, format="json")
    assert answer.status_code == 409 and answer.json()["error"]["code"] == "fairness_not_computed"
    assert not BiasAudit.objects.exists()


def test_compliance_makes_and_downloads_an_audit_from_the_page(position, recruiter, compliance, client):
    known_applicants(recruiter, position)
    fairness_refresh()
    client.force_login(compliance)
    answer = client.post("/hr/fairness/audits/", {"provider": "simulated"})
    assert answer.status_code == 302
    audit = BiasAudit.objects.get()
    page = client.get("/hr/fairness/").text
    assert f"/hr/fairness/audits/{audit.pk}/report.pdf" in page
    pdf = client.get(f"/hr/fairness/audits/{audit.pk}/report.pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf["Content-Disposition"].startswith("attachment")
    assert "Bias audit" in _pdf_text(pdf.content)
    assert client.get(f"/hr/fairness/audits/{audit.pk}/report.csv").content.startswith(b"audit_date,tool")
    downloads = AuditEvent.objects.filter(target_id=str(audit.pk), action="export")
    assert sorted(e.detail["format"] for e in downloads) == ["csv", "pdf"]
    # HR reads the audit, as it is published, and makes none.
    for user in (recruiter, make_user(Role.HR_ADMIN, username="hradmin")):
        client.force_login(user)
        assert client.get(f"/hr/fairness/audits/{audit.pk}/report.pdf").status_code == 200
        assert client.post("/hr/fairness/audits/", {"provider": "simulated"}).status_code == 403
    assert AuditEvent.objects.filter(target_id=str(audit.pk), action="export").count() == 4


# --- The 365-day rule and the warning ------------------------------------------------------------


def _business_slot(days_ahead=3):
    """10:00 in Shanghai (the test candidates' zone and region) on a working day ahead."""
    zone = ZoneInfo("Asia/Shanghai")
    day = timezone.now().astimezone(zone).date() + datetime.timedelta(days=days_ahead)
    while day.weekday() >= 5 or holiday_name("CN", day):
        day += datetime.timedelta(days=1)
    return datetime.datetime.combine(day, datetime.time(10), tzinfo=zone)


def _schedule(application, recruiter, kind="ai_video"):
    return interview_schedule(application=application, kind=kind, starts_at=_business_slot(), actor=recruiter)


def _audited_tool(recruiter, today):
    """The tool's figures computed and an audit of it dated `today`."""
    position = make_position(recruiter, region="US-TX", time_zone="America/Chicago")
    applicant(recruiter, position, score=70, advanced=True, sex="female")
    fairness_refresh()
    return bias_audit_make(provider="simulated", actor="system:test", today=today)


def test_an_ai_interview_in_a_region_that_requires_an_audit_needs_one_of_the_last_365_days(
    position, recruiter, settings, api
):
    settings.HRSUITE_BIAS_AUDIT_REGIONS = ["US-NY"]
    application = make_application(recruiter, position=position)
    with pytest.raises(Conflict) as refused:
        _schedule(application, recruiter)
    assert refused.value.code == "bias_audit_required" and "kind" in refused.value.fields
    # Over the API: 409 with its code, naming the field.
    answer = api.as_user(recruiter).post(
        "/api/scheduling/",
        {
            "application": str(application.pk),
            "kind": "ai_video",
            "starts_at": _business_slot().isoformat(),
            "interviewers": [],
        },
        format="json",
    )
    assert answer.status_code == 409 and answer.json()["error"]["code"] == "bias_audit_required"
    assert "kind" in answer.json()["error"]["fields"]
    # An interview a person holds needs no audit, nor does a region that does not require one.
    assert _schedule(application, recruiter, kind="live_video")
    elsewhere = make_application(
        recruiter, position=make_position(recruiter, region="US-TX", time_zone="America/Chicago")
    )
    assert _schedule(elsewhere, recruiter)

    audit_day = timezone.localdate()
    _audited_tool(recruiter, audit_day)
    second = make_application(recruiter, position=position)
    assert _schedule(second, recruiter).kind == "ai_video"
    with time_machine.travel(timezone.now() + datetime.timedelta(days=365), tick=False):
        assert _schedule(make_application(recruiter, position=position), recruiter)
    with (
        time_machine.travel(timezone.now() + datetime.timedelta(days=367), tick=False),
        pytest.raises(Conflict),
    ):
        _schedule(make_application(recruiter, position=position), recruiter)


def test_recruiters_are_warned_30_days_before_the_audit_lapses(position, recruiter, client, settings):
    settings.HRSUITE_BIAS_AUDIT_REGIONS = ["US-NY"]
    client.force_login(recruiter)
    assert "has no bias audit" in client.get("/hr/").text
    audit = _audited_tool(recruiter, timezone.localdate())
    assert "bias audit" not in client.get("/hr/").text
    with time_machine.travel(timezone.now() + datetime.timedelta(days=334), tick=False):
        client.force_login(recruiter)  # a session does not last that long
        assert "lapses on" not in client.get("/hr/").text
    with time_machine.travel(timezone.now() + datetime.timedelta(days=336), tick=False):
        client.force_login(recruiter)
        page = client.get("/hr/").text
        assert "lapses on" in page and "simulated" in page
        # Dates only: no figure of the audit is on the dashboard.
        assert str(audit.figures["applicants"]) + " applicants" not in page
    with time_machine.travel(timezone.now() + datetime.timedelta(days=367), tick=False):
        client.force_login(recruiter)
        assert "has no bias audit" in client.get("/hr/").text


def test_no_warning_where_no_open_position_needs_an_audit(recruiter, client, settings):
    settings.HRSUITE_BIAS_AUDIT_REGIONS = ["US-NY"]
    make_position(recruiter)  # in China
    client.force_login(recruiter)
    assert "bias audit" not in client.get("/hr/").text


# --- Illinois ------------------------------------------------------------------------------------


def test_illinois_yearly_report_counts_race_by_outcome_and_hire(recruiter, compliance, client):
    from tests.analytics.helpers import hired

    illinois = us_position(recruiter, region="US-IL")
    applicant(recruiter, illinois, score=80, advanced=True, sex="female", race="black")
    applicant(recruiter, illinois, score=40, advanced=False, sex="male", race="black")
    applicant(recruiter, illinois, score=60, advanced=False, sex="male", race="white")
    applicant(recruiter, illinois, score=60, advanced=True)  # no answer: unknown
    hire = hired(recruiter, illinois, {"communication": 90}, overall=90)
    self_identification_record(
        application=hire, given={"sex": "female", "race_ethnicity": "white"}, channel="careers", actor=CAREERS
    )
    # Outside Illinois: not in its report.
    applicant(
        recruiter, us_position(recruiter, region="US-NY"), score=80, advanced=True, sex="male", race="black"
    )
    client.force_login(compliance)
    answer = client.get(f"/hr/fairness/illinois.csv?year={timezone.localdate().year}")
    assert answer.status_code == 200 and answer["Content-Disposition"].startswith("attachment")
    rows = {r["race_ethnicity"]: r for r in csv.DictReader(io.StringIO(answer.content.decode()))}
    assert (
        rows["Black or African American"]["advanced"],
        rows["Black or African American"]["not_advanced"],
    ) == ("1", "1")
    assert (rows["White"]["advanced"], rows["White"]["not_advanced"], rows["White"]["hired"]) == (
        "1",
        "1",
        "1",
    )
    assert (rows["Unknown"]["advanced"], rows["Asian"]["advanced"]) == ("1", "0")
    assert AuditEvent.objects.filter(action="export", detail__event="illinois_report_download").exists()
    last_year = client.get(f"/hr/fairness/illinois.csv?year={timezone.localdate().year - 1}")
    assert all(r["advanced"] == "0" for r in csv.DictReader(io.StringIO(last_year.content.decode())))
    client.force_login(recruiter)
    assert client.get("/hr/fairness/illinois.csv").status_code == 403


# The fourth is 2025 in full-width digits, which int() would take; the last, more digits than
# int() converts.
@pytest.mark.parametrize(
    "year", ["twenty", "1999", "2101", "\uff12\uff10\uff12\uff15", "-2025", "02025", "9" * 5000]
)
def test_illinois_report_of_no_year_is_a_field_error_and_no_download(year, compliance, client):
    client.force_login(compliance)
    answer = client.get("/hr/fairness/illinois.csv", {"year": year})
    assert answer.status_code == 400
    assert answer["Content-Type"].startswith("text/html")
    page = answer.content.decode()
    assert 'aria-describedby="illinois-year-errors"' in page and "Give a year from 2000 to 2100." in page
    assert not AuditEvent.objects.filter(detail__event="illinois_report_download").exists()


def test_moving_an_ai_interview_after_the_audit_lapsed_is_refused_too(position, recruiter, settings):
    """Moving an AI interview uses the tool on the new day: past the audit's 365 days it is
    refused as scheduling is, on `starts_at`, and the interview stays where it was."""
    settings.HRSUITE_BIAS_AUDIT_REGIONS = ["US-NY"]
    _audited_tool(recruiter, timezone.localdate())
    interview = _schedule(make_application(recruiter, position=position), recruiter)
    booked = interview.starts_at
    later = timezone.now() + datetime.timedelta(days=367)
    with time_machine.travel(later, tick=False):
        with pytest.raises(Conflict) as refused:
            interview_reschedule(interview=interview, starts_at=_business_slot(days_ahead=5), actor=recruiter)
        assert refused.value.code == "bias_audit_required" and "starts_at" in refused.value.fields
        interview.refresh_from_db()
        assert interview.starts_at == booked and interview.calendar_sequence == 0
        # A person's interview moves as before.
        live = _schedule(make_application(recruiter, position=position), recruiter, kind="live_video")
        moved = interview_reschedule(interview=live, starts_at=_business_slot(days_ahead=6), actor=recruiter)
        assert moved.calendar_sequence == 1
