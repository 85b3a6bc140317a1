"""Reminders through crashing workers: real Celery workers and beat on PostgreSQL and Redis, an
SMTP sink, and a worker killed with SIGKILL a few times while reminders fall due.

    .venv/bin/python bench/worker_kill.py [--reminders 2000] [--workers 2] [--kills 3]

Needs PostgreSQL and Redis (DATABASE_URL, default .../hrsuite_bench_worker_kill, dropped and made
again; REDIS_URL, default redis://127.0.0.1:6379/3, flushed). Beat runs in a process of its own
(as in production); each worker runs one process. The reminders fall due evenly over `--spread`
seconds starting `--lead` seconds after queueing; during that minute a worker (in turn) is killed
with its whole process group, as a machine or container dies, and started again `--restart`
seconds later, as its supervisor would. With `--workers 1` the one worker is the one that dies.
Prints reminder lateness (sent_at - due_at) p50/p99/max, duplicates at the SMTP server (a
Message-ID received more than once) against their bound, and misses. A killed worker runs one
dispatcher, which resends at most one message per SMTP connection (HRSUITE_OUTBOX_CONNECTIONS,
docs/architecture.md, "Notifications"): at most kills x connections duplicates.
"""

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/hrsuite_bench_worker_kill")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/3")
os.environ.setdefault("CELERY_BROKER_URL", os.environ["REDIS_URL"])

from bench.outbox import percentile, seed, start_with_sink  # noqa: E402


class Worker:
    """One `celery worker` process group, killed and started again."""

    def __init__(self, name: str, env: dict):
        self.name, self.env, self.process = name, env, None

    def start(self) -> None:
        command = [sys.executable, "-m", "celery", "-A", "config", "worker", "-n", f"{self.name}@%h"]
        command += ["--concurrency=1", "--loglevel=ERROR", "--without-gossip", "--without-mingle"]
        self.process = subprocess.Popen(command, cwd=ROOT, env=self.env, start_new_session=True)  # noqa: S603

    def kill(self) -> None:
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reminders", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--kills", type=int, default=3)
    parser.add_argument("--lead", type=int, default=30, help="seconds until the first reminder is due")
    parser.add_argument("--spread", type=int, default=60, help="seconds over which reminders fall due")
    parser.add_argument("--restart", type=float, default=3.0, help="seconds before a killed worker restarts")
    parser.add_argument("--timeout", type=int, default=600)
    args = parser.parse_args()

    env, sink, stop, result = start_with_sink(log_level="ERROR")
    from django.conf import settings

    from notifications.models import Notification
    from notifications.rendering import message_id

    workers = [Worker(f"bench{n}", env) for n in range(args.workers)]
    schedule = Path(tempfile.mkdtemp(prefix="hrsuite-bench-")) / "beat-schedule"
    beat_command = [sys.executable, "-m", "celery", "-A", "config", "beat", "-s", str(schedule)]
    beat = subprocess.Popen([*beat_command, "--loglevel=ERROR"], cwd=ROOT, env=env, start_new_session=True)  # noqa: S603
    for worker in workers:
        worker.start()
    try:
        print(f"queueing {args.reminders} reminders ...", flush=True)
        _queued_at, first_due = seed(args.reminders, spread=args.spread, lead=args.lead, invitations=False)
        started = time.monotonic()
        # Kills spread over the minute the reminders fall due, each worker in turn.
        kill_at = [args.lead + args.spread * (k + 0.5) / args.kills for k in range(args.kills)]
        for k, at in enumerate(kill_at):
            time.sleep(max(0.0, at - (time.monotonic() - started)))
            worker = workers[k % len(workers)]
            sending = Notification.objects.filter(status="sending").count()
            print(f"  t+{at:.0f} s: kill -9 {worker.name} ({sending} rows being sent)", flush=True)
            worker.kill()
            time.sleep(args.restart)
            worker.start()
        deadline = time.monotonic() + args.timeout
        while time.monotonic() < deadline:
            left = Notification.objects.filter(status__in=["pending", "sending"]).count()
            print(f"  {args.reminders - left}/{args.reminders} done", flush=True)
            if not left:
                break
            time.sleep(5)
    finally:
        for worker in workers:
            worker.stop()
        os.killpg(beat.pid, signal.SIGTERM)
        beat.wait(30)
        stop.set()
        received = result.get(timeout=30)
        sink.join(10)

    rows = list(Notification.objects.values("status", "due_at", "sent_at", "attempts", "idempotency_key"))
    sent = [r for r in rows if r["status"] == "sent"]
    expected = {message_id(Notification(idempotency_key=r["idempotency_key"])) for r in rows}
    duplicates = sum(n - 1 for n in received.values() if n > 1)
    lateness = [(r["sent_at"] - r["due_at"]).total_seconds() for r in sent]
    statuses = {s: sum(1 for r in rows if r["status"] == s) for s in {r["status"] for r in rows}}
    print()
    print(f"reminders                {len(rows)} due over {args.spread} s ({statuses})")
    print(f"workers                  {args.workers}, {args.kills} kill -9, restarted after {args.restart} s")
    print(f"SMTP connections         {settings.HRSUITE_OUTBOX_CONNECTIONS} a dispatcher")
    print(f"reminder lateness p50    {statistics.median(lateness):.2f} s")
    print(f"reminder lateness p99    {percentile(lateness, 99):.2f} s (max {max(lateness):.2f} s)")
    print(f"sent on a later attempt  {sum(1 for r in sent if r['attempts'] > 1)}")
    connections = settings.HRSUITE_OUTBOX_CONNECTIONS
    bound = args.kills * connections
    print(f"duplicates at SMTP       {duplicates} (at most {bound}: {args.kills} kills x {connections})")
    if duplicates > bound:
        print(f"BOUND EXCEEDED           {duplicates} > {bound}")
    print(f"misses (never received)  {len(expected - set(received))}")
    print(f"first due                {first_due:%H:%M:%S} UTC")


if __name__ == "__main__":
    main()
