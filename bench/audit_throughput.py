"""Audited reads per second with 1, 2 and 4 processes reading at once, against the database
bench/generate.py filled.

    DJANGO_SETTINGS_MODULE=config.settings.test \\
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hrsuite_bench \\
    .venv/bin/python bench/audit_throughput.py [--processes 1 2 4] [--seconds 20]

A benchmark, not a test: it prints a table and asserts nothing. Each process is a web worker of
its own: it reads HR candidate files (one page, several audit events, in one transaction as
ATOMIC_REQUESTS makes every request) through the whole Django stack with django.test.Client,
for the same wall-clock span as the others. Throughput that grows with processes shows that
audited requests do not run one at a time through a lock; on a machine with C cores it cannot
grow much past C processes whatever the locking. At the end the audit chain is verified.
"""

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
# bench/generate.py, next to this file
from generate import bench_usernames, use_bench_environment


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--processes", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--seconds", type=float, default=20.0, help="how long each round reads")
    parser.add_argument("--candidates", type=int, default=200, help="files read, in turn")
    parser.add_argument("--reader", type=float, help=argparse.SUPPRESS)  # SECONDS: one reader process
    args = parser.parse_args()
    use_bench_environment()
    if args.reader:
        read(seconds=args.reader, candidates=args.candidates)
        return
    print(f"audited reads of the HR candidate file, {args.seconds:.0f} s per round, {os.cpu_count()} CPUs")
    print(
        f"{'processes':>9} {'requests':>9} {'per second':>11} {'vs 1 process':>13} {'waiting on a lock':>18}"
    )
    alone = None
    for processes in args.processes:
        with LockWaits() as waits:
            done = round_of(processes, seconds=args.seconds, candidates=args.candidates)
        rate = done / args.seconds
        alone = alone or rate
        print(
            f"{processes:>9} {done:>9} {rate:>11.1f} {rate / alone:>12.2f}x {waits.share():>17.0%}",
            flush=True,
        )
    verify()


class LockWaits:
    """Samples, every 20 ms while a round runs, how many of the readers' database sessions are
    waiting for a lock: a CPU shared with other work hides scaling, not that."""

    def __enter__(self):
        import threading

        import psycopg

        self.sessions = self.waiting = 0
        self.stop = threading.Event()
        self.conn = psycopg.connect(os.environ["DATABASE_URL"], autocommit=True)
        self.thread = threading.Thread(target=self.sample, daemon=True)
        self.thread.start()
        return self

    def sample(self):
        query = (
            "SELECT count(*), count(*) FILTER (WHERE wait_event_type = 'Lock') FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid() AND state <> 'idle'"
        )
        while not self.stop.wait(0.02):
            sessions, waiting = self.conn.execute(query).fetchone()
            self.sessions += sessions
            self.waiting += waiting

    def share(self) -> float:
        return self.waiting / self.sessions if self.sessions else 0.0

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join()
        self.conn.close()


def round_of(processes: int, *, seconds: float, candidates: int) -> int:
    """Starts `processes` readers, lets them begin together once all have set Django up, and
    returns the requests they completed."""
    readers = [
        subprocess.Popen(  # noqa: S603
            [sys.executable, __file__, f"--reader={seconds}", f"--candidates={candidates}"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(processes)
    ]
    for reader in readers:
        reader.stdout.readline()  # "ready"
    start_at = time.time() + 0.5
    counts = [int(reader.communicate(f"{start_at}\n")[0].split()[-1]) for reader in readers]
    return sum(counts)


def read(*, seconds: float, candidates: int) -> None:
    """One reader: says it is ready, waits for the common start, reads files until the span ends,
    prints the count."""
    import django

    django.setup()
    from django.test import Client
    from django.urls import reverse

    from accounts.models import User
    from candidates.models import Candidate

    client = Client()
    client.force_login(User.objects.get(username=bench_usernames(0)["recruiter"][0]))
    urls = [
        reverse("hr-candidate", args=[pk])
        for pk in Candidate.objects.order_by("pk").values_list("pk", flat=True)[:candidates]
    ]
    client.get(urls[0])  # warm: templates, translations, the first queries
    print("ready", flush=True)
    start_at = float(sys.stdin.readline())
    time.sleep(max(0.0, start_at - time.time()))
    done, end = 0, start_at + seconds
    while time.time() < end:
        response = client.get(urls[(os.getpid() + done) % len(urls)])
        if response.status_code != 200:
            raise SystemExit(f"{response.status_code} from {response.request['PATH_INFO']}")
        done += 1
    print(done, flush=True)


def verify() -> None:
    import django

    django.setup()
    from audit.services import audit_verify

    checked, broken = audit_verify()
    verdict = "intact" if broken is None else f"BROKEN at #{broken.seq}: {broken.reason}"
    print(f"audit chain {verdict} ({checked:,} events)")


if __name__ == "__main__":
    main()
