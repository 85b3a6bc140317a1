"""`manage.py seed_demo`: a small bilingual demo company, made through the services, once.

Everything below the user accounts goes through the services a real run uses, so the demo is what
a newcomer would get by using hrsuite: upcoming interviews are scheduled (invitations and reminders
wait in the outbox), candidates consent through their own consent link or portal account, the
simulated provider reports what happened to past video interviews (so AI assessments pass the one
way in, which checks consent, state and the position's dimensions), incidents offer new times, and
results are released only as the release service allows. Interviews that already happened are
recorded as such (`interview_create`), as an import would. A second run finds the `recruiter` user
(or the first demo position) and changes nothing.

The demo password is DEMO_PASSWORD from the environment, else DEFAULT_PASSWORD: a well-known
value printed when the demo is loaded, fit for a laptop demo and nothing else. With production settings the
command refuses to run unless DEMO_PASSWORD is set.
"""

# Chinese text keeps its own full-width punctuation, which RUF001 takes for look-alike ASCII.
# ruff: noqa: RUF001

import datetime
import os
import uuid
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from audit import context
from audit.models import AuditEvent
from candidates.models import Application, Candidate, Position
from candidates.services import intake
from candidates.services.applications import application_create, application_move
from candidates.services.candidates import candidate_create, candidate_portal_link
from candidates.services.positions import position_create, position_transition
from candidates.services.resume_files import resume_file_upload
from demo.resume_files import docx_with_text, pdf_with_text
from hrsuite.roles import Role
from interviews.models import AIAssessment, Consent, Incident, Interview
from interviews.providers import ProviderEvent
from interviews.services import candidate_links, feedback, incidents, scheduling, webhooks
from interviews.services import consent as consent_services
from interviews.services.assignments import assignment_create
from interviews.services.interviews import interview_create, interview_results_release
from interviews.services.reviews import human_review_create
from interviews.services.scorecards import scorecard_save, scorecard_submit
from interviews.services.survey import survey_answer_by_link, survey_invitations_send, survey_token
from interviews.services.survey_results import survey_results_refresh
from interviews.survey_models import InterviewSurvey
from notifications.models import Notification
from onboarding.services.candidate_links import offer_answer_by_link, offer_token
from onboarding.services.decisions import decision_record
from onboarding.services.offers import offer_send, offer_submit
from privacy.models import PrivacyRequest
from privacy.services.erasure import erasure_carry_out
from privacy.services.requests import privacy_request_record, privacy_request_start, privacy_request_submit

DEFAULT_PASSWORD = "hrsuite-demo-2026"  # noqa: S105 - a published demo password, not a secret

# Who the AI assessments come from: the (simulated) interview provider, not a person.
PROVIDER_ACTOR = "provider:simulated"

AI, LIVE, PHONE, ONSITE = (
    Interview.Kind.AI_VIDEO,
    Interview.Kind.LIVE_VIDEO,
    Interview.Kind.PHONE,
    Interview.Kind.ONSITE,
)
InterviewStatus = Interview.Status

# --- Data tables -------------------------------------------------------------------------------

# username, role, first name, last name, language, time zone
USERS = [
    ("recruiter", Role.RECRUITER, "美", "林", "zh-hans", "Asia/Shanghai"),
    ("hradmin", Role.HR_ADMIN, "Anna", "Schmidt", "en", "Europe/Berlin"),
    ("interviewer1", Role.INTERVIEWER, "强", "王", "zh-hans", "Asia/Shanghai"),
    ("interviewer2", Role.INTERVIEWER, "David", "Miller", "en", "America/Chicago"),
    ("candidate1", Role.CANDIDATE, "伟", "张", "zh-hans", "Asia/Shanghai"),
]

# The portal user whose Candidate row the demo links: username -> candidate key.
PORTAL_CANDIDATES = {"candidate1": "zhang_wei"}

# Candidates who sent a résumé file, made here in code: its text becomes their résumé once the
# worker has read it (docs/architecture.md, "Résumé files").
RESUME_FILES = {"emily_johnson": "Emily Johnson - CV.pdf", "chen_jing": "陈静 Chen Jing 简历.docx"}

# key: title in English and in Chinese, department, region, time zone, headcount, interviewer pool
# (the recruiter owns each), interview plan [(kind, minutes)], dimensions [(key, weight, English
# label, Chinese label)]
POSITIONS = {
    "backend": (
        ("Senior Backend Engineer", "高级后端工程师"),
        "Engineering",
        "CN",
        "Asia/Shanghai",
        2,
        ["interviewer1", "interviewer2"],
        [(AI, 30), (LIVE, 60), (ONSITE, 120)],
        [
            ("communication", 0.3, "Communication", "沟通能力"),
            ("problem_solving", 0.4, "Problem solving", "问题解决"),
            ("technical_depth", 0.3, "Technical depth", "技术深度"),
        ],
    ),
    "data": (
        ("Data Analyst", "数据分析师"),
        "Analytics",
        "US-IL",
        "America/Chicago",
        1,
        ["interviewer2"],
        [(AI, 30), (PHONE, 30), (LIVE, 45)],
        [
            ("communication", 0.4, "Communication", "沟通能力"),
            ("analytical_thinking", 0.6, "Analytical thinking", "分析思维"),
        ],
    ),
    "product": (
        ("Product Manager", "产品经理"),
        "Product",
        "DE-BE",
        "Europe/Berlin",
        1,
        ["interviewer2"],
        [(AI, 30), (ONSITE, 120)],
        [
            ("communication", 0.4, "Communication", "沟通能力"),
            ("stakeholder_management", 0.3, "Working with stakeholders", "利益相关方管理"),
            ("problem_solving", 0.3, "Problem solving", "问题解决"),
        ],
    ),
    "success": (
        ("Customer Success Specialist", "客户成功专员"),
        "Customer Success",
        "SG",
        "Asia/Singapore",
        3,
        ["interviewer1"],
        [(AI, 30), (PHONE, 30)],
        [
            ("communication", 0.5, "Communication", "沟通能力"),
            ("customer_focus", 0.3, "Customer focus", "客户导向"),
            ("problem_solving", 0.2, "Problem solving", "问题解决"),
        ],
    ),
    "intern": (
        ("Backend Summer Intern", "后端暑期实习生"),
        "Engineering",
        "CN",
        "Asia/Shanghai",
        2,
        ["interviewer1"],
        [(PHONE, 30), (LIVE, 45)],
        [
            ("problem_solving", 0.5, "Problem solving", "问题解决"),
            ("learning_agility", 0.5, "Learning agility", "学习能力"),
        ],
    ),
}
# The requisitions filled before the demo starts: closed with applications still open, which HR
# closes together from the position's page.
CLOSED_POSITIONS = ["intern"]
# Its presence means the demo was loaded (together with the `recruiter` user).
MARKER_POSITION = POSITIONS["backend"][0][0]

# key: full name, e-mail, phone, region, time zone, language, source, date of birth,
#      résumé (English), résumé (中文)
CANDIDATES = {
    "zhang_wei": (
        "张伟 Zhang Wei",
        "zhang.wei@example.cn",
        "+86 138 0013 8001",
        "CN",
        "Asia/Shanghai",
        "zh-hans",
        "campus",
        "1994-03-12",
        "Backend engineer, 6 years of Python and Django; led a payments migration at a Shanghai fintech.",
        "后端工程师，六年 Python/Django 经验；在上海一家金融科技公司主导支付系统迁移。",
    ),
    "li_na": (
        "李娜 Li Na",
        "li.na@example.cn",
        "+86 139 0021 4502",
        "CN",
        "Asia/Shanghai",
        "zh-hans",
        "referral",
        "1991-07-28",
        "Platform engineer: PostgreSQL tuning, Kubernetes, on-call lead for a 40-service estate.",
        "平台工程师：PostgreSQL 调优、Kubernetes，负责 40 个服务的值班体系。",
    ),
    "emily_johnson": (
        "Emily Johnson",
        "emily.johnson@example.com",
        "+1 312 555 0142",
        "US-IL",
        "America/Chicago",
        "en",
        "job board",
        "",
        "Data analyst in retail: SQL, dbt, Looker dashboards for 200 stores.",
        "零售数据分析师：SQL、dbt，为 200 家门店制作 Looker 报表。",
    ),
    "lukas_becker": (
        "Lukas Becker",
        "lukas.becker@example.com",
        "+49 30 5550 1234",
        "DE-BE",
        "Europe/Berlin",
        "en",
        "LinkedIn",
        "1989-11-02",
        "Product manager for B2B SaaS; shipped a GDPR self-service data export.",
        "B2B SaaS 产品经理；上线了符合 GDPR 的自助数据导出功能。",
    ),
    "chen_jing": (
        "陈静 Chen Jing",
        "chen.jing@example.cn",
        "+86 137 0035 7788",
        "CN",
        "Asia/Shanghai",
        "zh-hans",
        "career site",
        "",
        "Customer success specialist, bilingual support for APAC enterprise accounts.",
        "客户成功专员，为亚太区企业客户提供中英双语支持。",
    ),
    "tan_wei_ming": (
        "Tan Wei Ming 陈伟明",
        "tan.weiming@example.com",
        "+65 6555 0101",
        "SG",
        "Asia/Singapore",
        "en",
        "agency",
        "1996-01-19",
        "Account manager at a Singapore logistics start-up; renewals rate 95 %.",
        "新加坡物流初创公司客户经理；续约率 95%。",
    ),
    "priya_raman": (
        "Priya Raman",
        "priya.raman@example.com",
        "+65 6555 0177",
        "SG",
        "Asia/Singapore",
        "en",
        "career site",
        "",
        "Support lead: built the knowledge base that halved ticket volume.",
        "支持团队负责人：搭建知识库，使工单量减半。",
    ),
    "liu_yang": (
        "刘洋 Liu Yang",
        "liu.yang@example.cn",
        "+86 135 0046 2210",
        "CN",
        "Asia/Shanghai",
        "zh-hans",
        "job board",
        "",
        "Go and Python developer, search and recommendation services.",
        "Go/Python 开发，负责搜索与推荐服务。",
    ),
    "marcus_brown": (
        "Marcus Brown",
        "marcus.brown@example.com",
        "+1 773 555 0199",
        "US-IL",
        "America/Chicago",
        "en",
        "referral",
        "",
        "Business analyst in insurance; forecasting models in Python.",
        "保险行业业务分析师；用 Python 构建预测模型。",
    ),
    "sophie_wagner": (
        "Sophie Wagner",
        "sophie.wagner@example.com",
        "+49 30 5550 8890",
        "DE-BE",
        "Europe/Berlin",
        "en",
        "LinkedIn",
        "1993-05-30",
        "Product owner for a mobility app with 2 million users.",
        "出行应用产品负责人，用户 200 万。",
    ),
    "huang_lei": (
        "黄磊 Huang Lei",
        "huang.lei@example.cn",
        "+86 136 0058 3344",
        "CN",
        "Asia/Shanghai",
        "zh-hans",
        "campus",
        "",
        "New graduate, computer science, Fudan University; internship on a Django CMS.",
        "复旦大学计算机专业应届毕业生；曾在 Django 内容管理系统项目实习。",
    ),
    "olivia_chen": (
        "Olivia Chen 陈晓",
        "olivia.chen@example.com",
        "+1 312 555 0163",
        "US-IL",
        "America/Chicago",
        "zh-hans",
        "career site",
        "",
        "Analytics engineer; experimentation platform and A/B test reporting.",
        "分析工程师；负责实验平台与 A/B 测试报告。",
    ),
    "wang_fang": (
        "王芳 Wang Fang",
        "wang.fang@example.cn",
        "+86 138 0067 1200",
        "CN",
        "Asia/Shanghai",
        "zh-hans",
        "campus",
        "",
        "Computer science student at Zhejiang University; a summer project in Python and PostgreSQL.",
        "浙江大学计算机专业在读；暑期完成一个 Python 与 PostgreSQL 项目。",
    ),
    "zhou_min": (
        "周敏 Zhou Min",
        "zhou.min@example.cn",
        "+86 137 0045 2210",
        "CN",
        "Asia/Shanghai",
        "zh-hans",
        "job board",
        "1996-01-09",
        "Backend developer, 3 years of Go and Python; built an order-routing service.",
        "后端开发，三年 Go 与 Python 经验；开发过订单路由服务。",
    ),
    "gao_yan": (
        "高燕 Gao Yan",
        "gao.yan@example.cn",
        "+86 135 0099 7731",
        "CN",
        "Asia/Shanghai",
        "zh-hans",
        "career site",
        "1998-11-02",
        "Front-end developer, 2 years of React; wants to move to the backend.",
        "前端开发，两年 React 经验；希望转向后端。",
    ),
    "sun_li": (
        "孙丽 Sun Li",
        "sun.li@example.cn",
        "+86 139 0076 5512",
        "CN",
        "Asia/Shanghai",
        "zh-hans",
        "referral",
        "1992-06-21",
        "Senior Python engineer; search and recommendation services for an e-commerce site.",
        "资深 Python 工程师；负责电商网站的搜索与推荐服务。",
    ),
    "ma_jun": (
        "马骏 Ma Jun",
        "ma.jun@example.cn",
        "+86 136 0032 9087",
        "CN",
        "Asia/Shanghai",
        "en",
        "LinkedIn",
        "1990-09-14",
        "Staff engineer: Django monolith to services, PostgreSQL partitioning, mentoring six engineers.",
        "主任工程师：将 Django 单体拆分为服务，PostgreSQL 分区，指导六名工程师。",
    ),
    "daniel_kim": (
        "Daniel Kim",
        "daniel.kim@example.com",
        "+1 312 555 0188",
        "US-IL",
        "America/Chicago",
        "en",
        "campus",
        "",
        "Final-year student and data structures tutor; contributes to an open-source web framework.",
        "大四学生，数据结构课程助教；为一个开源 Web 框架贡献代码。",
    ),
}

# Applications that arrive through the careers page (`candidates.services.intake`, as its form
# sends them): name, e-mail, phone, position, language, how they heard of us (and in their words),
# the résumé file's name and its lines. Daniel Kim applied for the internship already: his second
# application lands on his record, which keeps its data.
CAREERS_APPLICATIONS = [
    (
        "Nguyen Thi Mai",
        "mai.nguyen@example.com",
        "+65 8123 4567",
        "data",
        "en",
        "job_board",
        "",
        "Mai Nguyen CV.pdf",
        ["Nguyen Thi Mai", "Analytics engineer, 5 years", "Skills: SQL, dbt, Airflow, Tableau"],
    ),
    (
        "赵雪 Zhao Xue",
        "zhao.xue@example.cn",
        "",
        "product",
        "zh-hans",
        "referral",
        "朋友介绍",
        "赵雪简历.docx",
        ["赵雪 Zhao Xue", "产品经理，六年经验，负责过电商会员体系。"],
    ),
    (
        "Daniel Kim",
        "Daniel.Kim@example.com",
        "",
        "data",
        "en",
        "event",
        "Campus career fair",
        "Daniel Kim resume.pdf",
        ["Daniel Kim", "Final-year student, data structures tutor", "Skills: Python, SQL"],
    ),
]

# candidate, position, stage events through `application_move`: before the interviews are
# scheduled, and after what happened in them
APPLICATIONS = [
    ("zhang_wei", "backend", ["interview"], []),
    ("li_na", "backend", ["interview"], ["await_decision"]),
    ("emily_johnson", "data", ["screen", "interview"], []),
    ("lukas_becker", "product", ["interview"], []),
    ("chen_jing", "success", ["screen"], []),
    ("tan_wei_ming", "success", ["interview"], []),
    ("priya_raman", "success", [], []),
    ("liu_yang", "backend", ["interview"], ["withdraw"]),
    ("marcus_brown", "data", ["interview"], []),
    ("sophie_wagner", "product", ["interview"], ["await_decision"]),
    ("huang_lei", "backend", [], []),
    ("olivia_chen", "data", ["interview"], []),
    ("wang_fang", "intern", ["screen"], []),
    ("daniel_kim", "intern", [], []),
    # The rest of the backend board, one per stage the decisions below reach.
    ("zhou_min", "backend", ["screen"], []),
    ("gao_yan", "backend", [], []),
    ("sun_li", "backend", ["interview", "await_decision"], []),
    ("ma_jun", "backend", ["interview", "await_decision"], []),
]

# candidate, outcome and its reason, and whether the offer of a hire was sent and accepted: with
# the applications above, the backend position's board has a candidate in every stage.
DECISIONS = [
    ("gao_yan", "reject", "The position needs three years of backend work. 该职位需要三年后端经验。", ()),
    ("sun_li", "hire", "", ("send",)),
    ("ma_jun", "hire", "", ("send", "accept")),
]
# The terms of the demo's offers; start and answer-by dates count from today.
OFFER_TERMS = {"salary": "420000", "currency": "CNY", "location": "Shanghai 上海"}
OFFER_START_DAYS, OFFER_ANSWER_DAYS = 30, 7

# key, candidate (of their one application), kind, days from today, local start time, status,
# assigned interviewers. Upcoming interviews (scheduled, and the one cancelled later) are scheduled
# at the first time from there that every scheduling rule accepts; the others happened already.
# An interview in progress starts ten minutes ago, whatever its row says.
INTERVIEWS = [
    ("zhang_wei_ai", "zhang_wei", AI, -3, "10:00", InterviewStatus.COMPLETED, ["interviewer1"]),
    ("zhang_wei_live", "zhang_wei", LIVE, 2, "14:00", InterviewStatus.SCHEDULED, ["interviewer1"]),
    ("li_na_ai", "li_na", AI, -6, "09:30", InterviewStatus.COMPLETED, ["interviewer1"]),
    (
        "li_na_onsite",
        "li_na",
        ONSITE,
        -2,
        "13:30",
        InterviewStatus.COMPLETED,
        ["interviewer1", "interviewer2"],
    ),
    ("emily_ai", "emily_johnson", AI, -1, "11:00", InterviewStatus.COMPLETED, ["interviewer2"]),
    ("emily_phone", "emily_johnson", PHONE, 1, "09:00", InterviewStatus.SCHEDULED, ["interviewer2"]),
    ("lukas_live", "lukas_becker", LIVE, 0, "", InterviewStatus.IN_PROGRESS, ["interviewer2"]),
    ("tan_ai", "tan_wei_ming", AI, -1, "16:00", InterviewStatus.TECHNICAL_ISSUE, []),
    ("tan_phone", "tan_wei_ming", PHONE, 3, "10:30", InterviewStatus.SCHEDULED, []),
    ("liu_live", "liu_yang", LIVE, 4, "15:00", InterviewStatus.CANCELLED, []),
    ("marcus_phone", "marcus_brown", PHONE, -2, "08:30", InterviewStatus.NO_SHOW, ["interviewer2"]),
    ("sophie_ai", "sophie_wagner", AI, -7, "10:00", InterviewStatus.COMPLETED, []),
    ("sophie_onsite", "sophie_wagner", ONSITE, -4, "10:00", InterviewStatus.COMPLETED, ["interviewer2"]),
    ("olivia_ai", "olivia_chen", AI, 1, "16:00", InterviewStatus.SCHEDULED, []),
]
UPCOMING = (InterviewStatus.SCHEDULED, InterviewStatus.CANCELLED)
DURATION_MINUTES = {AI: 30, LIVE: 60, PHONE: 30, ONSITE: 120}
# How many days past an interview's planned day the demo looks for a time the rules accept.
SLOT_SEARCH_DAYS = 21
# Why the cancelled interview was called off.
CANCEL_REASON = "The candidate withdrew before the interview. 候选人已撤回申请。"
# What the simulated platform reports of the failed AI interview.
FAILURE_DETAILS = {"code": "media_timeout", "packet_loss": 0.31, "rtt_ms": 1800, "reconnects": 3}

# interview: overall score, confidence, transcript quality, transcript,
#            [(dimension, score, confidence, [(quote, start s, end s), ...]), ...]
ASSESSMENTS = {
    "zhang_wei_ai": (
        84,
        0.88,
        0.93,
        "我会先和产品经理对齐需求，再写技术方案。We cut p95 latency from 800 ms to 120 ms.",
        [
            ("communication", 82, 0.86, [("我会先和产品经理对齐需求，再写技术方案。", 31.0, 36.5)]),
            ("problem_solving", 86, 0.9, [("We cut p95 latency from 800 ms to 120 ms.", 75.0, 82.0)]),
            ("technical_depth", 83, 0.87, [("迁移时我们用双写加对账来保证数据一致。", 120.0, 127.5)]),
        ],
    ),
    "li_na_ai": (
        88,
        0.91,
        0.95,
        "We moved 40 services to Kubernetes without downtime. 值班制度是我重新设计的。",
        [
            ("communication", 85, 0.9, [("值班制度是我重新设计的，每周复盘一次。", 44.0, 50.0)]),
            ("problem_solving", 90, 0.92, [("We moved 40 services to Kubernetes.", 12.0, 16.0)]),
            ("technical_depth", 89, 0.9, [("I tuned autovacuum on the 2 TB orders table.", 88.0, 94.5)]),
        ],
    ),
    # A noisy connection: low transcript quality and confidence, so the service routes it to a
    # person instead of scoring low.
    "emily_ai": (
        61,
        0.48,
        0.55,
        "I ... built the [inaudible] dashboards for two hundred stores ... 我也会一点中文。",
        [
            ("communication", 58, 0.42, [("I ... built the [inaudible] dashboards", 20.0, 26.0)]),
            ("analytical_thinking", 66, 0.71, [("for two hundred stores, weekly", 26.0, 29.5)]),
        ],
    ),
    "sophie_ai": (
        79,
        0.83,
        0.9,
        "I interview ten riders every sprint before we write a ticket.",
        [
            ("communication", 81, 0.85, [("I interview ten riders every sprint.", 33.0, 37.0)]),
            ("stakeholder_management", 76, 0.8, [("Legal signed off in the first week.", 70.0, 74.0)]),
            ("problem_solving", 79, 0.82, [("we dropped the feature after the pilot", 101.0, 105.0)]),
        ],
    ),
}
# Interviews whose results HR releases to the candidate's portal, after the reviews below (the
# flagged one cannot be released before a person has reviewed it).
RELEASED = ["zhang_wei_ai", "emily_ai"]

# interview, dimension, outcome, new score (override only), reason
HUMAN_REVIEWS = [
    (
        "emily_ai",
        "communication",
        "override",
        74,
        "Recording has dropouts; the answers themselves are clear. 录音有断续，回答内容清楚。",
    ),
]

# interview, interviewer, ratings, recommendation, notes, submit?
SCORECARDS = [
    (
        "li_na_onsite",
        "interviewer1",
        {"communication": 4, "problem_solving": 5, "technical_depth": 5},
        "strong_yes",
        "系统设计题回答完整，考虑了容量和故障恢复。",
        True,
    ),
    (
        "li_na_onsite",
        "interviewer2",
        {"communication": 4, "problem_solving": 4},
        "yes",
        "Clear on trade-offs; to finish after the debrief.",
        False,
    ),
]

# Survey answers after the interviews that ended (docs/architecture.md, "Candidate survey"), given
# through each candidate's survey link: overall, technical problems, treated fairly, comment. The
# other surveys sent stay unanswered, as most do.
SURVEY_ANSWERS = {
    "zhang_wei_ai": (5, False, 5, "流程很清楚，问题和职位相关。"),
    "li_na_onsite": (4, False, 4, "现场面试时间较长，但安排得很好。"),
    "emily_ai": (3, True, 4, "The video froze twice; the questions themselves were fair."),
    "tan_ai": (2, True, 3, "The connection dropped after a few minutes."),
    "sophie_onsite": (5, False, 5, ""),
}


# --- The command -------------------------------------------------------------------------------


class Command(BaseCommand):
    help = "Load a small bilingual demo company (users, candidates, interviews). Safe to run twice."

    def handle(self, *args, **options):
        if User.objects.filter(username="recruiter").exists() or (
            Position.objects.filter(title_en=MARKER_POSITION).exists()
        ):
            self.stdout.write("Demo data is there already (user 'recruiter' exists): nothing changed.")
            self._print_logins(password=None)
            return
        password = _demo_password()
        events_before = AuditEvent.objects.count()
        # One request id for every event of this run, so the trail shows them as one load.
        token = context.bind(context.RequestContext(request_id=f"seed-demo-{uuid.uuid4().hex[:12]}"))
        try:
            with transaction.atomic():
                counts = _Seeder(password).run()
        finally:
            context.unbind(token)
        counts["audit events"] = AuditEvent.objects.count() - events_before
        self._print_logins(password=password)
        summary = ", ".join(f"{what} {n}" for what, n in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Demo data created: {summary}."))

    def _print_logins(self, *, password):
        shown = password or f"as when the demo was loaded (DEMO_PASSWORD, else {DEFAULT_PASSWORD})"
        self.stdout.write(f"Demo logins, password {shown}:")
        for username, role, first, last, language, _zone in USERS:
            name = f"{last}{first}" if language == "zh-hans" else f"{first} {last}"
            self.stdout.write(f"  {username:<13} {role.label:<12} {name}")


def _demo_password() -> str:
    password = os.environ.get("DEMO_PASSWORD", "")
    if password:
        return password
    if (settings.SETTINGS_MODULE or "").endswith(".production"):
        raise CommandError("Set DEMO_PASSWORD: production settings get no well-known demo password.")
    return DEFAULT_PASSWORD


def _starts_at(days: int, local_time: str, time_zone: str, now: datetime.datetime) -> datetime.datetime:
    zone = ZoneInfo(time_zone)
    day = now.astimezone(zone).date() + datetime.timedelta(days=days)
    hour, minute = map(int, local_time.split(":"))
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=zone).astimezone(datetime.UTC)


def _ended_at(interview: Interview) -> datetime.datetime:
    return interview.starts_at + datetime.timedelta(minutes=interview.duration_minutes)


def _payload(overall, confidence, quality, transcript, dimensions) -> dict:
    return {
        "overall_score": overall,
        "confidence": confidence,
        "transcript_quality": quality,
        "model_version": "sim-assess-2026.1",
        "transcript": transcript,
        "dimensions": [
            {
                "dimension": name,
                "score": score,
                "confidence": dim_confidence,
                "evidence": [{"quote": q, "start_s": start, "end_s": end} for q, start, end in quotes],
            }
            for name, score, dim_confidence, quotes in dimensions
        ],
    }


class _Seeder:
    def __init__(self, password: str):
        self.password = password
        self.now = timezone.now()
        self.users: dict[str, User] = {}
        self.candidates: dict[str, Candidate] = {}
        self.applications = {}
        self.interviews: dict[str, Interview] = {}

    def run(self) -> dict[str, int]:
        self._users()
        self.recruiter = self.users["recruiter"]
        positions = self._positions()
        self._candidates()
        self._resume_files()
        self._link_portal_users()
        self._applications(positions)
        assignments = self._interviews()
        needing_review = self._what_happened()
        self._later_moves()
        self._decisions()
        self._human_reviews()
        for key in RELEASED:
            interview_results_release(interview=self.interviews[key], actor=self.recruiter)
        self._scorecards()
        self._surveys()
        self._careers_applications(positions)
        self._close_positions(positions)
        self._privacy_requests()
        return {
            "users": len(self.users),
            "positions": len(positions),
            "candidates": len(self.candidates),
            "résumé files": len(RESUME_FILES),
            "applications": len(self.applications),
            "of them through the careers page": len(CAREERS_APPLICATIONS),
            "interviews": len(self.interviews),
            "assignments": assignments,
            "AI assessments": len(ASSESSMENTS),
            "of them needing human review": needing_review,
            "human reviews": len(HUMAN_REVIEWS),
            "scorecards": len(SCORECARDS),
            "privacy requests": PrivacyRequest.objects.count(),
            "surveys sent after interviews": InterviewSurvey.objects.count(),
            "of them answered": InterviewSurvey.objects.filter(answered_at__isnull=False).count(),
            "messages in the outbox": Notification.objects.count(),
        }

    def _users(self) -> None:
        # No user service exists yet; accounts and their role groups are plain ORM writes.
        for username, role, first, last, language, zone in USERS:
            user = User.objects.create_user(
                username=username,
                password=self.password,
                email=f"{username}@example.com",
                first_name=first,
                last_name=last,
                preferred_language=language,
                time_zone=zone,
            )
            user.groups.add(Group.objects.get(name=role.value))
            self.users[username] = user

    def _positions(self) -> dict[str, Position]:
        positions = {}
        for key, row in POSITIONS.items():
            (title_en, title_zh), department, region, zone, headcount, pool, plan, dimensions = row
            positions[key] = position_create(
                title_en=title_en,
                title_zh_hans=title_zh,
                department=department,
                region=region,
                time_zone=zone,
                headcount=headcount,
                owner=self.recruiter,
                interviewers=[self.users[username] for username in pool],
                interview_plan=[{"kind": kind, "duration_minutes": minutes} for kind, minutes in plan],
                dimension_weights={key: weight for key, weight, _en, _zh in dimensions},
                dimension_labels={key: {"en": en, "zh-hans": zh} for key, _weight, en, zh in dimensions},
                actor=self.recruiter,
            )
        return positions

    def _close_positions(self, positions: dict[str, Position]) -> None:
        for key in CLOSED_POSITIONS:
            position_transition(position=positions[key], event="close", actor=self.recruiter)

    def _candidates(self) -> None:
        for key, row in CANDIDATES.items():
            name, email, phone, region, zone, language, source, born, resume_en, resume_zh = row
            self.candidates[key] = candidate_create(
                full_name=name,
                email=email,
                phone=phone,
                region=region,
                time_zone=zone,
                preferred_language=language,
                source=source,
                date_of_birth=born,
                resume_text=f"{resume_en}\n\n{resume_zh}",
                actor=self.recruiter,
            )

    def _resume_files(self) -> None:
        for key, filename in RESUME_FILES.items():
            name, email, *_, resume_en, resume_zh = CANDIDATES[key]
            if filename.endswith(".pdf"):  # Helvetica has no Chinese letters: the English name only
                lines = [name, email, "", resume_en, "", "Skills: SQL, dbt, Looker, Python"]
                upload = SimpleUploadedFile(filename, pdf_with_text(lines), content_type="application/pdf")
            else:
                content = docx_with_text([name, email, resume_zh, resume_en])
                upload = SimpleUploadedFile(filename, content, content_type="")
            resume_file_upload(candidate=self.candidates[key], upload=upload, actor=self.recruiter)

    def _privacy_requests(self) -> None:
        """The portal candidate asks for a copy of their data (beat builds it); a correction
        arrives by e-mail; and Liu Yang, who withdrew, asked by letter to be erased, which HR
        carried out: their file reads as erased, and beat takes the steps outside."""
        asked = privacy_request_submit(actor=self.users["candidate1"], kind="access")
        privacy_request_start(request=asked, actor=self.recruiter)
        privacy_request_record(
            candidate=self.candidates["li_na"],
            kind="correction",
            channel="email",
            text="My phone number is +86 138 0000 0000 now.",
            actor=self.recruiter,
        )
        erasure_asked = privacy_request_record(
            candidate=self.candidates["liu_yang"],
            kind="erasure",
            channel="letter",
            text="Please delete everything you hold about me.",
            actor=self.recruiter,
        )
        erasure_carry_out(request=erasure_asked, actor=self.recruiter)

    def _careers_applications(self, positions: dict[str, Position]) -> None:
        for row in CAREERS_APPLICATIONS:
            name, email, phone, position_key, language, source, detail, filename, lines = row
            if filename.endswith(".pdf"):
                upload = SimpleUploadedFile(filename, pdf_with_text(lines), content_type="application/pdf")
            else:
                upload = SimpleUploadedFile(filename, docx_with_text(lines), content_type="")
            data = {
                "full_name": name,
                "email": email,
                "phone": phone,
                "source": source,
                "source_detail": detail,
                "privacy_acknowledged": "on",
                "privacy_notice_version": intake.privacy_notice(language).version,
            }
            intake.application_intake(
                position=positions[position_key],
                data=data,
                upload=upload,
                language=language,
                actor=intake.CAREERS_ACTOR,
            )

    def _link_portal_users(self) -> None:
        for username, key in PORTAL_CANDIDATES.items():
            self.candidates[key] = candidate_portal_link(
                candidate=self.candidates[key], user=self.users[username], actor=self.recruiter
            )

    def _applications(self, positions: dict[str, Position]) -> None:
        for candidate_key, position_key, events, _later in APPLICATIONS:
            application = application_create(
                candidate=self.candidates[candidate_key],
                position=positions[position_key],
                actor=self.recruiter,
            )
            self.applications[candidate_key] = self._move(application, events)

    def _later_moves(self) -> None:
        for candidate_key, _position_key, _events, later in APPLICATIONS:
            application = Application.objects.get(pk=self.applications[candidate_key].pk)
            self.applications[candidate_key] = self._move(application, later)

    def _decisions(self) -> None:
        """The recorded decisions: a rejection with its reason, and hires whose offers the
        recruiter approves alone and sends; one is accepted through the offer's link, which makes
        the hire with its onboarding plan."""
        terms = OFFER_TERMS | {
            "start_date": timezone.localdate() + datetime.timedelta(days=OFFER_START_DAYS),
            "expires_at": self.now + datetime.timedelta(days=OFFER_ANSWER_DAYS),
        }
        for candidate_key, outcome, reason, offer_steps in DECISIONS:
            application = Application.objects.get(pk=self.applications[candidate_key].pk)
            decision = decision_record(
                application=application,
                outcome=outcome,
                reason=reason,
                offer_terms=terms if outcome == "hire" else None,
                actor=self.recruiter,
            )
            if offer_steps:
                offer = offer_submit(offer=decision.offer, approvers=[], actor=self.recruiter)
                offer = offer_send(offer=offer, actor=self.recruiter)
                if "accept" in offer_steps:
                    offer_answer_by_link(token=offer_token(offer=offer), accept=True)
            self.applications[candidate_key] = Application.objects.get(pk=application.pk)

    def _move(self, application: Application, events: list[str]) -> Application:
        for event in events:
            application = application_move(application=application, event=event, actor=self.recruiter)
        return application

    def _interviews(self) -> int:
        """Upcoming interviews are scheduled (their messages queued); the others are recorded as
        interviews that already happened, as an import would."""
        assignments = 0
        for key, candidate_key, kind, days, local_time, status, usernames in INTERVIEWS:
            candidate = self.candidates[candidate_key]
            interviewers = [self.users[username] for username in usernames]
            application = Application.objects.get(pk=self.applications[candidate_key].pk)
            if status in UPCOMING:
                interview = scheduling.interview_schedule(
                    application=application,
                    kind=kind,
                    starts_at=self._free_slot(candidate, days, local_time, kind, interviewers),
                    duration_minutes=DURATION_MINUTES[kind],
                    interviewers=interviewers,
                    actor=self.recruiter,
                )
            else:
                if status == InterviewStatus.IN_PROGRESS:
                    starts_at = self.now - datetime.timedelta(minutes=10)
                else:
                    starts_at = _starts_at(days, local_time, candidate.time_zone, self.now)
                interview = interview_create(
                    application=application,
                    kind=kind,
                    starts_at=starts_at,
                    duration_minutes=DURATION_MINUTES[kind],
                    actor=self.recruiter,
                )
                for interviewer in interviewers:
                    assignment_create(interview=interview, interviewer=interviewer, actor=self.recruiter)
            assignments += len(interviewers)
            self.interviews[key] = interview
        return assignments

    def _free_slot(self, candidate, days: int, local_time: str, kind: str, interviewers) -> datetime.datetime:
        """The first start from `days` ahead at `local_time` (then each whole business hour) that
        the scheduling rules accept: a demo loaded on a Friday or before a holiday still loads."""
        first_hour, end_hour = settings.HRSUITE_BUSINESS_HOURS
        times = dict.fromkeys([local_time, *(f"{hour:02d}:00" for hour in range(first_hour, end_hour))])
        for day in range(days, days + SLOT_SEARCH_DAYS):
            for at in times:
                starts_at = _starts_at(day, at, candidate.time_zone, self.now)
                errors = scheduling.slot_errors(
                    candidate=candidate,
                    starts_at=starts_at,
                    duration_minutes=DURATION_MINUTES[kind],
                    interviewers=interviewers,
                    now=self.now,
                )
                if not errors:
                    return starts_at
        raise CommandError(f"No time the scheduling rules accept for {candidate.full_name}'s interview.")

    def _what_happened(self) -> int:
        """Each interview moves on as it would in real use: consent from the candidate, reports
        from the (simulated) provider for video interviews, the recruiter for the others."""
        needing_review = 0
        for key, _candidate_key, kind, _days, _local_time, status, _usernames in INTERVIEWS:
            interview = self.interviews[key]
            if kind == AI and status != InterviewStatus.SCHEDULED:
                self._consent(interview)
            if status == InterviewStatus.CANCELLED:
                scheduling.interview_cancel(interview=interview, reason=CANCEL_REASON, actor=self.recruiter)
            elif (
                status
                in (InterviewStatus.IN_PROGRESS, InterviewStatus.COMPLETED, InterviewStatus.TECHNICAL_ISSUE)
                and kind in Interview.VIDEO_KINDS
            ):
                self._provider_reports(key, interview, status)
            elif status == InterviewStatus.COMPLETED:
                # Held on site: the recruiter records it started and ended.
                scheduling.interview_transition(interview=interview, event="started", actor=self.recruiter)
                feedback.interview_ended(
                    interview=interview, ended_at=_ended_at(interview), actor=self.recruiter
                )
            elif status == InterviewStatus.NO_SHOW:
                incidents.incident_open(
                    interview=interview,
                    kind=Incident.Kind.NO_SHOW,
                    occurred_at=interview.starts_at + datetime.timedelta(minutes=15),
                    details={"waited_minutes": 15},
                    actor=self.recruiter,
                )
            if key in ASSESSMENTS:
                needing_review += AIAssessment.objects.get(interview=interview).needs_human_review
        return needing_review

    def _consent(self, interview: Interview) -> None:
        """Both consents, given by the candidate: in their portal when they have an account,
        else through the consent link of their invitation."""
        candidate = interview.application.candidate
        version = consent_services.notice_current(language=candidate.preferred_language).version
        if candidate.user_id is not None:
            for scope in consent_services.SCOPES:
                consent_services.consent_record(
                    interview=interview,
                    scope=scope,
                    decision=Consent.Decision.GIVEN,
                    notice_version=version,
                    actor=User.objects.get(pk=candidate.user_id),
                )
            return
        candidate_links.consent_decide_by_link(
            token=candidate_links.consent_token(interview=interview),
            decisions=dict.fromkeys(consent_services.SCOPES, Consent.Decision.GIVEN),
            notice_version=version,
        )

    def _provider_reports(self, key: str, interview: Interview, status: str) -> None:
        """The simulated provider's reports of a video interview, applied as its webhooks are."""
        reports = [("started", interview.starts_at, {})]
        if status == InterviewStatus.COMPLETED:
            ended_at = _ended_at(interview)
            data = {"ended_at": ended_at.isoformat()}
            if key in ASSESSMENTS:
                data["assessment"] = _payload(*ASSESSMENTS[key])
            reports.append(("completed", ended_at, data))
        elif status == InterviewStatus.TECHNICAL_ISSUE:
            failed_at = interview.starts_at + datetime.timedelta(minutes=4)
            reports.append(("technical_issue", failed_at, {"details": FAILURE_DETAILS}))
        for event_type, occurred_at, data in reports:
            webhooks.webhook_apply(
                provider_name=interview.provider,
                event=ProviderEvent(
                    event_id=f"demo-{interview.pk}-{event_type}",
                    event_type=event_type,
                    meeting_id=interview.provider_meeting_id,
                    occurred_at=occurred_at,
                    data=data,
                ),
            )

    def _surveys(self) -> None:
        """Beat's run invites each candidate whose interview ended; some answer through the link
        of their invitation. The results are computed as beat would, so the pages show them."""
        survey_invitations_send(
            now=self.now + datetime.timedelta(minutes=settings.HRSUITE_SURVEY_DELAY_MINUTES)
        )
        for key, (overall, technical_problems, fairness, comment) in SURVEY_ANSWERS.items():
            survey = InterviewSurvey.objects.filter(interview=self.interviews[key]).first()
            if survey is None:
                continue
            survey_answer_by_link(
                token=survey_token(survey=survey),
                answers={
                    "overall": overall,
                    "technical_problems": technical_problems,
                    "fairness": fairness,
                    "comment": comment,
                },
            )
        survey_results_refresh()

    def _human_reviews(self) -> None:
        for key, dimension, outcome, score, reason in HUMAN_REVIEWS:
            assessment = AIAssessment.objects.get(interview=self.interviews[key])
            human_review_create(
                dimension_score=assessment.dimensions.get(dimension=dimension),
                outcome=outcome,
                score=score,
                reason=reason,
                actor=self.recruiter,
            )

    def _scorecards(self) -> None:
        for key, username, ratings, recommendation, notes, submit in SCORECARDS:
            interviewer = self.users[username]
            scorecard = scorecard_save(
                interview=self.interviews[key],
                ratings=ratings,
                recommendation=recommendation,
                notes=notes,
                actor=interviewer,
            )
            if submit:
                scorecard_submit(scorecard=scorecard, actor=interviewer)
