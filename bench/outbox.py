"""Outbox throughput: 10,000 interviews in one quarter hour, their invitations and reminders sent
by Celery workers (the first with its beat) to a local SMTP sink.

    .venv/bin/python bench/outbox.py [--interviews 10000] [--spread 60] [--workers 1] [--concurrency 2]
    .venv/bin/python bench/outbox.py --in-process 600     # one dispatcher in this process

HRSUITE_OUTBOX_CONNECTIONS in the environment sets the SMTP connections of each dispatcher.

Needs PostgreSQL and Redis (DATABASE_URL, default .../hrs_outbox_bench, dropped and made again;
REDIS_URL, default redis://127.0.0.1:6379/3, flushed). Invitations are due at once (as after a
bulk scheduling); the interviews start within `--spread` seconds of each other inside the same
quarter hour (60 s by default: the bunched worst case, and a run of about two minutes), so their
reminders fall due together starting `--lead` seconds after queueing. The workers (`--workers`
nodes of `--concurrency` processes each) are already running when the interviews are scheduled,
as in production. Prints messages/s, reminder lateness against due_at (p50/p99), duplicates and
misses counted at the SMTP server by Message-ID.
"""

import argparse
import datetime
import multiprocessing
import os
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/hrs_outbox_bench")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/3")
os.environ.setdefault("CELERY_BROKER_URL", os.environ["REDIS_URL"])

from bench.generate import prepare_database, use_bench_environment  # noqa: E402

BATCH = 2000


def run_sink(port: int, pipelining: bool, ready, stop, result) -> None:
    """The SMTP sink in a process of its own, so it does not share the worker's interpreter."""
    from tests.smtp import SmtpServer, SmtpSink

    server = SmtpServer(SmtpSink(keep_messages=False, pipelining=pipelining), port=port)
    server.start()
    ready.set()
    stop.wait()
    server.stop()
    result.put(dict(server.sink.ids))


def seed(
    n: int, *, spread: int, lead: int, invitations: bool = True
) -> tuple[datetime.datetime, datetime.datetime]:
    """Candidates, applications and interviews in bulk (services would audit each one: this is
    load, not behaviour), then each interview's invitation (unless not `invitations`) and
    reminder queued as the scheduling service queues them."""
    from django.utils import timezone

    from candidates.models import Application, Candidate, Position
    from candidates.services.candidates import email_index
    from interviews.models import Interview
    from interviews.notices import InterviewMessage
    from notifications.models import Notification
    from notifications.services.outbox import notification_key

    now = timezone.now()
    first_reminder = now + datetime.timedelta(seconds=lead)
    position = Position.objects.create(
        title_en="Backend Engineer",
        department="Engineering",
        region="CN",
        time_zone="Asia/Shanghai",
        dimension_weights={"communication": 0.5, "problem_solving": 0.5},
    )
    zones = [("Asia/Shanghai", "zh-hans"), ("Europe/Berlin", "en"), ("America/Chicago", "en")]
    for start in range(0, n, BATCH):
        candidates, applications, interviews, rows = [], [], [], []
        for i in range(start, min(start + BATCH, n)):
            zone, language = zones[i % len(zones)]
            email = f"bench{i:06d}@example.test"
            candidate = Candidate(
                full_name=f"Candidate {i}",
                email=email,
                email_index=email_index(email),
                region="CN",
                time_zone=zone,
                preferred_language=language,
            )
            application = Application(candidate=candidate, position=position, stage_changed_at=now)
            starts_at = first_reminder + datetime.timedelta(minutes=15, seconds=spread * i / n)
            interview = Interview(
                application=application,
                kind="ai_video",
                starts_at=starts_at,
                candidate_time_zone=zone,
                join_url=f"http://127.0.0.1:8000/sim/join/sim-{i}/",
            )
            payload = {"starts_at": starts_at.isoformat(), "sequence": 0}
            messages = [(InterviewMessage.REMINDER, starts_at - datetime.timedelta(minutes=15))]
            if invitations:
                messages.append((InterviewMessage.INVITATION, now))
            for template, due_at in messages:
                rows.append(
                    Notification(
                        template=template,
                        idempotency_key=notification_key(template, interview.pk, "candidate", 0),
                        due_at=due_at,
                        candidate=candidate,
                        interview=interview,
                        payload=payload,
                        language=language,
                    )
                )
            candidates.append(candidate)
            applications.append(application)
            interviews.append(interview)
        Candidate.objects.bulk_create(candidates)
        for a in applications:
            a.candidate_id, a.candidate_created_at = a.candidate.pk, a.candidate.created_at
        Application.objects.bulk_create(applications)
        for iv in interviews:
            iv.application_id = iv.application.pk
        Interview.objects.bulk_create(interviews)
        for row in rows:
            row.candidate_id, row.interview_id = row.candidate.pk, row.interview.pk
        Notification.objects.bulk_create(rows)
        print(f"  queued messages for {min(start + BATCH, n)} interviews", flush=True)
    return now, first_reminder


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def start_with_sink(
    *, log_level: str, pipelining: bool = True
) -> tuple[dict, multiprocessing.Process, object, object]:
    """A fresh bench database and broker, Django set up on them, and an SMTP sink on a free local
    port; returns the environment of the Celery processes that send to the sink, the sink's
    process, its stop event and the queue it answers with."""
    use_bench_environment()
    prepare_database(os.environ["DATABASE_URL"], fresh=True)
    import django

    django.setup()
    import redis
    from django.core.management import call_command

    from tests.smtp import free_port

    call_command("migrate", verbosity=0)
    redis.Redis.from_url(os.environ["CELERY_BROKER_URL"]).flushdb()

    port = free_port()
    ready, stop, result = multiprocessing.Event(), multiprocessing.Event(), multiprocessing.Queue()
    sink = multiprocessing.Process(target=run_sink, args=(port, pipelining, ready, stop, result))
    sink.start()
    ready.wait(10)
    env = {
        **os.environ,
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(port),
        "LOG_LEVEL": log_level,
    }
    return env, sink, stop, result


def in_process(n: int, *, pipelining: bool) -> None:
    """One dispatcher in this process sending `n` invitations to the sink: the time a message
    costs, less touched by the other processes of a busy machine than a worker's throughput. The
    first batch (connections opening, caches filling) is left out."""
    env, sink, stop, result = start_with_sink(log_level="WARNING", pipelining=pipelining)
    from django.conf import settings

    from notifications.models import Notification
    from notifications.services.outbox import outbox_dispatch

    for name in ("EMAIL_BACKEND", "EMAIL_HOST"):
        setattr(settings, name, env[name])
    settings.EMAIL_PORT = int(env["EMAIL_PORT"])
    try:
        seed(n, spread=60, lead=3600)  # reminders due in an hour: only the invitations go
        outbox_dispatch(max_batches=1)
        already = Notification.objects.filter(status="sent").count()
        started = time.perf_counter()
        outbox_dispatch()
        elapsed = time.perf_counter() - started
        sent = Notification.objects.filter(status="sent").count() - already
    finally:
        stop.set()
        received = result.get(timeout=30)
        sink.join(10)
    duplicates = sum(count - 1 for count in received.values() if count > 1)
    print()
    connections = getattr(settings, "HRSUITE_OUTBOX_CONNECTIONS", 1)  # 1 before there was a setting
    print(f"one dispatcher in-process, {connections} SMTP connection(s)")
    print(f"server offers PIPELINING {pipelining}")
    print(f"sent                     {sent} after the first batch, in {elapsed:.2f} s")
    print(f"per message              {1000 * elapsed / sent:.2f} ms ({sent / elapsed:.0f} msg/s)")
    print(f"duplicates at SMTP       {duplicates}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--in-process", type=int, metavar="N", help="N invitations, one dispatcher here")
    parser.add_argument("--no-pipelining", action="store_true", help="the sink does not offer PIPELINING")
    parser.add_argument("--interviews", type=int, default=10_000)
    parser.add_argument("--spread", type=int, default=60, help="seconds over which interviews start")
    parser.add_argument("--lead", type=int, default=60, help="seconds until the first reminder is due")
    parser.add_argument("--workers", type=int, default=1, help="worker nodes, the first running beat")
    parser.add_argument("--concurrency", type=int, default=2, help="processes of each worker")
    parser.add_argument("--timeout", type=int, default=600)
    args = parser.parse_args()
    if args.in_process:
        in_process(args.in_process, pipelining=not args.no_pipelining)
        return

    env, sink, stop, result = start_with_sink(log_level="WARNING", pipelining=not args.no_pipelining)
    from config.celery import app
    from notifications.models import Notification
    from notifications.rendering import message_id

    beat_schedule = str(ROOT / "var" / "bench-beat-schedule")
    (ROOT / "var").mkdir(exist_ok=True)
    Path(beat_schedule).unlink(missing_ok=True)  # beat's first tick then comes one period after start
    command = [sys.executable, "-m", "celery", "-A", "config", "worker", f"--concurrency={args.concurrency}"]
    command += ["--loglevel=WARNING", "--without-gossip", "--without-mingle"]
    beat = ["--beat", "-s", beat_schedule]
    # The workers run before the interviews are scheduled, as they do in production; one beat.
    workers = [
        subprocess.Popen(  # noqa: S603 - a fixed command, no shell
            [*command, "-n", f"outbox{n}@%h", *(beat if n == 0 else [])],
            cwd=ROOT,
            env=env,
            start_new_session=True,
        )
        for n in range(args.workers)
    ]
    try:
        print(f"seeding {args.interviews} interviews ...", flush=True)
        started = time.monotonic()
        queued_at, _first_reminder = seed(args.interviews, spread=args.spread, lead=args.lead)
        print(f"  seeded in {time.monotonic() - started:.1f} s", flush=True)
        total = Notification.objects.count()
        deadline = time.monotonic() + args.timeout
        while time.monotonic() < deadline:
            done = Notification.objects.exclude(status__in=["pending", "sending"]).count()
            print(f"  {done}/{total} done", flush=True)
            if done == total:
                break
            time.sleep(5)
    finally:
        for worker in workers:
            os.killpg(worker.pid, signal.SIGTERM)
        for worker in workers:
            worker.wait(30)
        stop.set()
        received = result.get(timeout=30)
        sink.join(10)

    rows = list(Notification.objects.values("template", "status", "due_at", "sent_at", "idempotency_key"))
    sent = [r for r in rows if r["status"] == "sent"]
    expected = {message_id(Notification(idempotency_key=r["idempotency_key"])) for r in rows}
    duplicates = sum(n - 1 for n in received.values() if n > 1)
    missing = len(expected - set(received))
    last_sent = max(r["sent_at"] for r in sent)
    lateness = [(r["sent_at"] - r["due_at"]).total_seconds() for r in sent if r["template"] == "reminder"]
    statuses = {s: sum(1 for r in rows if r["status"] == s) for s in {r["status"] for r in rows}}
    span = (last_sent - queued_at).total_seconds()
    print()
    print(f"interviews               {args.interviews} starting within {args.spread} s")
    print(f"messages                 {total} ({statuses})")
    period = next(
        e["schedule"] for e in app.conf.beat_schedule.values() if e["task"].endswith("outbox_dispatch")
    )
    print(f"workers                  {args.workers}, concurrency {args.concurrency}, beat every {period:g} s")
    connections = os.environ.get("HRSUITE_OUTBOX_CONNECTIONS", "default")
    print(f"SMTP connections         {connections} a dispatcher; PIPELINING {not args.no_pipelining}")
    print(f"all sent after           {span:.1f} s from queueing")
    invitations = [r["sent_at"] for r in sent if r["template"] == "invitation"]
    rate = len(invitations) / (max(invitations) - min(invitations)).total_seconds()
    print(f"throughput               {rate:.0f} msg/s (the {len(invitations)} invitations, all due at once)")
    print(f"reminder lateness p50    {statistics.median(lateness):.2f} s")
    print(f"reminder lateness p99    {percentile(lateness, 99):.2f} s (max {max(lateness):.2f} s)")
    print(f"duplicates at SMTP       {duplicates}")
    print(f"misses (never received)  {missing}")


if __name__ == "__main__":
    main()
