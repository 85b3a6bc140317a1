"""Fills a PostgreSQL database with a large synthetic hiring dataset for `bench/measure.py`.

    DJANGO_SETTINGS_MODULE=config.settings.test \\
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hrsuite_bench \\
    .venv/bin/python bench/generate.py --candidates 100000 --interviews 300000 [--scale 0.02]

A benchmark fixture, not a test: it prints progress and timings and asserts nothing. Rows are
written in bulk (PostgreSQL's COPY) instead of through the services, for speed; see the notes at
each step for what that skips. By default the bench database is dropped and made again
(`--no-fresh` keeps it, and then it must be empty). Only a database whose name contains "bench"
is ever dropped.
"""

import argparse
import base64
import bisect
import datetime
import enum
import functools
import hashlib
import os
import random
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/hrsuite_bench"
BATCH = 5000


def use_bench_environment() -> None:
    """Settings for both bench scripts, set before Django starts.

    The test settings make fresh random keys per process, but measure.py must decrypt and look up
    what generate.py wrote, and verify its audit chain. So both use fixed keys derived from a
    public label: the data is synthetic and these keys protect nothing.
    """
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)

    def key(purpose: str) -> str:
        return base64.b64encode(hashlib.sha256(f"hrsuite-bench|{purpose}".encode()).digest()).decode()

    os.environ.setdefault("HRSUITE_ENCRYPTION_KEYS", f"bench1:{key('encryption')}")
    os.environ.setdefault("HRSUITE_BLIND_INDEX_KEY", key("blind-index"))
    os.environ.setdefault("HRSUITE_AUDIT_KEY", key("audit"))


def bench_usernames(interviewers: int) -> dict[str, list[str]]:
    """The accounts generate.py makes and measure.py signs in as."""
    return {
        "recruiter": ["bench-recruiter"],
        "hr_admin": ["bench-hradmin"],
        "interviewer": [f"bench-interviewer-{n:03d}" for n in range(interviewers)],
        "candidate": ["bench-candidate"],
    }


# --- Database set-up ---------------------------------------------------------------------------


def prepare_database(url: str, *, fresh: bool) -> None:
    """Drop (with --fresh) and create the bench database, connecting to the `postgres` database.
    Its key store (the database of the same name with `_keys` added, where the person keys are)
    is dropped with it; `migrate` makes it again."""
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql"):
        raise SystemExit(f"DATABASE_URL must name a PostgreSQL database, not {parts.scheme!r}.")
    name = parts.path.lstrip("/")
    if fresh and "bench" not in name:
        raise SystemExit(f"Refusing to drop {name!r}: only a database named like '*bench*' is dropped.")
    with psycopg.connect(url, dbname="postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and fresh:
            conn.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))
            exists = None
        if fresh:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(f"{name}_keys"))
            )
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    print(f"database {name}: {'recreated' if fresh else 'ready'}", flush=True)


# --- Synthetic data ----------------------------------------------------------------------------

SURNAMES_ZH = ["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡"]
GIVEN_ZH = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明"]
FIRST_EN = ["Emily", "James", "Olivia", "Lukas", "Sophie", "Marcus", "Priya", "Daniel", "Anna", "Noah"]
LAST_EN = ["Johnson", "Becker", "Wagner", "Brown", "Raman", "Smith", "Tan", "Garcia", "Müller", "Lee"]
# region, time zone, language, e-mail domain
REGIONS = [
    ("CN", "Asia/Shanghai", "zh-hans", "example.cn"),
    ("US-IL", "America/Chicago", "en", "example.com"),
    ("DE-BE", "Europe/Berlin", "en", "example.com"),
    ("SG", "Asia/Singapore", "en", "example.com"),
]
TITLES = ["Backend Engineer", "Data Analyst", "Product Manager", "Customer Success Specialist", "Designer"]
TITLES_ZH = ["后端工程师", "数据分析师", "产品经理", "客户成功专员", "设计师"]
DEPARTMENTS = ["Engineering", "Analytics", "Product", "Customer Success", "Design"]
WEIGHTS = {"communication": 0.3, "problem_solving": 0.4, "technical_depth": 0.3}
RESUME = (
    "{years} years as {title}; Python, SQL, stakeholder work across {region}. "
    "{years} 年{title}经验；熟悉 Python、SQL，负责跨团队沟通。"  # noqa: RUF001 - Chinese punctuation
)
STAGES = [  # stage, share
    ("applied", 30),
    ("screening", 20),
    ("interviewing", 30),
    ("decision", 8),
    ("offer", 4),
    ("hired", 3),
    ("rejected", 3),
    ("withdrawn", 2),
]
# What a candidate said, as an assessment's evidence quotes it.
QUOTES = [
    "I split the migration into steps we could roll back, and wrote down why for the team.",
    "When the numbers disagreed I went back to the raw logs before I told anyone.",
    "We asked the customer what they were trying to do, not what they wanted us to build.",
    "我先把问题拆小，每一步都和同事确认，再决定下一步。",  # noqa: RUF001 - Chinese punctuation
    "上线前我们做了灰度发布，出现问题可以马上回滚。",  # noqa: RUF001 - Chinese punctuation
]
# The reschedule link of the portal's bench candidate (its SHA-256 is stored, as for every link):
# synthetic, like the keys above.
RESCHEDULE_TOKEN = "hrsuite-bench-reschedule"  # noqa: S105 - not a secret
KINDS = ["ai_video", "live_video", "phone", "onsite"]
PAST_STATUSES = ["completed"] * 16 + ["no_show", "technical_issue", "cancelled"]
# What candidates write in the survey after an interview, by language.
SURVEY_COMMENTS = {
    "en": [
        "Well organised, thank you.",
        "The video kept freezing.",
        "The questions matched the role.",
        "I would have liked more time for questions.",
    ],
    "zh-hans": ["安排得很好，谢谢。", "视频一直卡顿。", "问题与职位很相关。", "希望能有更多提问的时间。"],  # noqa: RUF001
}


class Generator:
    def __init__(self, *, candidates: int, interviews: int, interviewers: int, audit_events: int, seed: int):
        from django.utils import timezone

        self.n_candidates = candidates
        self.n_interviews = interviews
        self.n_interviewers = interviewers
        self.n_audit_events = audit_events
        self.rng = random.Random(seed)
        self.now = timezone.now()
        self.rows: dict[str, int] = {}
        # Kept small on purpose: ids and a few columns, never model instances of whole tables.
        self.candidate_ids: list[uuid.UUID] = []
        self.candidate_zone: list[str] = []
        self.application_ids: list[uuid.UUID] = []
        self.application_candidate: list[int] = []
        self.interview_ids: list[uuid.UUID] = []
        self.interview_candidate: list[int] = []
        self.interview_rows: list[tuple[str, str, datetime.datetime, int]] = []  # kind, status, start, who

    def uuid(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def run(self) -> None:
        self.users()
        self.positions()
        self.candidates()
        self.applications()
        self.interviews()
        self.outcomes()
        self.performance_ratings()
        self.surveys()
        self.self_identifications()
        self.prior_records()
        self.portal_candidate()
        self.applications_know_their_candidates_time()
        self.audit_events()

    def _insert(self, model, objects: list, label: str | None = None) -> None:
        if objects:
            _copy(model, objects)
        label = label or model._meta.db_table
        self.rows[label] = self.rows.get(label, 0) + len(objects)

    def users(self) -> None:
        from django.contrib.auth.models import Group

        from accounts.models import User

        groups = {g.name: g for g in Group.objects.all()}
        names = bench_usernames(self.n_interviewers)
        users, memberships = [], []
        for role, usernames in names.items():
            for username in usernames:
                user = User(username=username, email=f"{username}@example.com", time_zone="UTC")
                user.set_unusable_password()  # measure.py signs in with force_login
                users.append((user, groups[role]))
        User.objects.bulk_create([u for u, _ in users])
        for user, group in users:
            memberships.append(User.groups.through(user_id=user.pk, group_id=group.pk))
        User.groups.through.objects.bulk_create(memberships)
        self.rows["accounts_user"] = len(users)
        by_name = {u.username: u for u, _ in users}
        self.recruiter = by_name["bench-recruiter"]
        self.candidate_user = by_name["bench-candidate"]
        self.interviewer_ids = [by_name[n].pk for n in names["interviewer"]]

    def positions(self) -> None:
        from candidates.models import Position

        positions = []
        for n in range(50):
            region, zone, _language, _domain = REGIONS[n % len(REGIONS)]
            positions.append(
                Position(
                    id=self.uuid(),
                    title_en=f"{TITLES[n % len(TITLES)]} #{n + 1}",
                    title_zh_hans=f"{TITLES_ZH[n % len(TITLES_ZH)]} #{n + 1}",
                    department=DEPARTMENTS[n % len(DEPARTMENTS)],
                    region=region,
                    time_zone=zone,
                    dimension_weights=WEIGHTS,
                )
            )
        self._insert(Position, positions)
        self.position_ids = [p.pk for p in positions]

    def candidates(self) -> None:
        from django.db import connection

        from candidates import names
        from candidates.models import Candidate, CandidateNameToken
        from candidates.services.candidates import email_index, normalise_email, phone_index

        rng = self.rng
        # Names are drawn from short lists: each token's HMAC is worked out once.
        token_index = functools.cache(names.token_index)
        for start in range(0, self.n_candidates, BATCH):
            batch = []
            for n in range(start, min(start + BATCH, self.n_candidates)):
                region, zone, language, domain = REGIONS[n % len(REGIONS)]
                if language == "zh-hans":
                    name = rng.choice(SURNAMES_ZH) + rng.choice(GIVEN_ZH)
                else:
                    name = f"{rng.choice(FIRST_EN)} {rng.choice(LAST_EN)}"
                email = normalise_email(f"candidate{n:07d}@{domain}")
                phone = f"+{rng.randrange(10**10, 10**11)}"
                # Model instances with their UUID set: `_copy` calls each field's pre_save, which
                # seals the encrypted fields to their row exactly as save() would.
                batch.append(
                    Candidate(
                        id=self.uuid(),
                        full_name=name,
                        email=email,
                        email_index=email_index(email),
                        phone=phone,
                        phone_index=phone_index(phone),
                        date_of_birth=f"{rng.randrange(1965, 2004)}-{rng.randrange(1, 13):02d}-15",
                        region=region,
                        time_zone=zone,
                        preferred_language=language,
                        resume_text=RESUME.format(
                            years=rng.randrange(1, 20), title=rng.choice(TITLES), region=region
                        ),
                        source=rng.choice(["career site", "referral", "job board", "agency", "campus"]),
                    )
                )
            self._insert(Candidate, batch)
            # The blind index of each name's tokens, which the name search reads, as the candidate
            # services write it (`candidates.names`).
            self._insert(
                CandidateNameToken,
                [
                    CandidateNameToken(candidate_id=c.pk, token=token_index(token))
                    for c in batch
                    for token in sorted(names.name_tokens(c.full_name))
                ],
            )
            self.candidate_ids.extend(c.pk for c in batch)
            self.candidate_zone.extend(c.time_zone for c in batch)
            progress("candidates", len(self.candidate_ids), self.n_candidates)
        # created_at is auto_now_add, so every row got "now": spread it over a year, as a real
        # table would be, so the list's ordering index sees realistic data.
        with connection.cursor() as cursor:
            cursor.execute("SELECT setseed(0.42)")
            cursor.execute(
                "UPDATE candidates_candidate SET created_at = now() - random() * interval '365 days'"
            )

    def applications(self) -> None:
        from candidates.models import Application, StageChange

        rng = self.rng
        stages = [s for s, share in STAGES for _ in range(share)]
        applications, changes = [], []
        for index, candidate_id in enumerate(self.candidate_ids):
            for position_id in rng.sample(self.position_ids, 2 if rng.random() < 0.5 else 1):
                changed_at = self.now - datetime.timedelta(minutes=rng.randrange(1, 200_000))
                stage = rng.choice(stages)
                application, change = self._application(candidate_id, position_id, stage, changed_at)
                applications.append(application)
                changes.append(change)
                self.application_ids.append(application.pk)
                self.application_candidate.append(index)
            if len(applications) >= BATCH:
                self._insert(Application, applications)
                self._insert(StageChange, changes)
                applications, changes = [], []
                progress("applications", index + 1, self.n_candidates, unit="candidates")
        self._insert(Application, applications)
        self._insert(StageChange, changes)
        progress("applications", len(self.application_ids), len(self.application_ids))

    def applications_know_their_candidates_time(self) -> None:
        """Each application's copy of its candidate's created_at, which `candidates()` spread over
        a year after the rows were written: one UPDATE, as the migration that added it does."""
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE candidates_application AS a SET candidate_created_at = c.created_at"
                " FROM candidates_candidate AS c WHERE c.id = a.candidate_id"
            )

    def _application(self, candidate_id, position_id, stage: str, since) -> tuple:
        """An application at `stage` since `since`, and its first stage-history row."""
        from candidates.models import Application, StageChange

        application = Application(
            id=self.uuid(),
            candidate_id=candidate_id,
            position_id=position_id,
            stage=stage,
            stage_changed_at=since,
            candidate_created_at=self.now,  # until `applications_know_their_candidates_time`
        )
        change = StageChange(
            id=self.uuid(),
            application_id=application.pk,
            from_stage="",
            to_stage="applied",
            at=since,
            actor_id=self.recruiter.pk,
        )
        return application, change

    def interviews(self) -> None:
        """Interviews, each assigned to one of the interviewers (so each holds ~1/N of them).

        This bypasses `interviews.services.assignments.assignment_create` for bulk data generation only: the
        assignment rows and the guardian direct-foreign-key grants it would make (view_interview,
        view_application, view_candidate) are written here in bulk, without their audit events.
        """
        from django.contrib.auth.models import Permission

        from candidates.models import ApplicationUserObjectPermission, CandidateUserObjectPermission
        from interviews.models import (
            Interview,
            InterviewAssignment,
            InterviewUserObjectPermission,
            workspace_place,
        )

        perm = {
            codename: Permission.objects.get(codename=codename).pk
            for codename in ("view_interview", "view_application", "view_candidate")
        }
        rng = self.rng
        granted_applications: set[tuple[int, int]] = set()
        granted_candidates: set[tuple[int, int]] = set()
        interviews, assignments, interview_perms, application_perms, candidate_perms = [], [], [], [], []

        def flush(final: bool = False) -> None:
            self._insert(Interview, interviews)
            self._insert(InterviewAssignment, assignments)
            self._insert(InterviewUserObjectPermission, interview_perms)
            if final or len(application_perms) >= BATCH:
                self._insert(ApplicationUserObjectPermission, application_perms)
                application_perms.clear()
            if final or len(candidate_perms) >= BATCH:
                self._insert(CandidateUserObjectPermission, candidate_perms)
                candidate_perms.clear()
            interviews.clear()
            assignments.clear()
            interview_perms.clear()

        # (start, end) of each interviewer's scheduled interviews, in time order.
        scheduled: dict[int, list[tuple[datetime.datetime, datetime.datetime]]] = {}

        def free(who: int, starts_at: datetime.datetime, minutes: int) -> bool:
            """Books the time for `who` unless another of their scheduled interviews overlaps it."""
            booked = scheduled.setdefault(who, [])
            ends_at = starts_at + datetime.timedelta(minutes=minutes)
            # None lasts over an hour: only those starting from an hour before can overlap.
            first = bisect.bisect_left(booked, (starts_at - datetime.timedelta(hours=1),))
            last = bisect.bisect_left(booked, (ends_at,))
            if any(other_end > starts_at for _, other_end in booked[first:last]):
                return False
            bisect.insort(booked, (starts_at, ends_at))
            return True

        # `portal_candidate` books the first interviewer at this time later on.
        free(0, self.now + datetime.timedelta(days=3), 45)
        for n in range(self.n_interviews):
            app = rng.randrange(len(self.application_ids))
            cand = self.application_candidate[app]
            starts_at = self.now + datetime.timedelta(minutes=rng.randrange(-180 * 1440, 30 * 1440))
            if starts_at < self.now:
                status = rng.choice(PAST_STATUSES)
            else:
                status = "cancelled" if rng.random() < 0.05 else "scheduled"
            released = status == "completed" and rng.random() < 0.3
            duration = rng.choice([30, 45, 60])
            interview = Interview(
                id=self.uuid(),
                application_id=self.application_ids[app],
                kind=rng.choice(KINDS),
                starts_at=starts_at,
                duration_minutes=duration,
                candidate_time_zone=self.candidate_zone[cand],
                status=status,
                results_released_at=starts_at + datetime.timedelta(days=2) if released else None,
                # The dashboard's overdue scorecards count from the end of the interview.
                ended_at=starts_at + datetime.timedelta(minutes=duration) if status == "completed" else None,
            )
            interviews.append(interview)
            self.interview_ids.append(interview.pk)
            self.interview_candidate.append(cand)
            who = rng.randrange(self.n_interviewers)
            if status == "scheduled" and not free(who, starts_at, duration):
                # The database refuses an interviewer booked twice at once: a clash is written
                # as the cancellation HR would have made of it.
                interview.status = status = "cancelled"
            self.interview_rows.append((interview.kind, status, starts_at, who))
            user_id = self.interviewer_ids[who]
            assignments.append(
                InterviewAssignment(
                    id=self.uuid(),
                    interview_id=interview.pk,
                    interviewer_id=user_id,
                    assigned_by=self.recruiter,
                    interview_status=status,
                    interview_starts_at=starts_at,
                    interview_ends_at=starts_at + datetime.timedelta(minutes=duration),
                    # Held ones are placed again once their scorecards are written (`outcomes`).
                    **workspace_place(status=status, starts_at=starts_at, submitted=False),
                )
            )
            interview_perms.append(
                InterviewUserObjectPermission(
                    user_id=user_id, permission_id=perm["view_interview"], content_object_id=interview.pk
                )
            )
            if (who, app) not in granted_applications:
                granted_applications.add((who, app))
                application_perms.append(
                    ApplicationUserObjectPermission(
                        user_id=user_id,
                        permission_id=perm["view_application"],
                        content_object_id=self.application_ids[app],
                    )
                )
            if (who, cand) not in granted_candidates:
                granted_candidates.add((who, cand))
                candidate_perms.append(
                    CandidateUserObjectPermission(
                        user_id=user_id,
                        permission_id=perm["view_candidate"],
                        content_object_id=self.candidate_ids[cand],
                    )
                )
            if len(interviews) >= BATCH:
                flush()
                progress("interviews + assignments + grants", n + 1, self.n_interviews)
        flush(final=True)
        progress("interviews + assignments + grants", self.n_interviews, self.n_interviews)

    def outcomes(self) -> None:
        """What the dashboards count and the files show: the messages of each interview, the
        candidate's consents to each AI interview, AI assessments with their per-dimension scores
        and evidence (and a human review where one was needed), scorecards, technical incidents,
        and decisions with offers, approvals, background checks and onboarding plans for the
        applications at the offer and hired stages; and a portal account for the first candidate.

        Bench data generation only: rows are written in bulk, without the services' side effects.
        """
        from django.db.models import F

        from candidates.models import Application, Candidate
        from interviews.models import (
            AIAssessment,
            AIDimensionScore,
            Consent,
            HumanReview,
            Incident,
            InterviewAssignment,
            Scorecard,
            workspace_place,
        )
        from notifications.models import Notification
        from onboarding.models import (
            BackgroundCheck,
            Decision,
            Offer,
            OfferApproval,
            OnboardingPlan,
            OnboardingTask,
        )

        rng = self.rng
        Candidate.objects.filter(pk=self.candidate_ids[0]).update(user=self.candidate_user)
        self.notices = self._consent_notices()
        regions = {pk: REGIONS[n % len(REGIONS)][0] for n, pk in enumerate(self.candidate_ids)}
        notifications, consents, assessments, dimensions, reviews, scorecards, incidents = (
            [] for _ in range(7)
        )

        def flush() -> None:
            for model, rows in (
                (Notification, notifications),
                (Consent, consents),
                (AIAssessment, assessments),
                (AIDimensionScore, dimensions),
                (HumanReview, reviews),
                (Scorecard, scorecards),
                (Incident, incidents),
            ):
                self._insert(model, rows)
                rows.clear()

        for n, (kind, status, starts_at, who) in enumerate(self.interview_rows):
            interview_id = self.interview_ids[n]
            candidate_id = self.candidate_ids[self.interview_candidate[n]]
            sent = starts_at < self.now + datetime.timedelta(days=7)
            failed = rng.random() < 0.01
            notifications.append(
                Notification(
                    id=self.uuid(),
                    template="invitation",
                    candidate_id=candidate_id,
                    interview_id=interview_id,
                    due_at=starts_at - datetime.timedelta(days=7),
                    status="failed" if failed else ("sent" if sent else "pending"),
                    attempts=5 if failed else int(sent),
                    last_error="SMTP 451: try again later" if failed else "",
                    idempotency_key=f"bench:invitation:{interview_id}",
                )
            )
            # Most candidates answer the privacy notice from the invitation before the day.
            if kind == "ai_video" and status != "cancelled" and rng.random() < 0.9:
                decided_at = min(starts_at - datetime.timedelta(days=2), self.now)
                language = REGIONS[self.interview_candidate[n] % len(REGIONS)][2]
                consents += self._consents(candidate_id, interview_id, decided_at, language=language)
            if status == "completed":
                if kind == "ai_video":
                    assessment, scores, review = self._assessment(interview_id, starts_at)
                    assessments.append(assessment)
                    dimensions += scores
                    reviews += review
                submitted = rng.random() < 0.85
                scorecards.append(
                    Scorecard(
                        id=self.uuid(),
                        interview_id=interview_id,
                        interviewer_id=self.interviewer_ids[who],
                        ratings={dim: rng.randrange(1, 6) for dim in WEIGHTS} if submitted else {},
                        recommendation=rng.choice(["strong_yes", "yes", "no", "strong_no"])
                        if submitted
                        else "",
                        status="submitted" if submitted else "draft",
                        submitted_at=starts_at + datetime.timedelta(days=1) if submitted else None,
                    )
                )
            elif status in ("technical_issue", "no_show"):
                incidents.append(
                    Incident(
                        id=self.uuid(),
                        interview_id=interview_id,
                        kind=status,
                        occurred_at=starts_at + datetime.timedelta(minutes=5),
                        region=regions[candidate_id],
                        provider="simulated",
                        resolution=rng.choice(["open", "reschedule_offered", "rescheduled"]),
                    )
                )
            if len(notifications) >= BATCH:
                flush()
                progress("messages, assessments, scorecards, incidents", n + 1, len(self.interview_rows))
        flush()
        # Each held interview awaits its interviewer's scorecard, or is done once it is submitted.
        InterviewAssignment.objects.filter(interview_status="completed").update(
            **workspace_place(status="completed", starts_at=F("interview_starts_at"))
        )

        decided = Application.objects.filter(stage__in=["offer", "hired"]).values_list(
            "pk", "stage", "position_id"
        )
        decisions, offers, checks, approvals, plans, tasks = ([] for _ in range(6))
        for application_id, stage, position_id in decided.iterator():
            decided_at = self.now - datetime.timedelta(days=rng.randrange(1, 60))
            offer_status = (
                "accepted" if stage == "hired" else rng.choice(["draft", "sent", "sent", "approved"])
            )
            decision, offer, check = self._hire(application_id, position_id, decided_at, offer_status)
            decisions.append(decision)
            offers.append(offer)
            checks.append(check)
            if offer_status != "draft":
                approvals.append(self._approval(offer, decided_at))
            if stage == "hired":
                plan, plan_tasks = self._onboarding(offer, decided_at)
                plans.append(plan)
                tasks += plan_tasks
        self._insert(Decision, decisions)
        self._insert(Offer, offers)
        self._insert(BackgroundCheck, checks)
        self._insert(OfferApproval, approvals)
        self._insert(OnboardingPlan, plans)
        self._insert(OnboardingTask, tasks)
        progress("decisions, offers, checks, onboarding plans", len(offers), len(offers))

    @staticmethod
    def _consent_notices() -> dict[str, object]:
        """The current privacy notice in each language (the migrations publish them)."""
        from interviews.services.consent import notice_current

        return {language: notice_current(language=language) for language in ("en", "zh-hans")}

    def _consents(self, candidate_id, interview_id, decided_at, *, language: str) -> list:
        """The candidate's answer to both scopes of the notice in their language for one
        interview: given."""
        from interviews.models import Consent

        return [
            Consent(
                id=self.uuid(),
                candidate_id=candidate_id,
                interview_id=interview_id,
                notice=self.notices[language],
                scope=scope,
                decision="given",
                decided_at=decided_at,
                ip="203.0.113.7",
                user_agent="Mozilla/5.0 (bench)",
            )
            for scope in ("general", "biometric")
        ]

    def _assessment(self, interview_id, starts_at) -> tuple[object, list, list]:
        """An AI assessment with a score, confidence and quoted evidence per dimension, and for
        most of those that went to a person, a recruiter's review of one score."""
        from interviews.models import AIAssessment, AIDimensionScore, HumanReview

        rng = self.rng
        assessment = AIAssessment(
            id=self.uuid(),
            interview_id=interview_id,
            overall_score=round(rng.uniform(20, 95), 2),
            overall_confidence=round(rng.uniform(0.4, 0.99), 2),
            model_version="bench-2026.11",
            transcript_quality=round(rng.uniform(0.5, 1), 2),
            needs_human_review=rng.random() < 0.08,
            received_at=starts_at + datetime.timedelta(hours=1),
        )
        scores = []
        for dimension in WEIGHTS:
            start = rng.uniform(10, 1500)
            evidence = [
                {"quote": quote, "start_s": round(start + 40 * k, 1), "end_s": round(start + 40 * k + 9, 1)}
                for k, quote in enumerate(rng.sample(QUOTES, rng.choice([1, 2, 2, 3])))
            ]
            scores.append(
                AIDimensionScore(
                    id=self.uuid(),
                    assessment_id=assessment.pk,
                    dimension=dimension,
                    score=round(rng.uniform(20, 95), 2),
                    confidence=round(rng.uniform(0.5, 0.99), 2),
                    evidence=evidence,
                )
            )
        reviews = []
        # Most flagged assessments have had their review; the rest wait in the dashboard's queue.
        if assessment.needs_human_review and rng.random() < 0.85:
            assessment.first_reviewed_at = self.now  # about when the review below is written
            override = rng.random() < 0.4
            reviews.append(
                HumanReview(
                    id=self.uuid(),
                    dimension_score_id=scores[0].pk,
                    reviewer=self.recruiter,
                    outcome="override" if override else "confirm",
                    score=round(rng.uniform(40, 90), 2) if override else None,
                    reason="Nervous at the start; the later answers show the skill clearly.",
                )
            )
        return assessment, scores, reviews

    def _hire(self, application_id, position_id, decided_at, offer_status) -> tuple:
        """A hire decision with its offer and the background check it started."""
        from onboarding.models import BackgroundCheck, Decision, Offer

        rng = self.rng
        decision = Decision(
            id=self.uuid(),
            application_id=application_id,
            outcome="hire",
            reason="Strong interviews and references.",
            decided_by=self.recruiter,
            decided_at=decided_at,
            from_stage="decision",
            to_stage="offer",
        )
        offer = Offer(
            id=self.uuid(),
            application_id=application_id,
            decision_id=decision.pk,
            position_id=position_id,
            salary=str(rng.randrange(150, 600) * 1000),
            currency="CNY",
            start_date=(decided_at + datetime.timedelta(days=45)).date(),
            location="Shanghai",
            expires_at=decided_at + datetime.timedelta(days=14),
            status=offer_status,
            approval_round=0 if offer_status == "draft" else 1,
            sent_at=decided_at + datetime.timedelta(days=1) if offer_status in ("sent", "accepted") else None,
            answered_at=decided_at + datetime.timedelta(days=3) if offer_status == "accepted" else None,
        )
        check_status = (
            "passed" if offer_status == "accepted" else rng.choice(["requested", "in_progress", "passed"])
        )
        check = BackgroundCheck(
            id=self.uuid(),
            application_id=application_id,
            offer_id=offer.pk,
            provider="check_simulated",
            status=check_status,
            requested_at=decided_at,
            completed_at=decided_at + datetime.timedelta(days=5) if check_status == "passed" else None,
        )
        return decision, offer, check

    def _approval(self, offer, decided_at):
        """The recruiter's approval of the offer's one round."""
        from onboarding.models import OfferApproval

        return OfferApproval(
            id=self.uuid(),
            offer_id=offer.pk,
            round=1,
            order=1,
            approver=self.recruiter,
            status="approved",
            note="Within the band for the level.",
            decided_at=decided_at + datetime.timedelta(hours=4),
        )

    def _onboarding(self, offer, decided_at) -> tuple[object, list]:
        """The onboarding plan of an accepted offer: the new hire's uploads and form, HR's task."""
        from onboarding.models import OnboardingPlan, OnboardingTask

        plan = OnboardingPlan(
            id=self.uuid(),
            offer_id=offer.pk,
            application_id=offer.application_id,
            start_date=offer.start_date,
        )
        steps = [
            ("new_hire", "document", "Upload your ID document"),
            ("new_hire", "document", "Upload your degree certificate"),
            ("new_hire", "confirm", "Confirm your bank details"),
            ("hr", "hr_action", "Prepare the equipment"),
        ]
        tasks = []
        for n, (assignee, kind, title) in enumerate(steps):
            due_at = decided_at + datetime.timedelta(days=10 + 5 * n)
            # Half of the tasks whose day has come are done, two days before it was due.
            done = due_at - datetime.timedelta(days=2) < self.now and self.rng.random() < 0.5
            tasks.append(
                OnboardingTask(
                    id=self.uuid(),
                    plan_id=plan.pk,
                    assignee=assignee,
                    kind=kind,
                    title=title,
                    due_at=due_at,
                    status="done" if done else "open",
                    completed_at=due_at - datetime.timedelta(days=2) if done else None,
                )
            )
        return plan, tasks

    def performance_ratings(self) -> None:
        """Each hire rated for the last two half-years that are over, from 1 to 5 in halves, with a
        rating of each dimension for half of them. The rating follows the hire's AI problem-solving
        score loosely (a correlation of about 0.3 before rounding), so the validity page has
        figures to show; bypassing the service (and its audit events) for bulk generation only."""
        from analytics.models import PerformanceRating
        from candidates.models import Application
        from interviews.models import AIDimensionScore

        rng = self.rng
        hires = list(Application.objects.filter(stage="hired").values_list("pk", flat=True))
        solving = dict(
            AIDimensionScore.objects.filter(
                dimension="problem_solving", assessment__interview__application__stage="hired"
            ).values_list("assessment__interview__application_id", "score")
        )
        today = self.now.date()
        end = datetime.date(today.year, 1, 1) - datetime.timedelta(days=1)
        if today.month > 6:
            end = datetime.date(today.year, 6, 30)
        periods = []
        for _half in range(2):
            start = datetime.date(end.year, 1 if end.month == 6 else 7, 1)
            periods.append((start, end))
            end = start - datetime.timedelta(days=1)
        ratings = []
        for application_id in hires:
            # Scores are uniform from 20 to 95: standardised, then 0.3 of the rating's spread.
            z = (float(solving[application_id]) - 57.5) / 21.65 if application_id in solving else 0.0
            for start, end in periods:
                value = 3 + 0.9 * (0.3 * z + 0.95 * rng.gauss(0, 1))
                rating = min(5.0, max(1.0, round(value * 2) / 2))
                dimensions = {}
                if rng.random() < 0.5:
                    dimensions = {
                        name: str(min(5, max(1, round(rating + rng.gauss(0, 0.7))))) for name in WEIGHTS
                    }
                ratings.append(
                    PerformanceRating(
                        id=self.uuid(),
                        application_id=application_id,
                        period_start=start,
                        period_end=end,
                        rating=f"{rating:g}",
                        dimension_ratings=dimensions,
                        source="api",
                        recorded_by=self.recruiter,
                    )
                )
            if len(ratings) >= BATCH:
                self._insert(PerformanceRating, ratings)
                ratings.clear()
        self._insert(PerformanceRating, ratings)
        done = self.rows.get("analytics_performancerating", 0)
        progress("performance ratings", done, done)

    def self_identifications(self) -> None:
        """Six in ten applicants self-identify on the careers page, for their first application:
        sex, and race or ethnicity where the position is in the US (EEO-1), a tenth of each answer
        "prefer not to say" and a tenth not answered, so the fairness figures have every kind of
        category. Sealed like any encrypted value; COPY, bypassing `self_identification_record`
        (and its audit events) for bulk generation only."""
        from analytics.fairness import categories
        from analytics.models import SelfIdentification
        from candidates.models import Application

        rng = self.rng
        sexes = [c for c in categories.SEX if c != categories.DECLINED]
        races = [c for c in categories.RACE_ETHNICITY if c != categories.DECLINED]

        def answer(choices: list[str]) -> str:
            draw = rng.random()
            if draw < 0.1:
                return categories.DECLINED
            return "" if draw < 0.2 else rng.choice(choices)

        first = (
            Application.objects.order_by("candidate_id", "created_at")
            .distinct("candidate_id")
            .values_list("candidate_id", "pk", "position__region")
        )
        rows = []
        for candidate_id, application_id, region in first.iterator(chunk_size=BATCH):
            if rng.random() >= 0.6:
                continue
            scheme = categories.scheme_for(region)
            rows.append(
                SelfIdentification(
                    id=self.uuid(),
                    candidate_id=candidate_id,
                    scheme=scheme,
                    region=region,
                    application_id=application_id,
                    sex=answer(sexes),
                    race_ethnicity=answer(races) if scheme == categories.US_EEO1 else "",
                    channel=SelfIdentification.Channel.CAREERS,
                )
            )
            if len(rows) >= BATCH:
                self._insert(SelfIdentification, rows)
                rows.clear()
        self._insert(SelfIdentification, rows)
        done = self.rows.get("analytics_selfidentification", 0)
        progress("self-identifications", done, done)

    def surveys(self) -> None:
        """The candidate survey after each interview that ended (completed, or a technical
        failure): sent half an hour after its end, a third answered within two days, a comment
        in a third of the answers, in the candidate's language; technical problems reported
        after most failures and a few completions. One read of the ended interviews with their
        region and language, then COPY, bypassing `survey_invitations_send` and `survey_answer`
        (and their messages and audit events) for bulk generation only."""
        from interviews.models import Interview, InterviewSurvey

        rng = self.rng
        ended = Interview.objects.filter(status__in=["completed", "technical_issue"]).values_list(
            "pk",
            "kind",
            "provider",
            "status",
            "starts_at",
            "duration_minutes",
            "application__candidate_id",
            "application__candidate__preferred_language",
            "application__position__region",
        )
        surveys = []
        for pk, kind, provider, status, starts_at, minutes, candidate_id, language, region in ended.iterator(
            chunk_size=BATCH
        ):
            sent_at = starts_at + datetime.timedelta(minutes=minutes + 30)
            if sent_at > self.now:
                continue
            answered = rng.random() < 0.35
            failed = status == "technical_issue"
            answer = {}
            if answered:
                technical = rng.random() < (0.8 if failed else 0.08)
                overall = min(5, max(1, round(rng.gauss(2.6 if technical else 4.0, 0.9))))
                answer = {
                    "answered_at": min(sent_at + datetime.timedelta(hours=rng.uniform(0.2, 48)), self.now),
                    "overall": overall,
                    "technical_problems": technical,
                    "fairness": min(5, max(1, round(rng.gauss(4.1, 0.8)))),
                    "comment": rng.choice(SURVEY_COMMENTS[language]) if rng.random() < 0.33 else "",
                }
            surveys.append(
                InterviewSurvey(
                    id=self.uuid(),
                    interview_id=pk,
                    candidate_id=candidate_id,
                    language=language,
                    region=region,
                    provider=provider,
                    kind=kind,
                    sent_at=sent_at,
                    **{"comment": "", **answer},
                )
            )
            if len(surveys) >= BATCH:
                self._insert(InterviewSurvey, surveys)
                surveys.clear()
                done = self.rows.get("interviews_interviewsurvey", 0)
                progress("survey answers", done, done)
        self._insert(InterviewSurvey, surveys)
        done = self.rows.get("interviews_interviewsurvey", 0)
        progress("surveys sent (a third answered)", done, done)

    def prior_records(self) -> None:
        """Past performance and training for a quarter of the candidates (returning and internal
        ones), one to three records each."""
        from candidates.models import PriorRecord

        rng = self.rng
        kinds = [
            ("performance_review", "Annual review", "Meets expectations"),
            ("training", "Data privacy training", "Passed"),
            ("employment", "Software engineer", ""),
        ]
        records = []
        for candidate_id in self.candidate_ids:
            if rng.random() >= 0.25:
                continue
            for kind, title, rating in rng.sample(kinds, rng.randrange(1, 4)):
                start = self.now.date() - datetime.timedelta(days=rng.randrange(200, 3000))
                records.append(
                    PriorRecord(
                        id=self.uuid(),
                        candidate_id=candidate_id,
                        kind=kind,
                        title=title,
                        organisation="Example Ltd",
                        period_start=start,
                        period_end=min(
                            start + datetime.timedelta(days=rng.randrange(1, 700)), self.now.date()
                        ),
                        rating=rating,
                        notes="Led the team's move to the new data platform.",
                    )
                )
            if len(records) >= BATCH:
                self._insert(PriorRecord, records)
                records.clear()
        self._insert(PriorRecord, records)
        progress(
            "prior records",
            self.rows.get("candidates_priorrecord", 0),
            self.rows.get("candidates_priorrecord", 0),
        )

    def portal_candidate(self) -> None:
        """What the portal shows `bench-candidate` (the first candidate), so that measure.py can
        open each of its pages: an upcoming AI interview (interview page, consent), one lost to a
        technical failure with new times offered (the reschedule link), a released result, an
        offer waiting for an answer, and a hire with onboarding tasks open. The interviews are
        bench-interviewer-000's, whose other interviews the reschedule times must avoid."""
        from django.contrib.auth.models import Permission

        from candidates.models import (
            Application,
            ApplicationUserObjectPermission,
            CandidateUserObjectPermission,
        )
        from interviews import providers
        from interviews.models import (
            Incident,
            Interview,
            InterviewAssignment,
            InterviewUserObjectPermission,
            RescheduleOffer,
            workspace_place,
        )
        from interviews.services.incidents import token_hash

        candidate_id, zone = self.candidate_ids[0], self.candidate_zone[0]
        interviewer_id = self.interviewer_ids[0]
        perm = dict(
            Permission.objects.filter(
                codename__in=["view_interview", "view_application", "view_candidate"]
            ).values_list("codename", "pk")
        )
        taken = set(
            Application.objects.filter(candidate_id=candidate_id).values_list("position_id", flat=True)
        )
        free = [pk for pk in self.position_ids if pk not in taken]
        day = datetime.timedelta(days=1)
        rows: dict[type, list] = {}

        def add(*objects) -> None:
            for obj in objects:
                rows.setdefault(type(obj), []).append(obj)

        def grant(model, codename, object_id):
            return model(user_id=interviewer_id, permission_id=perm[codename], content_object_id=object_id)

        granted = CandidateUserObjectPermission.objects.filter(
            user_id=interviewer_id, content_object_id=candidate_id
        )
        if not granted.exists():
            add(grant(CandidateUserObjectPermission, "view_candidate", candidate_id))

        def application(position_id, stage, since):
            app, change = self._application(candidate_id, position_id, stage, since)
            add(app, change, grant(ApplicationUserObjectPermission, "view_application", app.pk))
            return app

        def interview(app, status, starts_at, *, released=False):
            held = Interview(
                id=self.uuid(),
                application_id=app.pk,
                kind="ai_video",
                starts_at=starts_at,
                duration_minutes=45,
                candidate_time_zone=zone,
                status=status,
                results_released_at=starts_at + 2 * day if released else None,
                ended_at=starts_at + datetime.timedelta(minutes=45) if status == "completed" else None,
            )
            meeting = providers.get("simulated").create_meeting(held)
            held.provider_meeting_id, held.join_url = meeting.meeting_id, meeting.join_url
            assignment = InterviewAssignment(
                id=self.uuid(),
                interview_id=held.pk,
                interviewer_id=interviewer_id,
                assigned_by=self.recruiter,
                interview_status=status,
                interview_starts_at=starts_at,
                interview_ends_at=starts_at + datetime.timedelta(minutes=45),
                # No scorecard is written for these: a held one awaits it.
                **workspace_place(status=status, starts_at=starts_at, submitted=False),
            )
            add(held, assignment, grant(InterviewUserObjectPermission, "view_interview", held.pk))
            decided_at = min(starts_at - 2 * day, self.now)
            add(*self._consents(candidate_id, held.pk, decided_at, language=REGIONS[0][2]))
            if status == "completed":
                assessment, scores, reviews = self._assessment(held.pk, starts_at)
                add(assessment, *scores, *reviews)
            return held

        waiting = application(free[0], "interviewing", self.now - 20 * day)
        lost = interview(waiting, "technical_issue", self.now - day)
        interview(waiting, "scheduled", self.now + 3 * day)
        add(
            Incident(
                id=self.uuid(),
                interview_id=lost.pk,
                kind="technical_issue",
                occurred_at=lost.starts_at + datetime.timedelta(minutes=5),
                region=REGIONS[0][0],
                provider="simulated",
                resolution="reschedule_offered",
            ),
            RescheduleOffer(
                id=self.uuid(),
                interview_id=lost.pk,
                token_sha256=token_hash(RESCHEDULE_TOKEN),
                slots=[slot.isoformat() for slot in self._weekday_mornings(zone, count=3)],
                expires_at=self.now + 30 * day,
            ),
        )
        for position_id, stage, offer_status in ((free[1], "offer", "sent"), (free[2], "hired", "accepted")):
            app = application(position_id, stage, self.now - 10 * day)
            interview(app, "completed", self.now - 30 * day, released=True)
            decision, offer, check = self._hire(app.pk, position_id, self.now - 5 * day, offer_status)
            offer.expires_at = self.now + 25 * day
            add(decision, offer, check, self._approval(offer, decision.decided_at))
            if offer_status == "accepted":
                plan, tasks = self._onboarding(offer, self.now)
                add(plan, *tasks)
        # Each model in the order it was first added: every row's references are written before it.
        for model, objects in rows.items():
            self._insert(model, objects)
        print("  the portal's bench candidate: an interview to come, a lost one, a result, an offer, a hire")

    def _weekday_mornings(self, zone: str, *, count: int) -> list[datetime.datetime]:
        """10:00 in `zone` on the next `count` weekdays after tomorrow, in UTC."""
        from zoneinfo import ZoneInfo

        day, mornings = self.now.astimezone(ZoneInfo(zone)).date(), []
        while len(mornings) < count:
            day += datetime.timedelta(days=1)
            if day.weekday() < 5 and day > self.now.date() + datetime.timedelta(days=1):
                morning = datetime.datetime.combine(day, datetime.time(10), tzinfo=ZoneInfo(zone))
                mornings.append(morning.astimezone(datetime.UTC))
        return mornings

    def audit_events(self) -> None:
        """Events written in bulk, sealed and unchained as `audit_record` writes them, then linked
        by the chainer itself, a batch per transaction."""
        from audit import chain
        from audit.models import AuditEvent
        from audit.services import audit_chain_pending

        rng = self.rng
        people = [(self.recruiter.pk, "bench-recruiter")] + [
            (pk, f"bench-interviewer-{n:03d}") for n, pk in enumerate(self.interviewer_ids)
        ]
        start = self.now - datetime.timedelta(days=90)
        step = datetime.timedelta(days=90) / max(self.n_audit_events, 1)
        batch = []
        for n in range(self.n_audit_events):
            actor_id, actor_label = people[0] if rng.random() < 0.5 else rng.choice(people)
            event = AuditEvent(
                at=start + step * n,
                actor_id=actor_id,
                actor_label=actor_label,
                request_id=f"{rng.getrandbits(64):016x}",
                ip=f"10.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(1, 255)}",
                user_agent="Mozilla/5.0 (bench)",
                **self._audit_content(rng),
            )
            event.seal = chain.seal(event)
            batch.append(event)
            if len(batch) >= BATCH:
                self._insert(AuditEvent, batch)
                batch = []
                progress("audit events", n + 1, self.n_audit_events)
        self._insert(AuditEvent, batch)
        progress("audit events", self.n_audit_events, self.n_audit_events)
        while audit_chain_pending(wait=True):
            print(f"  [{time.perf_counter() - _STARTED:7.1f} s] chaining audit events", flush=True)

    def _audit_content(self, rng: random.Random) -> dict:
        """What one event is about: mostly reads of candidate files, as in a real trail."""
        roll = rng.random()
        cand = rng.randrange(len(self.candidate_ids))
        if roll < 0.45:
            return _about("view", "candidates.candidate", self.candidate_ids[cand], self.candidate_ids[cand])
        if roll < 0.65:
            ids = [str(self.candidate_ids[rng.randrange(len(self.candidate_ids))]) for _ in range(25)]
            page = {"query": {"page": str(rng.randrange(1, 40))}}
            return _about("list", "candidates.candidate", target_ids=ids, detail=page)
        if roll < 0.8:
            k = rng.randrange(len(self.interview_ids))
            owner = self.candidate_ids[self.interview_candidate[k]]
            return _about("view", "interviews.interview", self.interview_ids[k], owner)
        if roll < 0.95:
            a = rng.randrange(len(self.application_ids))
            owner = self.candidate_ids[self.application_candidate[a]]
            move = {"event": "screen", "from": "applied", "to": "screening"}
            return _about(
                "update", "candidates.application", self.application_ids[a], owner, ["stage"], detail=move
            )
        fields = ["email", "full_name"]
        return _about(
            "create", "candidates.candidate", self.candidate_ids[cand], self.candidate_ids[cand], fields
        )


def _copy(model, objects: list) -> None:
    """Writes `objects` as bulk_create would, through PostgreSQL's COPY, without building and
    parsing one INSERT of tens of thousands of parameters, which took most of the generator's
    time. The values are those bulk_create writes: each field's pre_save (which seals encrypted
    fields to their row) and database preparation, skipped only for fields whose values psycopg
    writes as they are (`_as_it_is`). An auto-numbered key left unset is
    left to the database, as bulk_create does; unlike it, the objects do not learn their numbers
    (no step here needs them)."""
    from django.db import connection

    first = objects[0]
    fields = [
        f for f in model._meta.concrete_fields if not (f.primary_key and getattr(first, f.attname) is None)
    ]
    plain = [f.attname for f in fields if _as_it_is(f)]
    prepared = [f for f in fields if f.attname not in plain]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in [*(model._meta.get_field(n) for n in plain), *prepared])
    statement = f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN"
    with connection.cursor() as cursor, cursor.copy(statement) as copy:
        for obj in objects:
            values = obj.__dict__
            row = [_plain(values[name]) for name in plain]
            row += [f.get_db_prep_save(_value_to_write(f, obj), connection) for f in prepared]
            copy.write_row(row)


def _value_to_write(field, obj):
    """What save() would write, but for personal data, which is sealed under the keyring as it was
    before person keys: `adopt_person_keys` then moves it under each person's key, timed, as it
    would move a live database's (docs/architecture.md, "Person keys")."""
    from hrsuite.fields import EncryptedTextField

    if isinstance(field, EncryptedTextField):
        return field.seal(obj.__dict__[field.attname], row_id=obj.pk)
    return field.pre_save(obj, True)


@functools.cache
def _plain_types() -> frozenset[type]:
    from django.db import models

    return frozenset(
        {
            models.UUIDField,
            models.ForeignKey,
            models.OneToOneField,
            models.CharField,
            models.TextField,
            models.IntegerField,
            models.SmallIntegerField,
            models.PositiveIntegerField,
            models.PositiveSmallIntegerField,
            models.BigIntegerField,
            models.BooleanField,
            models.FloatField,
            models.DateTimeField,
        }
    )


def _as_it_is(field) -> bool:
    """Whether a field's Python value is its column's value: a field of exactly a plain type (a
    subclass, such as an encrypted field, may prepare its value) that sets no time of its own."""
    stamped = getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
    return type(field) in _plain_types() and not stamped


def _plain(value):
    """A choice's value, not the member: psycopg would write an enum member by its name."""
    return value.value if isinstance(value, enum.Enum) else value


def _about(
    action, target_type, target_id="", candidate_id=None, changed_fields=(), *, target_ids=(), detail=None
):
    return {
        "action": action,
        "target_type": target_type,
        "target_id": str(target_id),
        "candidate_id": candidate_id,
        "target_ids": list(target_ids),
        "changed_fields": sorted(changed_fields),
        "detail": detail or {},
    }


# --- Reporting ---------------------------------------------------------------------------------

_STARTED = time.perf_counter()
_last_progress: tuple = ()


def progress(what: str, done: int, total: int, *, unit: str = "") -> None:
    global _last_progress
    if (what, done, total) == _last_progress:  # the final call after a full last batch
        return
    _last_progress = (what, done, total)
    elapsed = time.perf_counter() - _STARTED
    print(f"  [{elapsed:7.1f} s] {what}: {done:,}/{total:,} {unit}".rstrip(), flush=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidates", type=int, default=100_000)
    parser.add_argument("--interviews", type=int, default=300_000)
    parser.add_argument("--audit-events", type=int, default=200_000)
    parser.add_argument("--interviewers", type=int, default=100)
    parser.add_argument(
        "--scale", type=float, default=1.0, help="multiplies candidates, interviews and audit events"
    )
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--fresh",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="drop and recreate the bench database first (default); --no-fresh needs an empty one",
    )
    parser.add_argument(
        "--adopt",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="seal the personal data under person keys at the end, timed (default); --no-adopt "
        "leaves it under the keyring, as a database from before person keys",
    )
    args = parser.parse_args(argv)

    use_bench_environment()
    prepare_database(os.environ["DATABASE_URL"], fresh=args.fresh)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from analytics.services.fairness import fairness_refresh
    from analytics.services.validity import validity_refresh
    from audit.services import audit_verify
    from candidates.models import Candidate
    from interviews.services.survey_results import survey_results_refresh

    call_command("migrate", verbosity=0)
    print(f"  [{time.perf_counter() - _STARTED:7.1f} s] migrated", flush=True)
    if Candidate.objects.exists():
        raise SystemExit("The bench database holds data already: run with --fresh (the default).")
    with connection.cursor() as cursor:
        # Bench data only: losing the last commits in a crash costs nothing, and this halves load time.
        cursor.execute("SET synchronous_commit TO off")

    generator = Generator(
        candidates=max(1, round(args.candidates * args.scale)),
        interviews=max(1, round(args.interviews * args.scale)),
        interviewers=args.interviewers,
        audit_events=max(1, round(args.audit_events * args.scale)),
        seed=args.seed,
    )
    generator.run()

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")  # fresh statistics and visibility map, as a live DB has
    print(f"  [{time.perf_counter() - _STARTED:7.1f} s] vacuum analyze done", flush=True)
    if args.adopt:
        adopting = time.perf_counter()
        call_command("adopt_person_keys", stdout=sys.stdout)
        took = time.perf_counter() - adopting
        print(f"  [{time.perf_counter() - _STARTED:7.1f} s] person keys adopted in {took:.1f} s", flush=True)
    computing = time.perf_counter()
    departments = 0
    while computed := validity_refresh():  # as beat would, RUN_LIMIT departments a run
        departments += len(computed)
    took = time.perf_counter() - computing
    elapsed = time.perf_counter() - _STARTED
    print(f"  [{elapsed:7.1f} s] validity of {departments} departments computed in {took:.1f} s", flush=True)
    computing = time.perf_counter()
    groups = survey_results_refresh()  # as beat's `survey-results-refresh` would
    took = time.perf_counter() - computing
    elapsed = time.perf_counter() - _STARTED
    print(f"  [{elapsed:7.1f} s] survey results of {groups} groups computed in {took:.1f} s", flush=True)
    computing = time.perf_counter()
    tools = 0
    while computed := fairness_refresh():  # as beat's `fairness-refresh` would
        tools += len(computed)
    took = time.perf_counter() - computing
    elapsed = time.perf_counter() - _STARTED
    print(f"  [{elapsed:7.1f} s] impact ratios of {tools} tools computed in {took:.1f} s", flush=True)
    checked, broken = audit_verify()
    verdict = "intact" if broken is None else f"BROKEN at #{broken.seq}: {broken.reason}"
    print(f"  [{time.perf_counter() - _STARTED:7.1f} s] audit chain {verdict} ({checked:,} events)")

    print("\nrows written:")
    for table, count in generator.rows.items():
        print(f"  {table:<45} {count:>10,}")
    print(f"total time: {time.perf_counter() - _STARTED:.1f} s")


if __name__ == "__main__":
    main()
