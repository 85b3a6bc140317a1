"""Settings shared by every environment; anything that differs between machines comes from the environment."""

import os
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

# The project directory: templates, translations, collected static files. In the container the code is
# installed (non-editable) in site-packages, so HRSUITE_HOME names the directory holding the rest.
BASE_DIR = Path(os.environ.get("HRSUITE_HOME") or Path(__file__).resolve().parent.parent.parent)

env = environ.Env()

SECRET_KEY = env("DJANGO_SECRET_KEY")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])

DJANGO_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]
THIRD_PARTY_APPS = [
    "rest_framework",  # the JSON API under /api/
    "drf_spectacular",  # OpenAPI schema and docs page
    "drf_spectacular_sidecar",  # Swagger UI's files for the docs page, served from our own origin
    "django_filters",  # declarative list filters with field errors
    "guardian",  # per-object permissions (direct-foreign-key models live in our apps)
]
LOCAL_APPS = [
    "hrsuite",
    "accounts",
    "audit",
    "notifications",
    "candidates",
    "interviews",
    "onboarding",
    # Hires' later performance, and the validity of the interviews that chose them.
    "analytics",
    # Candidates' privacy requests (access, correction, erasure, restriction of AI processing).
    "privacy",
    # The pages of each audience: HR, interviewers, candidates; and the demo data.
    "backoffice",
    "workspace",
    "portal",
    # The public careers page: open positions and the application form.
    "careers",
    "demo",
]
INSTALLED_APPS = DJANGO_APPS + THIRD_PARTY_APPS + LOCAL_APPS

MIDDLEWARE = [
    # Content-Security-Policy on every response, static files and errors included: outermost, so
    # the error answers the next one makes carry it too.
    "hrsuite.middleware.ContentSecurityPolicyMiddleware",
    # Next, so whatever Django answers on an API path (its debug pages under DEBUG too) is
    # turned into the API's JSON error shape.
    "hrsuite.middleware.ApiErrorShapeMiddleware",
    # Before the rest, so everything after it sees the client's address, not the reverse proxy's.
    "hrsuite.middleware.TrustedProxyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Static files served by the app itself: HR systems often run on intranets with no CDN.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # The signed-in user's language and time zone, over the browser's.
    "hrsuite.middleware.UserPreferencesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Gives every request an id that its audit events carry.
    "audit.middleware.RequestContextMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        # The pages, in Jinja2 (hrsuite.templating), each rendered as its viewer may see it (see
        # hrsuite.visibility). First, so a page's template is found without asking the other engine.
        "BACKEND": "hrsuite.visibility.Pages",
        "NAME": "pages",
        "DIRS": [BASE_DIR / "pages"],
        "APP_DIRS": False,
        "OPTIONS": {
            "environment": "hrsuite.templating.environment",
            "context_processors": [
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "hrsuite.navigation.menu",
            ],
        },
    },
    {
        # Django's engine: the e-mails, the browsable API and the admin.
        "BACKEND": "hrsuite.visibility.Templates",
        "NAME": "django",  # the alias Django's own engine has, which code and tests look up
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "hrsuite.navigation.menu",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE takes the write lock up front, so two writers queue instead of failing with
    # "database is locked" when the audit chain is extended.
    DATABASES["default"].setdefault("OPTIONS", {})["transaction_mode"] = "IMMEDIATE"
    DATABASES["default"]["OPTIONS"]["timeout"] = 20
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env.bool(
    "DATABASE_PREPARED_STATEMENTS", default=True
):
    # A page runs the same dozen-odd queries on every view, and planning one with its joins can
    # take PostgreSQL longer than running it. psycopg prepares a query after five runs on a
    # connection, and PostgreSQL then keeps one plan for it where that costs no more than planning
    # each time: at 100,000 candidates the candidate file's SQL took 7-8 ms instead of 13-16, and
    # pages 2-7 ms less in all (see bench/README.md). Prepared statements live as
    # long as the connection (CONN_MAX_AGE) and psycopg drops them on a rollback. Set
    # DATABASE_PREPARED_STATEMENTS=false behind a pooler in transaction mode that cannot keep them
    # (PgBouncer before 1.21, or without max_prepared_statements).
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options.setdefault("server_side_binding", True)
    options.setdefault("prepare_threshold", 5)


def _key_store_beside(main: dict) -> dict:
    """The person keys' own database, beside the main one: the SQLite file `keys.sqlite3` next to
    its file, or on the same PostgreSQL server, with the same credentials, the database named as
    the main one with `_keys` added."""
    keys = {
        name: main[name] for name in ("ENGINE", "NAME", "USER", "PASSWORD", "HOST", "PORT") if name in main
    }
    if main["ENGINE"] == "django.db.backends.sqlite3":
        keys["NAME"] = str(Path(main["NAME"]).with_name("keys.sqlite3"))
    else:
        keys["NAME"] = f"{main['NAME']}_keys"
    return keys


# Each candidate's personal data is sealed with a key of their own, and those keys live in a
# database apart (docs/architecture.md, "Person keys"): a dump or backup of the main database holds
# only ciphertext, so destroying a person's key erases them from every copy of it.
DATABASES["keys"] = (
    env.db("KEYS_DATABASE_URL")
    if "KEYS_DATABASE_URL" in os.environ
    else _key_store_beside(DATABASES["default"])
)
if DATABASES["keys"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["keys"].setdefault("OPTIONS", {}).update(transaction_mode="IMMEDIATE", timeout=20)
DATABASE_ROUTERS = ["hrsuite.persons.KeyStoreRouter"]
# Seconds a process keeps its database connections between requests (0: one per request). A new
# connection costs PostgreSQL a process and the request a handshake; production keeps them 60 s.
for _database in (DATABASES["default"], DATABASES["keys"]):
    _database["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # Django's password check behind brute-force limits, for every sign-in (pages, API, admin).
    "accounts.sign_in_limits.LimitedModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# A signed-in session ends after a working day (Django's default is two weeks): pages hold other
# people's personal data, and shared office computers are common.
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=10 * 3600)
# Django's database sessions, read with a written-out query (every signed-in page reads one).
SESSION_ENGINE = "hrsuite.sessions"
# Guardian's anonymous user would be a row with permissions; anonymous visitors get none.
ANONYMOUS_USER_NAME = None
GUARDIAN_MONKEY_PATCH_USER = False

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("zh-hans", "简体中文")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
LOGIN_URL = "sign-in"
LOGIN_REDIRECT_URL = "home"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"

# --- Personal data at rest -------------------------------------------------------------------
# "kid:base64key,kid:base64key"; the first key encrypts, every key decrypts (rotation).
HRSUITE_ENCRYPTION_KEYS = env("HRSUITE_ENCRYPTION_KEYS")
# Key of the HMAC blind index used to look up e-mail addresses without decrypting them.
HRSUITE_BLIND_INDEX_KEY = env("HRSUITE_BLIND_INDEX_KEY")
# Key of the audit trail's HMAC chain; kept outside the database so a DB writer cannot re-chain.
HRSUITE_AUDIT_KEY = env("HRSUITE_AUDIT_KEY")
# A process links audit events into the chain after a commit at most once per this many seconds;
# beat's backstop links what is left every 5 s (docs/architecture.md, "Audit trail").
HRSUITE_AUDIT_CHAIN_SECONDS = env.float("HRSUITE_AUDIT_CHAIN_SECONDS", default=1.0)

# --- Interview automation ---------------------------------------------------------------------
# Links in e-mails, calendar files and pages point here. Unset, it is the development server on
# this machine at the port `make run` serves on (HRSUITE_PORT, which honcho gives web, worker and
# beat alike), so the links a candidate gets reach the server that is running.
HRSUITE_PORT = env.int("HRSUITE_PORT", default=8000)
HRSUITE_PUBLIC_URL = env("HRSUITE_PUBLIC_URL", default=f"http://127.0.0.1:{HRSUITE_PORT}")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="hrsuite@localhost")
# Outgoing mail (environment settings may override the backend: console locally, SMTP in production).
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
# A hung SMTP server must not hold a dispatcher (and its claimed rows) for ever.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
# Minutes before `starts_at` at which candidate and interviewers are reminded (an org setting).
HRSUITE_REMINDER_MINUTES = env.int("HRSUITE_REMINDER_MINUTES", default=15)
# How often a candidate may move an interview from their interview page (more: ask the recruiter).
HRSUITE_CANDIDATE_RESCHEDULES_MAX = env.int("HRSUITE_CANDIDATE_RESCHEDULES_MAX", default=2)
# Working days (Monday to Friday) HR has to answer a candidate's accommodation request; never
# later than the interview's start (docs/architecture.md, "Accommodations").
HRSUITE_ACCOMMODATION_ANSWER_DAYS = env.int("HRSUITE_ACCOMMODATION_ANSWER_DAYS", default=3)
# Scorecard reminders: every this many hours while a scorecard is missing, at most this often.
HRSUITE_SCORECARD_REMINDER_HOURS = env.int("HRSUITE_SCORECARD_REMINDER_HOURS", default=24)
HRSUITE_SCORECARD_REMINDERS_MAX = env.int("HRSUITE_SCORECARD_REMINDERS_MAX", default=3)
# Hours between a rejection and the candidate's message about it, where the position sets none:
# time for a second look (and for the news not to arrive minutes after an interview), while the
# candidate is not left waiting.
HRSUITE_REJECTION_NOTICE_HOURS = env.int("HRSUITE_REJECTION_NOTICE_HOURS", default=48)
# Refused accesses recorded in the audit trail per actor and address per minute; past it, one event
# says the limit was reached (`audit.refusals`).
HRSUITE_REFUSED_ACCESS_EVENTS = env.int("HRSUITE_REFUSED_ACCESS_EVENTS", default=20)
# Interviews are scheduled inside these hours of the candidate's local day [start, end).
HRSUITE_BUSINESS_HOURS = (
    env.int("HRSUITE_BUSINESS_HOUR_START", default=9),
    env.int("HRSUITE_BUSINESS_HOUR_END", default=18),
)
# Below this completion rate in a region, a failed video interview is followed by a phone offer.
HRSUITE_COMPLETION_RATE_THRESHOLD = env.float("HRSUITE_COMPLETION_RATE_THRESHOLD", default=0.8)
# Sending: attempts before a notification is marked failed (back-off doubles from 30 s).
HRSUITE_OUTBOX_MAX_ATTEMPTS = env.int("HRSUITE_OUTBOX_MAX_ATTEMPTS", default=5)
# Rows one dispatcher claims at a time (its SMTP connections serve the whole batch).
HRSUITE_OUTBOX_BATCH_SIZE = env.int("HRSUITE_OUTBOX_BATCH_SIZE", default=100)
# SMTP connections one dispatcher sends over side by side, each from a thread of its own: more
# overlap the waits for the server, but a dispatcher that dies may send this many messages twice
# (docs/architecture.md, "Notifications"). 1 sends one message at a time.
HRSUITE_OUTBOX_CONNECTIONS = env.int("HRSUITE_OUTBOX_CONNECTIONS", default=3)
# Seconds after which a row a silent worker left in 'sending' is claimed again. A live sender
# renews its whole batch's claim every quarter of this, so it only has to outlast one SMTP send
# by a quarter; it is also most of how late a crashed worker's messages go out.
HRSUITE_OUTBOX_CLAIM_TIMEOUT = env.int("HRSUITE_OUTBOX_CLAIM_TIMEOUT", default=20)
# How long one dispatch task keeps sending and waiting for the next due row before it returns
# (beat starts one every 20 s; 0 = one pass over what is due now).
HRSUITE_OUTBOX_DISPATCH_SECONDS = env.int("HRSUITE_OUTBOX_DISPATCH_SECONDS", default=15)
# Dispatchers that work a backlog side by side (at most the worker processes there are).
HRSUITE_OUTBOX_PARALLEL = env.int("HRSUITE_OUTBOX_PARALLEL", default=2)
# "provider:base64secret,...": the shared secrets that sign each provider's webhooks.
HRSUITE_WEBHOOK_SECRETS = env("HRSUITE_WEBHOOK_SECRETS", default="")
# Where the simulated provider takes its calls (deleting a meeting's recordings); unset, the
# simulated provider's own pages in hrsuite, at HRSUITE_PUBLIC_URL.
HRSUITE_SIMULATED_PROVIDER_API = env("HRSUITE_SIMULATED_PROVIDER_API", default="")
# The same for the simulated background-check provider (deleting what it holds of a check).
HRSUITE_SIMULATED_CHECK_API = env("HRSUITE_SIMULATED_CHECK_API", default="")
# Seconds a call to a provider may take before it counts as failed (and is tried again later).
HRSUITE_PROVIDER_TIMEOUT = env.float("HRSUITE_PROVIDER_TIMEOUT", default=10.0)
# Seconds a link to a recording on the provider works: long enough to open it, too short to pass on.
HRSUITE_RECORDING_LINK_SECONDS = env.int("HRSUITE_RECORDING_LINK_SECONDS", default=300)

# --- Decision to first day --------------------------------------------------------------------
# A hire decision starts the background check together with the offer draft (policy; when off,
# no check is started: a manual start is a later step). Background-check providers sign their
# webhooks with a secret named "check_<provider>" in HRSUITE_WEBHOOK_SECRETS, apart from the
# interview providers' secrets.
HRSUITE_BACKGROUND_CHECK_ON_HIRE = env.bool("HRSUITE_BACKGROUND_CHECK_ON_HIRE", default=True)
# When a hire is provisioned to outside systems: "accept" (as the candidate accepts the offer) or
# "start_date" (by the daily task, on the first day), for companies that create accounts late.
HRSUITE_PROVISION_ON = env("HRSUITE_PROVISION_ON", default="accept")
if HRSUITE_PROVISION_ON not in ("accept", "start_date"):
    raise ImproperlyConfigured('HRSUITE_PROVISION_ON is "accept" or "start_date".')
# Onboarding task reminders go out this many days before the task is due.
HRSUITE_ONBOARDING_REMINDER_DAYS = env.int("HRSUITE_ONBOARDING_REMINDER_DAYS", default=2)
# The largest document a new hire may upload (ID scans, forms): bytes, before encryption.
HRSUITE_ONBOARDING_UPLOAD_MAX_BYTES = env.int("HRSUITE_ONBOARDING_UPLOAD_MAX_BYTES", default=5 * 1024 * 1024)
# The largest file part any form takes (the new hire's documents are the only files taken): a
# larger one is dropped as it streams in, never held whole in memory or on disk.
HRSUITE_UPLOAD_MAX_BYTES = HRSUITE_ONBOARDING_UPLOAD_MAX_BYTES
FILE_UPLOAD_HANDLERS = [
    "hrsuite.uploads.CappedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
# A JSON upload carries the document in base64 (4/3 of its size): the request body may be that
# large, so the service, not Django's 2.5 MB default, answers an oversize file with its field.
DATA_UPLOAD_MAX_MEMORY_SIZE = HRSUITE_ONBOARDING_UPLOAD_MAX_BYTES * 4 // 3 + 1024 * 1024

# --- Résumé files -----------------------------------------------------------------------------
# The largest résumé file (PDF or DOCX) taken, in bytes before encryption. The streaming cap above
# (HRSUITE_UPLOAD_MAX_BYTES) drops a larger part first: the smaller of the two holds.
HRSUITE_RESUME_MAX_BYTES = env.int("HRSUITE_RESUME_MAX_BYTES", default=4 * 1024 * 1024)
# A DOCX is a ZIP archive: how many entries it may hold and what they may add up to once unpacked,
# read from its directory before anything is unpacked (a small archive can unpack to gigabytes).
HRSUITE_RESUME_DOCX_ENTRIES_MAX = env.int("HRSUITE_RESUME_DOCX_ENTRIES_MAX", default=1000)
HRSUITE_RESUME_DOCX_UNPACKED_MAX_BYTES = env.int(
    "HRSUITE_RESUME_DOCX_UNPACKED_MAX_BYTES", default=40 * 1024 * 1024
)
# The pages of a PDF whose text is read: a résumé says what it has to say well before this.
HRSUITE_RESUME_PAGES_READ = env.int("HRSUITE_RESUME_PAGES_READ", default=30)
# The most text kept from one file, in characters, as the résumé interviewers read.
HRSUITE_RESUME_TEXT_MAX_CHARS = env.int("HRSUITE_RESUME_TEXT_MAX_CHARS", default=100_000)
# The files kept per candidate, newest first: an upload past this many removes the oldest.
HRSUITE_RESUME_FILES_KEPT = env.int("HRSUITE_RESUME_FILES_KEPT", default=5)
# Applications taken from one client address (an IPv6 /64 counts as one), and confirmations sent
# to one e-mail address, per 10 minutes (docs/architecture.md, "Careers page and intake").
HRSUITE_INTAKE_PER_ADDRESS = env.int("HRSUITE_INTAKE_PER_ADDRESS", default=10)
HRSUITE_INTAKE_PER_EMAIL = env.int("HRSUITE_INTAKE_PER_EMAIL", default=3)

# --- Later performance and validity --------------------------------------------------------------
# The fewest hires a correlation or a weight fit is shown from (docs/architecture.md, "Later
# performance and validity"): below it, a page says only that there are not enough hires yet.
# With 30 pairs a 95% interval of a correlation of 0.3 still runs from about -0.07 to 0.6.
HRSUITE_VALIDITY_MIN_N = env.int("HRSUITE_VALIDITY_MIN_N", default=30)
# Hours after which beat computes a department's figures again without being asked: new hires,
# scores and erasures change them too.
HRSUITE_VALIDITY_REFRESH_HOURS = env.int("HRSUITE_VALIDITY_REFRESH_HOURS", default=24)

# --- Fairness ------------------------------------------------------------------------------------
# (docs/architecture.md, "Fairness"). A category with fewer applicants than this is shown with a
# small-sample warning (its ratio is unstable; Fisher's exact p-value is given for it).
HRSUITE_FAIRNESS_SMALL_N = env.int("HRSUITE_FAIRNESS_SMALL_N", default=30)
# A category with fewer applicants than this is a small cell: its count could point at a person,
# so the page and the reports mark it and give no rate for it.
HRSUITE_FAIRNESS_SMALL_CELL = env.int("HRSUITE_FAIRNESS_SMALL_CELL", default=5)
# Impact ratios are recomputed this often.
HRSUITE_FAIRNESS_REFRESH_HOURS = env.int("HRSUITE_FAIRNESS_REFRESH_HOURS", default=24)
# Regions (prefixes of a position's region: "US-NY" covers "US-NY", "US" covers every state) where
# an AI interview needs the tool's bias audit of the last 365 days (New York City's Local Law 144).
HRSUITE_BIAS_AUDIT_REGIONS = env.list("HRSUITE_BIAS_AUDIT_REGIONS", default=["US-NY"])
HRSUITE_BIAS_AUDIT_VALID_DAYS = 365
# Recruiters are warned this many days before the audit stops being valid.
HRSUITE_BIAS_AUDIT_WARN_DAYS = 30
# The most rows one uploaded file of ratings may hold.
HRSUITE_RATINGS_CSV_ROWS_MAX = env.int("HRSUITE_RATINGS_CSV_ROWS_MAX", default=5000)

# --- Candidate survey ------------------------------------------------------------------------------
# The candidate survey after each interview (docs/architecture.md, "Candidate survey"): sent this
# many minutes after the interview ended, only for interviews that started within the last
# HRSUITE_SURVEY_SEND_WITHIN_DAYS (none for old ones when it is switched on); results over the
# last HRSUITE_SURVEY_DAYS, each mean with its interval only from HRSUITE_SURVEY_MIN_N answers.
HRSUITE_SURVEY_DELAY_MINUTES = env.int("HRSUITE_SURVEY_DELAY_MINUTES", default=30)
HRSUITE_SURVEY_SEND_WITHIN_DAYS = env.int("HRSUITE_SURVEY_SEND_WITHIN_DAYS", default=7)
HRSUITE_SURVEY_DAYS = env.int("HRSUITE_SURVEY_DAYS", default=90)
HRSUITE_SURVEY_MIN_N = env.int("HRSUITE_SURVEY_MIN_N", default=10)

# --- Privacy requests -------------------------------------------------------------------------
# Days HR has to answer a candidate's privacy request (access, correction, erasure, restriction),
# from its receipt, by the candidate's region: the longest prefix of their region code ("US-IL"
# before "US") that is named, else "default". Each figure is the strictest the law there sets,
# rounded down to whole days (docs/architecture.md, "Privacy requests"):
# - CN, 15: PIPL (Art. 50) asks for prompt handling and names no number; the national standard
#   GB/T 35273-2020 (8.7) allows 30 days at most, and the regulators' rules for apps hold a
#   person's requests to 15 working days. 15 calendar days is inside both.
# - EU and EEA countries and the UK, 28: the GDPR (Art. 12(3)) and the UK GDPR give one month
#   from receipt; 28 days never runs past a calendar month, February included.
# - US-IL, 30: the Illinois Artificial Intelligence Video Interview Act has an applicant's
#   interview videos deleted within 30 days of their request.
# - default, 30.
# A JSON object in the environment replaces the whole table (it must name "default").
_GDPR_REGIONS = [
    *("AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU"),
    *("IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK"),
    *("IS", "LI", "NO", "GB"),
]
HRSUITE_PRIVACY_DEADLINE_DAYS = env.json(
    "HRSUITE_PRIVACY_DEADLINE_DAYS",
    default={**dict.fromkeys(_GDPR_REGIONS, 28), "CN": 15, "US-IL": 30, "default": 30},
)
if "default" not in HRSUITE_PRIVACY_DEADLINE_DAYS or not all(
    isinstance(days, int) and not isinstance(days, bool) and 1 <= days <= 366
    for days in HRSUITE_PRIVACY_DEADLINE_DAYS.values()
):
    raise ImproperlyConfigured(
        'HRSUITE_PRIVACY_DEADLINE_DAYS maps region prefixes (and "default") to whole days from 1 to 366.'
    )
# How long a candidate's copy of their data (an access request's answer) may be downloaded, by
# the link e-mailed to them and from the portal; then its content is deleted.
HRSUITE_PRIVACY_COPY_DAYS = env.int("HRSUITE_PRIVACY_COPY_DAYS", default=7)

# Days each kind of personal data is kept (docs/architecture.md, "Retention"); beat's nightly purge
# deletes what is older. Counted from when the application left the pipeline (rejected,
# withdrawn or hired), except onboarding documents, counted from when the onboarding ended.
# - recordings: the provider's recording and the transcript (and the provider's raw answer);
# - ai_assessments: the evidence quoted from what the candidate said, and people's notes on the
#   scores (the scores stay, without them, for the statistics);
# - rejected_files: a candidate none of whose applications is open or hired any more is erased
#   whole (`privacy.services.erasure`), as if they had asked;
# - onboarding_documents: a new hire's uploads, once copied to the employee file.
# The consent notice promises deletion "at the latest 12 months after" the hiring process: the
# first three may not be longer than 365 (a test holds them to the notice). A JSON object in the
# environment replaces the whole table.
HRSUITE_RETENTION_DAYS = env.json(
    "HRSUITE_RETENTION_DAYS",
    default={"recordings": 365, "ai_assessments": 365, "rejected_files": 365, "onboarding_documents": 90},
)
if set(HRSUITE_RETENTION_DAYS) != {
    "recordings",
    "ai_assessments",
    "rejected_files",
    "onboarding_documents",
} or not all(
    isinstance(days, int) and not isinstance(days, bool) and 1 <= days <= 3660
    for days in HRSUITE_RETENTION_DAYS.values()
):
    raise ImproperlyConfigured(
        "HRSUITE_RETENTION_DAYS maps recordings, ai_assessments, rejected_files and onboarding_documents "
        "to whole days from 1 to 3660."
    )
# --- Provisioning to outside systems (OA, finance, training) -------------------------------------
# Endpoints and their secrets are configured by HR through the API (ProvisioningTarget); these say
# how hard the dispatcher tries. Attempts before a delivery is dead and HR is asked to look:
HRSUITE_PROVISIONING_MAX_ATTEMPTS = env.int("HRSUITE_PROVISIONING_MAX_ATTEMPTS", default=5)
# The wait after the first failed attempt, doubled after each further one (1, 2, 4, 8 min).
HRSUITE_PROVISIONING_BACKOFF_SECONDS = env.int("HRSUITE_PROVISIONING_BACKOFF_SECONDS", default=60)
# Networks a target may be on although they are not public ("10.20.0.0/16,127.0.0.1/32"): by
# default a URL whose host resolves to a loopback, private, link-local, multicast or reserved
# address is refused, so a target cannot be used to reach into the server's own network.
HRSUITE_PROVISIONING_ALLOWED_NETWORKS = env.list("HRSUITE_PROVISIONING_ALLOWED_NETWORKS", default=[])
# Seconds one POST may take (connect + answer): a slow receiver must not hold the worker.
HRSUITE_PROVISIONING_TIMEOUT = env.float("HRSUITE_PROVISIONING_TIMEOUT", default=10.0)
# A claim older than this is a dead dispatcher's; it must outlast one POST.
HRSUITE_PROVISIONING_CLAIM_TIMEOUT = env.int("HRSUITE_PROVISIONING_CLAIM_TIMEOUT", default=120)
# Rows one dispatcher claims at a time: at most this many POSTs wait behind a slow receiver.
HRSUITE_PROVISIONING_BATCH_SIZE = env.int("HRSUITE_PROVISIONING_BATCH_SIZE", default=10)
# The domain of the work e-mail address the OA system is asked to create.
HRSUITE_WORK_EMAIL_DOMAIN = env("HRSUITE_WORK_EMAIL_DOMAIN", default="example.com")
# Course codes the training system enrols every new hire in.
HRSUITE_NEW_HIRE_COURSES = env.list(
    "HRSUITE_NEW_HIRE_COURSES", default=["orientation", "information-security", "data-privacy"]
)

# --- API --------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first, so an anonymous caller gets 401 with a WWW-Authenticate header; answered
        # in the token user's language, as the middleware does for a session.
        "accounts.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["hrsuite.permissions.ModelActionPermission"],
    # DRF's own three, each refusing what no field could take (see hrsuite.parsers).
    "DEFAULT_PARSER_CLASSES": [
        "hrsuite.parsers.JSONParser",
        "hrsuite.parsers.FormParser",
        "hrsuite.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "hrsuite.rest.Pagination",
    "PAGE_SIZE": 25,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "hrsuite.rest.exception_handler",
    "DEFAULT_THROTTLE_RATES": {"login": "10/min"},
    # Throttles count per REMOTE_ADDR, which TrustedProxyMiddleware has already set to the client
    # behind HRSUITE_TRUSTED_PROXIES, as the sign-in limits read it. DRF's default (None) would
    # take X-Forwarded-For as sent, so a client could pick a new address for every request.
    "NUM_PROXIES": 0,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "hrsuite API",
    "DESCRIPTION": "Candidates, interviews, assessments, scorecards and the audit trail.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI from the installed drf-spectacular-sidecar package, not a CDN: served from our
    # origin, it is what script-src 'self' allows, and intranets without Internet access work.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # Choice sets that share a field name get names of their own in the schema.
    "ENUM_NAME_OVERRIDES": {
        "StageEnum": "candidates.models.Stage",
        "PositionStatusEnum": "candidates.models.Position.Status",
        "PriorRecordKindEnum": "candidates.models.PriorRecord.Kind",
        "ResumeFileStatusEnum": "candidates.models.ResumeFile.Status",
        "ResumeFileProblemEnum": "candidates.models.ResumeFile.Problem",
        "PreferredLanguageEnum": "candidates.models.Language",
        "IntakeSourceEnum": "candidates.models.ApplicationIntake.Source",
        "InterviewKindEnum": "interviews.models.Interview.Kind",
        "InterviewStatusEnum": "interviews.models.Interview.Status",
        "ScorecardStatusEnum": "interviews.models.Scorecard.Status",
        "HumanReviewOutcomeEnum": "interviews.models.HumanReview.Outcome",
        "DecisionOutcomeEnum": "onboarding.models.Decision.Outcome",
        "DecisionStatusEnum": "onboarding.models.Decision.Status",
        "OfferStatusEnum": "onboarding.models.Offer.Status",
        "OfferApprovalStatusEnum": "onboarding.models.OfferApproval.Status",
        "BackgroundCheckStatusEnum": "onboarding.models.BackgroundCheck.Status",
        "OnboardingPlanStatusEnum": "onboarding.models.OnboardingPlan.Status",
        "OnboardingPlanCancelReasonEnum": "onboarding.models.OnboardingPlan.CancelReason",
        "OnboardingTaskStatusEnum": "onboarding.models.OnboardingTask.Status",
        "PrivacyRequestKindEnum": "privacy.models.PrivacyRequest.Kind",
        "PrivacyRequestStateEnum": "privacy.models.PrivacyRequest.State",
        "PrivacyRequestChannelEnum": "privacy.models.PrivacyRequest.Channel",
        "RecordedChannelEnum": "privacy.services.requests.RECORDED_CHANNEL_CHOICES",
        "AccessBundleStatusEnum": "privacy.models.AccessBundle.Status",
        "AccommodationKindEnum": "interviews.models.Accommodation.Kind",
        "AccommodationStateEnum": "interviews.models.Accommodation.State",
        "AccommodationChannelEnum": "interviews.models.Accommodation.Channel",
    },
}

# Days an API token works after it is issued (`POST /api/auth/token/`, `manage.py
# integration_token`); its owner can revoke it sooner, and a password change revokes them all.
HRSUITE_API_TOKEN_DAYS = env.int("HRSUITE_API_TOKEN_DAYS", default=90)

# The Content-Security-Policy of every response, in every environment (the shape of Django 6's
# SECURE_CSP, so that middleware can take it over). Scripts and styles come from our own origin
# only: no inline <script>, no event-handler attribute, no eval, no CDN. Style attributes stay
# allowed (style-src-attr): the score bars set their width in the markup, and an attribute cannot
# load anything that img-src or font-src would not allow. Swagger UI's icons are data: images.
SECURE_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "style-src-attr": ["'unsafe-inline'"],
    "img-src": ["'self'", "data:"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
}

# How many reverse proxies stand in front and append to X-Forwarded-For (0: none, the header is
# not trusted). The client address they pass on goes into audit events and rate limits.
HRSUITE_TRUSTED_PROXIES = env.int("HRSUITE_TRUSTED_PROXIES", default=0)

# While PostgreSQL is out of reach, requests are answered 503 with this Retry-After, in seconds
# (docs/architecture.md, "Degraded modes").
HRSUITE_RETRY_AFTER_SECONDS = env.int("HRSUITE_RETRY_AFTER_SECONDS", default=5)

# --- Cache ------------------------------------------------------------------------------------
# Rate limits (sign-in, sign-in links, refused accesses) are kept here; each has its own way on
# without it (docs/architecture.md, "Degraded modes"). Sessions are in the database (Django's
# database engine, see SESSION_ENGINE), so an outage of the cache signs nobody out, and so are the
# dashboard's counts. The embedded default keeps the cache in each process's memory; production
# shares it across processes in Redis (production.py).
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}

# --- Celery -----------------------------------------------------------------------------------
# Embedded default: kombu's filesystem transport needs no broker server.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=env("REDIS_URL", default="filesystem://"))
CELERY_BROKER_TRANSPORT_OPTIONS = {}
if CELERY_BROKER_URL == "filesystem://":
    _queue_dir = BASE_DIR / "var" / "broker"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir),
        "data_folder_out": str(_queue_dir),
        "processed_folder": str(_queue_dir / "processed"),
        "store_processed": False,
        "control_folder": str(_queue_dir / "control"),
    }
else:
    # A task whose worker died unacknowledged (acks_late) comes back after this; longer than the
    # hard time limit (CELERY_TASK_TIME_LIMIT, 300 s), so a task still running is never handed to a
    # second worker (Redis's default is an hour). Nothing
    # time-critical waits for it: beat's next tick starts the outbox's dispatcher again.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 360}
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True  # tasks are idempotent; a crashed worker's task is redelivered
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_TIMEZONE = "UTC"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # The token in a candidate's link is their credential: it is cut out of every record that
    # names a path (django.request logs 4xx/5xx paths, django.server every request) before any
    # handler, Django's own included, sees the record.
    "filters": {"redact_link_tokens": {"()": "hrsuite.logging.RedactLinkTokens"}},
    "formatters": {
        # Django's default for the development server's request lines.
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        },
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["redact_link_tokens"]},
        # Django's own, with the filter: configuring the django.server logger replaces its handler.
        "django.server": {
            "class": "logging.StreamHandler",
            "formatter": "django.server",
            "filters": ["redact_link_tokens"],
        },
    },
    "loggers": {
        "django.request": {"filters": ["redact_link_tokens"]},
        "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False},
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
}
